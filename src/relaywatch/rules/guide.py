"""The investigation guide (`note` Markdown) as data, and its Kibana rendering.

detection-rules writes pivot queries as `[[transform.investigate]]` tables and refers to them
in the note as `$investigate_N`; at build time each reference becomes Kibana's inline
`!{investigate{<json>}}` (seen in the package JSON and the published guides). Both forms are
read here, so a TOML rule and its Kibana export give the same structured guide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from relaywatch.rules.model import Guide, GuideItem, Location, Pivot, Provider
from relaywatch.rules.problems import RuleProblemError

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_LABELLED = re.compile(r"^([A-Z][A-Za-z /-]{0,30}):\s+(.*)$")
_REFERENCE = re.compile(r"\$(investigate|osquery)_(\d+)")
_INLINE_OPEN = re.compile(r"!\{(investigate|osquery)")
_SPACES = re.compile(r"[ \t]{2,}")

# Section headings, matched on lower-cased text; order matters ("response" last).
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("investigation steps", "steps"),
    ("false positive", "false_positives"),
    ("response", "response"),
)


def pivot_from_payload(kind: str, payload: Mapping[str, Any], where: Location) -> Pivot:
    """A `Pivot` from a transform object; raises RuleProblemError on a malformed provider list."""
    groups = payload.get("providers", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise RuleProblemError(where, f"{kind} 'providers' must be a list of lists")
    providers = tuple(tuple(_provider(item, where) for item in group) for group in groups)
    return Pivot(
        kind=kind,
        label=str(payload.get("label", "")),
        payload=dict(payload),
        location=where,
        description=str(payload.get("description", "")),
        providers=providers,
        relative_from=str(payload.get("relativeFrom", "")),
        relative_to=str(payload.get("relativeTo", "")),
    )


def _provider(item: object, where: Location) -> Provider:
    if not isinstance(item, Mapping) or "field" not in item:
        raise RuleProblemError(where, f"a pivot provider needs at least a 'field': {item!r}")
    return Provider(
        field=str(item["field"]),
        value=str(item.get("value", "")),
        query_type=str(item.get("queryType", "phrase")),
        value_type=str(item.get("valueType", "string")),
        excluded=bool(item.get("excluded", False)),
    )


def render_pivot(pivot: Pivot) -> str:
    """Kibana's inline form, compact JSON with sorted keys as the built packages carry it."""
    body = json.dumps(pivot.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"!{{{pivot.kind}{body}}}"


def render_note(note: str, pivots: Sequence[Pivot]) -> str:
    """The note as Kibana stores it: every `$investigate_N` replaced by its inline pivot."""
    by_kind = _numbered(pivots)

    def expand(match: re.Match[str]) -> str:
        found = by_kind.get((match.group(1), int(match.group(2))))
        return render_pivot(pivots[found]) if found is not None else match.group(0)

    return _REFERENCE.sub(expand, note)


def _numbered(pivots: Sequence[Pivot]) -> dict[tuple[str, int], int]:
    """(kind, n) -> index in `pivots`, n counting pivots of that kind from 0."""
    counts: dict[str, int] = {}
    out: dict[tuple[str, int], int] = {}
    for index, pivot in enumerate(pivots):
        number = counts.get(pivot.kind, 0)
        out[(pivot.kind, number)] = index
        counts[pivot.kind] = number + 1
    return out


@dataclass(slots=True)
class _Builder:
    """Mutable state while reading one note; produces a frozen Guide."""

    where: Location
    pivots: list[Pivot]
    numbered: dict[tuple[str, int], int]
    title: str = ""
    section: str | None = None
    sections: dict[str, list[GuideItem]] = field(default_factory=dict)
    item_indent: int | None = None

    def add_item(self, text: str, line: int, indent: int) -> None:
        if self.section is None:
            return
        items = self.sections.setdefault(self.section, [])
        is_top = self.item_indent is None or indent <= self.item_indent or not items
        if is_top:
            self.item_indent = indent
            text, pivots = self.extract(text, line)
            items.append(GuideItem(text, self.where.at(line), (), pivots))
        else:
            self.add_detail(items, text, line)

    def add_detail(self, items: list[GuideItem], text: str, line: int) -> None:
        text, pivots = self.extract(text, line)
        labelled = _LABELLED.match(text)
        detail = (labelled.group(1), labelled.group(2)) if labelled else ("", text)
        last = items[-1]
        items[-1] = GuideItem(
            last.text, last.location, (*last.details, detail), last.pivots + pivots
        )

    def continue_item(self, text: str, line: int) -> None:
        items = self.sections.get(self.section or "", [])
        if not items:
            return
        text, pivots = self.extract(text, line)
        last = items[-1]
        if last.details:
            label, previous = last.details[-1]
            details = (*last.details[:-1], (label, f"{previous} {text}".strip()))
            items[-1] = GuideItem(last.text, last.location, details, last.pivots + pivots)
        else:
            merged = f"{last.text} {text}".strip()
            items[-1] = GuideItem(merged, last.location, last.details, last.pivots + pivots)

    def extract(self, text: str, line: int) -> tuple[str, tuple[int, ...]]:
        """Text with pivot references removed, and the pivots it referred to."""
        text, inline = self.extract_inline(text, line)
        found = list(inline)
        for match in _REFERENCE.finditer(text):
            index = self.numbered.get((match.group(1), int(match.group(2))))
            if index is not None:
                found.append(index)

        # A reference with no [[transform]] table stays in the text, as Kibana would show it
        # (one catalog rule ships such a dangling `$osquery_6`; it must still load).
        def drop(match: re.Match[str]) -> str:
            known = (match.group(1), int(match.group(2))) in self.numbered
            return "" if known else match.group(0)

        return _SPACES.sub(" ", _REFERENCE.sub(drop, text)).strip(), tuple(found)

    def extract_inline(self, text: str, line: int) -> tuple[str, tuple[int, ...]]:
        found: list[int] = []
        decoder = json.JSONDecoder()
        while (match := _INLINE_OPEN.search(text)) is not None:
            try:
                payload, end = decoder.raw_decode(text, match.end())
            except json.JSONDecodeError as error:
                raise RuleProblemError(
                    self.where.at(line), f"bad inline {match.group(1)} JSON: {error.msg}"
                ) from error
            if not isinstance(payload, dict) or text[end : end + 1] != "}":
                raise RuleProblemError(
                    self.where.at(line), f"malformed !{{{match.group(1)}{{...}}}}"
                )
            self.pivots.append(pivot_from_payload(match.group(1), payload, self.where.at(line)))
            found.append(len(self.pivots) - 1)
            text = text[: match.start()] + text[end + 1 :]
        return text, tuple(found)

    def heading(self, level: int, text: str) -> None:
        lowered = text.lower()
        self.item_indent = None
        if lowered.startswith("investigating ") and not self.title:
            self.title = text
        if level <= 2:
            self.section = None
        for needle, name in _SECTIONS:
            if needle in lowered:
                self.section = name
                return
        if level >= 3:
            self.section = None

    def guide(self) -> Guide:
        return Guide(
            title=self.title,
            steps=tuple(self.sections.get("steps", ())),
            false_positives=tuple(self.sections.get("false_positives", ())),
            response=tuple(self.sections.get("response", ())),
        )


def parse_guide(
    note: str, where: Location, pivots: Sequence[Pivot]
) -> tuple[Guide, tuple[Pivot, ...]]:
    """Read a note into a Guide; returns it with `pivots` plus any inline pivots found.

    `where` is the location of the note's first line. Raises RuleProblemError on a broken reference.
    """
    builder = _Builder(where, list(pivots), _numbered(pivots))
    for offset, raw in enumerate(note.splitlines()):
        line = where.line + offset if where.line else 0
        _read_line(builder, raw, line)
    return builder.guide(), tuple(builder.pivots)


def _read_line(builder: _Builder, raw: str, line: int) -> None:
    heading = _HEADING.match(raw)
    if heading:
        builder.heading(len(heading.group(1)), heading.group(2))
        return
    bullet = _BULLET.match(raw)
    if bullet:
        builder.add_item(bullet.group(2), line, len(bullet.group(1).expandtabs(4)))
        return
    if raw.strip() and not raw.lstrip().startswith(">"):
        builder.continue_item(raw.strip(), line)
