"""What flows between the readers, the engine and the alert builder.

A reader turns input into `Record`s (one ECS document and where it came from) and
reports every item it could not use as a `Skip`, so that a run can account for
each record it read: read = normalized + not relevant + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one record came from; stable across runs on the same input.

    `source` is the file path (an archive member is written `archive.zip!member`,
    standard input is `-`); `position` is the EVTX record number, the 1-based line
    of an NDJSON file or the 1-based element index of an XML or JSON array.
    `doc_id` and `index` are the Elasticsearch `_id` and `_index` when the input
    carried them.
    """

    source: str
    position: int
    doc_id: str | None = None
    index: str | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.position}"


@dataclass(frozen=True, slots=True)
class Record:
    """One ECS document ready for the engine, with its provenance."""

    doc: Document
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Skip:
    """One input item that was read but not used, with the reason.

    `rejected` is True for bad input (corrupt, malformed, wrong type) and False for
    input that is fine but cannot matter (e.g. filtered out before parsing).
    """

    provenance: Provenance
    reason: str
    rejected: bool = True
