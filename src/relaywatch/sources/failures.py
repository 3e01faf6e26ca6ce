"""Turning an exception raised while reading a stream into a located rejection reason.

A damaged compressed stream or archive fails inside `read()`, far from the record
being read; the reader catches these, names the category here and stops that input.
"""

from __future__ import annotations

import tarfile
import zipfile
import zlib

# Errors that mean "the bytes of this input end or break here"; anything else is a bug.
STREAM_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    tarfile.TarError,
    zipfile.BadZipFile,
)

_CATEGORIES: tuple[tuple[type[BaseException], str], ...] = (
    (EOFError, "truncated input"),
    (zlib.error, "corrupt compressed data"),
    (tarfile.TarError, "corrupt archive"),
    (zipfile.BadZipFile, "corrupt archive"),
    (OSError, "unreadable input"),
)


_NOT_READ = " (the rest of this input was not read)"


def stream_failure(error: BaseException) -> str:
    """`category: detail` for an exception from STREAM_ERRORS."""
    for kind, category in _CATEGORIES:
        if isinstance(error, kind):
            return ending(f"{category}: {error}")
    return ending(f"unreadable input: {error}")


def ending(reason: str) -> str:
    """`reason` for a failure after which a reader gives up the rest of its input."""
    return f"{reason}{_NOT_READ}"


def ends_input(reason: str) -> bool:
    """Whether a skip reason is a failure that ended its input (the readers of the later
    parts of a split input stop there too: `relaywatch.detect.parallel`)."""
    return reason.endswith(_NOT_READ)
