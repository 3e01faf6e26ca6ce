"""Binary .evtx logs: the parser's broken samples are located rejections, never a crash."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from relaywatch.sources import ReadOptions, evtxfile
from relaywatch.sources.context import ReadContext, Source
from relaywatch.sources.evtxfile import PARSER_CATEGORIES
from relaywatch.sources.options import IngestClock
from relaywatch.sources.reader import read_stream
from tests.shared import shared_path
from tests.sources.helpers import rejected, run

SAMPLES = ("data", "evtx-samples")


def _sample(name: str) -> str:
    return str(shared_path(*SAMPLES, name))


def test_records_carry_record_number_and_a_utc_timestamp() -> None:
    records, skips, _ = run([_sample("security.evtx")])
    assert skips == []
    assert len(records) == 2261
    assert [r.provenance.position for r in records[:3]] == [1, 2, 3]
    assert records[0].doc["@timestamp"].endswith("Z")
    assert records[0].doc["event"]["code"] == "4608"


@pytest.mark.parametrize(
    ("name", "normalized", "expected"),
    [
        pytest.param(
            "sample_with_a_bad_chunk_magic.evtx",
            269,
            # Two chunks have no ElfChnk magic, and the parser returns one hollow record
            # (every System field null, no TimeCreated) that is counted as corrupt.
            [("corrupt evtx chunk", 2), ("corrupt evtx record", 1)],
            id="bad-chunk-magic",
        ),
        pytest.param(
            "sample-with-zero-data-size-event.evtx",
            335,
            [("corrupt evtx record", 1)],
            id="zero-size-record",
        ),
        pytest.param(
            "sysmon.evtx",
            358,
            [("corrupt evtx chunk", 8)],
            id="garbage-chunks",
        ),
        pytest.param(
            "security_bad_string_cache.evtx",
            2261,
            [],
            id="bad-string-cache",
        ),
    ],
)
def test_broken_samples_count_and_locate_every_failure(
    name: str, normalized: int, expected: list[tuple[str, int]]
) -> None:
    _, skips, stats = run([_sample(name)])
    categories = sorted({category for _, category in rejected(skips)})
    assert [(c, stats.rejected_by_reason[c].count) for c in categories] == expected
    assert stats.normalized == normalized
    for skip in skips:
        assert skip.provenance.source == _sample(name)
        assert skip.provenance.position > 0


def test_bad_chunk_locations_name_the_chunk_and_the_record_before() -> None:
    _, skips, _ = run([_sample("sample_with_a_bad_chunk_magic.evtx")])
    chunks = [s for s in skips if s.reason.startswith("corrupt evtx chunk")]
    assert "chunk number 6" in chunks[0].reason
    assert "after record" in chunks[0].reason


def test_zero_length_file_is_one_rejection(tmp_path: Path) -> None:
    (tmp_path / "empty.evtx").write_bytes(b"")
    records, skips, _ = run([str(tmp_path / "empty.evtx")])
    assert records == [] and rejected(skips) == [(0, "empty input")]


def test_header_only_file_is_an_unreadable_evtx(tmp_path: Path) -> None:
    head = Path(_sample("security.evtx")).read_bytes()[:100]
    (tmp_path / "head.evtx").write_bytes(head)
    records, skips, _ = run([str(tmp_path / "head.evtx")])
    assert records == [] and rejected(skips) == [(0, "unreadable evtx file")]


def test_file_cut_inside_a_chunk_reports_the_truncation(tmp_path: Path) -> None:
    data = Path(_sample("security.evtx")).read_bytes()
    (tmp_path / "cut.evtx").write_bytes(data[: 4096 + 65536 + 30000])
    records, skips, _ = run([str(tmp_path / "cut.evtx")])
    assert records  # the complete first chunk and the start of the second still read
    assert rejected(skips) == [(0, "truncated evtx chunk")]
    assert "chunk 1 has 30000 of 65536 bytes" in skips[0].reason


def test_relevant_codes_keep_exactly_the_matching_records() -> None:
    everything, _, _ = run([_sample("security.evtx")])
    relevant = frozenset({"4624", "4625"})
    records, skips, stats = run([_sample("security.evtx")], relevant_codes=relevant)
    expected = [r.provenance for r in everything if r.doc["event"]["code"] in relevant]
    assert [r.provenance for r in records] == expected
    assert stats.not_relevant == len(everything) - len(expected)
    assert all(not s.rejected for s in skips)


def test_evtx_inside_a_zip_reads_from_memory(tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(_sample("new-user-security.evtx"), "case/Security.evtx")
    records, skips, _ = run([str(archive)])
    assert skips == [] and len(records) == 4
    assert records[0].provenance.source == f"{archive}!case/Security.evtx"


def test_format_comes_from_content_not_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "export.log"
    shutil.copy(_sample("new-user-security.evtx"), renamed)
    records, _, _ = run([str(renamed)])
    assert len(records) == 4


def test_parser_categories_are_the_only_rejections_the_parser_causes() -> None:
    assert {
        "corrupt evtx record",
        "corrupt evtx chunk",
        "truncated evtx chunk",
    } == PARSER_CATEGORIES


def test_truncated_gzip_of_an_evtx_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    data = gzip.compress(Path(_sample("security.evtx")).read_bytes())
    (tmp_path / "cut.evtx.gz").write_bytes(data[: len(data) // 2])
    records, skips, _ = run([str(tmp_path / "cut.evtx.gz")])
    assert 0 < len(records) < 2261
    assert "truncated input" in {category for _, category in rejected(skips)}


def test_the_early_skip_reads_the_system_event_id_only() -> None:
    """An EventID in UserData ("0x1250" in System) must not decide the record's code."""
    options = ReadOptions(relevant_codes=frozenset({"4688"}), ingested="2026-03-02T00:00:00.000Z")
    ctx = ReadContext(options, IngestClock("2026-03-02T00:00:00.000Z"), read_stream, None)
    created = {"#attributes": {"SystemTime": "2026-03-01T10:00:01Z"}}
    system = {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
              "EventID": "0x1250", "TimeCreated": created, "EventRecordID": 7,
              "Channel": "Security", "Computer": "ws01"}  # fmt: skip
    event = {"System": system, "UserData": {"LogFileCleared": {"EventID": 4647}}}
    data = json.dumps({"Event": event}, separators=(",", ":"))
    records = iter([{"event_record_id": 7, "data": data}])
    items = list(evtxfile._records(Source("x.evtx"), records, ctx, 0, 0))
    assert [type(item).__name__ for item in items] == ["Record"]
    assert items[0].doc["event"]["code"] == "4688"  # type: ignore[union-attr]
