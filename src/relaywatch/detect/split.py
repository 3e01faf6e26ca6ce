"""One large NDJSON file in parts, so that several processes can read it.

A part is a byte range that starts at a line. The first part is read as the whole file
would be (its format detected from its head); every later part is read by the JSON
reader's line mode (`relaywatch.sources.jsonfile.read_lines`) as the lines of an NDJSON
input after its first are, never detected again (a line can look like the start of a tar
archive), its lines numbered after the lines before the range. For
that to give exactly what reading the whole file gives, a part may only start where the
reader carries nothing over from the line before, so a split point is a line that

- parses as JSON on its own (the reader stays in line mode, never in whole-document mode,
  and a part never starts blank), and
- follows a line that is not blank and not a `_bulk` action line (an action line names
  the `_id` of the document after it, possibly across blank lines).

A file whose head is not detected as JSON, or whose first line does not parse (a
pretty-printed `_search` response, a JSON array, a compressed file) is never split. The
check is conservative: a line that might be an action line (`{"index"` / `{"create"`) is
never the line before a split.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from relaywatch.sources import jsonfile
from relaywatch.sources.detect import detect
from relaywatch.sources.streams import HEAD_SIZE

PART_BYTES = 32 << 20
LINE_LIMIT = 16 << 20  # longer lines are never looked at whole while choosing splits
_BOM = b"\xef\xbb\xbf"
_MAYBE_ACTION = (b'{"index"', b'{"create"')
_COUNT_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes `start`..`end` of an input, after `lines_before` lines."""

    start: int
    end: int
    lines_before: int


def pieces(path: str, size: int, part_bytes: int = PART_BYTES) -> list[Piece]:
    """The parts of the NDJSON file at `path`, or one piece: the whole file."""
    counter = LineCounter(path, size)
    counted = (counter.count(piece) for piece in plan(path, size, part_bytes))
    return [piece for piece in counted if piece is not None]


def plan(path: str, size: int, part_bytes: int = PART_BYTES) -> list[Piece]:
    """`pieces` before their lines are counted (`lines_before` is 0 in all of them): what
    a scan hands out part by part, counting with a `LineCounter` as it goes."""
    whole = [Piece(0, size, 0)]
    if size < 2 * part_bytes:
        return whole
    try:
        starts = _starts(path, size, part_bytes)
    except OSError:
        return whole  # the reader of the whole input reports what is wrong with it
    ends = [*starts[1:], size]
    return (
        [Piece(start, end, 0) for start, end in zip(starts, ends, strict=True)] if starts else whole
    )


class LineCounter:
    """The lines before each part of one file, counted as the parts are handed out in
    order: the first parts are read while the lines of the next are counted (a count of
    the whole file first, 0.2 s for 400 MB, would keep every reader waiting)."""

    def __init__(self, path: str, size: int) -> None:
        self._path = path
        self._size = size
        self._lines = 0
        self._done = False

    def count(self, piece: Piece) -> Piece | None:
        """`piece` (the next in order) with its `lines_before`. When the lines of its own
        span cannot be counted, it is stretched to the end of the file (its reader meets
        and reports the failure, as a reader of the whole file would) and every later
        piece is None."""
        if self._done:
            return None
        before = self._lines
        if piece.end == self._size:
            return Piece(piece.start, piece.end, before)
        try:
            self._lines += _count_lines(self._path, piece.start, piece.end)
        except OSError:
            self._done = True
            return Piece(piece.start, self._size, before)
        return Piece(piece.start, piece.end, before)


def _starts(path: str, size: int, part_bytes: int) -> list[int]:
    with open(path, "rb") as stream:
        if detect(stream.read(HEAD_SIZE)) != "json":
            return []  # the whole input is read as what its head says it is
        stream.seek(0)
        first = stream.readline(LINE_LIMIT + 1)
        if len(first) > LINE_LIMIT or not jsonfile.parses(first.removeprefix(_BOM)):
            return []
        starts = [0]
        for target in range(part_bytes, size - part_bytes // 2, part_bytes):
            if target <= starts[-1]:
                continue
            start = _split_point(stream, target)
            if start is None:
                break
            starts.append(start)
    return starts


def _split_point(stream: BinaryIO, target: int) -> int | None:
    """The first safe line start after `target`, or None before the end of the file."""
    stream.seek(target - 1)
    _line(stream)  # the rest of the line `target` falls in
    previous = _line(stream)
    while True:
        start = stream.tell()
        line = _line(stream)
        if not line:
            return None
        if previous.strip() and not previous.startswith(_MAYBE_ACTION) and jsonfile.parses(line):
            return start
        previous = line


def _line(stream: BinaryIO) -> bytes:
    """The next line; a line longer than `LINE_LIMIT` is skipped whole and given as a
    blank one, so that no split follows it (memory stays bounded)."""
    line = stream.readline(LINE_LIMIT + 1)
    if len(line) <= LINE_LIMIT or line.endswith(b"\n"):
        return line
    while (rest := stream.readline(LINE_LIMIT)) and not rest.endswith(b"\n"):
        pass
    return b"\n"


def _count_lines(path: str, start: int, end: int) -> int:
    """Line ends in bytes `start`..`end` of the file."""
    lines = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        while start < end:
            block = stream.read(min(_COUNT_BLOCK, end - start))
            if not block:
                break
            lines += block.count(b"\n")
            start += len(block)
    return lines


class _Range(io.RawIOBase):
    """Bytes `start`..`end` of a file, as a stream of their own."""

    def __init__(self, path: str, start: int, end: int) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with the range
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        count = self._file.readinto(memoryview(buffer)[: self._left]) or 0
        self._left -= count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def open_piece(path: str, piece: Piece) -> BinaryIO:
    return io.BufferedReader(_Range(path, piece.start, piece.end), 1 << 16)
