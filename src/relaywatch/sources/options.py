"""Options of a read, and the clock that stamps `event.ingested`.

Options are an explicit frozen object (STYLE.md §9): nothing about a read depends on
the environment or on import order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from relaywatch.ecs.categories import codes_in_categories


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How `relaywatch.sources.read` reads its inputs.

    `relevant_codes`: the `event.code`s that can matter to the caller; any other record is
    counted as "not relevant" and skipped, before full parsing where the format allows it.
    `None` keeps every record.
    `relevant_categories`: with `relevant_codes`, records whose `event.category` holds one
    of these matter too, whatever their code (a rule stage such as `process where ...`
    that pins a category and no code). A raw Windows event has no category until it is
    converted, so before conversion it is judged by `raw_codes`: the relevant codes and
    every code the Security pipeline files under one of these categories.
    `ingested`: a fixed `event.ingested` (ISO-8601 UTC) for documents that lack one; `None`
    stamps each record with the time it was read, to the second, as Fleet's final pipeline
    does (it truncates `_ingest.timestamp` to whole seconds).
    `evtx_threads`: worker threads of the `evtx` parser (0 = let it choose).
    `locations_per_reason`: how many locations the accounting keeps per rejection reason.
    `max_line_bytes`: an NDJSON line longer than this is rejected unread (memory bound).
    """

    relevant_codes: frozenset[str] | None = None
    ingested: str | None = None
    evtx_threads: int = 0
    locations_per_reason: int = 5
    max_line_bytes: int = 256 << 20
    relevant_categories: frozenset[str] = frozenset()
    raw_codes: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        raw = self.relevant_codes
        if raw is not None and self.relevant_categories:
            raw = raw | codes_in_categories(self.relevant_categories)
        object.__setattr__(self, "raw_codes", raw)  # derived once; the class is frozen


class IngestClock:
    """The `event.ingested` value for "now", formatted once per second, not once per record."""

    __slots__ = ("_fixed", "_second", "_text")

    def __init__(self, fixed: str | None = None) -> None:
        self._fixed = fixed
        self._second = -1
        self._text = ""

    def now(self) -> str:
        if self._fixed is not None:
            return self._fixed
        second = int(time.time())
        if second != self._second:
            self._second = second
            moment = datetime.fromtimestamp(second, UTC)
            self._text = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return self._text
