"""`kibana.alert.reason`, worded exactly as Kibana words it.

Kibana (`rule_types/utils/reason_formatters.ts`, `buildReasonMessageUtil`) fills one ICU
message for every rule type:

    [<event.category> ]event[ with][ process P,][ parent process PP,][ file F,]
    [ source S][:SP,][ destination D][:DP,][ by U][ on H] created <severity> alert <name>.

Each value goes through `getFieldTemplateValue`: it is dropped when falsy, when it has no
`length` (so a numeric `source.port` never shows; only a string or array one does) or when it
is "-" or ["-"]; an array is joined with ", ". "with" appears when any of process, parent
process, file, source or destination (the "fields of interest") is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from relaywatch.alerts.fieldpath import get_path

# (field, whether it is a "field of interest", ICU fragment with {} for the value)
_SEGMENTS: tuple[tuple[str, bool, str], ...] = (
    ("process.name", True, " process {},"),
    ("process.parent.name", True, " parent process {},"),
    ("file.name", True, " file {},"),
    ("source.ip", True, " source {}"),
    ("source.port", True, ":{},"),
    ("destination.ip", True, " destination {}"),
    ("destination.port", True, ":{},"),
    ("user.name", False, " by {}"),
    ("host.name", False, " on {}"),
)


def _js_string(value: Any) -> str:
    """`String(value)` for the JSON types an event holds (what Array.join does per item)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(_js_string(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def template_value(value: Any) -> str | None:
    """Kibana's `getFieldTemplateValue`: the text shown for a field, or None."""
    if not isinstance(value, str | list) or not value:
        # Falsy values and values without `length` (numbers, booleans, objects) are dropped.
        return None
    if len(value) == 1 and value[0] == "-":
        return None
    return ", ".join(_js_string(item) for item in value) if isinstance(value, list) else value


def build_reason(name: str, severity: str, doc: Mapping[str, Any] | None) -> str:
    """The reason for an alert built from `doc` (a source event or a merged sequence)."""
    if doc is None:
        # Kibana returns "" rather than a malformed sentence when there is no document.
        return ""

    def lookup(path: str) -> str | None:
        return template_value(get_path(doc, path))

    shown = [(interest, fragment, lookup(path)) for path, interest, fragment in _SEGMENTS]
    category = lookup("event.category")
    text = f"{category} event" if category is not None else "event"
    if any(interest and value is not None for interest, _, value in shown):
        text += " with"
    text += "".join(fragment.format(value) for _, fragment, value in shown if value is not None)
    return f"{text} created {severity} alert {name}."
