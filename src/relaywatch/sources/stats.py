"""Accounting of a read: every record read is normalized, not relevant or rejected.

`ReadStats.track` wraps the stream of a read and counts each item as it passes, so a
run can print, at the end, where every input record went and where the bad ones were.
A rejection reason is written `category: detail`; records are grouped by the category
and the first few locations of each group are kept with their detail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from relaywatch.records import Provenance, Record, Skip


@dataclass(slots=True)
class Tally:
    """Counts for one source (a file, an archive member or standard input)."""

    normalized: int = 0
    not_relevant: int = 0
    rejected: int = 0

    @property
    def read(self) -> int:
        return self.normalized + self.not_relevant + self.rejected


@dataclass(slots=True)
class Rejections:
    """All rejections of one category, with the first few locations and their detail."""

    count: int = 0
    examples: list[tuple[Provenance, str]] = field(default_factory=list)


def reason_category(reason: str) -> str:
    """The grouping key of a skip reason: the text before the first `": "`."""
    return reason.split(": ", 1)[0]


class ReadStats:
    """Where every record of a read went: read = normalized + not relevant + rejected."""

    def __init__(self, locations_per_reason: int = 5) -> None:
        self.locations_per_reason = locations_per_reason
        self.by_source: dict[str, Tally] = {}
        self.by_code: Counter[str] = Counter()
        self.not_relevant_by_reason: Counter[str] = Counter()
        self.rejected_by_reason: dict[str, Rejections] = {}

    def merge(self, other: ReadStats) -> None:
        """Add the account of another read (e.g. a worker's) as if counted here."""
        for name, tally in other.by_source.items():
            mine = self.by_source.setdefault(name, Tally())
            mine.normalized += tally.normalized
            mine.not_relevant += tally.not_relevant
            mine.rejected += tally.rejected
        self.by_code.update(other.by_code)
        self.not_relevant_by_reason.update(other.not_relevant_by_reason)
        for category, group in other.rejected_by_reason.items():
            mine_group = self.rejected_by_reason.setdefault(category, Rejections())
            mine_group.count += group.count
            room = max(self.locations_per_reason - len(mine_group.examples), 0)
            mine_group.examples.extend(group.examples[:room])

    def track(self, items: Iterable[Record | Skip]) -> Iterator[Record | Skip]:
        """Pass the items of a read through unchanged, counting each one."""
        for item in items:
            self.add(item)
            yield item

    def add(self, item: Record | Skip) -> None:
        if isinstance(item, Record):
            self._tally(item.provenance.source).normalized += 1
            self.by_code[_code_of(item.doc)] += 1
        elif item.rejected:
            self._tally(item.provenance.source).rejected += 1
            self._reject(item)
        else:
            self._tally(item.provenance.source).not_relevant += 1
            self.not_relevant_by_reason[reason_category(item.reason)] += 1

    def count_not_relevant(self, source: str, count: int, reason: str) -> None:
        """Count records skipped as not relevant without a `Skip` each (the fast path of
        `read(..., stats=...)`: building two objects per skipped record would cost more
        than the rest of skipping it)."""
        self._tally(source).not_relevant += count
        self.not_relevant_by_reason[reason_category(reason)] += count

    @property
    def normalized(self) -> int:
        return sum(tally.normalized for tally in self.by_source.values())

    @property
    def not_relevant(self) -> int:
        return sum(tally.not_relevant for tally in self.by_source.values())

    @property
    def rejected(self) -> int:
        return sum(tally.rejected for tally in self.by_source.values())

    @property
    def read(self) -> int:
        return sum(tally.read for tally in self.by_source.values())

    def summary_lines(self) -> list[str]:
        """A human-readable account, one fact per line (what `scan` and `convert` print)."""
        lines = [
            f"read {self.read} records from {len(self.by_source)} sources: "
            f"{self.normalized} normalized, {self.not_relevant} not relevant, "
            f"{self.rejected} rejected"
        ]
        for category, group in sorted(self.rejected_by_reason.items()):
            lines.append(f"  rejected {group.count}: {category}")
            lines.extend(f"    at {where}: {detail}" for where, detail in group.examples)
            hidden = group.count - len(group.examples)
            if hidden > 0:
                lines.append(f"    ... and {hidden} more")
        for reason, count in sorted(self.not_relevant_by_reason.items()):
            lines.append(f"  not relevant {count}: {reason}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The same account as plain data (for JSON output)."""
        return {
            "read": self.read,
            "normalized": self.normalized,
            "not_relevant": self.not_relevant,
            "rejected": self.rejected,
            "by_code": dict(sorted(self.by_code.items())),
            "not_relevant_by_reason": dict(self.not_relevant_by_reason),
            "rejected_by_reason": {
                category: {
                    "count": group.count,
                    "examples": [
                        {"location": str(where), "detail": detail}
                        for where, detail in group.examples
                    ],
                }
                for category, group in sorted(self.rejected_by_reason.items())
            },
            "sources": {
                name: {
                    "read": tally.read,
                    "normalized": tally.normalized,
                    "not_relevant": tally.not_relevant,
                    "rejected": tally.rejected,
                }
                for name, tally in self.by_source.items()
            },
        }

    def _tally(self, source: str) -> Tally:
        tally = self.by_source.get(source)
        if tally is None:
            tally = self.by_source[source] = Tally()
        return tally

    def _reject(self, skip: Skip) -> None:
        category = reason_category(skip.reason)
        group = self.rejected_by_reason.get(category)
        if group is None:
            group = self.rejected_by_reason[category] = Rejections()
        group.count += 1
        if len(group.examples) < self.locations_per_reason:
            detail = skip.reason[len(category) + 2 :] if skip.reason != category else ""
            group.examples.append((skip.provenance, detail))


def _code_of(doc: dict[str, Any]) -> str:
    event = doc.get("event")
    code = event.get("code") if isinstance(event, dict) else None
    return str(code) if code is not None else "(none)"
