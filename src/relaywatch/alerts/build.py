"""Kibana-compatible alert documents from one rule match.

Reproduces elastic/kibana `rule_types/` (security_solution detection engine):

- a single-event match becomes one alert (`factories/wrap_hits.ts` ->
  `transformHitToAlert` -> `buildAlertFields`): the source event's own fields, with
  `event.kind` replaced by "signal", plus the `kibana.alert.*` fields;
- a sequence of N events becomes N building-block alerts and one shell alert
  (`eql/build_alert_group_from_sequence.ts`): missing-event positions (`!` stages) are
  skipped, each building block gets `building_block_type: "default"` and
  `kibana.alert.group.{id,index}`, and the shell carries the fields its members share.

A document that is itself an alert of the same rule is not alerted on again (Kibana drops any
hit whose ancestors include the rule). relaywatch additions live under `relaywatch.*`
(docs/alerts.md): the provenance of each source event and the filled-in pivot queries.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from relaywatch.alerts.context import AlertContext
from relaywatch.alerts.fieldpath import flatten, get_path
from relaywatch.alerts.identity import (
    Ancestor,
    SourceRef,
    building_block_ids,
    shell_alert_id,
    single_alert_id,
    source_ref,
)
from relaywatch.alerts.intersection import intersect_all
from relaywatch.alerts.pivots import fill_pivots, rule_run_time
from relaywatch.alerts.reason import build_reason
from relaywatch.alerts.rulefields import rule_fields
from relaywatch.alerts.timefmt import iso_millis, parse_time
from relaywatch.records import Record
from relaywatch.rules.model import Rule

Alert = dict[str, Any]


class EqlResult(Protocol):
    """What the alert builder reads from an `eql.Result`."""

    @property
    def events(self) -> Sequence[Mapping[str, Any] | None]: ...


@dataclass(frozen=True, slots=True)
class _Member:
    """One present event of a match, with its record and identity."""

    doc: Mapping[str, Any]
    record: Record
    ref: SourceRef
    ancestors: tuple[Ancestor, ...]


def build_alerts(
    rule: Rule,
    result: EqlResult,
    records: Sequence[Record | None],
    context: AlertContext,
) -> list[Alert]:
    """The alert documents for one match; for a sequence the shell, then its building
    blocks in stage order (`wrapSequences` pushes `shellAlert, ...buildingBlocks`).

    `records[i]` is the record of `result.events[i]` (None where the event is a missing
    position of a sequence); the engine's `tags` are these records when `scan` feeds them.
    """
    if len(records) != len(result.events):
        raise ValueError(
            f"{len(records)} records for a match of {len(result.events)} events: "
            "records must line up with result.events"
        )
    members = _members(result.events, records, context)
    if any(ancestor.rule == rule.uuid for m in members for ancestor in m.ancestors):
        return []
    if _is_sequence(result):
        return _sequence_alerts(rule, members, context)
    return [_single_alert(rule, members[0], context)]


def _is_sequence(result: EqlResult) -> bool:
    # EQL sequences have at least two stages; a plain event query yields one event.
    return len(result.events) != 1 or result.events[0] is None


def _members(
    events: Sequence[Mapping[str, Any] | None],
    records: Sequence[Record | None],
    context: AlertContext,
) -> list[_Member]:
    members = []
    for doc, record in zip(events, records, strict=True):
        if doc is None:
            continue
        if record is None:
            raise ValueError("a present event of a match has no record")
        ref = source_ref(record, context.source_index)
        members.append(_Member(doc, record, ref, _ancestors(doc, ref)))
    return members


def _ancestors(doc: Mapping[str, Any], ref: SourceRef) -> tuple[Ancestor, ...]:
    """`buildAncestors`: the document's own ancestors (when it is an alert) plus itself."""
    existing = get_path(doc, "kibana.alert.ancestors")
    earlier = [_ancestor(item) for item in existing] if isinstance(existing, list) else []
    if get_path(doc, "kibana.alert.uuid") is None:
        return (*earlier, Ancestor(ref.id, ref.index))
    depth = get_path(doc, "kibana.alert.depth")
    rule = get_path(doc, "kibana.alert.rule.uuid")
    parent = Ancestor(
        ref.id,
        ref.index,
        type="signal",
        depth=depth if isinstance(depth, int) else 1,
        rule=str(rule) if rule is not None else None,
    )
    return (*earlier, parent)


