"""Reading the inputs of a run on several cores, with the result of a sequential read.

Parsing and normalizing (the `evtx` parser, `orjson`, the ingest pipeline) is most of a
scan's time and each input can be read on its own, so with `jobs` > 1 every input on disk
is read by a pool of worker processes: each worker reads a whole input, or a part of a
large NDJSON file (`relaywatch.detect.split`) or `.evtx` log
(`relaywatch.sources.evtxparts`), into its own survey (`relaywatch.detect.survey`),
writes the records it cannot hold as sorted runs to a scratch directory, and sends the
rest back as compact JSON bytes. The parent merges the
parts strictly in input order, so the account, coverage, host facts and time order are
exactly those of a sequential read (see `relaywatch.detect.survey`); when a reader gives
up the rest of an input (a stream failure, a log failing without end), the later parts of
that input are dropped, as a sequential read would never reach them. Standard input, the
one input a worker cannot open, is read in the parent at its turn.

At most `WINDOW * jobs` parts are in flight, each holding at most its share of the sort
memory (more is spilled to disk by the worker), so the parent's memory stays bounded too.
The window is wide because parts are merged in input order: while a large input at the
head is still being read, the other workers go on with the small ones behind it. Workers
are forked where the platform allows (no re-import, rules compiled once per worker).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Container, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from typing import BinaryIO

from relaywatch import eql
from relaywatch.detect.split import PART_BYTES, LineCounter, Piece, open_piece
from relaywatch.detect.split import plan as split_plan
from relaywatch.detect.survey import (
    Opener,
    Part,
    ReadPlan,
    Survey,
    merge_part,
    new_survey,
    part_of,
    read_input,
    read_log_part,
)
from relaywatch.errors import RelaywatchError
from relaywatch.rules.model import Rule
from relaywatch.sources.context import Source
from relaywatch.sources.evtxparts import ChunkRange, chunk_ranges

Progress = Callable[[int], None]
# Parts in flight per worker process; each may hold 1/(WINDOW * jobs) of the sort memory.
WINDOW = 16
MIN_PART_MEMORY = 1 << 20


def gather(
    inputs: Sequence[tuple[Source, Opener]],
    plan: ReadPlan,
    state: Survey,
    jobs: int,
    *,
    progress: Progress | None = None,
    part_bytes: int = PART_BYTES,
) -> None:
    """Read every input into `state`, on `jobs` processes when that can help; large NDJSON
    files and `.evtx` logs are read in parts of about `part_bytes`."""
    work = _work(inputs, part_bytes) if jobs > 1 else _Work([], {})
    if sum(1 for _, source, _, _ in work.tasks if source.path is not None) < 2:
        for index, (source, opener) in enumerate(inputs):
            read_input(index, source, opener, plan, state, progress=progress)
            _report(progress, state)
        return
    with tempfile.TemporaryDirectory(prefix="relaywatch-runs-", dir=plan.spill_dir) as scratch:
        # Each part in flight may hold its share; with fewer parts than the window, the
        # shares are larger (fewer, longer runs) and the sum stays within --sort-memory.
        in_flight = min(WINDOW * jobs, len(work.tasks))
        share = max(plan.memory // in_flight, MIN_PART_MEMORY)
        worker_plan = replace(plan, spill_dir=scratch, memory=share)
        try:
            with ProcessPoolExecutor(jobs, _context(), _start_worker, (worker_plan,)) as pool:
                _pooled(pool, work, plan, state, jobs, progress=progress)
        except BrokenProcessPool as error:
            # A worker killed from outside (out of memory, a signal): say what to do.
            raise RelaywatchError(
                f"a reading process died ({error}); rerun with --jobs 1 or a smaller --sort-memory"
            ) from error


Task = tuple[int, Source, Opener, Piece | ChunkRange | None]


@dataclass(frozen=True, slots=True)
class _Work:
    """The tasks of a run in input order, and the line counters of the NDJSON files read
    in parts (by input index)."""

    tasks: list[Task]
    counters: dict[int, LineCounter]

    def handed_out(self, given_up: Container[int]) -> Iterator[Task]:
        """The tasks as they are handed out: an NDJSON part with the lines before it
        counted then (`LineCounter`), none after a part whose own lines could not be
        counted (that part reads on to the end of its file), none of an input in
        `given_up` (looked at as each task is due: the caller adds to it meanwhile)."""
        for index, source, opener, piece in self.tasks:
            if index in given_up:
                continue  # its reader gave up in an earlier part: no count, no read
            if not isinstance(piece, Piece):
                yield index, source, opener, piece
                continue
            counted = self.counters[index].count(piece)
            if counted is not None:
                yield index, source, opener, counted


def _work(inputs: Sequence[tuple[Source, Opener]], part_bytes: int) -> _Work:
    """Inputs in order, each large NDJSON file or .evtx log on disk as its parts in order."""
    tasks: list[Task] = []
    counters: dict[int, LineCounter] = {}
    for index, (source, opener) in enumerate(inputs):
        parts: Sequence[Piece | ChunkRange] = []
        if source.path is not None and source.size is not None:
            parts = chunk_ranges(source.path, source.size, part_bytes)
            if not parts:
                parts = split_plan(source.path, source.size, part_bytes)
                if len(parts) > 1:
                    counters[index] = LineCounter(source.path, source.size)
        if len(parts) > 1:
            tasks.extend((index, source, opener, piece) for piece in parts)
        else:
            tasks.append((index, source, opener, None))
    return _Work(tasks, counters)


def _pooled(
    pool: ProcessPoolExecutor,
    work: _Work,
    plan: ReadPlan,
    state: Survey,
    jobs: int,
    *,
    progress: Progress | None,
) -> None:
    pending: deque[tuple[int, Future[Part]]] = deque()
    ended: set[int] = set()  # inputs whose reader gave up their rest (in an earlier part)

    def merge_next() -> None:
        index, future = pending.popleft()
        part = future.result()
        if index in ended:
            _discard(part)  # a read of the whole input would have stopped before this part
            return
        merge_part(state, part)
        if part.ended:
            ended.add(index)
        _report(progress, state)

    for index, source, opener, piece in work.handed_out(ended):
        if source.path is None:
            while pending:
                merge_next()
            read_input(index, source, opener, plan, state, progress=progress)
            _report(progress, state)
            continue
        pending.append((index, pool.submit(_read_part, index, source, piece)))
        while len(pending) > WINDOW * jobs:
            merge_next()
    while pending:
        merge_next()


def _discard(part: Part) -> None:
    """Remove the run files of a part that is not merged (the scratch folder goes at the
    end of the run anyway; a large dropped part should not wait for it)."""
    for run in part.runs:
        with contextlib.suppress(OSError):
            os.unlink(run)


def _report(progress: Progress | None, state: Survey) -> None:
    if progress is not None:
        progress(state.stats.read)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


# The worker side. A worker process serves one run; its plan and compiled rules are set
# once by the pool's initializer (process-local state, never seen by the parent).
_worker: tuple[ReadPlan, list[tuple[Rule, eql.Query]]] | None = None


def _start_worker(plan: ReadPlan) -> None:
    global _worker  # noqa: PLW0603 - per-process state of a pool worker, set once
    _worker = (plan, [(rule, eql.compile(rule.query)) for rule in plan.rules])


def _read_part(index: int, source: Source, piece: Piece | ChunkRange | None) -> Part:
    assert _worker is not None, "worker used before its initializer ran"
    plan, compiled = _worker
    state = new_survey(compiled, plan, named_runs=True)
    path = source.path
    assert path is not None
    if piece is None:
        read_input(index, source, _opener(path), plan, state)
    elif isinstance(piece, ChunkRange):
        read_log_part(index, source, piece, plan, state)
    else:
        opener = partial(open_piece, path, piece)
        read_input(index, source, opener, plan, state, lines_before=piece.lines_before)
    return part_of(state)


def _opener(path: str) -> Opener:
    def opener() -> BinaryIO:
        return open(path, "rb")

    return opener
