"""One readable row per alert: what the terminal table and the CSV show.

A sequence is shown as one row (its shell) with the details gathered from its building
blocks: the accounts in stage order ("mallory -> DC01$") and the pipe or share the first
stage touched, because the shell only keeps what all stages share. Building blocks are
hidden by default, as in Kibana's alert table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from relaywatch.alerts.fieldpath import get_path, values_of

Alert = Mapping[str, Any]

KIND_SINGLE = "alert"
KIND_SEQUENCE = "sequence"
KIND_BLOCK = "building-block"


@dataclass(frozen=True, slots=True)
class AlertRow:
    """The fields an analyst scans first."""

    kind: str
    id: str
    group_id: str
    time: str
    severity: str
    risk_score: str
    rule: str
    rule_id: str
    host: str
    source_ip: str
    account: str
    object: str
    reason: str


def kind_of(alert: Alert) -> str:
    if alert.get("kibana.alert.group.index") is not None:
        return KIND_BLOCK
    if alert.get("kibana.alert.group.id") is not None:
        return KIND_SEQUENCE
    return KIND_SINGLE


def alert_rows(alerts: Sequence[Alert], building_blocks: bool = False) -> list[AlertRow]:
    """Rows in input order; a shell's details come from the blocks of its group."""
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        if kind_of(alert) == KIND_BLOCK:
            groups.setdefault(str(alert["kibana.alert.group.id"]), []).append(alert)
    rows = []
    for alert in alerts:
        kind = kind_of(alert)
        if kind == KIND_BLOCK and not building_blocks:
            continue
        members = (
            groups.get(str(alert.get("kibana.alert.uuid")), [])
            if kind == KIND_SEQUENCE
            else [alert]
        )
        rows.append(_row(alert, kind, members or [alert]))
    return rows


def _row(alert: Alert, kind: str, members: Sequence[Alert]) -> AlertRow:
    return AlertRow(
        kind=kind,
        id=_text(alert.get("kibana.alert.uuid")),
        group_id=_text(alert.get("kibana.alert.group.id")),
        time=min((_text(m.get("kibana.alert.original_time")) for m in members), default=""),
        severity=_text(alert.get("kibana.alert.severity")),
        risk_score=_text(alert.get("kibana.alert.risk_score")),
        rule=_text(alert.get("kibana.alert.rule.name")),
        rule_id=_text(alert.get("kibana.alert.rule.rule_id")),
        host=_unique(_all(members, "host.name")),
        source_ip=_unique(_all(members, "source.ip")),
        account=_unique(_all(members, "user.name"), " -> "),
        object=_unique(_object(member) for member in members),
        reason=_text(alert.get("kibana.alert.reason")),
    )


def _object(alert: Alert) -> str:
    """The share and pipe or file a 5140/5145 names (`\\\\*\\IPC$\\efsrpc`), else file.name."""
    share = get_path(alert, "winlog.event_data.ShareName")
    target = get_path(alert, "winlog.event_data.RelativeTargetName")
    if share and target:
        return f"{share}\\{str(target).lstrip(chr(92))}"
    return _text(share or get_path(alert, "file.name"))


def _all(members: Sequence[Alert], path: str) -> Iterator[Any]:
    return (value for member in members for value in values_of(member, path))


def _unique(values: Iterable[Any], separator: str = ", ") -> str:
    """Distinct non-empty values in first-seen order."""
    texts = (_text(value) for value in values)
    return separator.join(dict.fromkeys(text for text in texts if text))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return str(value)
