"""Command-line paths -> the inputs to read: files, directories (recursively), globs, `-`.

Paths are expanded before anything is read, so a mistyped name fails the run at once
with a `SourceError` instead of after an hour of reading the other inputs.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from relaywatch.errors import SourceError
from relaywatch.sources.context import Source

STDIN = "-"
_GLOB_CHARS = frozenset("*?[")

Opener = Callable[[], BinaryIO]


def expand(paths: Sequence[str]) -> list[tuple[Source, Opener]]:
    """Every input named by `paths`, in order: directories sorted, globs sorted."""
    if not paths:
        raise SourceError("no input given: name files, directories, globs or - for stdin")
    return [entry for path in paths for entry in _expand_one(path)]


def _expand_one(path: str) -> list[tuple[Source, Opener]]:
    if path == STDIN:
        return [(Source(STDIN), _stdin)]
    if os.path.isdir(path):
        return [_file(name, discovered=True) for name in _walk(path)]
    if os.path.isfile(path):
        return [_file(path, discovered=False)]
    if _GLOB_CHARS.intersection(path):
        matches = sorted(glob.glob(path, recursive=True))
        if matches:
            return [_file(name, discovered=True) for match in matches for name in _files(match)]
        raise SourceError(f"no file matches {path!r}")
    raise SourceError(f"no such file or directory: {path!r}")


def _files(path: str) -> Iterator[str]:
    if os.path.isdir(path):
        yield from _walk(path)
    else:
        yield path


def _walk(directory: str) -> Iterator[str]:
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(root, name)


def _file(path: str, discovered: bool) -> tuple[Source, Opener]:
    def opener() -> BinaryIO:
        return open(path, "rb")

    return Source(path, path, os.path.getsize(path), discovered), opener


def _stdin() -> BinaryIO:
    # A separate file object on the same descriptor, so closing it leaves sys.stdin alone.
    return os.fdopen(os.dup(sys.stdin.fileno()), "rb")