def _ancestor(item: Any) -> Ancestor:
    """An ancestor entry read back from an alert document (tolerating malformed entries)."""
    data = item if isinstance(item, Mapping) else {}
    rule, depth = data.get("rule"), data.get("depth")
    return Ancestor(
        id=str(data.get("id", "")),
        index=str(data.get("index", "")),
        type=str(data.get("type", "event")),
        depth=depth if isinstance(depth, int) and not isinstance(depth, bool) else 0,
        rule=str(rule) if rule is not None else None,
    )


def _alert_fields(
    rule: Rule,
    context: AlertContext,
    parents: Sequence[tuple[Ancestor, ...]],
    reason: str,
    original_time: datetime | None,
) -> Alert:
    """`buildAlertFields` for an alert whose parents have the given ancestor chains."""
    ancestors = [ancestor for chain in parents for ancestor in chain]
    depth = max((chain[-1].depth for chain in parents), default=0) + 1
    timestamp = iso_millis(context.run_time)
    fields: Alert = {
        "@timestamp": timestamp,
        "kibana.space_ids": [context.space_id],
        "event.kind": "signal",
        "kibana.alert.original_time": iso_millis(original_time) if original_time else None,
        "kibana.alert.ancestors": [ancestor.to_kibana() for ancestor in ancestors],
        "kibana.alert.status": "active",
        "kibana.alert.workflow_status": "open",
        "kibana.alert.depth": depth,
        "kibana.alert.reason": reason,
        "kibana.alert.building_block_type": rule.building_block_type,
        "kibana.alert.severity": rule.severity,
        "kibana.alert.risk_score": rule.risk_score,
        **rule_fields(rule, context),
        "kibana.alert.workflow_tags": [],
        "kibana.alert.workflow_assignee_ids": [],
        "kibana.alert.intended_timestamp": timestamp,
        "kibana.alert.rule.execution.type": "scheduled",
        "kibana.alert.rule.execution.timestamp": timestamp,
        "kibana.alert.rule.execution.uuid": context.execution_uuid,
        "kibana.alert.start": timestamp,
        "kibana.alert.last_detected": timestamp,
        "kibana.version": context.kibana_version,
    }
    return {key: value for key, value in fields.items() if value is not None}


# Source fields Kibana copies a second time under `kibana.alert.*`: every `event.*` value
# (`additionalAlertFields`) and, from 8.19, `data_stream.*` (alert field map 8.19.0: the
# alerts index maps these as keyword, where ECS data streams use constant_keyword).
COPIED_SOURCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("event.", "kibana.alert.original_event."),
    ("data_stream.", "kibana.alert.original_data_stream."),
)


def _source_fields(doc: Mapping[str, Any]) -> Alert:
    """The source event as the alert carries it: a copy without its own `event.kind`, plus
    the copies of COPIED_SOURCE_FIELDS."""
    source: Alert = copy.deepcopy(dict(doc))
    event = source.get("event")
    if isinstance(event, dict):
        event.pop("kind", None)
    source.pop("event.kind", None)
    for path, value in flatten(doc):
        for prefix, target in COPIED_SOURCE_FIELDS:
            if path.startswith(prefix):
                source[target + path[len(prefix) :]] = value
    return source


def _transform(rule: Rule, member: _Member, context: AlertContext, uuid: str) -> Alert:
    """`transformHitToAlert`: source fields merged with the alert fields."""
    reason = build_reason(rule.name, rule.severity, member.doc)
    original_time = parse_time(get_path(member.doc, "@timestamp"))
    alert = _source_fields(member.doc)
    alert |= _alert_fields(rule, context, [member.ancestors], reason, original_time)
    alert["kibana.alert.uuid"] = uuid
    return alert


