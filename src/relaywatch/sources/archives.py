"""Compressed and archived inputs, read as streams without unpacking to disk.

A `.gz` stream is decompressed on the fly and its content detected again (so a
`.tar.gz` becomes a tar); each member of a zip or tar archive is handed back to format
detection under the name `archive!member`. A zip needs random access: a zip on disk is
opened in place, one inside another archive or on standard input is held in memory.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from typing import BinaryIO, cast

from relaywatch.records import Skip
from relaywatch.sources.context import Item, ReadContext, Source, reject
from relaywatch.sources.failures import STREAM_ERRORS, ending, ends_input, stream_failure
from relaywatch.sources.gzipstream import open_gzip
from relaywatch.sources.streams import failure_at_end, read_all


def read_gzip(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    yield from ctx.read_member(
        Source(source.name, discovered=source.discovered), open_gzip(stream), ctx
    )


def read_tar(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    counted = _Counted(stream)
    try:
        archive = tarfile.open(fileobj=cast(BinaryIO, counted), mode="r|")  # noqa: SIM115 - closed by `with` below
    except STREAM_ERRORS as error:
        yield reject(source, 0, stream_failure(error))
        return
    with archive:
        members = iter(archive)
        broken = False  # a member already reported the break of the underlying stream
        while True:
            try:
                member = next(members)
            except StopIteration:
                reason = None if broken else _end_of_archive(archive, counted, stream)
                if reason is not None:
                    yield reject(source, 0, reason)
                return
            except STREAM_ERRORS as error:
                if not broken:
                    yield reject(source, 0, stream_failure(error))
                return
            content = archive.extractfile(member) if member.isfile() else None
            if content is not None:
                name = f"{source.name}!{member.name}"
                member_source = Source(name, None, member.size, discovered=True)
                for item in ctx.read_member(member_source, cast(BinaryIO, content), ctx):
                    broken = isinstance(item, Skip) and ends_input(item.reason)
                    yield item


class _Counted:
    """A stream as tarfile reads it, counting the bytes it gives."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def _end_of_archive(archive: tarfile.TarFile, counted: _Counted, stream: BinaryIO) -> str | None:
    """Why the data ended early, when tarfile took something else for the end of the
    archive: a failure held back to the next read (a break exactly where a member header
    would start), or data that stops inside or right before a member header, without the
    zero blocks that end every tar archive (tarfile stops there without a word)."""
    after_members = counted.count - archive.offset
    try:
        while stream.read(1 << 16):
            pass  # the archive's closing blocks and padding, or bytes after it
    except STREAM_ERRORS as failure:
        return stream_failure(failure)
    held = failure_at_end(stream)
    if held is not None:
        return stream_failure(held)
    if after_members < tarfile.BLOCKSIZE:
        return ending("truncated input: the tar archive stops inside or before a member header")
    return None


def read_zip(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    # A zip is read from its end: one that is not a file on disk is read into memory,
    # up to a failure of the stream if there is one (reported after its members).
    failure: BaseException | None = None
    if source.path is None:
        data, failure = read_all(stream)
    try:
        archive = zipfile.ZipFile(source.path or io.BytesIO(data))
    except STREAM_ERRORS as error:
        yield reject(source, 0, stream_failure(failure or error))
        return
    with archive:
        for info in archive.infolist():
            if not info.is_dir():
                yield from _zip_member(source, archive, info, ctx)
    if failure is not None:
        yield reject(source, 0, stream_failure(failure))


def _zip_member(
    source: Source, archive: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: ReadContext
) -> Iterator[Item]:
    name = f"{source.name}!{info.filename}"
    try:
        content = archive.open(info)
    except (RuntimeError, NotImplementedError, *STREAM_ERRORS) as error:  # type: ignore[misc]
        # RuntimeError: encrypted member; NotImplementedError: unsupported compression.
        yield reject(name, 0, f"unreadable archive member: {error}")
        return
    with content:
        member_source = Source(name, None, info.file_size, discovered=True)
        yield from ctx.read_member(member_source, cast(BinaryIO, content), ctx)
