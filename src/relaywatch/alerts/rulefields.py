"""The `kibana.alert.rule.*` fields: a copy of the rule on every alert.

Kibana's `buildAlertFields` (`factories/utils/build_alert.ts`) copies the rule's parameters,
in snake_case, to `kibana.alert.rule.parameters`, and most of them again as flat
`kibana.alert.rule.<name>` fields; the alerting framework adds the rule-type fields
(consumer, producer, rule_type_id, category, revision). Values Kibana leaves `undefined`
(a rule without `timestamp_override`, a non-building-block rule) are absent from the JSON
it writes, so they are omitted here too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relaywatch.alerts.context import AlertContext
from relaywatch.alerts.timefmt import iso_millis
from relaywatch.rules.guide import render_note
from relaywatch.rules.model import Rule

# The EQL rule type as the alerting framework registers it.
RULE_TYPE_FIELDS: dict[str, Any] = {
    "kibana.alert.rule.consumer": "siem",
    "kibana.alert.rule.producer": "siem",
    "kibana.alert.rule.rule_type_id": "siem.eqlRule",
    "kibana.alert.rule.category": "Event Correlation Rule",
    "kibana.alert.rule.revision": 0,
}

# Parameters copied to both `parameters.<name>` and `kibana.alert.rule.<name>`.
_SHARED = (
    "author",
    "description",
    "exceptions_list",
    "false_positives",
    "from",
    "immutable",
    "license",
    "max_signals",
    "note",
    "references",
    "risk_score_mapping",
    "rule_id",
    "severity_mapping",
    "threat",
    "timeline_id",
    "timeline_title",
    "timestamp_override",
    "to",
    "type",
    "version",
)


def rule_parameters(rule: Rule) -> dict[str, Any]:
    """`kibana.alert.rule.parameters`: the rule's parameters in snake_case."""
    params: dict[str, Any] = {
        "description": rule.description,
        "risk_score": rule.risk_score,
        "severity": rule.severity,
        "license": rule.license,
        "author": list(rule.author),
        "false_positives": list(rule.false_positives),
        "from": rule.from_,
        "rule_id": rule.rule_id,
        "max_signals": rule.max_signals,
        "risk_score_mapping": [],
        "severity_mapping": [],
        "threat": [threat.to_kibana() for threat in rule.threat],
        "to": rule.to,
        "references": list(rule.references),
        "version": rule.version,
        "exceptions_list": [dict(item) for item in rule.exceptions_list],
        # Rules run by relaywatch are not installed from Kibana's prebuilt package.
        "immutable": False,
        "rule_source": {"type": "internal"},
        "related_integrations": [dict(item) for item in rule.related_integrations],
        "required_fields": [field.to_kibana() for field in rule.required_fields],
        "setup": rule.setup,
        "type": rule.type,
        "language": rule.language,
        "index": list(rule.index),
        "query": rule.query,
        "filters": [],
        "note": render_note(rule.note, rule.pivots) if rule.note else None,
        "building_block_type": rule.building_block_type,
        "timestamp_override": rule.timestamp_override,
        "event_category_override": rule.event_category_override,
        "tiebreaker_field": rule.tiebreaker_field,
        "timestamp_field": rule.timestamp_field,
        "timeline_id": rule.timeline_id,
        "timeline_title": rule.timeline_title,
    }
    if rule.investigation_fields:
        params["investigation_fields"] = {"field_names": list(rule.investigation_fields)}
    return {key: value for key, value in params.items() if value is not None}


def rule_fields(rule: Rule, context: AlertContext) -> dict[str, Any]:
    """Every `kibana.alert.rule.*` field of an alert raised by `rule`."""
    params = rule_parameters(rule)
    fields: dict[str, Any] = {"kibana.alert.rule.parameters": params}
    fields["kibana.alert.rule.actions"] = []
    for name in _SHARED:
        if name in params:
            fields[f"kibana.alert.rule.{name}"] = params[name]
    created = _metadata_date(rule, "creation_date") or iso_millis(context.run_time)
    fields |= {
        "kibana.alert.rule.created_at": created,
        "kibana.alert.rule.created_by": "",
        "kibana.alert.rule.updated_at": _metadata_date(rule, "updated_date") or created,
        "kibana.alert.rule.updated_by": "",
        "kibana.alert.rule.enabled": rule.enabled,
        "kibana.alert.rule.interval": rule.interval,
        "kibana.alert.rule.indices": list(rule.index),
        "kibana.alert.rule.name": rule.name,
        "kibana.alert.rule.tags": list(rule.tags),
        "kibana.alert.rule.uuid": rule.uuid,
        "kibana.alert.rule.risk_score": rule.risk_score,
        "kibana.alert.rule.severity": rule.severity,
    }
    if rule.building_block_type is not None:
        fields["kibana.alert.rule.building_block_type"] = rule.building_block_type
    return fields | RULE_TYPE_FIELDS


def _metadata_date(rule: Rule, key: str) -> str | None:
    """A detection-rules `[metadata]` date (YYYY/MM/DD) as ISO-8601, when present and valid.

    Kibana would show when the rule was installed; the rule's own dates are the stable
    stand-in (the run time would change the alert on every run)."""
    value = rule.metadata.get(key)
    if not isinstance(value, str):
        return None
    try:
        return iso_millis(datetime.strptime(value, "%Y/%m/%d").replace(tzinfo=UTC))
    except ValueError:
        return None
