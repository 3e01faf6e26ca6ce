"""The real public logs in ../shared read without a rejected record, except those the
evtx parser itself cannot decode (the deliberately damaged samples of evtx-rs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relaywatch.sources.evtxfile import PARSER_CATEGORIES
from tests.shared import SHARED, shared_files, shared_path
from tests.sources.helpers import run

DATASETS = shared_files("*/*.*", "data", "datasets")
LOGS = [p for p in DATASETS if p.suffix in {".evtx", ".zip", ".gz"}]


def _id(path: Path) -> str:
    return path.name[:60]


@pytest.mark.parametrize("path", LOGS, ids=_id)
def test_dataset_reads_without_any_rejection(path: Path) -> None:
    # Only the codes the relay rules read are normalized: keeps the suite fast, while
    # every record is still read and either normalized or counted not relevant.
    records, _skips, stats = run(
        [str(path)], relevant_codes=frozenset({"4624", "4625", "5140", "5145"})
    )
    assert stats.rejected == 0, stats.summary_lines()
    assert records


def test_dataset_counts_match_the_manifest() -> None:
    base = shared_path("data", "datasets", "OTRF__Security-Datasets")
    name = "datasets__atomic__windows__persistence__host__covenant_persistwmi.tar.gz"
    _records, _, stats = run([str(base / name)], relevant_codes=frozenset({"5145", "4624"}))
    assert stats.read == 1001  # MANIFEST.md: 1,001 records, 14 of 5145 and 14 of 4624
    assert stats.by_code == {"5145": 14, "4624": 14}


def test_parser_samples_reject_only_what_the_parser_cannot_decode() -> None:
    samples = shared_path("data", "evtx-samples")
    _, _, stats = run([str(samples)])
    assert set(stats.rejected_by_reason) <= PARSER_CATEGORIES
    # 10 damaged chunks (bad_chunk_magic, sysmon) and 8 records: 6 in the two vss_0
    # samples, the zero-size record, the hollow record of bad_chunk_magic.
    assert (stats.rejected, stats.not_relevant) == (18, 0)


def test_shared_location_is_the_sibling_checkout() -> None:
    assert SHARED.name == "shared"


@pytest.mark.slow
def test_every_dataset_record_normalizes_without_rejection() -> None:
    """All codes, all records (~10 s): the ECS step never refuses a real record."""
    if not LOGS:
        pytest.skip("shared datasets not available")
    _, _, stats = run([str(path) for path in LOGS])
    assert stats.rejected == 0, stats.summary_lines()
    assert stats.normalized == stats.read == 99_319  # MANIFEST.md: the 22 files' records
