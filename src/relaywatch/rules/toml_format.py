"""Elastic detection-rules TOML: `[metadata]`, `[rule]`, `[[rule.threat]]`, `[transform]`.

The official files load unchanged. Parameters detection-rules computes at build time
(`version` from its version lock, `related_integrations`, `required_fields`) may also be
written in `[rule]` under their Kibana names; the built-in pack does so.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from typing import Any

from relaywatch.errors import RuleError
from relaywatch.rules.build import Origin, build_rule
from relaywatch.rules.guide import pivot_from_payload
from relaywatch.rules.locate import TomlLines, decode_error_line
from relaywatch.rules.model import Location, Pivot, Rule
from relaywatch.rules.problems import RuleProblemError

# Keys of [rule] that live in a sub-table, so their line is the sub-table's header.
_SUBTABLES = {"threat": "rule.threat", "investigation_fields": "rule.investigation_fields"}


def load_toml(path: str, text: str) -> Iterator[Rule | RuleError]:
    """The one rule of a detection-rules TOML file, or the problem that stops it loading."""
    try:
        yield _load(path, text)
    except RuleError as error:
        yield error


def _load(path: str, text: str) -> Rule:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleProblemError(
            Location(path, decode_error_line(str(error))), f"invalid TOML: {error}"
        ) from None
    lines = TomlLines(text)
    params = data.get("rule")
    if not isinstance(params, dict):
        raise RuleProblemError(
            Location(path, 1), "no [rule] table: not a detection-rules TOML file"
        )
    return build_rule(params, _origin(path, data, lines))


def _origin(path: str, data: Mapping[str, Any], lines: TomlLines) -> Origin:
    def line_of(key: str) -> int:
        table = _SUBTABLES.get(key)
        return lines.header(table) if table else lines.key("rule", key)

    metadata = data.get("metadata", {})
    return Origin(
        source=Location(path, 1),
        line_of=line_of,
        query_line=lines.value_start("rule", "query"),
        note_line=lines.value_start("rule", "note"),
        setup_line=lines.value_start("rule", "setup"),
        pivots=_pivots(path, data.get("transform", {}), lines),
        metadata=metadata if isinstance(metadata, dict) else {},
    )


def _pivots(path: str, transform: object, lines: TomlLines) -> tuple[Pivot, ...]:
    if not isinstance(transform, dict):
        raise RuleProblemError(
            Location(path, lines.header("transform")), "[transform] must be a table"
        )
    found: list[Pivot] = []
    for kind, entries in transform.items():
        if not isinstance(entries, list):
            where = Location(path, lines.header(f"transform.{kind}"))
            raise RuleProblemError(where, f"transform.{kind} must be an array of tables")
        for index, entry in enumerate(entries):
            where = Location(path, lines.header(f"transform.{kind}", index))
            if not isinstance(entry, dict):
                raise RuleProblemError(where, f"transform.{kind} entries must be tables")
            found.append(pivot_from_payload(kind, entry, where))
    return tuple(found)
