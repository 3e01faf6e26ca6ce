"""NDJSON and JSON inputs: every Elasticsearch / Winlogbeat shape, and every way a line breaks."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaywatch.records import Record, Skip
from relaywatch.sources import ReadOptions, documents
from relaywatch.sources.context import ReadContext, Source
from relaywatch.sources.options import IngestClock
from relaywatch.sources.reader import read_stream
from tests.sources.helpers import INGESTED, BreaksAfter, ecs_doc, ndjson, rejected, run, write


def test_ecs_documents_pass_through_with_provenance_and_ingested(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ndjson", ndjson(ecs_doc("4624"), ecs_doc("5145")))
    records, skips, _ = run([path])
    assert skips == []
    assert [r.doc["event"]["code"] for r in records] == ["4624", "5145"]
    assert [str(r.provenance) for r in records] == [f"{path}:1", f"{path}:2"]
    assert records[0].doc["event"]["ingested"] == INGESTED


def test_existing_event_ingested_is_kept(tmp_path: Path) -> None:
    doc = ecs_doc()
    doc["event"]["ingested"] = "2024-05-01T10:00:05.000Z"
    records, _, _ = run([write(tmp_path / "a.json", ndjson(doc))])
    assert records[0].doc["event"]["ingested"] == "2024-05-01T10:00:05.000Z"


def test_elasticsearch_export_lines_carry_id_and_index(tmp_path: Path) -> None:
    line = {"_index": ".ds-logs-system.security-default-1", "_id": "abc", "_source": ecs_doc()}
    records, _, _ = run([write(tmp_path / "export.ndjson", ndjson(line))])
    provenance = records[0].provenance
    assert (provenance.doc_id, provenance.index, provenance.position) == (
        "abc",
        ".ds-logs-system.security-default-1",
        1,
    )


def _search_response(*ids: str) -> dict[str, object]:
    hits = [{"_index": "logs", "_id": i, "_source": ecs_doc()} for i in ids]
    return {"took": 3, "timed_out": False, "hits": {"total": {"value": len(ids)}, "hits": hits}}


def test_pretty_printed_search_response_positions_are_hit_indexes(tmp_path: Path) -> None:
    data = orjson.dumps(_search_response("a", "b", "c"), option=orjson.OPT_INDENT_2)
    records, skips, _ = run([write(tmp_path / "response.json", data)])
    assert skips == []
    assert [(r.provenance.position, r.provenance.doc_id) for r in records] == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
    ]


def test_search_responses_one_per_line(tmp_path: Path) -> None:
    data = ndjson(_search_response("a", "b"), _search_response("c"))
    records, _, _ = run([write(tmp_path / "scroll.ndjson", data)])
    assert [(r.provenance.position, r.provenance.doc_id) for r in records] == [
        (1, "a"),
        (1, "b"),
        (2, "c"),
    ]


def test_pretty_printed_array_of_documents(tmp_path: Path) -> None:
    data = orjson.dumps([ecs_doc("4624"), ecs_doc("4625")], option=orjson.OPT_INDENT_2)
    records, _, _ = run([write(tmp_path / "docs.json", data)])
    assert [(r.provenance.position, r.doc["event"]["code"]) for r in records] == [
        (1, "4624"),
        (2, "4625"),
    ]


def test_bulk_body_action_lines_give_ids_and_are_not_records(tmp_path: Path) -> None:
    data = ndjson(
        {"create": {"_index": "logs-system.security-default", "_id": "x1"}},
        ecs_doc("4624"),
        {"create": {"_index": "logs-system.security-default", "_id": "x2"}},
        ecs_doc("4625"),
    )
    records, skips, stats = run([write(tmp_path / "bulk.ndjson", data)])
    assert skips == [] and stats.read == 2
    assert [(r.provenance.position, r.provenance.doc_id) for r in records] == [(2, "x1"), (4, "x2")]


def test_gzip_compressed_ndjson(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ndjson.gz", ndjson(ecs_doc(), ecs_doc()), gzipped=True)
    records, skips, _ = run([path])
    assert len(records) == 2 and skips == []


def test_truncated_gzip_is_one_located_rejection_after_the_records_before_it(
    tmp_path: Path,
) -> None:
    lines = ndjson(*[ecs_doc(timestamp=f"2024-05-01T10:00:{i:02d}.000Z") for i in range(50)])
    compressed = gzip.compress(lines)
    path = write(tmp_path / "cut.ndjson.gz", compressed[: len(compressed) * 2 // 3])
    records, skips, _ = run([path])
    assert 0 < len(records) < 50
    assert [category for _, category in rejected(skips)] == ["truncated input"]
    assert skips[0].provenance.position == len(records) + 1


def test_stdin_dash(tmp_path: Path) -> None:
    script = (
        "from relaywatch.sources import read, ReadOptions\n"
        "print(sum(1 for _ in read(['-'], ReadOptions(ingested='2026-01-01T00:00:00Z'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=ndjson(ecs_doc(), ecs_doc(), ecs_doc()),
        capture_output=True,
        check=True,
    )
    assert done.stdout.strip() == b"3"


@pytest.mark.parametrize(
    ("line", "category"),
    [
        pytest.param(
            b'{"@timestamp": "2024-05-01T10:00:00Z", "event": {', "malformed JSON", id="cut-line"
        ),
        pytest.param(b"not json at all", "malformed JSON", id="plain-text"),
        pytest.param(
            b'{"message": "caf\xe9", "event": {"code": "4624"}}', "non-UTF-8 bytes", id="latin-1"
        ),
        pytest.param(orjson.dumps(ecs_doc(code=True)), "wrong field type", id="code-boolean"),
        pytest.param(orjson.dumps(ecs_doc(code={"x": 1})), "wrong field type", id="code-object"),
        pytest.param(
            orjson.dumps({**ecs_doc(), "event": "4624"}), "wrong field type", id="event-string"
        ),
        pytest.param(orjson.dumps(ecs_doc(timestamp=None)), "missing timestamp", id="no-timestamp"),
        pytest.param(
            orjson.dumps(ecs_doc(timestamp="yesterday")), "bad timestamp", id="bad-timestamp"
        ),
        pytest.param(b"42", "unrecognized document", id="a-number"),
        pytest.param(b'{"foo": 1}', "unrecognized document", id="unknown-keys"),
    ],
)
def test_a_bad_line_is_one_located_rejection_and_reading_goes_on(
    tmp_path: Path, line: bytes, category: str
) -> None:
    data = ndjson(ecs_doc("4624")) + line + b"\n" + ndjson(ecs_doc("4625"))
    records, skips, stats = run([write(tmp_path / "mixed.ndjson", data)])
    assert [r.doc["event"]["code"] for r in records] == ["4624", "4625"]
    assert rejected(skips) == [(2, category)]
    assert stats.rejected_by_reason[category].examples[0][0].position == 2


def test_first_line_malformed_still_reads_the_rest(tmp_path: Path) -> None:
    data = b'{"@timestamp": "2024\n' + ndjson(ecs_doc(), ecs_doc())
    records, skips, _ = run([write(tmp_path / "a.ndjson", data)])
    assert len(records) == 2
    assert rejected(skips) == [(1, "malformed JSON")]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(4624, "4624", id="integer"),
        pytest.param(4624.0, "4624", id="integral-float"),
        pytest.param("4624", "4624", id="string"),
    ],
)
def test_event_code_number_is_coerced_to_the_keyword_string(
    tmp_path: Path, code: object, expected: str
) -> None:
    records, _, _ = run([write(tmp_path / "a.ndjson", ndjson(ecs_doc(code=code)))])
    assert records[0].doc["event"]["code"] == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        pytest.param("2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123Z", id="canonical"),
        pytest.param("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000Z", id="offset"),
        pytest.param("2024-05-01T10:00:00", "2024-05-01T10:00:00.000Z", id="naive-is-utc"),
        pytest.param(1714557600123, "2024-05-01T10:00:00.123Z", id="epoch-millis"),
        pytest.param("1714557600123", "2024-05-01T10:00:00.123Z", id="epoch-millis-text"),
        pytest.param("2024-05-01T10:00:00.1234567Z", "2024-05-01T10:00:00.1234567Z", id="7-digits"),
    ],
)
def test_timestamps_become_utc_text(tmp_path: Path, timestamp: object, expected: str) -> None:
    records, _, _ = run([write(tmp_path / "a.ndjson", ndjson(ecs_doc(timestamp=timestamp)))])
    assert records[0].doc["@timestamp"] == expected


def test_ten_megabyte_line_is_read(tmp_path: Path) -> None:
    big = ecs_doc(message="x" * (10 << 20))
    records, skips, _ = run([write(tmp_path / "big.ndjson", ndjson(ecs_doc(), big, ecs_doc()))])
    assert len(records) == 3 and skips == []


def test_line_over_the_limit_is_rejected_and_the_next_line_reads(tmp_path: Path) -> None:
    big = ecs_doc(message="x" * (10 << 20))
    path = write(tmp_path / "big.ndjson", ndjson(ecs_doc(), big, ecs_doc("4625")))
    records, skips, _ = run([path], max_line_bytes=1 << 20)
    assert [r.doc["event"]["code"] for r in records] == ["4624", "4625"]
    assert rejected(skips) == [(2, "line too long")]


def test_relevant_codes_skip_other_lines_before_parsing(tmp_path: Path) -> None:
    data = ndjson(ecs_doc("4624"), ecs_doc("4688")) + b"garbage without the code\n"
    records, skips, stats = run(
        [write(tmp_path / "a.ndjson", data)], relevant_codes=frozenset({"4624"})
    )
    assert [r.doc["event"]["code"] for r in records] == ["4624"]
    # Neither the 4688 line nor the garbage can hold a 4624: both are not relevant, unparsed.
    assert [s.rejected for s in skips] == [False, False]
    assert (stats.normalized, stats.not_relevant, stats.rejected) == (1, 2, 0)


def test_relevant_codes_check_the_parsed_code_too(tmp_path: Path) -> None:
    # The digits 4624 occur in the line, but not as its event.code.
    doc = ecs_doc("4688", process={"pid": 4624})
    records, skips, _ = run(
        [write(tmp_path / "a.ndjson", ndjson(doc))], relevant_codes=frozenset({"4624"})
    )
    assert records == [] and [s.rejected for s in skips] == [False]


def test_blank_lines_and_byte_order_mark_are_not_records(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + ndjson(ecs_doc()) + b"\n  \n" + ndjson(ecs_doc())
    records, skips, _ = run([write(tmp_path / "a.ndjson", data)])
    assert [r.provenance.position for r in records] == [1, 4] and skips == []


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(orjson.dumps(ecs_doc("4624")), id="compact"),
        pytest.param(json.dumps(ecs_doc("4624"), indent=None).encode(), id="spaced"),
        pytest.param(orjson.dumps(ecs_doc(4624)), id="code-number"),
        pytest.param(orjson.dumps({"_id": "x", "_source": ecs_doc("4624")}), id="export-line"),
        pytest.param(
            orjson.dumps(
                {k: v for k, v in ecs_doc().items() if k != "event"}
                | {"event.code": "4624", "event.category": ["x"]}
            ),
            id="dotted-keys",
        ),
    ],
)
def test_prefilter_keeps_a_relevant_line_in_any_formatting(tmp_path: Path, line: bytes) -> None:
    path = write(tmp_path / "a.ndjson", line + b"\n")
    _, _, everything = run([path])
    _, _, filtered = run([path], relevant_codes=frozenset({"4624"}))
    assert filtered.not_relevant == everything.not_relevant
    assert filtered.read == 1


def test_dotted_field_names_are_expanded_as_elasticsearch_maps_them(tmp_path: Path) -> None:
    flat = {"@timestamp": "2024-05-01T10:00:00Z", "event.code": 4624, "event.kind": "event"}
    flat |= {"host.name": "dc01", "winlog.event_data.LogonType": "3", "winlog.record_id": "7"}
    records, _, _ = run([write(tmp_path / "flat.ndjson", ndjson(flat))])
    doc = records[0].doc
    assert doc["event"] == {"code": "4624", "kind": "event", "ingested": INGESTED}
    assert doc["winlog"] == {"event_data": {"LogonType": "3"}, "record_id": "7"}


def test_conflicting_dotted_field_names_are_rejected(tmp_path: Path) -> None:
    doc = ecs_doc() | {"event.code.x": "1"}
    _, skips, _ = run([write(tmp_path / "a.ndjson", ndjson(doc))])
    assert rejected(skips) == [(1, "wrong field type")]


_shape_keys = st.fixed_dictionaries(
    {},
    optional={
        "_source": st.sampled_from([{"event": {"code": "4624"}}, "text"]),
        "hits": st.sampled_from([{"hits": []}, {"total": 1}]),
        "Event": st.sampled_from([{"System": {}}, "x"]),
        "EventID": st.sampled_from([4624, "4624"]),
        "event": st.fixed_dictionaries(
            {},
            optional={
                "category": st.just(["authentication"]),
                "ingested": st.just("x"),
                "code": st.just("4624"),
            },
        ),
        "winlog": st.fixed_dictionaries({}, optional={"record_id": st.sampled_from(["7", 7])}),
        "host": st.just({"name": "dc01"}),
        "@timestamp": st.just("2026-11-01T00:00:00Z"),
    },
)


@given(obj=_shape_keys)
def test_the_ecs_shortcut_agrees_with_the_shape_table(obj: dict[str, Any]) -> None:
    first = next((name for name, matches, _ in documents.SHAPES if matches(obj)), None)
    if documents._plainly_ecs(obj):
        assert first == "ecs document"


FIRST = len(ndjson(ecs_doc()))
EIO = "unreadable input: [Errno 5] Input/output error (the rest of this input was not read)"


@pytest.mark.parametrize(
    "good",
    [FIRST, FIRST + 3000, FIRST + 8000, FIRST + 1001 + (1 << 20)],
    ids=[
        "at-a-line-end",
        "in-a-long-line-within-the-head",
        "in-a-long-line-after-the-head",
        "where-a-read-of-the-long-line-ends",  # the skip's 1 MB reads: the break at an end
    ],
)
def test_a_stream_breaking_is_one_located_rejection_after_the_lines_before(good: int) -> None:
    # A disk error after line 1: at its end, or inside a line over the length limit
    # (whose rest is being skipped when the stream breaks). Never a silent end or a crash.
    data = ndjson(ecs_doc(), ecs_doc(message="x" * (2 << 20)), ecs_doc("4625"))
    options = ReadOptions(ingested=INGESTED, max_line_bytes=1000)
    ctx = ReadContext(options, IngestClock(INGESTED), read_stream, None)
    stream = io.BufferedReader(BreaksAfter(data, good))
    items = list(read_stream(Source("disk.ndjson"), stream, ctx))
    assert isinstance(items[0], Record)
    assert [(s.provenance.position, s.reason) for s in items[1:] if isinstance(s, Skip)] == [
        (2, EIO)
    ]
    assert len(items) == 2
