"""Byte streams with a look-ahead, so that a format is detected from content.

Compressed and archived inputs are not seekable, so detection cannot rewind: the
first bytes are read once and served again in front of the rest of the stream.
"""

from __future__ import annotations

import codecs
import errno
import io
from collections.abc import Callable
from typing import BinaryIO, cast

from relaywatch.sources.failures import STREAM_ERRORS

HEAD_SIZE = 4096
# Small enough that a break inside a compressed archive loses little: tarfile drops
# the whole read request that meets the end of a truncated stream.
BUFFER_SIZE = 1 << 16


class _Prefixed(io.RawIOBase):
    """A raw stream that serves `head` first, then the rest of `tail`.

    A failure of the tail (a truncated or corrupt compressed stream, a disk error) is
    deferred: the read that meets it ends the data there (returns 0), and the *next*
    read raises it. A buffered read that failed outright would drop the bytes it had
    already gathered, and those are the good records before the break. `failure` is
    such an error met while the head itself was read: it comes after the head the same
    way. A failure met by the read right after an end of the data is raised at once:
    the buffered reader above has just returned everything it held, so nothing is lost,
    and a tail that defers its own failures (a gzip member, another look-ahead) is not
    deferred twice, which would read as a second end and never be raised.
    """

    def __init__(self, head: bytes, tail: BinaryIO, failure: BaseException | None = None) -> None:
        self._head = memoryview(head)
        self._tail = tail
        self._failure = failure
        self._ended = False  # the last read returned 0
        # Read straight into the caller's buffer (no bytes object and copy per block)
        # where the tail is a file or a buffered stream; other streams may lack a real
        # `readinto`. A buffered tail gives what it holds before it reads again
        # (`readinto1`): bytes it had gathered are never lost to the read after them.
        self._readinto: Callable[[bytearray | memoryview], int | None] | None = None
        if isinstance(tail, io.BufferedReader):
            self._readinto = tail.readinto1
        elif isinstance(tail, io.FileIO):
            self._readinto = tail.readinto

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
        elif self._failure is not None:
            if self._ended:
                failure, self._failure = self._failure, None
                raise failure
            count = 0  # the end of the data first
        else:
            try:
                count = self._from_tail(buffer)
            except STREAM_ERRORS as failure:
                if self._ended:
                    raise
                self._failure, count = failure, 0
        self._ended = count == 0
        return count

    def _from_tail(self, buffer: bytearray | memoryview) -> int:
        if self._readinto is None:
            data = self._tail.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)
        count = self._readinto(buffer)
        if count is None:  # a non-blocking file with nothing ready: not an end
            raise BlockingIOError(errno.EAGAIN, "no data ready on a non-blocking input")
        return count

    def close(self) -> None:
        self._tail.close()
        super().close()


def with_head(stream: BinaryIO, size: int = HEAD_SIZE) -> tuple[bytes, BinaryIO]:
    """Read the first `size` bytes (fewer at end of input) and a stream that still has them."""
    parts: list[bytes] = []
    wanted = size
    # One underlying read at a time (read1): a buffered read() that fails on its second
    # read drops the bytes of the first, and those may be the only good ones.
    read = getattr(stream, "read1", stream.read)
    try:
        # A pipe or a decompressor may return less than asked: read until size or end.
        while wanted > 0:
            part = read(wanted)
            if not part:
                break
            parts.append(part)
            wanted -= len(part)
    except STREAM_ERRORS as failure:
        if not parts:
            raise
        head = b"".join(parts)
        return head, prepend(head, stream, failure)
    head = b"".join(parts)
    return head, prepend(head, stream)


def failure_at_end(stream: BinaryIO) -> BaseException | None:
    """At the end of the data: the failure that ended it early (`prepend` defers it to
    the read after the end), if one did."""
    try:
        stream.read(1)
    except STREAM_ERRORS as failure:
        return failure
    return None


def read_all(stream: BinaryIO) -> tuple[bytes, BaseException | None]:
    """Everything left in `stream`, and the failure that ended it early, if one did (the
    bytes before a break are kept: the records in them are still read)."""
    parts: list[bytes] = []
    try:
        while part := stream.read(1 << 20):
            parts.append(part)
    except STREAM_ERRORS as failure:
        return b"".join(parts), failure
    return b"".join(parts), failure_at_end(stream)


def read_rest(stream: BinaryIO) -> bytes:
    """Everything left in `stream`; raises a deferred failure instead of ending quietly."""
    data, failure = read_all(stream)
    if failure is not None:
        raise failure
    return data


def prepend(head: bytes, stream: BinaryIO, failure: BaseException | None = None) -> BinaryIO:
    """A buffered stream that reads `head`, then the rest of `stream`."""
    return io.BufferedReader(_Prefixed(head, stream, failure), buffer_size=BUFFER_SIZE)


def utf16_as_utf8(stream: BinaryIO) -> BinaryIO:
    """A UTF-16 stream (with its byte-order mark) read as the UTF-8 it stands for.

    Lines end only at `\n`, as in any UTF-8 input (`codecs.EncodedFile` would also cut
    them at U+2028, U+0085 or a lone CR, which JSON strings may hold). Bytes that are not
    UTF-16 text end the input as a failure of the stream, after the text before them.
    """
    return prepend(b"", cast(BinaryIO, _Utf16AsUtf8(stream)))


class NotUtf16Error(OSError):
    """Bytes of a UTF-16 input that are not UTF-16 text (a lone surrogate)."""


class _Utf16AsUtf8(io.RawIOBase):
    # Failures are raised as met: the `_Prefixed` around it defers them for its reader.

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-16")()
        self._pending = b""
        self._done = False
        self._failure: NotUtf16Error | None = None  # raised once the text before it is read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            if self._failure is not None:
                raise self._failure
            block = self._stream.read(BUFFER_SIZE)
            if not block:
                failure = failure_at_end(self._stream)  # the end, or a break held back
                if failure is not None:
                    raise failure
            self._done = not block
            self._pending = self._decoded(block).encode("utf-8")
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _decoded(self, block: bytes) -> str:
        """The text of `block`; before bytes that are not UTF-16, the text up to them."""
        try:
            return self._decoder.decode(block, final=self._done)
        except UnicodeDecodeError as error:
            self._failure = NotUtf16Error(f"not UTF-16 text: {error}")
            before = error.object[: error.start]
            return bytes(before).decode(error.encoding).removeprefix("\ufeff")

    def close(self) -> None:
        self._stream.close()
        super().close()