def _single_alert(rule: Rule, member: _Member, context: AlertContext) -> Alert:
    uuid = single_alert_id(member.ref, context.space_id, rule.uuid)
    alert = _transform(rule, member, context, uuid)
    _add_url(alert, uuid, context)
    alert["relaywatch"] = _extension([member], rule, alert, context)
    return alert


def _sequence_alerts(rule: Rule, members: list[_Member], context: AlertContext) -> list[Alert]:
    blocks = [_transform(rule, member, context, "") for member in members]
    ids = building_block_ids([member.ancestors for member in members], rule.uuid)
    for block, uuid in zip(blocks, ids, strict=True):
        block["kibana.alert.uuid"] = uuid
    shell = _shell_alert(rule, members, blocks, ids, context)
    for index, (block, member) in enumerate(zip(blocks, members, strict=True)):
        block["kibana.alert.building_block_type"] = "default"
        block["kibana.alert.group.id"] = shell["kibana.alert.group.id"]
        block["kibana.alert.group.index"] = index
        _add_url(block, block["kibana.alert.uuid"], context)
        block["relaywatch"] = {"source": [_provenance(member)]}
    return [shell, *blocks]


def _shell_alert(
    rule: Rule,
    members: list[_Member],
    blocks: list[Alert],
    ids: list[str],
    context: AlertContext,
) -> Alert:
    """`buildAlertRoot`: the members' shared fields plus alert fields over the blocks."""
    # Each block is a parent of the shell: its chain is the event's chain plus the block.
    parents = [
        (*member.ancestors, Ancestor(uuid, "", type="signal", depth=1, rule=rule.uuid))
        for member, uuid in zip(members, ids, strict=True)
    ]
    # Kibana reads the shell's original time from its first parent, which is a building
    # block whose `@timestamp` is the run time (see docs/alerts.md).
    placeholder = _alert_fields(rule, context, parents, "", context.run_time)
    merged = intersect_all([_shareable(block, placeholder) for block in blocks]) or {}
    fields = _alert_fields(
        rule, context, parents, build_reason(rule.name, rule.severity, merged), context.run_time
    )
    uuid = shell_alert_id([a for chain in parents for a in chain], rule.uuid)
    shell: Alert = {**merged, **fields, "kibana.alert.uuid": uuid, "kibana.alert.group.id": uuid}
    _add_url(shell, uuid, context)
    shell["relaywatch"] = _extension(members, rule, shell, context)
    return shell


def _shareable(block: Alert, shell_fields: Alert) -> Alert:
    """A block without the fields the shell sets itself (they would be overwritten)."""
    skip = {*shell_fields, "kibana.alert.uuid", "relaywatch"}
    return {key: value for key, value in block.items() if key not in skip}


def _event_time(member: _Member) -> datetime | None:
    return parse_time(get_path(member.doc, "@timestamp"))


def _add_url(alert: Alert, uuid: str, context: AlertContext) -> None:
    """`kibana.alert.url` (`getAlertDetailsUrl`), only with a public base URL, as in Kibana."""
    if not context.public_base_url:
        return
    space = "" if context.space_id == "default" else f"/s/{context.space_id}"
    alert["kibana.alert.url"] = (
        f"{context.public_base_url.rstrip('/')}{space}/app/security/alerts/redirect/{uuid}"
        f"?index={context.alerts_index}&timestamp={alert['@timestamp']}"
    )


def _provenance(member: _Member) -> dict[str, Any]:
    prov = member.record.provenance
    return {
        "file": prov.source,
        "position": prov.position,
        "index": member.ref.index,
        "id": member.ref.id,
    }


def _extension(members: list[_Member], rule: Rule, alert: Alert, context: AlertContext) -> Alert:
    """The `relaywatch` object: where each source event came from, and the ready pivots."""
    times = [time for time in map(_event_time, members) if time is not None]
    anchor = rule_run_time(max(times), rule.interval) if times else context.run_time
    return {
        "source": [_provenance(member) for member in members],
        "investigate": fill_pivots(rule.investigations, alert, anchor),
    }
