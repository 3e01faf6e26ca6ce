"""One timestamp order over every input, in a memory bound that does not grow with input.

Elasticsearch answers an EQL query over all matching documents sorted by the timestamp
field, ties broken by the tiebreaker (none for prebuilt rules) and then by index order, so
a sequence may start in one file and end in another. relaywatch reproduces that: every
record is given `(timestamp_ms, arrival)` where `arrival` grows in read order (inputs in the
order given, each in its own order), and records are released sorted by that pair. Equal
timestamps therefore keep read order. `arrival` is only compared, never shown, so a reader
may number its inputs' records in blocks (`arrival_base`) and still give the same order.

Memory: records are held as compact JSON bytes (a parsed document takes about ten times
its JSON size in Python objects), and at most `memory` bytes of them (and `buffer_size`
records) are held at once; beyond that the buffer is sorted and written to a temporary
file as one run, and the runs are merged at the end (an external merge sort). When
`MERGE_FANIN` runs of one size accumulate they are merged into one larger run, so the
number of open files stays small whatever the input. Memory is O(memory), disk O(records
kept).

Holding documents as JSON means the engine sees what Elasticsearch would store: JSON
values only (a tuple becomes a list). A document orjson cannot encode (an integer past 64
bits, a key that is not a string) is pickled instead, so nothing is lost.
"""

from __future__ import annotations

import heapq
import os
import pickle
import struct
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from relaywatch.records import Provenance, Record

DEFAULT_BUFFER = 500_000
DEFAULT_MEMORY = 64 << 20
# What one held entry costs beyond its JSON bytes: the tuple, the bytes object's header
# and two integers (measured with sys.getsizeof on CPython 3.11, rounded up).
ENTRY_OVERHEAD = 160
MERGE_FANIN = 32
# Timestamps and arrivals are stored as 64-bit integers in run files.
MIN_TIMESTAMP = -(1 << 63)
MAX_TIMESTAMP = (1 << 63) - 1

Entry = tuple[int, int, bytes]  # (timestamp ms, arrival, encoded record)
_FRAME = struct.Struct("<qQI")  # timestamp, arrival, payload length
_PICKLED = 0x80  # first byte of a pickle (protocol >= 2); JSON text never starts so
_NOTE_SIZE = struct.Struct("<I")


def encode(record: Record, note: Any = None) -> bytes:
    """A record as compact bytes: the length of the note, the note (anything the caller
    keeps with the record; JSON turns its tuples into lists), then the JSON list [doc,
    source, position, doc_id, index]. The note reads without decoding the document."""
    prov = record.provenance
    head = _dump(note)
    # One join makes an exact-size object: orjson's own buffer is sized for the worst
    # case (about 32 KB for a 2 KB document), and held records must cost their size.
    body = _dump([record.doc, prov.source, prov.position, prov.doc_id, prov.index])
    return b"".join((_NOTE_SIZE.pack(len(head)), head, body))


def decode(payload: bytes) -> Record:
    return load_record(split(payload)[1])


def split(payload: bytes) -> tuple[Any, memoryview]:
    """The note of an encoded record, and the rest for `load_record`."""
    view = memoryview(payload)
    end = _NOTE_SIZE.size + _NOTE_SIZE.unpack_from(view)[0]
    return _load(view[_NOTE_SIZE.size : end]), view[end:]


def load_record(body: memoryview) -> Record:
    doc, source, position, doc_id, index = _load(body)
    return Record(doc, Provenance(source, position, doc_id, index))


class Deferred:
    """An encoded record decoded when first read (`record`, `load`): the matchers keep
    the events they hold this way, and only those in a match are ever decoded."""

    __slots__ = ("_body", "_record")

    def __init__(self, body: memoryview) -> None:
        self._body: memoryview | None = body
        self._record: Record | None = None

    @property
    def record(self) -> Record:
        if self._record is None:
            assert self._body is not None
            self._record, self._body = load_record(self._body), None
        return self._record

    def load(self) -> dict[str, Any]:
        """The document (decoded on the first call)."""
        return self.record.doc


def _dump(value: Any) -> bytes:
    try:
        # Passthrough: orjson would write a dataclass (a join key's BoolKey) as an
        # object, which reads back as a dict; refused, it is pickled and stays itself.
        return orjson.dumps(value, option=orjson.OPT_PASSTHROUGH_DATACLASS)
    except (orjson.JSONEncodeError, TypeError):
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(data: memoryview) -> Any:
    return pickle.loads(data) if data[0] == _PICKLED else orjson.loads(data)


def in_range(timestamp: int) -> bool:
    """Whether a timestamp fits the 64-bit milliseconds Elasticsearch's `date` holds."""
    return MIN_TIMESTAMP <= timestamp <= MAX_TIMESTAMP


