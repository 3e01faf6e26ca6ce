"""NDJSON and JSON documents: one value per line, or one value for the whole input.

Line mode is tried first and is the streaming path; an input whose first line is not
a complete JSON value (a pretty-printed `_search` response, an indented array) is read
whole. With `relevant_codes` set, a line that cannot hold a relevant event (no relevant
code or category in its text: `relaywatch.sources.prefilter`) is counted "not relevant"
without being parsed: a byte search is several times cheaper than `orjson.loads`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from relaywatch.records import Provenance, Skip
from relaywatch.sources import documents
from relaywatch.sources.context import (
    Item,
    ReadContext,
    Source,
    not_relevant,
    not_relevant_reason,
    reject,
)
from relaywatch.sources.failures import STREAM_ERRORS, ends_input, stream_failure
from relaywatch.sources.options import ReadOptions
from relaywatch.sources.prefilter import LinePrefilter
from relaywatch.sources.streams import failure_at_end, prepend, read_rest

_BULK_ACTIONS = (b'{"index":', b'{"create":')
_UTF8_BOM = b"\xef\xbb\xbf"


def read_json(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    limit = ctx.options.max_line_bytes
    number = 0
    while True:
        number += 1
        line = _read_line(source, stream, number, limit)
        if isinstance(line, Skip):
            yield line
            if ends_input(line.reason):
                return
            continue
        if not line:
            return
        if line.isspace():
            continue
        first = line.removeprefix(_UTF8_BOM)
        if parses(first) or not first.lstrip().startswith((b"{", b"[")):
            # Line mode: the first line goes back in front of the stream.
            yield from _lines(source, prepend(first, stream), ctx, number - 1)
        else:
            yield from _document_mode(source, number, first, stream, ctx)
        return


def read_lines(
    source: Source, stream: BinaryIO, ctx: ReadContext, *, lines_before: int = 0
) -> Iterator[Item]:
    """Every line of `stream` in line mode, as the lines of an NDJSON input after its
    first, numbered after `lines_before` earlier lines: for the later parts of an input
    read in parts (`relaywatch.detect.split`)."""
    return _lines(source, stream, ctx, lines_before)


def parses(line: bytes) -> bool:
    """Whether one line is a whole JSON value (NDJSON) rather than part of one."""
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _read_line(source: Source, stream: BinaryIO, number: int, limit: int) -> bytes | Skip:
    """The next line (b"" at the end), or the rejection of a line too long or broken."""
    try:
        line = stream.readline(limit + 1)
    except STREAM_ERRORS as error:
        return reject(source, number, stream_failure(error))
    return line if line.endswith(b"\n") else _read_line_end(source, stream, number, limit, line)


def _discard_rest_of_line(stream: BinaryIO) -> tuple[int, bool]:
    """Skip to the next line; the bytes skipped and whether a newline ended them (else
    the data ended: the end of the input, or a deferred failure of the stream)."""
    count = 0
    while True:
        part = stream.readline(1 << 20)
        count += len(part)
        if not part or part.endswith(b"\n"):
            return count, bool(part)


def _lines(source: Source, stream: BinaryIO, ctx: ReadContext, number: int) -> Iterator[Item]:  # noqa: PLR0912 - one frame on purpose
    """Every line after line `number`. One loop, no generator per line: this runs for
    every line of the input, most of which the prefilter drops in a few microseconds."""
    prefilter, unread = _prefilter(ctx.options)
    limit = ctx.options.max_line_bytes
    readline = stream.readline
    stats = ctx.stats  # when set, lines that cannot matter are only counted (ReadContext)
    skipped = 0
    meta: Provenance | None = None
    try:
        while True:
            number += 1
            try:
                line = readline(limit + 1)
            except STREAM_ERRORS as error:
                yield reject(source, number, stream_failure(error))
                return
            if not line.endswith(b"\n"):
                checked = _read_line_end(source, stream, number, limit, line)
                if isinstance(checked, Skip):
                    yield checked
                    if ends_input(checked.reason):
                        return
                    continue
                if not checked:
                    return
            if line.isspace():
                continue
            if line.startswith(_BULK_ACTIONS):
                action = _bulk_action(line, source, number)
                if action is not None:
                    meta = action
                    continue
            if prefilter is not None and not prefilter.may_match(line):
                if stats is not None:
                    skipped += 1
                else:
                    yield not_relevant(meta or Provenance(source.name, number), unread)
                meta = None
                continue
            where, meta = meta or Provenance(source.name, number), None
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                yield reject(source, number, _malformed(line, error))
                continue
            yield from documents.from_value(value, where, ctx)
    finally:
        if stats is not None and skipped:
            stats.count_not_relevant(source.name, skipped, unread)


def _prefilter(options: ReadOptions) -> tuple[LinePrefilter | None, str]:
    """The byte test for lines that cannot matter, and the reason they are skipped."""
    what = "code or category" if options.relevant_categories else "code"
    unread = f"{not_relevant_reason(options)}: no relevant {what} in the line"
    if options.raw_codes is None:
        return None, unread
    # Judged by raw_codes: the text of a raw event shows no category until conversion.
    return LinePrefilter(options.raw_codes, options.relevant_categories), unread


def _read_line_end(
    source: Source, stream: BinaryIO, number: int, limit: int, line: bytes
) -> bytes | Skip:
    """A line read without its newline: the last line, one too long, or a broken stream."""
    if not line:
        # The end of the data, or a deferred failure of the stream (`streams.prepend`):
        # one more read tells them apart.
        failure = failure_at_end(stream)
        return line if failure is None else reject(source, number, stream_failure(failure))
    if len(line) > limit:
        try:
            skipped, ended = _discard_rest_of_line(stream)
            failure = None if ended else failure_at_end(stream)
        except STREAM_ERRORS as error:
            failure = error
        if failure is not None:
            # The stream broke inside the long line: that failure ends the input here.
            return reject(source, number, stream_failure(failure))
        return reject(source, number, f"line too long: {len(line) + skipped} bytes")
    failure = failure_at_end(stream)
    return line if failure is None else reject(source, number, stream_failure(failure))


def _bulk_action(line: bytes, source: Source, number: int) -> Provenance | None:
    """The `_id` / `_index` of a `_bulk` action line, which describes the next line."""
    try:
        value: Any = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        return None
    action = next(iter(value.values()))
    if not isinstance(action, dict):
        return None
    doc_id, index = action.get("_id"), action.get("_index")
    return Provenance(
        source.name,
        number + 1,
        doc_id if isinstance(doc_id, str) else None,
        index if isinstance(index, str) else None,
    )


def _malformed(line: bytes, error: orjson.JSONDecodeError) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"non-UTF-8 bytes: at byte {bad.start} of the line"
    return f"malformed JSON: {error}"


def _document_mode(
    source: Source, number: int, first: bytes, stream: BinaryIO, ctx: ReadContext
) -> Iterator[Item]:
    """The whole input is one JSON value (read into memory, as it must be to parse it)."""
    try:
        data = first + read_rest(stream)
    except STREAM_ERRORS as error:
        yield reject(source, number, stream_failure(error))
        return
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        # Not one document after all: an NDJSON input whose first line is damaged.
        yield from _lines(source, io.BytesIO(data), ctx, number - 1)
        return
    top = isinstance(value, dict) and not documents.is_search_response(value)
    yield from documents.from_value(value, Provenance(source.name, number if top else 0), ctx)
