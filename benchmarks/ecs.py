"""Normalization cost per stage, beside the floors of parsing the same records.

    .venv/bin/python benchmarks/ecs.py [--repeat 3] [--codes 4624,4625,5140,5145]

Input: the Security .evtx files in ../shared/data/datasets (and the smallest OTRF
archive for flat JSON). Stages are timed separately, best of `--repeat`:
- parser floor: iterating `PyEvtxParser.records_json()` (the floor of issue 3);
- `orjson.loads` of each record's JSON text;
- `from_raw_event`, then `normalize` (windows.forwarded pipeline);
- `from_flat_event`, then `normalize`, on NXLog-style lines.
`--codes` restricts the conversion stages to records with those event codes (the
relay rules' codes are what a scan with the built-in rules converts).

Figures are CPU microseconds per record (`time.process_time`: single-threaded work,
not slowed on paper by other users of a shared machine) and the ratio of the parser
floor to the stage (1.0 = as cheap as iterating the parser). Results are discarded as
they are made, as in a streaming read: timing a list of 24,000 retained documents
would mostly time Python's cyclic garbage collector walking it. The inputs kept in
memory are frozen out of the collector's view (`gc.freeze`) for the same reason.
"""

from __future__ import annotations

import argparse
import gc
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


def texts(paths: Sequence[Path]) -> list[str]:
    out: list[str] = []
    for path in paths:
        parser: Any = PyEvtxParser(str(path))
        out.extend(record["data"] for record in parser.records_json())
    return out


def parser_floor(paths: Sequence[Path]) -> Callable[[], None]:
    def run() -> None:
        for path in paths:
            parser: Any = PyEvtxParser(str(path))
            for _ in parser.records_json():
                pass

    return run


def each(func: Callable[[Any], object], items: Sequence[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            func(item)

    return run


def best(func: Callable[[], object], count: int, repeat: int) -> float:
    """Microseconds per record, best of `repeat`."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times) / count * 1e6


def normalize_cost(make: Callable[[], list[Doc]], repeat: int) -> float:
    """normalize changes documents in place, so each run gets fresh ones (untimed)."""
    times, count = [], 0
    for _ in range(repeat):
        docs = make()
        count = len(docs)
        gc.freeze()
        start = time.process_time()
        for doc in docs:
            ecs.normalize(doc, INGESTED)
        times.append(time.process_time() - start)
        del docs
        gc.unfreeze()
        gc.collect()
    return min(times) / count * 1e6


def code_of(raw: Doc) -> str:
    code = raw["Event"]["System"]["EventID"]
    return str(code.get("#text") if isinstance(code, dict) else code)


def flat_lines() -> list[Doc]:
    archives = sorted((SHARED / "data" / "datasets" / "OTRF__Security-Datasets").glob("*.zip"))
    smallest = min(archives, key=lambda p: p.stat().st_size)
    with zipfile.ZipFile(smallest) as archive, archive.open(archive.namelist()[0]) as lines:
        return [orjson.loads(line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--codes", default="", help="comma-separated event codes to convert")
    args = parser.parse_args()
    repeat, codes = args.repeat, set(filter(None, args.codes.split(",")))
    paths = sorted((SHARED / "data" / "datasets").glob("*/*.evtx"))
    records = texts(paths)
    floor = best(parser_floor(paths), len(records), repeat)
    loads = best(each(orjson.loads, records), len(records), repeat)
    raws = [orjson.loads(text) for text in records]
    raws = [raw for raw in raws if not codes or code_of(raw) in codes]
    flats = flat_lines()
    gc.freeze()
    raw = best(each(ecs.from_raw_event, raws), len(raws), repeat)
    flat = best(each(ecs.from_flat_event, flats), len(flats), repeat)
    gc.unfreeze()
    norm = normalize_cost(lambda: [ecs.from_raw_event(r) for r in raws], repeat)
    flat_norm = normalize_cost(lambda: [ecs.from_flat_event(f) for f in flats], repeat)
    chosen = f"codes {sorted(codes)}" if codes else "all codes"
    print(f"{len(records)} evtx records ({len(raws)} converted: {chosen}), {len(flats)} flat lines")
    print("  stage                                  us/record   ratio to parser floor")
    rows = (
        ("evtx parser floor (records_json)", floor),
        ("orjson.loads of the record", loads),
        ("from_raw_event", raw),
        ("normalize (evtx)", norm),
        ("from_raw_event + normalize", raw + norm),
        ("from_flat_event", flat),
        ("normalize (flat)", flat_norm),
    )
    for name, cost in rows:
        print(f"  {name:<38} {cost:>8.2f}   {floor / cost:>8.2f}")


if __name__ == "__main__":
    main()
