"""The look-ahead stream every reader is given (`sources.streams`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from relaywatch.sources.streams import prepend, read_rest, with_head

DATA = bytes(range(256)) * 1000
GOOD = 70_000


class _Breaking(io.RawIOBase):
    """A decompressor-like stream whose data breaks off after its first GOOD bytes."""

    def __init__(self) -> None:
        self._left = memoryview(DATA)[:GOOD]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._left:
            raise EOFError("compressed file ended before the end-of-stream marker")
        count = min(len(buffer), len(self._left))
        buffer[:count] = self._left[:count]
        self._left = self._left[count:]
        return count


def _file(tmp_path: Path, buffering: int = -1) -> BinaryIO:
    path = tmp_path / "data"
    path.write_bytes(DATA)
    return path.open("rb", buffering=buffering)


# A plain file is read into the caller's buffer; other streams through `read`.
TAILS: dict[str, Callable[[Path], BinaryIO]] = {
    "file": _file,
    "unbuffered file": lambda tmp_path: _file(tmp_path, buffering=0),
    "in memory": lambda _: io.BytesIO(DATA),
}


@pytest.mark.parametrize("make", TAILS.values(), ids=TAILS.keys())
def test_the_head_is_served_again_in_front_of_the_rest(
    make: Callable[[Path], BinaryIO], tmp_path: Path
) -> None:
    head, stream = with_head(make(tmp_path), 4096)
    assert head == DATA[:4096]
    assert read_rest(stream) == DATA


BREAKING: dict[str, Callable[[], BinaryIO]] = {
    "raw": _Breaking,  # type: ignore[dict-item]
    # A buffered tail (a tar member's) must not lose the bytes it gathered before the
    # read that failed.
    "buffered": lambda: io.BufferedReader(_Breaking()),
}


@pytest.mark.parametrize("make", BREAKING.values(), ids=BREAKING.keys())
def test_a_breaking_tail_ends_the_data_then_raises(make: Callable[[], BinaryIO]) -> None:
    # The good bytes before the break are delivered; the failure comes with the next read.
    stream = prepend(b"head", make())
    assert stream.read() == b"head" + DATA[:GOOD]
    with pytest.raises(EOFError):
        stream.read(1)
