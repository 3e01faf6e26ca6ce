"""A gzip decompressing stream that tolerates bytes after the last member.

`gzip.GzipFile` raises `BadGzipFile` when non-gzip bytes follow a complete member
(real archives carry a stray newline or zero padding there: the OTRF `.tar.gz` files
do), and because it reads ahead, the error surfaces while records of the member are
still being read. Like gzip(1) this reader decompresses every concatenated member and
ignores what follows the last complete one; a stream that ends *inside* a member
raises `EOFError` ("truncated").
"""

from __future__ import annotations

import io
import zlib
from typing import BinaryIO

from relaywatch.sources.failures import STREAM_ERRORS
from relaywatch.sources.streams import failure_at_end

_GZIP_MAGIC = b"\x1f\x8b"
_BLOCK = 1 << 16


class GzipStream(io.RawIOBase):
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._done = False
        self._failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        try:
            while not self._pending and not self._done:
                self._pending = self._inflate_more()
        except STREAM_ERRORS as failure:
            # Deferred to the next read, so a buffered read keeps the bytes before it
            # (see streams._Prefixed).
            self._failure = failure
            return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _inflate_more(self) -> bytes:
        if self._inflate.eof:
            return self._next_member(self._inflate.unused_data)
        data = self._stream.read(_BLOCK)
        if not data:
            raise EOFError("compressed stream ends inside a gzip member")
        return self._inflate.decompress(data)

    def _next_member(self, rest: bytes) -> bytes:
        if len(rest) < 2:
            more = self._stream.read(_BLOCK)
            if not more:
                # The end of the data, or a failure held back to the next read (a break
                # exactly where a member ends): one more read tells them apart.
                failure = failure_at_end(self._stream)
                if failure is not None:
                    raise failure
            rest += more
        if not rest.startswith(_GZIP_MAGIC):
            self._done = True  # trailing bytes after the last member: ignored, as gzip(1)
            return b""
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return self._inflate.decompress(rest)

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_gzip(stream: BinaryIO) -> BinaryIO:
    return io.BufferedReader(GzipStream(stream), buffer_size=1 << 16)
