"""One large `.evtx` log in chunk ranges, so that several processes can read it.

An `.evtx` file is a 4 KB file header and 64 KB chunks, each chunk self-contained (its
own string and template tables), and the `evtx` parser reads whatever chunks follow a
file header to the end of its input (the header's chunk count is not trusted). A range
of chunks behind the file header is therefore a log of its own, with the same records.
The reader of a whole log carries two things from one chunk to the next: the id of the
last record it decoded (where a later failure is placed) and a count of consecutive
failures. A range therefore starts only after a chunk that decodes on its own without a
failure and holds a record: the failure count is then zero, and the last record id is
that chunk's last one, read at split time. Split so, the parts give exactly the items
one read of the whole log gives (tests compare them on the parser's damaged samples).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from evtx import PyEvtxParser

from relaywatch.sources import evtxfile
from relaywatch.sources.context import Item, ReadContext, Source, reject

MAGIC = b"ElfFile\x00"
CHUNK_SIZE = evtxfile.CHUNK_SIZE
HEADER_SIZE = evtxfile.FILE_HEADER_SIZE
# How many chunks after a part's planned end are tried as its end before the part is
# planned to end one part further on (every candidate costs one chunk decoded).
SEARCH_CHUNKS = 64


@dataclass(frozen=True, slots=True)
class ChunkRange:
    """Chunks `first` up to `end` (None: to the end of the file) of a log, read after its
    file header; `last_record` is the record id a reader of the whole log had reached."""

    first: int
    end: int | None
    last_record: int

    def byte_range(self, size: int) -> tuple[int, int]:
        start = HEADER_SIZE + self.first * CHUNK_SIZE
        stop = size if self.end is None else HEADER_SIZE + self.end * CHUNK_SIZE
        return start, stop


def chunk_ranges(path: str, size: int, part_bytes: int) -> list[ChunkRange]:
    """The parts of the `.evtx` log at `path` (at least two), or [] to read it whole."""
    if size < 2 * part_bytes:
        return []
    try:
        with open(path, "rb") as stream:
            header = stream.read(HEADER_SIZE)
            if not header.startswith(MAGIC):
                return []
            return _ranges(stream, header, (size - HEADER_SIZE) // CHUNK_SIZE, part_bytes)
    except OSError:
        return []  # the reader of the whole input reports what is wrong with it


def _ranges(stream: BinaryIO, header: bytes, chunks: int, part_bytes: int) -> list[ChunkRange]:
    per_part = max(part_bytes // CHUNK_SIZE, 1)
    ranges: list[ChunkRange] = []
    first, last_record = 0, 0
    target = per_part
    while target < chunks:
        boundary = _clean_boundary(stream, header, target, min(target + SEARCH_CHUNKS, chunks))
        if boundary is None:
            target += per_part  # a damaged stretch: this part goes on to a later boundary
            continue
        end, last_id = boundary
        ranges.append(ChunkRange(first, end, last_record))
        first, last_record = end, last_id
        target = end + per_part
    if not ranges:
        return []
    ranges.append(ChunkRange(first, None, last_record))
    return ranges


def _clean_boundary(
    stream: BinaryIO, header: bytes, start: int, stop: int
) -> tuple[int, int] | None:
    """The first chunk number in `start`..`stop` that follows a chunk decoding cleanly,
    with that chunk's last record id."""
    for end in range(start, stop):
        stream.seek(HEADER_SIZE + (end - 1) * CHUNK_SIZE)
        last_id = _last_record_if_clean(header + stream.read(CHUNK_SIZE))
        if last_id is not None:
            return end, last_id
    return None


def _last_record_if_clean(log: bytes) -> int | None:
    """The id of the last record of a one-chunk log, or None if it holds no record or
    any part of it fails to decode."""
    last: int | None = None
    records = PyEvtxParser(io.BytesIO(log), number_of_threads=1).records_json()
    try:
        for record in records:
            last = record["event_record_id"] if record is not None else last
    except RuntimeError:
        return None
    return last


def read_range(source: Source, part: ChunkRange, ctx: ReadContext) -> Iterator[Item]:
    """The items of one part of the log at `source.path`, as a read of the whole log
    yields them (the first part also reports a cut-off file)."""
    assert source.path is not None and source.size is not None, "only logs on disk are split"
    start, stop = part.byte_range(source.size)
    try:
        log = _LogPart(source.path, start, stop)
    except OSError as error:
        yield reject(source, part.last_record + 1, f"unreadable evtx file: {error}")
        return
    with log:
        if part.first == 0:
            yield from evtxfile.truncation(source, source.size)
        yield from evtxfile.parse(source, log, ctx, last=part.last_record, chunk=part.first)


class _LogPart(io.RawIOBase):
    """The file header, then bytes `start`..`stop` of the log: what the parser reads as a
    log of its own, read from disk as it goes (a part can be gigabytes long)."""

    def __init__(self, path: str, start: int, stop: int) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with the part
        try:
            self._header = self._file.read(HEADER_SIZE)
        except OSError:
            self._file.close()
            raise
        self._start = start
        # The file as it is now: one that shrank since it was planned ends where it ends.
        stop = min(stop, os.fstat(self._file.fileno()).st_size)
        self._size = len(self._header) + max(stop - start, 0)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._position)
        done = 0
        if wanted > 0 and self._position < len(self._header):
            head = self._header[self._position : self._position + wanted]
            view[: len(head)] = head
            done = len(head)
        if done < wanted:
            self._file.seek(self._start + self._position + done - len(self._header))
            done += self._file.readinto(view[done:wanted]) or 0
        self._position += done
        return done

    def close(self) -> None:
        self._file.close()
        super().close()
