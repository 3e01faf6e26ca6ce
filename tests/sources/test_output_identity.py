"""Speed work must not change a single byte of what the readers produce.

Every real log in ../shared/data/datasets is read with all codes kept; each file's
documents (serialized in their key order), positions and skip reasons are hashed and
compared with `output_digests.json`. A mismatch names the files whose output changed.

The digests are a snapshot, not an oracle: correctness is what the golden and unit
tests assert. When an output change is intended (and those tests say it is right),
regenerate the snapshot and review it in the same commit:

    .venv/bin/python -m tests.sources.test_output_identity
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest

from relaywatch.records import Record
from relaywatch.sources import ReadOptions, read
from tests.shared import shared_files

SNAPSHOT = Path(__file__).with_name("output_digests.json")
INGESTED = "2026-01-01T00:00:00.000Z"
# Every evtx file (the hot path), plus the two smallest flat-JSON archives so the
# NXLog-style conversion is locked too; the big archives would only slow the suite.
LOGS = shared_files("*/*.evtx", "data", "datasets")
FLAT = sorted(
    shared_files("*/*.zip", "data", "datasets") + shared_files("*/*.tar.gz", "data", "datasets"),
    key=lambda p: p.stat().st_size,
)[:2]


def digest(path: Path) -> dict[str, object]:
    """Counts and a SHA-256 over every item the reader yields for one file."""
    hashed = hashlib.sha256()
    records = skips = 0
    for item in read([str(path)], ReadOptions(ingested=INGESTED)):
        if isinstance(item, Record):
            records += 1
            hashed.update(b"R%d " % item.provenance.position)
            hashed.update(orjson.dumps(item.doc))
        else:
            skips += 1
            hashed.update(f"S{item.provenance.position} {item.reason}".encode())
        hashed.update(b"\n")
    return {"records": records, "skips": skips, "sha256": hashed.hexdigest()}


def current() -> dict[str, dict[str, object]]:
    return {path.name: digest(path) for path in [*LOGS, *FLAT]}


def test_reader_output_is_byte_identical_to_the_snapshot() -> None:
    if not LOGS:
        pytest.skip("shared datasets not available (set RELAYWATCH_SHARED)")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = current()
    changed = sorted(name for name in actual if actual[name] != expected.get(name))
    assert not changed, f"output changed for: {changed}"
    assert set(actual) == set(expected), "snapshot lists files that are not in the datasets"


if __name__ == "__main__":
    text = json.dumps(current(), indent=1, sort_keys=True)
    SNAPSHOT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
