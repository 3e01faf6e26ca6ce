"""NDJSON and JSON documents: one value per line, or one value for the whole input.

Line mode is tried first and is the streaming path; an input whose first line is not
a complete JSON value (a pretty-printed `_search` response, an indented array) is read
whole. With `relevant_codes` set, a line that cannot hold a relevant event
(`relaywatch.sources.prefilter`) is counted "not relevant" without being parsed: a
byte search is several times cheaper than `orjson.loads`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any, BinaryIO

import orjson

from relaywatch.records import Provenance
from relaywatch.sources import documents
from relaywatch.sources.context import Item, ReadContext, Source, not_relevant, reject
from relaywatch.sources.failures import STREAM_ERRORS, stream_failure
from relaywatch.sources.prefilter import LinePrefilter
from relaywatch.sources.streams import read_rest

_NO_CODE = "event.code not relevant: no relevant code in the line"
_BULK_ACTIONS = (b'{"index":', b'{"create":')
_UTF8_BOM = b"\xef\xbb\xbf"


def read_json(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    lines = _numbered_lines(source, stream, ctx)
    for number, line in lines:
        if isinstance(line, bytes):
            first = line.removeprefix(_UTF8_BOM)
            if _parses(first) or not first.lstrip().startswith((b"{", b"[")):
                yield from _lines(source, chain([(number, first)], lines), ctx)
            else:
                yield from _document_mode(source, number, first, stream, ctx)
            return
        yield line


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _numbered_lines(
    source: Source, stream: BinaryIO, ctx: ReadContext
) -> Iterator[tuple[int, bytes | Item]]:
    """Non-blank lines with their 1-based numbers; a line too long, or a stream that
    breaks, comes out as a rejection in its place."""
    limit = ctx.options.max_line_bytes
    number = 0
    while True:
        number += 1
        try:
            line = stream.readline(limit + 1)
            if len(line) > limit and not line.endswith(b"\n"):
                skipped = len(line) + _discard_rest_of_line(stream)
                yield number, reject(source, number, f"line too long: {skipped} bytes")
                continue
        except STREAM_ERRORS as error:
            yield number, reject(source, number, stream_failure(error))
            return
        if not line:
            return
        failure = None if line.endswith(b"\n") else _failure_after(stream)
        if failure is not None:
            # The input ends inside this line because the stream broke: the line is
            # part of the break, not a malformed record of its own.
            yield number, reject(source, number, stream_failure(failure))
            return
        if not line.isspace():  # stops at the first byte of a JSON line
            yield number, line


def _failure_after(stream: BinaryIO) -> BaseException | None:
    """At the end of the data: the failure that ended it early, if one did."""
    try:
        stream.read(1)
    except STREAM_ERRORS as failure:
        return failure
    return None


def _discard_rest_of_line(stream: BinaryIO) -> int:
    count = 0
    while True:
        part = stream.readline(1 << 20)
        count += len(part)
        if not part or part.endswith(b"\n"):
            return count


def _lines(
    source: Source, lines: Iterator[tuple[int, bytes | Item]], ctx: ReadContext
) -> Iterator[Item]:
    relevant = ctx.options.relevant_codes
    prefilter = LinePrefilter(relevant) if relevant is not None else None
    stats = ctx.stats  # when set, lines that cannot matter are only counted (ReadContext)
    skipped = 0
    meta: Provenance | None = None
    try:
        for number, line in lines:
            if not isinstance(line, bytes):
                yield line
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
                    yield not_relevant(meta or Provenance(source.name, number), _NO_CODE)
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
            stats.count_not_relevant(source.name, skipped, _NO_CODE)


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
        lines = data.splitlines(keepends=True)
        numbered = [(number + i, line) for i, line in enumerate(lines) if line.strip()]
        yield from _lines(source, iter(numbered), ctx)
        return
    top = isinstance(value, dict) and not documents.is_search_response(value)
    yield from documents.from_value(value, Provenance(source.name, number if top else 0), ctx)
