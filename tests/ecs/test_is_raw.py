"""is_raw_winlogbeat: raw Winlogbeat output vs documents that went through ingest."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from relaywatch.ecs import is_raw_winlogbeat, normalize
from tests.ecs.builders import INGESTED, security

Doc = dict[str, Any]


def indexed_unmapped() -> Doc:
    """An indexed document of a code the pipeline does not categorise (no event.category)."""
    return normalize(security("4608"), INGESTED)


CASES = [
    ("raw Winlogbeat", security("4624"), True),
    (
        "raw Winlogbeat, old shape with numeric ids",
        {"winlog": {"record_id": 7, "event_id": 4624}},
        True,
    ),
    ("indexed 4624", normalize(security("4624"), INGESTED), False),
    ("indexed, unmapped code", indexed_unmapped(), False),
    (
        "indexed by a Beats module (event.ingested only)",
        {"winlog": {"record_id": 7}, "event": {"ingested": "x"}},
        False,
    ),
    ("indexed: string record_id", {"winlog": {"record_id": "7"}, "event": {"code": "4624"}}, False),
    ("not Windows at all", {"event": {"code": "1"}}, False),
    ("not a dict", ["winlog"], False),
]


@pytest.mark.parametrize(("label", "doc", "expected"), CASES, ids=[c[0] for c in CASES])
def test_is_raw_winlogbeat(label: str, doc: Any, expected: bool) -> None:
    assert is_raw_winlogbeat(doc) is expected


def test_normalizing_twice_changes_nothing_for_indexed_readers() -> None:
    # Readers only normalize raw documents; an indexed one must be recognised as such.
    once = normalize(
        security("5145", SubjectUserName="SRV01$", RelativeTargetName="spoolss"), INGESTED
    )
    assert not is_raw_winlogbeat(copy.deepcopy(once))
