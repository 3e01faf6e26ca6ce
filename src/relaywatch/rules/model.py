"""The rule model: one frozen `Rule` per detection rule, whatever file format it came from.

A `Rule` holds everything Kibana copies into an alert (`kibana.alert.rule.*`) plus the
investigation guide as structured data (steps, pivot queries, false-positive guidance,
response steps, setup requirements), each piece with the file and line it came from.

Field names follow Kibana's rule parameters (snake_case, as in `kibana.alert.rule.parameters`);
`from` is a Python keyword and is spelled `from_`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = Mapping[str, Any]

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")

# Kibana's defaults for parameters a rule file may leave out (detection-rules `rule.py`:
# `self.interval or "5m"`; docs-content common-rule-settings.md: max signals "Default is 100";
# a rule created in Kibana starts at version 1 and `to` is always "now").
DEFAULT_INTERVAL = "5m"
DEFAULT_FROM = "now-6m"
DEFAULT_TO = "now"
DEFAULT_MAX_SIGNALS = 100
DEFAULT_VERSION = 1

# Kibana gives every installed rule a random saved-object id (`kibana.alert.rule.uuid`). An
# offline run has no installation, so the id is derived from the rule_id instead: the same rule
# always gets the same uuid, hence the same alert ids. A Kibana export that carries its own `id`
# keeps it, so alerts line up with that installation.
RULE_UUID_NAMESPACE = uuid.UUID("6f0d9a7e-52c1-4f53-9d8c-2a1f4a7b1e01")


def rule_uuid(rule_id: str) -> str:
    """The deterministic `kibana.alert.rule.uuid` of a rule: uuid5(RULE_UUID_NAMESPACE, rule_id)."""
    return str(uuid.uuid5(RULE_UUID_NAMESPACE, rule_id))


@dataclass(frozen=True, slots=True)
class Location:
    """A file and 1-based line (0 when unknown)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def at(self, line: int) -> Location:
        return Location(self.path, line)


@dataclass(frozen=True, slots=True)
class Provider:
    """One term of a pivot query (Kibana's investigate-button data provider)."""

    field: str
    value: str
    query_type: str = "phrase"
    value_type: str = "string"
    excluded: bool = False

    def to_kibana(self) -> dict[str, Any]:
        return {
            "excluded": self.excluded,
            "field": self.field,
            "queryType": self.query_type,
            "value": self.value,
            "valueType": self.value_type,
        }


@dataclass(frozen=True, slots=True)
class Pivot:
    """A pivot query from `[[transform.investigate]]` or `!{investigate{...}}` in the note.

    `providers` is Kibana's two-level array: the outer level is OR, the inner level is AND.
    `relative_from` / `relative_to` are date math anchored at the alert's time, not the clock.
    `kind` is the transform name ("investigate", "osquery"); `payload` the object as written.
    """

    kind: str
    label: str
    payload: JsonDict
    location: Location
    description: str = ""
    providers: tuple[tuple[Provider, ...], ...] = ()
    relative_from: str = ""
    relative_to: str = ""


@dataclass(frozen=True, slots=True)
class GuideItem:
    """One bullet of an investigation guide section, with its labelled sub-points.

    `details` keeps (label, text) pairs such as ("Focus", "..."), ("Hint", "...");
    an unlabelled sub-point has label "". `pivots` are indexes into `Rule.pivots`.
    """

    text: str
    location: Location
    details: tuple[tuple[str, str], ...] = ()
    pivots: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Guide:
    """The investigation guide (`note`) as data."""

    title: str = ""
    steps: tuple[GuideItem, ...] = ()
    false_positives: tuple[GuideItem, ...] = ()
    response: tuple[GuideItem, ...] = ()


@dataclass(frozen=True, slots=True)
class SetupRequirement:
    """A telemetry prerequisite named in the rule's setup text (e.g. an audit policy).

    `event_codes` are the Windows event codes the policy produces that the rule's query uses,
    so a run can tell "no such events at all" (policy likely off) from "events, no match".
    """

    kind: str
    name: str
    event_codes: tuple[str, ...]
    location: Location
    url: str = ""


@dataclass(frozen=True, slots=True)
class RequiredField:
    """`required_fields` entry as Kibana stores it."""

    name: str
    type: str = "unknown"
    ecs: bool = False

    def to_kibana(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "ecs": self.ecs}


@dataclass(frozen=True, slots=True)
class Technique:
    """A MITRE ATT&CK technique or sub-technique reference."""

    id: str
    name: str
    reference: str
    subtechnique: tuple[Technique, ...] = ()

    def to_kibana(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "reference": self.reference}
        if self.subtechnique:
            out["subtechnique"] = [sub.to_kibana() for sub in self.subtechnique]
        return out


@dataclass(frozen=True, slots=True)
class Threat:
    """One `[[rule.threat]]` entry: a tactic and its techniques."""

    framework: str
    tactic_id: str
    tactic_name: str
    tactic_reference: str
    technique: tuple[Technique, ...] = ()

    def to_kibana(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "framework": self.framework,
            "tactic": {
                "id": self.tactic_id,
                "name": self.tactic_name,
                "reference": self.tactic_reference,
            },
        }
        if self.technique:
            out["technique"] = [tech.to_kibana() for tech in self.technique]
        return out


@dataclass(frozen=True, slots=True)
class Rule:
    """One detection rule, as Kibana would hold it after installation."""

    rule_id: str
    name: str
    description: str
    query: str
    source: Location
    # 1-based file line of the query's first line, so an EQL error can point into the file.
    query_line: int = 0
    uuid: str = ""
    type: str = "eql"
    language: str = "eql"
    severity: str = "low"
    risk_score: int = 21
    version: int = DEFAULT_VERSION
    interval: str = DEFAULT_INTERVAL
    from_: str = DEFAULT_FROM
    to: str = DEFAULT_TO
    max_signals: int = DEFAULT_MAX_SIGNALS
    timestamp_override: str | None = None
    event_category_override: str | None = None
    tiebreaker_field: str | None = None
    timestamp_field: str | None = None
    index: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    threat: tuple[Threat, ...] = ()
    references: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    license: str = ""
    false_positives: tuple[str, ...] = ()
    note: str = ""
    setup: str = ""
    building_block_type: str | None = None
    related_integrations: tuple[JsonDict, ...] = ()
    required_fields: tuple[RequiredField, ...] = ()
    exceptions_list: tuple[JsonDict, ...] = ()
    investigation_fields: tuple[str, ...] = ()
    timeline_id: str | None = None
    timeline_title: str | None = None
    enabled: bool = True
    # [metadata] of a detection-rules TOML (creation_date, maturity, integration, ...).
    metadata: JsonDict = field(default_factory=dict)
    pivots: tuple[Pivot, ...] = ()
    guide: Guide = field(default_factory=Guide)
    setup_requirements: tuple[SetupRequirement, ...] = ()

    def __post_init__(self) -> None:
        if not self.uuid:
            # Frozen dataclass: the documented way to fill a derived field at construction.
            object.__setattr__(self, "uuid", rule_uuid(self.rule_id))

    @property
    def is_building_block(self) -> bool:
        return self.building_block_type is not None

    @property
    def investigations(self) -> tuple[Pivot, ...]:
        """The pivot queries that are investigate buttons (not osquery)."""
        return tuple(pivot for pivot in self.pivots if pivot.kind == "investigate")
