"""Kibana's rule formats: the rules export (NDJSON) and the prebuilt package JSON.

An export has one rule object per line, then a summary line (`exported_count`), and may carry
exception lists and items when exported with them; those are not rules and are reported as
notes. The package JSON (elastic/integrations `security_detection_engine`) wraps the rule in
`{"attributes": {...}, "type": "security-rule"}`. `to_kibana` writes a rule back in the export
form, so a rule round-trips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from relaywatch.errors import RuleError
from relaywatch.rules.build import Origin, build_rule
from relaywatch.rules.guide import render_note
from relaywatch.rules.model import Location, Rule
from relaywatch.rules.problems import RuleProblemError

# Lines of an export that are not rules, by a key only they carry.
# An exception item also carries its list's `list_id`, so `item_id` is looked at first.
NOT_RULES = {
    "exported_count": "export summary",
    "item_id": "exception list item",
    "list_id": "exception list",
    "action_connectors": "action connector",
}


def load_ndjson(path: str, text: str) -> Iterator[Rule | str | RuleError]:
    """Rules of a Kibana export, one per line; non-rule lines come back as note strings."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield _one_line(path, number, line)
            except RuleError as error:
                yield error


def _one_line(path: str, number: int, line: str) -> Rule | str:
    where = Location(path, number)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise RuleProblemError(
            where, f"invalid JSON at column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(obj, dict):
        raise RuleProblemError(where, "each line of a rule export must be a JSON object")
    other = _not_a_rule(obj)
    if other:
        return f"{where}: {other}, not a rule"
    return _rule(obj, where, lambda _key: number, obj.get("id", ""))


def load_json(path: str, text: str) -> Iterator[Rule | str | RuleError]:
    """A package JSON rule, a bare rule object, or a JSON array of rule objects."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        yield RuleProblemError(Location(path, error.lineno), f"invalid JSON: {error.msg}")
        return
    for item in obj if isinstance(obj, list) else [obj]:
        try:
            yield _package_item(path, text, item)
        except RuleError as error:
            yield error


def _package_item(path: str, text: str, obj: object) -> Rule | str:
    if not isinstance(obj, dict):
        raise RuleProblemError(Location(path, 1), "a rule must be a JSON object")
    other = _not_a_rule(obj.get("attributes", obj))
    if other:
        return f"{path}: {other}, not a rule"
    return _package_rule(path, text, obj)


def _package_rule(path: str, text: str, obj: dict[str, Any]) -> Rule:
    attributes = obj.get("attributes")
    # The package's own `id` is "<rule_id>_<version>", not a rule uuid: derive one instead.
    params, uuid = (attributes, "") if isinstance(attributes, dict) else (obj, obj.get("id", ""))
    return _rule(params, Location(path, 1), lambda key: _json_key_line(text, key), uuid)


def _rule(
    params: Mapping[str, Any], where: Location, line_of: Callable[[str], int], uuid: object
) -> Rule:
    origin = Origin(
        source=where,
        line_of=line_of,
        query_line=line_of("query"),
        note_line=line_of("note"),
        setup_line=line_of("setup"),
        uuid=uuid if isinstance(uuid, str) and _looks_like_uuid(uuid) else "",
    )
    return build_rule(params, origin)


def _not_a_rule(obj: Mapping[str, Any]) -> str | None:
    if "rule_id" in obj:
        return None
    known = next((what for key, what in NOT_RULES.items() if key in obj), None)
    if known is None and not _RULE_KEYS & obj.keys():
        # Neither a rule nor anything Kibana exports (e.g. a metadata file next to rules).
        return "JSON object without rule_id, query or attributes"
    return known


_RULE_KEYS = {"rule_id", "query", "attributes", "type", "name"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _looks_like_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def _json_key_line(text: str, key: str) -> int:
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def to_kibana(rule: Rule) -> dict[str, Any]:
    """The rule as one object of a Kibana rules export (note with inline pivots)."""
    out: dict[str, Any] = {
        "id": rule.uuid,
        "rule_id": rule.rule_id,
        "name": rule.name,
        "description": rule.description,
        "type": rule.type,
        "language": rule.language,
        "query": rule.query,
        "index": list(rule.index),
        "severity": rule.severity,
        "risk_score": rule.risk_score,
        "version": rule.version,
        "interval": rule.interval,
        "from": rule.from_,
        "to": rule.to,
        "max_signals": rule.max_signals,
        "enabled": rule.enabled,
        "author": list(rule.author),
        "license": rule.license,
        "tags": list(rule.tags),
        "references": list(rule.references),
        "false_positives": list(rule.false_positives),
        "threat": [threat.to_kibana() for threat in rule.threat],
        "note": render_note(rule.note, rule.pivots),
        "setup": rule.setup,
        "related_integrations": [dict(item) for item in rule.related_integrations],
        "required_fields": [item.to_kibana() for item in rule.required_fields],
        "exceptions_list": [dict(item) for item in rule.exceptions_list],
    }
    optional = {
        "timestamp_override": rule.timestamp_override,
        "event_category_override": rule.event_category_override,
        "tiebreaker_field": rule.tiebreaker_field,
        "timestamp_field": rule.timestamp_field,
        "building_block_type": rule.building_block_type,
        "timeline_id": rule.timeline_id,
        "timeline_title": rule.timeline_title,
    }
    out.update({key: value for key, value in optional.items() if value is not None})
    if rule.investigation_fields:
        out["investigation_fields"] = {"field_names": list(rule.investigation_fields)}
    return out
