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
from relaywatch.sources.failures import STREAM_ERRORS, ends_input, stream_failure
from relaywatch.sources.gzipstream import open_gzip
from relaywatch.sources.streams import failure_at_end


def read_gzip(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    yield from ctx.read_member(
        Source(source.name, discovered=source.discovered), open_gzip(stream), ctx
    )


def read_tar(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    try:
        archive = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 - closed by `with` below
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
                failure = None if broken else _failure_after_archive(stream)
                if failure is not None:
                    yield reject(source, 0, stream_failure(failure))
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


def _failure_after_archive(stream: BinaryIO) -> BaseException | None:
    """After the end of a tar archive: the failure, if any, that ended the data early
    (taken by tarfile for the end: a break exactly where a member header would start)."""
    try:
        while stream.read(1 << 16):
            pass  # the archive's padding, or bytes after it
    except STREAM_ERRORS as failure:
        return failure
    return failure_at_end(stream)


def read_zip(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    # A zip is read from its end: one that is not a file on disk is read into memory,
    # up to a failure of the stream if there is one (reported after its members).
    failure: BaseException | None = None
    if source.path is None:
        content, failure = _in_memory(stream)
    try:
        archive = zipfile.ZipFile(source.path or content)
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


def _in_memory(stream: BinaryIO) -> tuple[io.BytesIO, BaseException | None]:
    """The stream's bytes, and the failure that ended them early, if one did."""
    parts: list[bytes] = []
    try:
        while part := stream.read(1 << 20):
            parts.append(part)
    except STREAM_ERRORS as failure:
        return io.BytesIO(b"".join(parts)), failure
    return io.BytesIO(b"".join(parts)), failure_at_end(stream)
