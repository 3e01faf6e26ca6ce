"""What every format reader receives: the source, the options and the way back in.

Readers are generators of `Record | Skip`. Archive readers hand each member back to
`ReadContext.read_member`, which detects the member's format from its content like
any other input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from relaywatch.records import Provenance, Record, Skip
from relaywatch.sources.options import IngestClock, ReadOptions
from relaywatch.sources.stats import ReadStats

Item = Record | Skip


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its provenance name and, when it is a plain file on disk, its path.

    `discovered` inputs were found by walking a directory, matching a glob or opening
    an archive rather than named by the user: one that is not an event log at all (a
    README next to the logs) is counted as not relevant instead of rejected.
    """

    name: str
    path: str | None = None
    size: int | None = None
    discovered: bool = False


@dataclass(frozen=True, slots=True)
class ReadContext:
    """`stats`, when set, receives the counts of records skipped as not relevant by a
    reader's prefilter directly (`ReadStats.count_not_relevant`) instead of a `Skip`."""

    options: ReadOptions
    clock: IngestClock
    read_member: Callable[[Source, BinaryIO, ReadContext], Iterator[Item]]
    stats: ReadStats | None = None


def reject(source: Source | str, position: int, reason: str) -> Skip:
    """A rejected item; `reason` is `category: detail` (see ReadStats)."""
    name = source if isinstance(source, str) else source.name
    return Skip(Provenance(name, position), reason, rejected=True)


NOT_RELEVANT = "event.code not relevant"
NOT_RELEVANT_CATEGORY = "event.code and event.category not relevant"


def not_relevant_reason(options: ReadOptions) -> str:
    """Why a record that cannot matter is skipped, in the terms of what was asked for."""
    return NOT_RELEVANT_CATEGORY if options.relevant_categories else NOT_RELEVANT


def not_relevant(provenance: Provenance, reason: str = NOT_RELEVANT) -> Skip:
    return Skip(provenance, reason, rejected=False)
