"""Normalization cost per stage, beside the floor of parsing the same records.

    .venv/bin/python benchmarks/ecs.py [--repeat 3]

Input: the Security .evtx files in ../shared/data/datasets (and the smallest OTRF
archive for flat JSON). Stages are timed separately on records already in memory:
- floor: `PyEvtxParser.records_json()` plus `orjson.loads` of each record;
- `from_raw_event`, then `normalize` (windows.forwarded pipeline);
- `from_flat_event`, then `normalize`, on NXLog-style lines.
Figures are records per second, best of `--repeat`; ratios are against the floor.
"""

from __future__ import annotations

import argparse
import os
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
from evtx import PyEvtxParser

from relaywatch import ecs

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RELAYWATCH_SHARED", ROOT.parent / "shared"))
INGESTED = "2026-01-01T00:00:00.000Z"
Doc = dict[str, Any]


def parse(paths: Sequence[Path]) -> list[Doc]:
    records: list[Doc] = []
    for path in paths:
        parser: Any = PyEvtxParser(str(path))
        records.extend(orjson.loads(record["data"]) for record in parser.records_json())
    return records


def best(func: Callable[[], object], count: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return count / min(times)


def normalize_rate(raws: Callable[[], list[Doc]], repeat: int) -> float:
    """normalize changes documents in place, so each run gets fresh ones (untimed)."""
    times = []
    for _ in range(repeat):
        docs = raws()
        start = time.perf_counter()
        for doc in docs:
            ecs.normalize(doc, INGESTED)
        times.append(time.perf_counter() - start)
    return len(raws()) / min(times)


def flat_lines() -> list[Doc]:
    archives = sorted((SHARED / "data" / "datasets" / "OTRF__Security-Datasets").glob("*.zip"))
    smallest = min(archives, key=lambda p: p.stat().st_size)
    with zipfile.ZipFile(smallest) as archive, archive.open(archive.namelist()[0]) as lines:
        return [orjson.loads(line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    paths = sorted((SHARED / "data" / "datasets").glob("*/*.evtx"))
    records = parse(paths)
    count = len(records)
    floor = best(lambda: parse(paths), count, repeat)
    raw = best(lambda: [ecs.from_raw_event(r) for r in records], count, repeat)
    norm = normalize_rate(lambda: [ecs.from_raw_event(r) for r in records], repeat)
    both = 1 / (1 / floor + 1 / raw + 1 / norm)
    flats = flat_lines()
    flat = best(lambda: [ecs.from_flat_event(f) for f in flats], len(flats), repeat)
    flat_norm = normalize_rate(lambda: [ecs.from_flat_event(f) for f in flats], repeat)
    print(f"{count} evtx records, {len(flats)} flat lines; records/s (ratio to the parse floor)")
    print(f"  evtx parse floor (records_json + orjson) {floor:>10,.0f}")
    print(f"  from_raw_event                           {raw:>10,.0f}")
    print(f"  normalize (evtx)                         {norm:>10,.0f}")
    print(f"  parse + from_raw_event + normalize       {both:>10,.0f}  ({both / floor:.2f}x)")
    print(f"  from_flat_event                          {flat:>10,.0f}")
    print(f"  normalize (flat)                         {flat_norm:>10,.0f}")


if __name__ == "__main__":
    main()
