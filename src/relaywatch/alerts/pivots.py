"""The rule's pivot queries, filled in from one alert: what the guide asks the analyst to run.

A rule's investigation guide carries "investigate" buttons (`[[transform.investigate]]` in
detection-rules, `!{investigate{...}}` in Kibana). Each is a two-level provider list (outer OR,
inner AND) whose values may be `{{field}}` templates read from the alert, and a time range in
date math relative to the alert's creation (docs-content
`launch-timeline-from-investigation-guides.md`).

Kibana only turns them into Timeline queries when someone clicks. relaywatch fills them in at
alert time and stores the ready queries on the alert under `relaywatch.investigate` (see
docs/alerts.md): a KQL string to paste into Kibana or Discover, an EQL string for
`relaywatch query`, and the absolute time range. "now" in `relativeFrom`/`relativeTo` is
the latest source event's time plus the rule's interval (when a scheduled Kibana run would
have raised the alert at the latest), not the run time: an offline scan may run months after
the events, which would make "the last hour" miss them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from relaywatch.alerts.fieldpath import values_of
from relaywatch.alerts.timefmt import iso_millis
from relaywatch.rules.model import Pivot, Provider

_TEMPLATE = re.compile(r"^\{\{\s*([^{}\s]+)\s*\}\}$")
_DATE_MATH = re.compile(r"^now((?:[+-]\d+[smhdw])*)(?:/([smhd]))?$")
_INTERVAL = re.compile(r"^(\d+)([smhdw])$")
_STEP = re.compile(r"([+-])(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_ROUND_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class FilledPivot:
    """One pivot query with every `{{field}}` resolved against an alert."""

    label: str
    kql: str | None
    eql: str | None
    start: str | None
    end: str | None
    unresolved: tuple[str, ...]
    substituted: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "substituted": list(self.substituted),
            "label": self.label,
            "kql": self.kql,
            "eql": self.eql,
            "time_range": {"from": self.start, "to": self.end},
            "unresolved": list(self.unresolved),
        }


def fill_pivots(pivots: Sequence[Pivot], alert: Mapping[str, Any], anchor: datetime) -> list[Any]:
    """The alert's ready-to-run pivot queries, as JSON objects."""
    return [fill_pivot(pivot, alert, anchor).to_json() for pivot in pivots]


def fill_pivot(pivot: Pivot, alert: Mapping[str, Any], anchor: datetime) -> FilledPivot:
    """Resolve one pivot. An OR-group with a template the alert cannot fill is left out
    (and its fields listed as unresolved) rather than run with the term silently dropped."""
    groups: list[list[tuple[Provider, list[str]]]] = []
    unresolved: list[str] = []
    substituted: list[str] = []
    for group in pivot.providers:
        terms = [_term(provider, alert, substituted) for provider in group]
        missing = [provider.value for provider, values in terms if not values]
        if missing:
            unresolved.extend(_template_field(value) or value for value in missing)
            continue
        groups.append(terms)
    return FilledPivot(
        label=pivot.label,
        kql=" or ".join(_kql_group(group) for group in groups) or None,
        eql=_eql(groups),
        start=_resolve_time(pivot.relative_from, anchor),
        end=_resolve_time(pivot.relative_to, anchor),
        unresolved=tuple(dict.fromkeys(unresolved)),
        substituted=tuple(dict.fromkeys(substituted)),
    )


# A field a plain Security log never has, and the field that names the same thing in it.
# `host.id` comes only from an inventory's id column; without it the pivot still runs, on
# the host's name, and says so.
FALLBACKS = {"host.id": "host.name"}


def _term(
    provider: Provider, alert: Mapping[str, Any], substituted: list[str]
) -> tuple[Provider, list[str]]:
    values = _values(provider, alert)
    field = _template_field(provider.value)
    fallback = FALLBACKS.get(field or "")
    if values or fallback is None or provider.field != field:
        return provider, values
    replacement = dataclasses.replace(provider, field=fallback, value="{{" + fallback + "}}")
    values = _values(replacement, alert)
    if values:
        substituted.append(f"{field} unknown (add an id column to --hosts): {fallback} used")
        return replacement, values
    return provider, []


def rule_run_time(latest_event: datetime, interval: str) -> datetime:
    """When a Kibana rule running every `interval` would have raised an alert on an event
    of `latest_event` at the latest: the moment the guide's "now" stands for."""
    match = _INTERVAL.match(interval.strip())
    if match is None:
        return latest_event
    return latest_event + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _template_field(value: str) -> str | None:
    match = _TEMPLATE.match(value.strip())
    return match.group(1) if match else None


def _values(provider: Provider, alert: Mapping[str, Any]) -> list[str]:
    field = _template_field(provider.value)
    if field is None:
        return [provider.value]
    return [_text(value) for value in values_of(alert, field)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _kql_term(provider: Provider, values: list[str]) -> str:
    if provider.query_type == "exists":
        term = f"{provider.field}:*"
    elif len(values) == 1:
        term = f"{provider.field}: {_quoted(values[0])}"
    else:
        term = f"{provider.field}: ({' or '.join(_quoted(v) for v in values)})"
    return f"not {term}" if provider.excluded else term


def _kql_group(group: list[tuple[Provider, list[str]]]) -> str:
    return "(" + " and ".join(_kql_term(provider, values) for provider, values in group) + ")"


def _eql_term(provider: Provider, values: list[str]) -> str:
    if provider.query_type == "exists":
        term = f"{provider.field} != null"
    elif len(values) == 1:
        term = f"{provider.field} == {_quoted(values[0])}"
    else:
        term = f"{provider.field} in ({', '.join(_quoted(v) for v in values)})"
    return f"not {term}" if provider.excluded else term


def _eql(groups: list[list[tuple[Provider, list[str]]]]) -> str | None:
    if not groups:
        return None
    parts = ["(" + " and ".join(_eql_term(p, v) for p, v in group) + ")" for group in groups]
    return "any where " + " or ".join(parts)


def _resolve_time(expression: str, anchor: datetime) -> str | None:
    """Elasticsearch date math (`now-1h`, `now-48h/h`) relative to `anchor`, as ISO-8601."""
    match = _DATE_MATH.match(expression.strip())
    if match is None:
        return None
    moment = anchor
    for sign, amount, unit in _STEP.findall(match.group(1)):
        step = timedelta(**{_UNITS[unit]: int(amount)})
        moment = moment + step if sign == "+" else moment - step
    if match.group(2):
        moment = _round_down(moment, match.group(2))
    return iso_millis(moment)


def _round_down(moment: datetime, unit: str) -> datetime:
    """Date math rounding (`/h`): down to the unit, in UTC as Elasticsearch does by default."""
    step = _ROUND_SECONDS[unit]
    return datetime.fromtimestamp(moment.timestamp() // step * step, UTC)
