"""Reader throughput against its floors, and peak memory at 1x and 10x input.

    .venv/bin/python benchmarks/sources.py [--repeat 3] [--update-docs]

Inputs are the real Security logs in ../shared/data/datasets (*.evtx) and an NDJSON file
of the ECS documents relaywatch makes from them (written to a temporary directory).
Floors, measured in the same run on the same input:
- evtx: merely iterating `PyEvtxParser(path).records_json()`;
- NDJSON: `orjson.loads` of every line.
Each figure is the best of `--repeat` runs in this process. Peak memory is the maximum
resident set size of a child process reading the input once (1x) and ten times (10x).
With `--update-docs` the table replaces the `## Sources` section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson
from evtx import PyEvtxParser

from relaywatch.records import Record
from relaywatch.sources import ReadOptions, ReadStats, read

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RELAYWATCH_SHARED", ROOT.parent / "shared"))
INGESTED = "2026-01-01T00:00:00.000Z"
RELAY_CODES = frozenset({"4624", "4625", "5140", "5145"})
SECTION = "## Sources"


def evtx_floor(paths: Sequence[str]) -> int:
    count = 0
    for path in paths:
        for _ in PyEvtxParser(path).records_json():
            count += 1
    return count


def ndjson_floor(paths: Sequence[str]) -> int:
    count = 0
    for path in paths:
        with open(path, "rb") as lines:
            for line in lines:
                orjson.loads(line)
                count += 1
    return count


def reader(codes: frozenset[str] | None) -> Callable[[Sequence[str]], int]:
    def run(paths: Sequence[str]) -> int:
        stats = ReadStats()
        for _ in read(paths, ReadOptions(relevant_codes=codes, ingested=INGESTED), stats):
            pass
        return stats.read

    return run


def best(
    func: Callable[[Sequence[str]], int], paths: Sequence[str], repeat: int
) -> tuple[int, float]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = func(paths)
        times.append(time.perf_counter() - start)
    return count, min(times)


def write_ndjson(evtx_paths: Sequence[str], directory: Path) -> str:
    target = directory / "security.ndjson"
    options = ReadOptions(ingested=INGESTED)
    with open(target, "wb") as out:
        for item in read(evtx_paths, options):
            if isinstance(item, Record):
                out.write(orjson.dumps(item.doc) + b"\n")
    return str(target)


def peak_rss_mb(kind: str, paths: Sequence[str]) -> float:
    """Maximum RSS of a child process that reads `paths` once with `kind`."""
    command = [sys.executable, __file__, "--child", kind, *paths]
    done = subprocess.run(command, capture_output=True, check=True, text=True)
    return int(done.stdout.split()[-1]) / 1024


CHILD_KINDS: dict[str, Callable[[Sequence[str]], int]] = {
    "evtx-floor": evtx_floor,
    "ndjson-floor": ndjson_floor,
    "reader": reader(RELAY_CODES),
}


def child(kind: str, paths: Sequence[str]) -> int:
    CHILD_KINDS[kind](paths)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--child", nargs="+", metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1:])
    evtx_paths = sorted(str(p) for p in (SHARED / "data" / "datasets").glob("*/*.evtx"))
    if not evtx_paths:
        print(f"no .evtx files under {SHARED}/data/datasets", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        ndjson_path = write_ndjson(evtx_paths, Path(tmp))
        rows = measure(evtx_paths, [ndjson_path], args.repeat)
        size_mb = Path(ndjson_path).stat().st_size / 1e6
    table = render(rows, evtx_paths, size_mb)
    print(table)
    if args.update_docs:
        update_docs(table)
    return 0


Row = tuple[str, int, float, float, str]


def measure(evtx_paths: list[str], ndjson_paths: list[str], repeat: int) -> list[Row]:
    rows: list[Row] = []
    for name, paths, floor in (
        ("evtx", evtx_paths, evtx_floor),
        ("NDJSON", ndjson_paths, ndjson_floor),
    ):
        count, floor_time = best(floor, paths, repeat)
        rows.append((f"{name} floor", count, floor_time, 1.0, ""))
        for label, codes in (("all codes", None), ("relay codes", RELAY_CODES)):
            count, spent = best(reader(codes), paths, repeat)
            rows.append((f"{name} -> ECS, {label}", count, spent, floor_time / spent, ""))
        memory = [
            peak_rss_mb(kind, paths * times)
            for kind in (f"{name.lower()}-floor", "reader")
            for times in (1, 10)
        ]
        rows.append(
            (
                f"{name} peak RSS MB (floor 1x/10x, reader 1x/10x)",
                0,
                0.0,
                0.0,
                " / ".join(f"{mb:.0f}" for mb in memory),
            )
        )
    return rows


def render(rows: list[Row], evtx_paths: list[str], size: float) -> str:
    lines = [
        SECTION,
        "",
        f"Measured by `benchmarks/sources.py` on {time.strftime('%Y-%m-%d')}: "
        f"{len(evtx_paths)} real Security .evtx files from ../shared/data/datasets, and the "
        f"ECS NDJSON made from them ({size:.0f} MB). Best of the runs, one process; "
        f"ratio = floor time / reader time (1.0 = as fast as the floor).",
        "",
        "| measurement | records | seconds | records/s | ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, count, spent, ratio, text in rows:
        if text:
            lines.append(f"| {name} | | | | {text} |")
        else:
            lines.append(f"| {name} | {count} | {spent:.3f} | {count / spent:,.0f} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def update_docs(table: str) -> None:
    """Replace this script's section of docs/performance.md; other sections are kept."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + table
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + table + (text[end + 1 :] if end >= 0 else "")
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
