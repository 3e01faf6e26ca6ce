"""One timestamp order over every input, with a bounded memory.

Elasticsearch answers an EQL query over all matching documents sorted by the timestamp
field, ties broken by the tiebreaker (none for prebuilt rules) and then by index order, so
a sequence may start in one file and end in another. relaywatch reproduces that: every
record is given `(timestamp_ms, arrival)` where `arrival` counts records in read order
(inputs in the order given, each in its own order), and records are released sorted by
that pair. Equal timestamps therefore keep read order.

Memory: at most `buffer_size` records are held; beyond that the buffer is sorted and
written to a temporary file as one run, and the runs are merged at the end (an external
merge sort). Memory is O(buffer_size), disk O(records that matter).
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import orjson

from relaywatch.records import Provenance, Record

DEFAULT_BUFFER = 500_000

Entry = tuple[int, int, Record]


class TimeOrder:
    """Collect records with their timestamps, then iterate them in timestamp order."""

    def __init__(self, buffer_size: int = DEFAULT_BUFFER, spill_dir: str | None = None) -> None:
        if buffer_size < 1:
            raise ValueError("buffer_size must be at least 1")
        self.buffer_size = buffer_size
        self.spill_dir = spill_dir
        self._buffer: list[Entry] = []
        self._runs: list[IO[bytes]] = []
        self._arrival = 0
        self.count = 0

    @property
    def spilled_runs(self) -> int:
        return len(self._runs)

    def add(self, timestamp: int, record: Record) -> None:
        self._buffer.append((timestamp, self._arrival, record))
        self._arrival += 1
        self.count += 1
        if len(self._buffer) >= self.buffer_size:
            self._spill()

    def __iter__(self) -> Iterator[Entry]:
        """All records, sorted; consumes the collection and removes temporary files."""
        self._buffer.sort(key=_sort_key)
        if not self._runs:
            buffered, self._buffer = self._buffer, []
            yield from buffered
            return
        streams = [_read_run(run) for run in self._runs]
        streams.append(iter(self._buffer))
        try:
            yield from heapq.merge(*streams, key=_sort_key)
        finally:
            self._close()

    def _spill(self) -> None:
        self._buffer.sort(key=_sort_key)
        run = tempfile.TemporaryFile(prefix="relaywatch-sort-", dir=self.spill_dir)  # noqa: SIM115
        for timestamp, arrival, record in self._buffer:
            run.write(orjson.dumps(_encode(timestamp, arrival, record)) + b"\n")
        run.seek(0)
        self._runs.append(run)
        self._buffer = []

    def _close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []
        self._buffer = []


def _sort_key(entry: Entry) -> tuple[int, int]:
    return entry[0], entry[1]


def _encode(timestamp: int, arrival: int, record: Record) -> list[Any]:
    prov = record.provenance
    return [timestamp, arrival, record.doc, prov.source, prov.position, prov.doc_id, prov.index]


def _read_run(run: IO[bytes]) -> Iterator[Entry]:
    for line in run:
        timestamp, arrival, doc, source, position, doc_id, index = orjson.loads(line)
        yield timestamp, arrival, Record(doc, Provenance(source, position, doc_id, index))
