"""`relaywatch query` run as a user runs it: a subprocess over files and standard input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest


def relaywatch(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "relaywatch.cli", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
    )


def ndjson(*docs: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(doc) + b"\n" for doc in docs)


def doc(when: str, category: str, user: str, ip: str = "10.0.0.9") -> dict[str, Any]:
    return {
        "@timestamp": when,
        "event": {"category": [category]},
        "user": {"name": user},
        "source": {"ip": ip},
    }


def test_sequence_spanning_two_files_is_found_in_time_order(tmp_path: Path) -> None:
    # The second stage is in the first file, the first stage in the second: order is by time.
    (tmp_path / "a.ndjson").write_bytes(
        ndjson(doc("2026-01-01T00:00:02Z", "authentication", "DC01$"))
    )
    (tmp_path / "b.ndjson").write_bytes(ndjson(doc("2026-01-01T00:00:01Z", "file", "mallory")))
    query = "sequence by source.ip with maxspan=5s [file where true] [authentication where true]"
    done = relaywatch("query", query, str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    result = orjson.loads(line)
    assert result["join_keys"] == ["10.0.0.9"]
    assert [e["user"]["name"] for e in result["events"]] == ["mallory", "DC01$"]


def test_event_query_reads_standard_input_and_prints_documents() -> None:
    docs = ndjson(
        doc("2026-01-01T00:00:01Z", "file", "a"), doc("2026-01-01T00:00:02Z", "file", "B")
    )
    done = relaywatch("query", 'file where user.name : "b"', "-", stdin=docs)
    assert done.returncode == 0, done.stderr
    assert [orjson.loads(line)["user"]["name"] for line in done.stdout.splitlines()] == ["B"]
    assert b"read 2 records" in done.stderr
    assert b"1 results" in done.stderr


@pytest.mark.parametrize("size", [0, 3])
def test_size_stops_after_n_results(tmp_path: Path, size: int) -> None:
    path = tmp_path / "many.ndjson"
    path.write_bytes(
        ndjson(*(doc(f"2026-01-01T00:00:{i:02d}Z", "file", f"u{i}") for i in range(10)))
    )
    done = relaywatch("query", "file where true", str(path), "--size", str(size), "--quiet")
    assert len(done.stdout.splitlines()) == size


def test_bad_query_is_a_usage_error_with_a_caret(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_bytes(ndjson(doc("2026-01-01T00:00:01Z", "file", "a")))
    done = relaywatch("query", "file where user.name ==", str(path))
    assert done.returncode == 2
    assert b"EQL syntax error at line 1, column 24" in done.stderr
    assert b"^" in done.stderr


def test_records_without_timestamp_are_reported_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_bytes(ndjson({"event": {"category": ["file"]}, "user": {"name": "a"}}))
    done = relaywatch("query", "file where true", str(path))
    assert done.returncode == 0
    assert b"1 rejected" in done.stderr
    assert b"x.ndjson:1" in done.stderr
