"""All records come out in timestamp order, ties in read order, with or without spilling."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from relaywatch.detect import TimeOrder
from relaywatch.detect.order import MERGE_FANIN, decode, encode
from relaywatch.records import Provenance, Record


def _records(timestamps: list[int], order: TimeOrder) -> None:
    for position, timestamp in enumerate(timestamps):
        doc = {"@timestamp": timestamp, "n": position, "nested": {"ip": ["10.0.0.1", None]}}
        order.add(timestamp, Record(doc, Provenance("f.ndjson", position, None, None)))


def test_ties_keep_read_order() -> None:
    order = TimeOrder()
    _records([5, 1, 5, 1], order)
    assert [(ts, rec.provenance.position) for ts, _, rec in order] == [
        (1, 1), (1, 3), (5, 0), (5, 2),
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), max_size=40), st.integers(1, 7))
def test_spilling_to_disk_gives_the_same_order(timestamps: list[int], buffer: int) -> None:
    memory, disk = TimeOrder(), TimeOrder(buffer_size=buffer)
    _records(timestamps, memory)
    _records(timestamps, disk)
    expected = [(ts, arrival, rec) for ts, arrival, rec in memory]
    got = list(disk)
    assert [(ts, arrival) for ts, arrival, _ in got] == [(ts, a) for ts, a, _ in expected]
    assert [rec for _, _, rec in got] == [rec for _, _, rec in expected]
    assert got == sorted(got, key=lambda entry: (entry[0], entry[1]))


def test_spill_writes_runs_when_the_buffer_is_full() -> None:
    order = TimeOrder(buffer_size=3)
    _records(list(range(10, 0, -1)), order)
    assert order.spilled_runs == 3
    assert [ts for ts, _, _ in order] == list(range(1, 11))


def test_memory_budget_spills_by_size_not_by_count() -> None:
    order = TimeOrder(memory=1024)
    _records(list(range(20)), order)
    assert order.spilled_runs >= 4
    assert [ts for ts, _, _ in order] == list(range(20))


def test_more_runs_than_the_merge_fanin_are_merged_in_levels() -> None:
    order = TimeOrder(buffer_size=1)
    timestamps = [(n * 7919) % (MERGE_FANIN * 3) for n in range(MERGE_FANIN * 3)]
    _records(timestamps, order)
    assert sum(len(level) for level in order._levels) < MERGE_FANIN
    assert [ts for ts, _, _ in order] == sorted(timestamps)


def test_values_json_cannot_hold_survive_the_order() -> None:
    # Held as JSON where possible; what orjson refuses (an int past 64 bits) is pickled.
    doc = {"@timestamp": 1, "big": 1 << 70, "ip": ["10.0.0.1"]}
    record = Record(doc, Provenance("f", 1, "id-1", "idx"))
    assert decode(encode(record)) == record


def test_a_collection_handed_to_another_process_merges_in_order(tmp_path: Path) -> None:
    worker = TimeOrder(buffer_size=2, spill_dir=str(tmp_path), named_runs=True, arrival_base=100)
    _records([9, 3, 7, 1, 5], worker)
    parent = TimeOrder()
    _records([4, 8], parent)
    entries, runs = worker.detach()
    parent.absorb(entries, runs, worker.count - len(entries))
    assert parent.count == 7
    assert [ts for ts, _, _ in parent] == [1, 3, 4, 5, 7, 8, 9]
    assert list(tmp_path.iterdir()) == []


def test_held_records_past_the_inline_size_are_handed_over_as_a_run(tmp_path: Path) -> None:
    worker = TimeOrder(spill_dir=str(tmp_path), named_runs=True)
    _records([9, 3, 7], worker)
    entries, runs = worker.detach(inline=0)
    assert entries == [] and len(runs) == 1
    parent = TimeOrder()
    parent.absorb(entries, runs, worker.count)
    assert [ts for ts, _, _ in parent] == [3, 7, 9]
    assert list(tmp_path.iterdir()) == []
