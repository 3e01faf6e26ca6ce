"""Binary `.evtx` logs through the `evtx` package (the Rust `evtx` crate).

The binding's iterator raises `RuntimeError` for a record or chunk it cannot decode
and then carries on with the next one (deps-check, ecs-mapping §5.1), so each failure
becomes one located rejection and parsing goes on. Its messages name the record
("Failed to parse record number N") or the chunk ("Failed to parse chunk number N");
other failures are placed after the last record that was decoded.

With `relevant_codes` set, the EventID is read from the record's JSON text with a
regular expression and a record that cannot matter (its code is not in
`ReadOptions.raw_codes`) is skipped before `orjson` parses it and before
`relaywatch.ecs` converts it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson
from evtx import PyEvtxParser

from relaywatch.records import Provenance
from relaywatch.sources import documents
from relaywatch.sources.context import (
    Item,
    ReadContext,
    Source,
    not_relevant,
    not_relevant_reason,
    reject,
)
from relaywatch.sources.failures import ending, stream_failure
from relaywatch.sources.streams import read_all

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
# The consecutive failures after which a file is given up: the binding always advances,
# but a pathological file must not turn into an endless stream of rejections.
MAX_CONSECUTIVE_ERRORS = 10_000

# Rejection categories of records the parser itself cannot decode.
CORRUPT_RECORD = "corrupt evtx record"
CORRUPT_CHUNK = "corrupt evtx chunk"
TRUNCATED_CHUNK = "truncated evtx chunk"
PARSER_CATEGORIES = frozenset({CORRUPT_RECORD, CORRUPT_CHUNK, TRUNCATED_CHUNK})

# The binding writes EventID as a plain number; anything else is parsed and converted
# (`ecs.to_int` reads " 04688" and "0x1250" as 4688).
_EVENT_ID = re.compile(
    r'"EventID":(?:\{"#attributes":\{[^{}]*\},"#text":)?("?)([1-9][0-9]*|0)\1[,}]'
)
_RECORD_NUMBER = re.compile(r"record number (\d+)")
_CHUNK_NUMBER = re.compile(r"chunk number (\d+)")


def read_evtx(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    target: str | io.BytesIO
    if source.path is not None and source.size is not None:
        target, size = source.path, source.size  # on disk: the Rust side reads the file
    else:
        data, failure = _in_memory(source, stream)
        if failure is not None:
            yield failure
        target, size = io.BytesIO(data), len(data)
    yield from truncation(source, size)
    yield from parse(source, target, ctx)


def parse(
    source: Source, target: str | io.IOBase, ctx: ReadContext, *, last: int = 0, chunk: int = 0
) -> Iterator[Item]:
    """The records of a log (a path, or a seekable stream of its bytes) as located items.

    `last` and `chunk` continue a read: when `target` holds the chunks of a larger log
    from chunk number `chunk` on (`relaywatch.sources.evtxparts`), `last` is the record id
    a reader of the whole log had reached before them, and chunk numbers in messages are
    those of the whole log."""
    try:
        parser = PyEvtxParser(target, number_of_threads=ctx.options.evtx_threads)
    except (OSError, RuntimeError) as error:
        yield reject(source, 0, f"unreadable evtx file: {error}")
        return
    yield from _records(source, parser.records_json(), ctx, last, chunk)


def _in_memory(source: Source, stream: BinaryIO) -> tuple[bytes, Item | None]:
    """The bytes of a log inside an archive or on stdin, and the break that cut them
    short, if any: the records before a break are still parsed."""
    data, failure = read_all(stream)
    return data, None if failure is None else reject(source, 0, stream_failure(failure))


def truncation(source: Source, size: int) -> Iterator[Item]:
    """A file cut inside a chunk: the binding silently stops at the cut, so say so here."""
    if size < FILE_HEADER_SIZE:
        return
    partial = (size - FILE_HEADER_SIZE) % CHUNK_SIZE
    if partial:
        chunk = (size - FILE_HEADER_SIZE) // CHUNK_SIZE
        yield reject(
            source,
            0,
            f"{TRUNCATED_CHUNK}: chunk {chunk} has {partial} of {CHUNK_SIZE} bytes;"
            " its records after the cut are lost",
        )


def _records(
    source: Source, records: Iterator[Any], ctx: ReadContext, last: int, chunk: int
) -> Iterator[Item]:
    skipped = [0]  # records counted straight into ctx.stats (see ReadContext)
    try:
        yield from _decoded(source, records, ctx, skipped, last=last, chunk=chunk)
    finally:
        if ctx.stats is not None and skipped[0]:
            reason = not_relevant_reason(ctx.options)
            ctx.stats.count_not_relevant(source.name, skipped[0], reason)


def _decoded(
    source: Source,
    records: Iterator[Any],
    ctx: ReadContext,
    skipped: list[int],
    *,
    last: int,  # the reader's state where a part of a log starts (see `parse`)
    chunk: int,
) -> Iterator[Item]:
    relevant = ctx.options.raw_codes
    reason = not_relevant_reason(ctx.options)
    quiet = ctx.stats is not None
    failures = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except RuntimeError as error:
            if failures and "header magic" in str(error):
                # The parser lost its place after the corrupt record just reported: what
                # follows in that chunk is unreadable (how many records, nobody knows).
                yield reject(
                    source,
                    last + 1,
                    f"{CORRUPT_CHUNK}: rest of the chunk unreadable after a corrupt record",
                )
            else:
                yield _failure(source, _whole_log_chunks(str(error), chunk), last)
            failures += 1
            if failures >= MAX_CONSECUTIVE_ERRORS:
                gave_up = "corrupt evtx file: gave up after too many consecutive errors"
                yield reject(source, last + 1, ending(gave_up))
                return
            continue
        failures = 0
        last = record["event_record_id"]
        data = record["data"]
        if relevant is not None:
            # The first EventID is the System one (EventData or UserData can hold others).
            match = _EVENT_ID.match(data, max(data.find('"EventID":'), 0))
            if match is not None and match[2] not in relevant:
                if quiet:
                    skipped[0] += 1
                else:
                    yield not_relevant(Provenance(source.name, last), reason)
                continue
        provenance = Provenance(source.name, last)
        raw = orjson.loads(data)
        if documents.dig(raw, "Event", "System", "TimeCreated") is None:
            # Seen in damaged logs: the parser returns a hollow record (every System
            # field null). Every real Windows event has TimeCreated.
            yield reject(source, last, f"{CORRUPT_RECORD}: decoded without TimeCreated")
            continue
        yield from documents.windows_event(raw, provenance, ctx)


def _whole_log_chunks(message: str, offset: int) -> str:
    """The parser numbers the chunks it was given from 0: number them in the whole log."""
    if not offset:
        return message
    return _CHUNK_NUMBER.sub(lambda found: f"chunk number {int(found[1]) + offset}", message)


def _failure(source: Source, message: str, last: int) -> Item:
    detail = " ".join(message.split())
    record = _RECORD_NUMBER.search(message)
    if record is not None:
        return reject(source, int(record.group(1)), f"{CORRUPT_RECORD}: {detail}")
    chunk = _CHUNK_NUMBER.search(message)
    if chunk is not None:
        return reject(source, last + 1, f"{CORRUPT_CHUNK}: {detail} (after record {last})")
    return reject(source, last + 1, f"{CORRUPT_RECORD}: {detail} (after record {last})")
