"""Windows XML exports: `wevtutil qe /f:xml` and Event Viewer's "Save as XML".

`wevtutil` writes a bare sequence of `<Event>` elements with no single root, which no
XML parser accepts as a document; Event Viewer wraps them in `<Events>`. Both are read
the same way: the text is cut at each `<Event ...>...</Event>` element (events do not
nest) and every element is parsed on its own, so one damaged event is one located
rejection and the next event still reads. Positions are 1-based element indexes; the
detail of a rejection gives the line.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from relaywatch.records import Provenance
from relaywatch.sources import documents
from relaywatch.sources.context import Item, ReadContext, Source, reject
from relaywatch.sources.failures import STREAM_ERRORS, stream_failure
from relaywatch.sources.streams import failure_at_end
from relaywatch.sources.xmlevent import event_to_raw

_BLOCK = 1 << 20
_START = re.compile(r"<(?:[\w.-]+:)?Event(?=[\s>/])")
_END = re.compile(r"</(?:[\w.-]+:)?Event\s*>")
# Text kept when a block holds no event start: enough for a start tag cut in two.
_KEEP = 64
_SURROGATE = re.compile("[\udc80-\udcff]")


def read_xml(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    position = 0
    for line, element in _event_texts(source, stream):
        if isinstance(element, str):
            position += 1
            yield from _event(source, position, line, element, ctx)
        else:
            yield element


def _event(source: Source, position: int, line: int, text: str, ctx: ReadContext) -> Iterator[Item]:
    bad = _SURROGATE.search(text)
    if bad is not None:
        yield reject(source, position, f"non-UTF-8 bytes: in the event at line {line}")
        return
    try:
        element = ET.fromstring(text)
    except ET.ParseError as error:
        yield reject(source, position, f"malformed XML: {error} (event at line {line})")
        return
    raw = event_to_raw(element)
    yield from documents.from_object(raw, Provenance(source.name, position), ctx)


def _event_texts(source: Source, stream: BinaryIO) -> Iterator[tuple[int, str | Item]]:
    """(line, text of one `<Event>` element) in input order; a break is a rejection."""
    decoder = _decoder(stream)
    buffer, line, index = "", 1, 0
    while True:
        try:
            block = stream.read(_BLOCK)
        except STREAM_ERRORS as error:
            yield line, reject(source, index + 1, stream_failure(error))
            return
        buffer += decoder.decode(block, final=not block)
        while (event := _cut(buffer)) is not None:
            start, end = event
            line += buffer.count("\n", 0, start)
            index += 1
            yield line, buffer[start:end]
            line += buffer.count("\n", start, end)
            buffer = buffer[end:]
        if _START.search(buffer) is None and len(buffer) > _KEEP:
            # Markup between events (<Events>, comments, blanks): nothing to keep.
            line += buffer.count("\n", 0, len(buffer) - _KEEP)
            buffer = buffer[-_KEEP:]
        if not block:
            failure = failure_at_end(stream)
            if failure is not None:
                yield line, reject(source, index + 1, stream_failure(failure))
                return
            break
    unclosed = _START.search(buffer)
    if unclosed is not None:
        line += buffer.count("\n", 0, unclosed.start())
        yield line, reject(source, index + 1, f"truncated XML: event at line {line} never ends")


def _cut(buffer: str) -> tuple[int, int] | None:
    """Start and end of the first complete `<Event>` element in `buffer`, if any."""
    start = _START.search(buffer)
    if start is None:
        return None
    tag_end = buffer.find(">", start.end())
    if tag_end < 0:
        return None
    if buffer[tag_end - 1] == "/":  # <Event/>: an empty event element
        return start.start(), tag_end + 1
    end = _END.search(buffer, tag_end + 1)
    following = _START.search(buffer, tag_end + 1)
    if following is not None and (end is None or following.start() < end.start()):
        # This event never closes before the next one opens: it ends where that begins,
        # and is rejected alone when it fails to parse.
        return start.start(), following.start()
    if end is None:
        return None
    return start.start(), end.end()


def _decoder(stream: BinaryIO) -> codecs.IncrementalDecoder:
    """UTF-16 when a byte-order mark says so (Event Viewer), else UTF-8.

    Bytes that are not UTF-8 are kept as lone surrogates (`surrogateescape`) so the
    event holding them can be rejected by itself.
    """
    peek = getattr(stream, "peek", None)
    head = peek(4)[:4] if peek is not None else b""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.getincrementaldecoder("utf-16")(errors="replace")
    if head[:2] == b"<\x00":
        return codecs.getincrementaldecoder("utf-16-le")(errors="replace")
    return codecs.getincrementaldecoder("utf-8-sig")(errors="surrogateescape")
