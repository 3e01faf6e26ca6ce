"""The account of a read: read = normalized + not relevant + rejected, however it is taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from relaywatch.records import Provenance, Record, Skip
from relaywatch.sources import ReadOptions, ReadStats, read
from tests.shared import shared_path
from tests.sources.helpers import INGESTED, ecs_doc, ndjson, write

RELAY_CODES = frozenset({"4624", "4625", "5140", "5145"})


def _inputs(tmp_path: Path) -> list[str]:
    lines = ndjson(ecs_doc("4624"), ecs_doc("4688"), ecs_doc("5145")) + b"{bad\n"
    return [
        write(tmp_path / "a.ndjson", lines),
        str(shared_path("data", "evtx-samples", "sample_with_a_bad_chunk_magic.evtx")),
        str(shared_path("data", "evtx-samples", "security.evtx")),
    ]


@pytest.mark.parametrize("codes", [None, RELAY_CODES], ids=["all-codes", "relay-codes"])
def test_counting_inside_the_reader_gives_the_same_account_as_tracking(
    tmp_path: Path, codes: frozenset[str] | None
) -> None:
    options = ReadOptions(relevant_codes=codes, ingested=INGESTED)
    tracked = ReadStats()
    tracked_items = list(tracked.track(read(_inputs(tmp_path), options)))
    inside = ReadStats()
    inside_items = list(read(_inputs(tmp_path), options, inside))
    assert inside.to_dict() == tracked.to_dict()
    # The fast path yields records and rejections only.
    assert inside_items == [i for i in tracked_items if isinstance(i, Record) or i.rejected]
    assert inside.read == inside.normalized + inside.not_relevant + inside.rejected


def test_summary_names_each_rejection_category_with_locations() -> None:
    stats = ReadStats(locations_per_reason=2)
    for line in (3, 7, 9):
        stats.add(Skip(Provenance("a.json", line), "malformed JSON: unexpected character"))
    stats.add(Skip(Provenance("a.json", 4), "event.code not relevant", rejected=False))
    stats.add(Record(ecs_doc("4624"), Provenance("a.json", 1)))
    assert stats.summary_lines() == [
        "read 5 records from 1 sources: 1 normalized, 1 not relevant, 3 rejected",
        "  rejected 3: malformed JSON",
        "    at a.json:3: unexpected character",
        "    at a.json:7: unexpected character",
        "    ... and 1 more",
        "  not relevant 1: event.code not relevant",
    ]
    assert stats.by_code == {"4624": 1}
    assert stats.to_dict()["sources"]["a.json"] == {
        "read": 5,
        "normalized": 1,
        "not_relevant": 1,
        "rejected": 3,
    }
