"""`read(paths, options)`: every input, format detected from content, as Records and Skips.

Formats are a registry (STYLE.md §7): `detect` names the format from the first bytes
and `READERS` maps the name to its reader. Inputs are read one after the other in the
order given (directories and glob matches sorted by name); within an input, records
come in the order the input holds them. Nothing is sorted by time here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from relaywatch.records import Provenance, Record, Skip
from relaywatch.sources.archives import read_gzip, read_tar, read_zip
from relaywatch.sources.context import Item, ReadContext, Source, reject
from relaywatch.sources.detect import detect, first_meaningful
from relaywatch.sources.evtxfile import read_evtx
from relaywatch.sources.failures import STREAM_ERRORS, stream_failure
from relaywatch.sources.jsonfile import read_json
from relaywatch.sources.options import IngestClock, ReadOptions
from relaywatch.sources.paths import Opener, expand
from relaywatch.sources.stats import ReadStats
from relaywatch.sources.streams import (
    HEAD_SIZE,
    failure_at_end,
    prepend,
    utf16_as_utf8,
    with_head,
)
from relaywatch.sources.xmlfile import read_xml

Reader = Callable[[Source, BinaryIO, ReadContext], Iterator[Item]]


def read(
    paths: Sequence[str], options: ReadOptions | None = None, stats: ReadStats | None = None
) -> Iterator[Item]:
    """Records and Skips of every input named by `paths`.

    Raises `SourceError` at once when a path names nothing; every problem inside an
    input is a located `Skip` in the stream instead.

    With `stats`, every item is counted there as it is read, and records skipped as
    not relevant are only counted, not yielded: the fast path for a caller that needs
    the account but not one object per skipped record (`scan`, `convert`).
    """
    inputs = expand(paths)
    chosen = options or ReadOptions()
    ctx = ReadContext(chosen, IngestClock(chosen.ingested), read_stream, stats)
    items = _read_all(inputs, ctx)
    return items if stats is None else _counted(items, stats)


def _counted(items: Iterator[Item], stats: ReadStats) -> Iterator[Item]:
    for item in items:
        stats.add(item)
        if isinstance(item, Record) or item.rejected:
            yield item


def _read_all(inputs: list[tuple[Source, Opener]], ctx: ReadContext) -> Iterator[Item]:
    for source, opener in inputs:
        yield from read_input(source, opener, ctx)


def read_input(
    source: Source, opener: Opener, ctx: ReadContext, reader: Reader | None = None
) -> Iterator[Item]:
    """One input (as `paths.expand` names it): opened, detected and read; an input that
    cannot be opened is one located rejection. `reader` skips the detection: for a part
    of an input whose format the first part's detection decided (`detect.split`)."""
    try:
        stream = opener()
    except OSError as error:
        yield reject(source, 0, f"unreadable input: {error}")
        return
    with stream:
        yield from (reader or read_stream)(source, stream, ctx)


def read_stream(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    """Detect the format of one input from its first bytes and read it.

    A plain function returning the reader's iterator, not a generator delegating to it:
    every record passes through each generator level between reader and caller.
    """
    try:
        head, buffered = with_head(stream, HEAD_SIZE)
    except STREAM_ERRORS as error:
        return iter([reject(source, 0, stream_failure(error))])
    name = detect(head)
    if name is None:
        reason = f"unrecognized format: input starts with {head[:16]!r}"
        # A file found while walking a folder may be anything (a README, an inventory):
        # skipped, not rejected. One named on the command line, or one whose name says it
        # is an event log, is bad input: rejected, so that --max-errors sees it.
        rejected = not source.discovered or source.name.lower().endswith(LOG_SUFFIXES)
        return iter([Skip(Provenance(source.name, 0), reason, rejected=rejected)])
    if name == "json" and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows PowerShell 5 writes UTF-16 with `>`: read it as the UTF-8 it stands for
        # (the XML reader decodes UTF-16 itself).
        buffered = utf16_as_utf8(buffered)
    return READERS[name](source, buffered, ctx)


def _read_blank(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    """An input whose head is blank: empty, or content after a long run of blanks."""
    while True:
        try:
            block = stream.read(1 << 16)
        except STREAM_ERRORS as error:
            yield reject(source, 0, stream_failure(error))
            return
        if not block:
            failure = failure_at_end(stream)
            reason = "empty input: no records" if failure is None else stream_failure(failure)
            yield reject(source, 0, reason)
            return
        # The same stripping as detection (a byte-order mark too), or a blank input with a
        # BOM would be handed back to detection as "empty" forever.
        content = first_meaningful(block)
        if content:
            yield from read_stream(source, prepend(content, stream), ctx)
            return


LOG_SUFFIXES = (".evtx", ".json", ".ndjson", ".jsonl", ".xml", ".gz", ".zip", ".tar", ".tgz")

READERS: dict[str, Reader] = {
    "empty": _read_blank,
    "gzip": read_gzip,
    "zip": read_zip,
    "tar": read_tar,
    "evtx": read_evtx,
    "xml": read_xml,
    "json": read_json,
}

FORMATS: tuple[str, ...] = tuple(name for name in READERS if name != "empty")
