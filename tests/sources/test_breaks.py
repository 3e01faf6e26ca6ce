"""Inputs that break while they are read: every record before the break is kept and the
break is one located rejection, whatever layer meets it (look-ahead, gzip member, tar,
zip, XML, UTF-16) and wherever it falls (inside the first read, at a member or record
boundary, in the last bytes). Never a crash, never a silent end."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
import zlib

from relaywatch.records import Record, Skip
from relaywatch.sources import ReadOptions
from relaywatch.sources.context import Item, ReadContext, Source
from relaywatch.sources.options import IngestClock
from relaywatch.sources.reader import read_stream
from tests.sources.helpers import INGESTED, BreaksAfter, ecs_doc, ndjson

NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def _read(stream: io.IOBase, name: str) -> list[Item]:
    options = ReadOptions(ingested=INGESTED)
    ctx = ReadContext(options, IngestClock(INGESTED), read_stream, None)
    return list(read_stream(Source(name), stream, ctx))  # type: ignore[arg-type]


def _records(items: list[Item]) -> int:
    return sum(isinstance(item, Record) for item in items)


def _located(items: list[Item]) -> list[tuple[int, str]]:
    """(position, category) of every rejection."""
    return [
        (item.provenance.position, item.reason.split(":")[0])
        for item in items
        if isinstance(item, Skip) and item.rejected
    ]


def _rejections(items: list[Item]) -> list[str]:
    return [item.reason.split(":")[0] for item in items if isinstance(item, Skip) and item.rejected]


def _lines(count: int, first: int = 1) -> bytes:
    return ndjson(
        *[
            ecs_doc(timestamp=f"2024-05-01T10:00:{n % 60:02d}.000Z")
            for n in range(first, first + count)
        ]
    )


def test_a_break_inside_the_first_read_keeps_the_events_before_it() -> None:
    event = (
        f"<Event xmlns='{NS}'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
        "<EventID>4624</EventID><TimeCreated SystemTime='2024-05-01T10:00:00.000Z'/>"
        "<EventRecordID>1</EventRecordID><Channel>Security</Channel><Computer>dc01</Computer>"
        "</System></Event>\n"
    ).encode()
    data = b"<Events>\n" + event * 40 + b"</Events>\n"
    good = 9 + 3 * len(event) + 50  # inside the 4 KB look-ahead: three events, then a break
    items = _read(io.BufferedReader(BreaksAfter(data, good)), "disk.xml")
    assert _records(items) == 3
    assert _rejections(items) == ["unreadable input"]


def test_a_break_where_a_gzip_member_ends_is_reported() -> None:
    # `cat day1.gz day2.gz > all.gz`, the disk failing exactly where member 1 ends.
    first = gzip.compress(_lines(3), mtime=0)
    data = first + gzip.compress(_lines(5, 100), mtime=0)
    items = _read(io.BufferedReader(BreaksAfter(data, len(first))), "all.json.gz")
    assert _records(items) == 3
    assert _rejections(items) == ["unreadable input"]


def _tar(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_tar_gz_cut_where_a_member_header_would_start_is_reported() -> None:
    # Member 1 fills exactly one 10,240-byte tar record; the cut leaves exactly that
    # record, which tarfile alone would take for the end of the archive.
    lines = _lines(20)
    first = lines + b" " * (10_240 - 512 - len(lines) - 1) + b"\n"
    compressed = gzip.compress(_tar(("a.json", first), ("b.json", _lines(5))), 0, mtime=0)
    cut = next(
        size
        for size in range(len(compressed))
        if len(zlib.decompressobj(31).decompress(compressed[:size])) == 10_240
    )
    items = _read(io.BytesIO(compressed[:cut]), "logs.tar.gz")
    assert _records(items) == 20
    assert _rejections(items) == ["truncated input"]


def test_a_zip_read_from_a_stream_reports_its_cut_gzip_trailer() -> None:
    # The zip itself is whole (its records are read); the gzip around it lost its last
    # bytes, which must still be said.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.json", _lines(3))
    compressed = gzip.compress(buffer.getvalue(), mtime=0)
    items = _read(io.BytesIO(compressed[:-4]), "logs.zip.gz")
    assert _records(items) == 3
    assert _rejections(items) == ["truncated input"]


def _utf16(data: bytes) -> bytes:
    return b"\xff\xfe" + data.decode().encode("utf-16-le")


def test_utf16_input_with_a_damaged_character_is_a_rejection_not_a_crash() -> None:
    data = bytearray(_utf16(_lines(3)))
    at = len(_utf16(_lines(1))) + 40
    data[at : at + 2] = b"\x00\xd8"  # in line 2: a high surrogate with no low one after it
    items = _read(io.BytesIO(bytes(data)), "powershell.json")
    assert _records(items) == 1
    assert _located(items) == [(2, "unreadable input")]
    assert "not UTF-16 text" in items[-1].reason  # type: ignore[union-attr]


def test_utf16_input_that_breaks_keeps_the_lines_before_the_break() -> None:
    data = _utf16(_lines(8))
    good = len(_utf16(_lines(5)))
    items = _read(io.BufferedReader(BreaksAfter(data, good)), "powershell.json")
    assert _records(items) == 5
    assert _located(items) == [(6, "unreadable input")]


def test_utf16_lines_end_only_at_a_newline() -> None:
    # JSON strings may hold U+2028, U+0085 or a lone CR as they are: none ends a line.
    message = "a\u2028b\x85c\rd"
    data = _utf16(ndjson(ecs_doc(message=message), ecs_doc()))
    items = _read(io.BytesIO(data), "powershell.json")
    assert [item.doc.get("message") for item in items if isinstance(item, Record)] == [
        message,
        None,
    ]


def test_a_plain_tar_cut_inside_or_before_a_member_header_is_reported() -> None:
    first, second = _lines(3), _lines(3, 100)
    data = _tar(("a.json", first), ("b.json", second))
    second_header = 512 + (len(first) + 511) // 512 * 512
    for cut in (second_header, second_header + 100, second_header + 511):
        items = _read(io.BytesIO(data[:cut]), "logs.tar")
        assert _records(items) == 3, cut
        assert _rejections(items) == ["truncated input"], cut
    whole = _read(io.BytesIO(data), "logs.tar")  # its closing zero blocks: a clean end
    assert _records(whole) == 6
    assert _rejections(whole) == []