class TimeOrder:
    """Collect records with their timestamps, then iterate them in timestamp order."""

    def __init__(
        self,
        buffer_size: int = DEFAULT_BUFFER,
        spill_dir: str | None = None,
        memory: int = DEFAULT_MEMORY,
        arrival_base: int = 0,
        named_runs: bool = False,
    ) -> None:
        if buffer_size < 1 or memory < 1:
            raise ValueError("buffer_size and memory must be at least 1")
        self.buffer_size = buffer_size
        self.memory = memory
        self.spill_dir = spill_dir
        self.named_runs = named_runs
        self.arrival = arrival_base
        self.count = 0
        self.spills = 0
        self._buffer: list[Entry] = []
        self._held = 0
        self._levels: list[list[IO[bytes]]] = []
        self._leftovers: list[str] = []

    @property
    def spilled_runs(self) -> int:
        """Sorted runs written to disk so far (before any merging of runs)."""
        return self.spills

    def add(self, timestamp: int, record: Record, note: Any = None) -> None:
        """Add a record (with a `note` that `deferred()` gives back); its arrival is the
        next number in read order."""
        self.add_encoded(timestamp, self.arrival, encode(record, note))
        self.arrival += 1

    def add_encoded(self, timestamp: int, arrival: int, payload: bytes) -> None:
        self._buffer.append((timestamp, arrival, payload))
        self._held += len(payload) + ENTRY_OVERHEAD
        self.count += 1
        if self._held >= self.memory or len(self._buffer) >= self.buffer_size:
            self._spill()

    def extend(self, entries: Iterable[Entry]) -> None:
        for timestamp, arrival, payload in entries:
            self.add_encoded(timestamp, arrival, payload)

    def absorb(self, entries: Iterable[Entry], runs: Iterable[str], spilled: int) -> None:
        """Take over what another collection `detach`ed (in another process): its sorted
        run files, holding `spilled` records, and its held entries."""
        for path in runs:
            self._adopt(path)
        self.count += spilled
        self.extend(entries)

    def _adopt(self, path: str) -> None:
        run = open(path, "rb")  # noqa: SIM115 - kept open until merged
        try:
            os.unlink(path)  # lives on as an open file, removed when closed (POSIX)
        except OSError:
            self._leftovers.append(path)  # Windows: an open file cannot be removed
        self.spills += 1
        self._add_run(0, run)

    def detach(self, inline: int | None = None) -> tuple[list[Entry], list[str]]:
        """Hand the collection to another process: the held entries, sorted, and the paths
        of the runs (written as named files: `named_runs`), which the receiver `adopt`s.
        With `inline`, held entries of more than that many bytes are written as one more
        run instead. This collection is left empty."""
        if not self.named_runs:
            raise ValueError("only a TimeOrder with named_runs can hand its runs over")
        if inline is not None and self._held > inline:
            self._spill()
        paths = []
        for level in self._levels:
            for run in level:
                run.close()
                paths.append(run.name)
        self._levels = []
        entries, self._buffer, self._held = self._buffer, [], 0
        entries.sort()
        return entries, paths

    def __iter__(self) -> Iterator[tuple[int, int, Record]]:
        """All records, sorted; consumes the collection and closes the temporary files."""
        for timestamp, arrival, _, body in self.deferred():
            yield timestamp, arrival, load_record(body)

    def deferred(self) -> Iterator[tuple[int, int, Any, memoryview]]:
        """All records, sorted, each as its note and its still encoded rest (for
        `Deferred` or `load_record`); consumes the collection."""
        self._buffer.sort()
        buffered, self._buffer, self._held = self._buffer, [], 0
        runs = [run for level in self._levels for run in level]
        self._levels = []
        streams: list[Iterator[Entry]] = [_read_run(run) for run in runs]
        try:
            merged = heapq.merge(*streams, iter(buffered)) if runs else iter(buffered)
            for timestamp, arrival, payload in merged:
                yield timestamp, arrival, *split(payload)
        finally:
            for run in runs:
                self._discard(run)
            for path in self._leftovers:
                os.unlink(path)
            self._leftovers = []

    def _spill(self) -> None:
        self._buffer.sort()
        run = self._write_run(self._buffer)
        self._buffer, self._held = [], 0
        self.spills += 1
        self._add_run(0, run)

    def _add_run(self, level: int, run: IO[bytes]) -> None:
        while len(self._levels) <= level:
            self._levels.append([])
        self._levels[level].append(run)
        if len(self._levels[level]) >= MERGE_FANIN:
            runs, self._levels[level] = self._levels[level], []
            merged = self._write_run(heapq.merge(*(_read_run(run) for run in runs)))
            for done in runs:
                self._discard(done)
            self._add_run(level + 1, merged)

    def _write_run(self, entries: Iterable[Entry]) -> IO[bytes]:
        """Sorted entries into a temporary file, rewound for reading: anonymous, or named
        when the runs are to be handed to another process."""
        if self.named_runs:
            run: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115
                prefix="relaywatch-run-", dir=self.spill_dir, delete=False
            )
        else:
            run = tempfile.TemporaryFile(prefix="relaywatch-sort-", dir=self.spill_dir)  # noqa: SIM115
        pack = _FRAME.pack
        write = run.write
        for timestamp, arrival, payload in entries:
            write(pack(timestamp, arrival, len(payload)))
            write(payload)
        run.seek(0)
        return run

    def _discard(self, run: IO[bytes]) -> None:
        run.close()
        if self.named_runs:
            os.unlink(run.name)


def _read_run(run: IO[bytes]) -> Iterator[Entry]:
    size = _FRAME.size
    unpack = _FRAME.unpack
    read = run.read
    while header := read(size):
        timestamp, arrival, length = unpack(header)
        yield timestamp, arrival, read(length)
