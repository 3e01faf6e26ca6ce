"""Elastic's golden fixtures pass field by field (model differences listed with reasons)."""

from __future__ import annotations

import copy

import pytest

from relaywatch.ecs import normalize
from tests.ecs.golden import (
    CASES,
    FIXTURE_FILES,
    Case,
    beats_collection_4776,
    beats_ingest,
    flatten,
    pairs,
    raw_from_beats_golden,
    unexplained,
)
from tests.shared import shared_path

INGESTED = "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_pipeline_matches_elastic_golden(case: Case) -> None:
    shared_path("data", "ecs-fixtures")
    failures = []
    for raw, expected in pairs(case):
        actual = normalize(copy.deepcopy(raw), INGESTED)
        problems = unexplained(actual, expected, case.allowed)
        if problems:
            record = expected.get("winlog", {}).get("record_id")
            failures.append(f"record {record}:\n    " + "\n    ".join(problems))
    assert not failures, f"{case.name}:\n  " + "\n  ".join(failures)


def test_rebuilt_input_equals_raw_golden_for_4776() -> None:
    """The inverse used for 4768/4769 gives back Winlogbeat's real raw document."""
    shared_path("data", "ecs-fixtures")
    rebuilt = raw_from_beats_golden(beats_ingest("4776")[0])
    assert flatten(rebuilt) == flatten(beats_collection_4776()[0])


def test_every_fixture_file_has_a_case() -> None:
    """A fixture added to ../shared must get a case here (or a documented reason)."""
    folder = shared_path("data", "ecs-fixtures")
    present = {p.name for p in folder.glob("*.json")}
    assert present == FIXTURE_FILES
