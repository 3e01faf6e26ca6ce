"""Whatever the bytes, a read ends normally and accounts for what it read."""

from __future__ import annotations

import gzip
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relaywatch.records import Skip
from relaywatch.sources import ReadOptions
from relaywatch.sources.context import ReadContext, Source
from relaywatch.sources.options import IngestClock
from relaywatch.sources.reader import read_stream
from tests.shared import shared_path
from tests.sources.helpers import INGESTED, BreaksAfter, ecs_doc, ndjson, run

PREFIXES = [
    b"",
    b"{",
    b"[",
    b"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>",
    b"ElfFile\x00",
    b"\x1f\x8b",
    b"PK\x03\x04",
    b"\xff\xfe<\x00",
    ndjson(ecs_doc()),
]


def _read_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(data)
        run([str(path)])  # also asserts read = normalized + not relevant + rejected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=600))
def test_arbitrary_bytes_after_a_format_prefix(prefix: bytes, tail: bytes) -> None:
    _read_bytes(prefix + tail)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        pytest.param(b"", "empty input", id="only-blanks"),
        pytest.param(ndjson(ecs_doc()), None, id="document-after-100k-blanks"),
    ],
)
def test_byte_order_mark_and_a_long_run_of_blanks(tail: bytes, expected: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "padded.json"
        path.write_bytes(b"\xef\xbb\xbf" + b" \r\n" * 50_000 + tail)
        records, skips, _ = run([str(path)])
    assert [s.reason.split(":")[0] for s in skips] == ([expected] if expected else [])
    assert len(records) == (0 if expected else 1)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=200_000), flip=st.integers(0, 255))
def test_damaged_evtx_in_memory_and_on_disk(cut: int, flip: int) -> None:
    data = bytearray(shared_path("data", "evtx-samples", "new-user-security.evtx").read_bytes())
    if cut < len(data):
        data[cut] ^= flip
    _read_bytes(bytes(data[: max(cut, 4096)]))
    _read_bytes(gzip.compress(bytes(data))[: max(cut // 4, 10)])


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=4000))
def test_cut_archives(cut: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.json", ndjson(*[ecs_doc() for _ in range(40)]))
    _read_bytes(buffer.getvalue()[:cut])


def test_a_break_after_a_long_run_of_blanks_is_the_break_not_an_empty_input() -> None:
    # The input fails where the blank-skipping read ends: that is an unreadable input,
    # not an empty one.
    data = b" " * 100_000 + ndjson(ecs_doc())
    options = ReadOptions(ingested=INGESTED)
    ctx = ReadContext(options, IngestClock(INGESTED), read_stream, None)
    stream = io.BufferedReader(BreaksAfter(data, 1 << 16))
    items = list(read_stream(Source("disk.json"), stream, ctx))
    assert [
        (s.provenance.position, s.reason.split(":")[0]) for s in items if isinstance(s, Skip)
    ] == [(0, "unreadable input")]
    assert len(items) == 1
