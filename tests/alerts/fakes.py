"""Small stand-ins shared by the alert tests: a fake `eql.Result`, a rule, two events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from relaywatch.alerts import AlertContext
from relaywatch.records import Provenance, Record
from relaywatch.rules.model import Location, Pivot, Provider, Rule

RUN_TIME = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


@dataclass(frozen=True)
class FakeResult:
    """The fields of `eql.Result` the alert builder reads."""

    events: list[Mapping[str, Any] | None]
    join_keys: list[Any] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)


def context(**options: Any) -> AlertContext:
    return AlertContext(run_time=options.pop("run_time", RUN_TIME), **options)


def pivot(label: str, *groups: tuple[tuple[str, str], ...], start: str = "now-1h") -> Pivot:
    providers = tuple(tuple(Provider(f, v) for f, v in group) for group in groups)
    return Pivot("investigate", label, {}, Location("rule.toml", 1), "", providers, start, "now")


def rule(**overrides: Any) -> Rule:
    values: dict[str, Any] = {
        "rule_id": "00000000-1111-2222-3333-444444444444",
        "name": "Relay Test Rule",
        "description": "A rule for tests.",
        "query": "sequence by winlog.computer_name [file where true] [authentication where true]",
        "source": Location("rule.toml", 1),
        "severity": "high",
        "risk_score": 73,
        "version": 4,
        "interval": "5m",
        "from_": "now-9m",
        "timestamp_override": "event.ingested",
        "index": ("logs-system.security*", "winlogbeat-*"),
        "tags": ("OS: Windows", "Tactic: Credential Access"),
        "references": ("https://example.test/ref",),
        "metadata": {"creation_date": "2025/06/18", "updated_date": "2026/04/22"},
        "pivots": (
            pivot(
                "Logons from this source",
                (
                    ("event.code", "4624"),
                    ("host.name", "{{host.name}}"),
                    ("source.ip", "{{source.ip}}"),
                ),
            ),
        ),
    }
    values.update(overrides)
    return Rule(**values)


def pipe_event(**overrides: Any) -> dict[str, Any]:
    """A 5145 named-pipe access by a remote user, shaped like a Winlogbeat ECS document."""
    doc: dict[str, Any] = {
        "@timestamp": "2026-02-27T09:15:02.4471234Z",
        "event": {
            "action": "network-share-object-access-checked",
            "category": ["network", "file"],
            "code": "5145",
            "kind": "event",
            "provider": "Microsoft-Windows-Security-Auditing",
            "type": ["info", "access"],
        },
        "file": {"name": "efsrpc", "path": "\\efsrpc"},
        "host": {"name": "DC01.corp.example", "os": {"type": "windows"}},
        "source": {"ip": "10.20.30.40", "port": 49822},
        "user": {"name": "mallory", "domain": "CORP"},
        "winlog": {
            "channel": "Security",
            "computer_name": "DC01.corp.example",
            "record_id": "5001",
            "event_data": {"ShareName": "\\\\*\\IPC$", "RelativeTargetName": "efsrpc"},
        },
    }
    doc.update(overrides)
    return doc


def logon_event(**overrides: Any) -> dict[str, Any]:
    """A 4624 NTLM network logon of the host's own machine account from the same source."""
    doc: dict[str, Any] = {
        "@timestamp": "2026-02-27T09:15:03.0012345Z",
        "event": {
            "action": "logged-in",
            "category": ["authentication"],
            "code": "4624",
            "kind": "event",
            "outcome": "success",
            "provider": "Microsoft-Windows-Security-Auditing",
            "type": ["start"],
        },
        "host": {"name": "DC01.corp.example", "os": {"type": "windows"}},
        "source": {"ip": "10.20.30.40", "port": 49830},
        "user": {"name": "DC01$", "domain": "CORP"},
        "winlog": {
            "channel": "Security",
            "computer_name": "DC01.corp.example",
            "record_id": "5002",
            "logon": {"type": "Network"},
            "event_data": {"AuthenticationPackageName": "NTLM"},
        },
    }
    doc.update(overrides)
    return doc


def record(doc: Mapping[str, Any], position: int, **prov: Any) -> Record:
    return Record(dict(doc), Provenance(prov.pop("source", "logs/Security.evtx"), position, **prov))
