"""Validated `Rule`s from Kibana-named rule parameters, whatever the file format.

Each loader turns its format into one dict of Kibana rule parameters (snake_case, `from`
as Kibana spells it) plus an `Origin` that knows the file and the line of every key. The
checks here are a table (STYLE.md §7): one `Spec` per parameter, so a wrong type, a missing
required field or an out-of-range value is reported with its line, and every problem of a
rule is reported, not just the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from relaywatch.rules.guide import parse_guide
from relaywatch.rules.model import (
    DEFAULT_FROM,
    DEFAULT_INTERVAL,
    DEFAULT_MAX_SIGNALS,
    DEFAULT_TO,
    DEFAULT_VERSION,
    SEVERITIES,
    Location,
    Pivot,
    RequiredField,
    Rule,
    Technique,
    Threat,
)
from relaywatch.rules.problems import InvalidRuleError, RuleProblemError
from relaywatch.rules.setup import audit_requirements

# Kibana's rule types (security_solution `rule_schema`); only EQL runs here, the others load
# as "cannot run" rather than vanish.
RULE_TYPES = (
    "eql", "query", "saved_query", "threshold", "threat_match", "machine_learning",
    "new_terms", "esql",
)  # fmt: skip
_INTERVAL = re.compile(r"^\d+[smhd]$")
_DATE_MATH = re.compile(r"^now(?:[-+]\d+[smhdwMy])*(?:/[smhdwMy])?$")

Check = Callable[[Any], str | None]


@dataclass(frozen=True, slots=True)
class Spec:
    """What one rule parameter must look like: its JSON type and an optional value check."""

    kind: type | tuple[type, ...]
    required: bool = False
    check: Check | None = None
    items: type | None = None


def _one_of(choices: Sequence[str]) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def _between(low: int, high: int) -> Check:
    return lambda value: None if low <= value <= high else f"must be between {low} and {high}"


def _matches(pattern: re.Pattern[str], example: str) -> Check:
    return lambda value: None if pattern.match(value) else f"must look like {example!r}"


def _not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


SPECS: dict[str, Spec] = {
    "rule_id": Spec(str, True, _not_blank),
    "name": Spec(str, True, _not_blank),
    "description": Spec(str, True),
    "risk_score": Spec(int, True, _between(0, 100)),
    "severity": Spec(str, True, _one_of(SEVERITIES)),
    "type": Spec(str, True, _one_of(RULE_TYPES)),
    "query": Spec(str, False, _not_blank),
    "language": Spec(str),
    "version": Spec(int, False, _between(1, 2**31 - 1)),
    "interval": Spec(str, False, _matches(_INTERVAL, "5m")),
    "from": Spec(str, False, _matches(_DATE_MATH, "now-9m")),
    "to": Spec(str, False, _matches(_DATE_MATH, "now")),
    "max_signals": Spec(int, False, _between(1, 2**31 - 1)),
    "timestamp_override": Spec(str),
    "event_category_override": Spec(str),
    "tiebreaker_field": Spec(str),
    "timestamp_field": Spec(str),
    "index": Spec(list, items=str),
    "tags": Spec(list, items=str),
    "references": Spec(list, items=str),
    "author": Spec(list, items=str),
    "false_positives": Spec(list, items=str),
    "license": Spec(str),
    "note": Spec(str),
    "setup": Spec(str),
    "building_block_type": Spec(str),
    "timeline_id": Spec(str),
    "timeline_title": Spec(str),
    "enabled": Spec(bool),
    "threat": Spec(list, items=dict),
    "related_integrations": Spec(list, items=dict),
    "required_fields": Spec(list, items=dict),
    "exceptions_list": Spec(list, items=dict),
    "investigation_fields": Spec(dict),
}

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
               dict: "a table"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a rule's parameters came from: file, line of each key, pivots already read."""

    source: Location
    line_of: Callable[[str], int]
    query_line: int = 0
    note_line: int = 0
    setup_line: int = 0
    uuid: str = ""
    pivots: tuple[Pivot, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return self.source.at(self.line_of(key))


def check_params(params: Mapping[str, Any], origin: Origin) -> list[RuleProblemError]:
    """Every problem with `params`, each naming its file and line."""
    problems = [_check_one(key, spec, params, origin) for key, spec in SPECS.items()]
    found = [problem for problem in problems if problem is not None]
    if params.get("type", "eql") == "eql" and "query" not in params:
        found.append(RuleProblemError(origin.at("type"), "an eql rule needs a 'query'"))
    language = params.get("language", "eql")
    if params.get("type") == "eql" and language != "eql":
        found.append(
            RuleProblemError(
                origin.at("language"), f"an eql rule has language 'eql', not {language!r}"
            )
        )
    return found


def _check_one(
    key: str, spec: Spec, params: Mapping[str, Any], origin: Origin
) -> RuleProblemError | None:
    if key not in params:
        return (
            RuleProblemError(origin.at(key), f"missing required field '{key}'")
            if spec.required
            else None
        )
    value = params[key]
    wrong = _type_problem(value, spec)
    if wrong is None and spec.check is not None:
        wrong = spec.check(value)
    return RuleProblemError(origin.at(key), f"'{key}' {wrong} (got {value!r})") if wrong else None


def _type_problem(value: Any, spec: Spec) -> str | None:
    # bool is an int in Python; a risk score of `true` is still a type error.
    kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
    if isinstance(value, bool) and bool not in kinds:
        return f"must be {_TYPE_NAMES.get(kinds[0], kinds[0].__name__)}"
    if not isinstance(value, kinds):
        return f"must be {_TYPE_NAMES.get(kinds[0], kinds[0].__name__)}"
    items = spec.items
    if (
        items is not None
        and isinstance(value, list)
        and not all(isinstance(v, items) for v in value)
    ):
        return f"must be a list of {_TYPE_NAMES[items].split(' ', 1)[1]}s"
    return None


def build_rule(params: Mapping[str, Any], origin: Origin) -> Rule:
    """A Rule from checked parameters; raises InvalidRuleError with every problem found."""
    problems = check_params(params, origin)
    if problems:
        raise InvalidRuleError(problems)
    query = str(params.get("query", ""))
    note = str(params.get("note", ""))
    guide, pivots = parse_guide(note, origin.source.at(origin.note_line), origin.pivots)
    setup = str(params.get("setup", ""))
    return Rule(
        rule_id=params["rule_id"],
        name=params["name"],
        description=params["description"],
        query=query,
        source=origin.source,
        query_line=origin.query_line,
        uuid=origin.uuid,
        type=params["type"],
        language=params.get("language", "eql"),
        severity=params["severity"],
        risk_score=params["risk_score"],
        version=params.get("version", DEFAULT_VERSION),
        interval=params.get("interval", DEFAULT_INTERVAL),
        from_=params.get("from", DEFAULT_FROM),
        to=params.get("to", DEFAULT_TO),
        max_signals=params.get("max_signals", DEFAULT_MAX_SIGNALS),
        timestamp_override=params.get("timestamp_override"),
        event_category_override=params.get("event_category_override"),
        tiebreaker_field=params.get("tiebreaker_field"),
        timestamp_field=params.get("timestamp_field"),
        index=tuple(params.get("index", ())),
        tags=tuple(params.get("tags", ())),
        threat=tuple(_threat(entry, origin) for entry in params.get("threat", ())),
        references=tuple(params.get("references", ())),
        author=tuple(params.get("author", ())),
        license=params.get("license", ""),
        false_positives=tuple(params.get("false_positives", ())),
        note=note,
        setup=setup,
        building_block_type=params.get("building_block_type"),
        related_integrations=tuple(params.get("related_integrations", ())),
        required_fields=tuple(
            _required(entry, origin) for entry in params.get("required_fields", ())
        ),
        exceptions_list=tuple(params.get("exceptions_list", ())),
        investigation_fields=_field_names(params.get("investigation_fields", {})),
        timeline_id=params.get("timeline_id"),
        timeline_title=params.get("timeline_title"),
        enabled=params.get("enabled", True),
        metadata=dict(origin.metadata),
        pivots=pivots,
        guide=guide,
        setup_requirements=audit_requirements(setup, query, origin.source.at(origin.setup_line)),
    )


def _field_names(value: Mapping[str, Any]) -> tuple[str, ...]:
    names = value.get("field_names", ())
    return tuple(str(name) for name in names) if isinstance(names, list) else ()


def _required(entry: Mapping[str, Any], origin: Origin) -> RequiredField:
    if not isinstance(entry.get("name"), str):
        raise RuleProblemError(origin.at("required_fields"), "each required field needs a 'name'")
    return RequiredField(entry["name"], str(entry.get("type", "unknown")), bool(entry.get("ecs")))


def _threat(entry: Mapping[str, Any], origin: Origin) -> Threat:
    tactic = entry.get("tactic")
    if not isinstance(tactic, Mapping):
        raise RuleProblemError(origin.at("threat"), "each threat entry needs a 'tactic' table")
    return Threat(
        framework=str(entry.get("framework", "")),
        tactic_id=str(tactic.get("id", "")),
        tactic_name=str(tactic.get("name", "")),
        tactic_reference=str(tactic.get("reference", "")),
        technique=tuple(_technique(item, origin) for item in entry.get("technique", ())),
    )


def _technique(entry: Any, origin: Origin) -> Technique:
    if not isinstance(entry, Mapping):
        raise RuleProblemError(origin.at("threat"), f"a technique must be a table, got {entry!r}")
    return Technique(
        id=str(entry.get("id", "")),
        name=str(entry.get("name", "")),
        reference=str(entry.get("reference", "")),
        subtechnique=tuple(_technique(sub, origin) for sub in entry.get("subtechnique", ())),
    )
