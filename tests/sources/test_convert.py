"""`relaywatch convert`: ECS NDJSON out, the account of the read on standard error."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
import pytest

from relaywatch.commands import convert
from tests.shared import shared_path
from tests.sources.helpers import INGESTED, ecs_doc, ndjson, run, write


def _convert(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    convert.register(parser.add_subparsers())
    args = parser.parse_args(["convert", *argv])
    status: int = args.func(args)
    return status


def _docs(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_evtx_to_ndjson_then_read_back_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = str(shared_path("data", "evtx-samples", "new-user-security.evtx"))
    out = tmp_path / "out.ndjson"
    assert _convert(sample, "--output", str(out), "--ingested", INGESTED) == 0
    docs = _docs(out)
    assert len(docs) == 4
    assert "read 4 records from 1 sources: 4 normalized" in capsys.readouterr().err
    # What convert writes is what Elasticsearch would index: reading it back is identity.
    again, skips, _ = run([str(out)])
    assert skips == [] and [r.doc for r in again] == docs


def test_bulk_body_carries_source_ids_and_reads_back(tmp_path: Path) -> None:
    export = ndjson({"_index": "old", "_id": "a1", "_source": ecs_doc()})
    out = tmp_path / "bulk.ndjson"
    _convert(write(tmp_path / "export.json", export), "-o", str(out), "--bulk", "logs-x")
    lines = _docs(out)
    assert lines[0] == {"create": {"_index": "logs-x", "_id": "a1"}}
    records, _, _ = run([str(out)])
    assert [(r.provenance.doc_id, r.provenance.index) for r in records] == [("a1", "logs-x")]


def test_codes_and_hosts_options(tmp_path: Path) -> None:
    hosts = write(tmp_path / "hosts.csv", b"name,ips\ndc01.corp.local,10.0.0.5;fe80::1\n")
    data = ndjson(ecs_doc("4624"), ecs_doc("4688"))
    out = tmp_path / "out.ndjson"
    _convert(write(tmp_path / "in.json", data), "-o", str(out), "--codes", "4624", "--hosts", hosts)
    docs = _docs(out)
    assert [d["event"]["code"] for d in docs] == ["4624"]  # type: ignore[index]
    assert docs[0]["host"] == {"name": "dc01", "ip": ["10.0.0.5", "fe80::1"]}


def test_strict_fails_on_a_rejected_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.json", ndjson(ecs_doc()) + b"{broken\n")
    out = str(tmp_path / "out.ndjson")
    assert _convert(path, "-o", out) == 0
    assert _convert(path, "-o", out, "--strict") == 1
    assert f"at {path}:2: " in capsys.readouterr().err
