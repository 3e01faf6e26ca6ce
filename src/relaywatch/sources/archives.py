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


def read_zip(source: Source, stream: BinaryIO, ctx: ReadContext) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(source.path if source.path else _in_memory(stream))
    except STREAM_ERRORS as error:
        yield reject(source, 0, stream_failure(error))
        return
    with archive:
        for info in archive.infolist():
            if not info.is_dir():
                yield from _zip_member(source, archive, info, ctx)


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


def _in_memory(stream: BinaryIO) -> io.BytesIO:
    return io.BytesIO(stream.read())
