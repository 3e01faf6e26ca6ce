"""The reading half of a run: each input read, accounted, enriched, observed and ordered.

A `Survey` is everything reading leaves behind: the read account, setup coverage, host
facts, records without a usable `@timestamp`, and the time order of the records. One
input is read into a survey by `read_input`, in this process or in a worker process
(`relaywatch.detect.parallel`); a worker's survey comes back as a `Part` and is merged
with `merge_part`, in input order, which gives exactly the survey one process reading
the inputs one after the other would have made:

- records are numbered `input index << ARRIVAL_BITS` + their number within the input, so
  the time order's tie-break (read order) does not depend on who read what;
- every count is a sum, and the first few locations kept per reason are the first ones of
  the first inputs, as in a sequential read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from relaywatch import eql
from relaywatch.detect.coverage import Coverage, CoverageCounts
from relaywatch.detect.order import DEFAULT_BUFFER, DEFAULT_MEMORY, Entry, TimeOrder, in_range
from relaywatch.ecs.hostfacts import HostFacts, host_of
from relaywatch.ecs.hosts import HostInventory
from relaywatch.eql import Verdicts
from relaywatch.errors import EqlRuntimeError
from relaywatch.records import Document, Provenance, Record
from relaywatch.rules.model import Rule
from relaywatch.sources import ReadOptions, ReadStats, evtxparts, jsonfile
from relaywatch.sources import reader as sources_reader
from relaywatch.sources.context import Item, ReadContext, Source
from relaywatch.sources.evtxparts import ChunkRange
from relaywatch.sources.failures import ends_input
from relaywatch.sources.options import IngestClock
from relaywatch.sources.reader import read_stream

EXAMPLES_KEPT = 5
PROGRESS_EVERY = 2_000
# Records of input i are numbered from i << ARRIVAL_BITS: room for 10^12 records an input.
ARRIVAL_BITS = 40
# More records than an .evtx chunk can hold (64 KB, at least 28 bytes a record): the part
# of a log from chunk c numbers its records from c * RECORDS_PER_CHUNK.
RECORDS_PER_CHUNK = 1 << 12
# A worker hands back more kept records than this (bytes) as a run file, not through the
# result pipe: pickling megabytes through it, under the parent's lock, costs far more
# than writing and reading them back (measured: 3.0-3.4 s against 2.5 s for a scan).
INLINE_BYTES = 256 << 10

Opener = Callable[[], BinaryIO]


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """What reading an input needs; plain picklable data, handed to each worker once.

    `memory` and `buffer_size` bound the records one survey holds before spilling them to
    disk (`relaywatch.detect.order`); `spill_dir` is where (None: the system's temp dir).
    """

    rules: tuple[Rule, ...]
    options: ReadOptions
    inventory: HostInventory | None = None
    keep_order: bool = True
    memory: int = DEFAULT_MEMORY
    buffer_size: int = DEFAULT_BUFFER
    spill_dir: str | None = None


@dataclass(slots=True)
class Unordered:
    """Records left out of the time order because their @timestamp is missing or bad."""

    count: int = 0
    examples: list[tuple[Provenance, str]] = field(default_factory=list)

    def add(self, where: Provenance, reason: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append((where, reason))

    def merge(self, other: Unordered) -> None:
        self.count += other.count
        self.examples.extend(other.examples[: EXAMPLES_KEPT - len(self.examples)])


class StageCheck:
    """Which filters of which rules accept an event, with its join keys for them
    (`eql.MatcherSet.verdicts`; empty: none, and the event cannot change any matcher's
    state). Only accepted events are ordered, each with its verdicts, which the matchers
    then take instead of evaluating the conditions and keys again: the check runs where
    the records are read, on every core.
    """

    __slots__ = ("_verdicts",)

    def __init__(self, queries: Sequence[eql.Query]) -> None:
        self._verdicts = eql.MatcherSet(queries).verdicts

    def __call__(self, doc: Document) -> Verdicts:
        return self._verdicts(doc)


@dataclass(slots=True)
class Survey:
    """The reading half of a run, shared by `scan` and `coverage`.

    `timed` counts the records with a usable @timestamp; of those, the order holds the
    ones `check` accepts (all of them without a check)."""

    stats: ReadStats
    coverage: Coverage
    hosts: HostFacts
    order: TimeOrder | None
    check: StageCheck | None = None
    unordered: Unordered = field(default_factory=Unordered)
    timed: int = 0
    ended: bool = False  # a reader gave up the rest of its input (`ends_input`)


@dataclass(frozen=True, slots=True)
class Part:
    """A survey of one input made in a worker process, as picklable data: the sorted
    records it still held and the paths of the sorted runs it wrote to disk."""

    stats: ReadStats
    coverage: CoverageCounts
    hosts: HostFacts
    unordered: Unordered
    timed: int
    entries: list[Entry]
    runs: list[str]
    spilled: int
    ended: bool  # the reader gave up the rest of the input here: its later parts are void


def new_survey(
    compiled: Sequence[tuple[Rule, eql.Query]], plan: ReadPlan, named_runs: bool = False
) -> Survey:
    order = check = None
    if plan.keep_order:
        order = TimeOrder(plan.buffer_size, plan.spill_dir, plan.memory, named_runs=named_runs)
        check = StageCheck([query for _, query in compiled])
    return Survey(
        stats=ReadStats(plan.options.locations_per_reason),
        coverage=Coverage(compiled),
        hosts=HostFacts(),
        order=order,
        check=check,
    )


def read_input(
    index: int,
    source: Source,
    opener: Opener,
    plan: ReadPlan,
    state: Survey,
    *,
    lines_before: int = 0,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Read input number `index` of the run into `state`; `progress` gets the records
    read so far every `PROGRESS_EVERY` records kept.

    With `lines_before`, the stream is a part of the input that starts after that many
    lines (`relaywatch.detect.split`): its lines are read as the later lines of the JSON
    input it is part of (no format detection), numbered as the whole input's lines."""
    ctx = _start(index, lines_before, plan, state)
    reader = partial(jsonfile.read_lines, lines_before=lines_before) if lines_before else None
    _take_all(sources_reader.read_input(source, opener, ctx, reader), plan, state, progress)


def read_log_part(
    index: int, source: Source, part: ChunkRange, plan: ReadPlan, state: Survey
) -> None:
    """Read one chunk range of the `.evtx` input number `index` into `state`
    (`relaywatch.sources.evtxparts`): its items are those a read of the whole log gives."""
    # Records keep their own ids as positions; arrival numbers only need to grow in read
    # order, and no chunk holds RECORDS_PER_CHUNK records.
    ctx = _start(index, part.first * RECORDS_PER_CHUNK, plan, state)
    _take_all(evtxparts.read_range(source, part, ctx), plan, state, None)


def _start(index: int, before: int, plan: ReadPlan, state: Survey) -> ReadContext:
    """Number the input's records after `before` earlier ones; the context to read it in."""
    if state.order is not None:
        state.order.arrival = (index << ARRIVAL_BITS) + before
    options = plan.options
    return ReadContext(options, IngestClock(options.ingested), read_stream, state.stats)


def _take_all(
    items: Iterator[Item], plan: ReadPlan, state: Survey, progress: Callable[[int], None] | None
) -> None:
    add = state.stats.add
    for count, item in enumerate(items, start=1):
        add(item)
        if isinstance(item, Record):
            take(state, item, plan.inventory)
        elif item.rejected and ends_input(item.reason):
            state.ended = True
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(state.stats.read)


def take(state: Survey, record: Record, inventory: HostInventory | None) -> None:
    """Enrich, observe and order one record."""
    if inventory is not None:
        record = Record(inventory.enrich(record.doc), record.provenance)
    doc = record.doc
    host, lacks = host_of(doc)
    state.coverage.observe_host(doc, host, lacks)
    state.hosts.observe_host(doc, host, lacks)
    if state.order is None:
        return
    try:
        when = eql.timestamp_ms(doc.get("@timestamp"))
    except EqlRuntimeError as error:
        # Elasticsearch orders (and windows) EQL results by @timestamp; a document without
        # a usable one cannot take part, so it is counted as rejected with its location.
        state.unordered.add(record.provenance, f"no usable @timestamp: {error}")
        return
    if not in_range(when):
        # Elasticsearch's `date` is a 64-bit count of milliseconds: it rejects the document.
        state.unordered.add(record.provenance, "no usable @timestamp: out of range")
        return
    state.timed += 1
    if state.check is None:
        state.order.add(when, record)
        return
    verdicts = state.check(doc)
    if verdicts:
        state.order.add(when, record, verdicts)
    else:
        state.order.arrival += 1  # the same numbering with or without the check


def part_of(state: Survey) -> Part:
    """A worker's survey of one input, ready to be sent back (its order is handed over)."""
    entries: list[Entry] = []
    runs: list[str] = []
    spilled = 0
    if state.order is not None:
        entries, runs = state.order.detach(inline=INLINE_BYTES)
        spilled = state.order.count - len(entries)
    return Part(
        state.stats,
        state.coverage.counts(),
        state.hosts,
        state.unordered,
        state.timed,
        entries,
        runs,
        spilled,
        state.ended,
    )


def merge_part(state: Survey, part: Part) -> None:
    """Add a worker's survey of the next input to `state` (parts must come in input order)."""
    state.stats.merge(part.stats)
    state.coverage.merge(part.coverage)
    state.hosts.merge(part.hosts)
    state.unordered.merge(part.unordered)
    state.timed += part.timed
    if state.order is not None:
        state.order.absorb(part.entries, part.runs, part.spilled)
