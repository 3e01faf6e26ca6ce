"""Reader throughput against its floors, and peak memory at 1x and 10x input.

    .venv/bin/python benchmarks/sources.py [--repeat 3] [--update-docs]

Inputs are the real Security logs in ../shared/data/datasets (*.evtx) and an NDJSON file
of the ECS documents relaywatch makes from them (written to a temporary directory).
Floors, measured in the same run on the same input:
- evtx: merely iterating `PyEvtxParser(path).records_json()`;
- NDJSON: `orjson.loads` of every line.
Each figure is the best of `--repeat` runs in a fresh child process per measurement, in
CPU seconds (`time.process_time`): everything measured runs on one thread, and CPU time
does not count the time other users of a shared machine take.
Peak memory is the maximum resident set size of a child reading the input once (1x)
and ten times over (10x); the reader figures are for the relay codes.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.floors import evtx_floor, ndjson_floor
from relaywatch.records import Record
from relaywatch.sources import ReadOptions, ReadStats, read

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RELAYWATCH_SHARED", ROOT.parent / "shared"))
INGESTED = "2026-01-01T00:00:00.000Z"
RELAY_CODES = frozenset({"4624", "4625", "5140", "5145"})
SECTION = "## Sources"


def reader(codes: frozenset[str] | None) -> Callable[[Sequence[str]], int]:
    def run(paths: Sequence[str]) -> int:
        stats = ReadStats()
        for _ in read(paths, ReadOptions(relevant_codes=codes, ingested=INGESTED), stats):
            pass
        return stats.read

    return run


def write_ndjson(evtx_paths: Sequence[str], directory: Path) -> str:
    target = directory / "security.ndjson"
    options = ReadOptions(ingested=INGESTED)
    with open(target, "wb") as out:
        for item in read(evtx_paths, options):
            if isinstance(item, Record):
                out.write(orjson.dumps(item.doc) + b"\n")
    return str(target)


def in_child(kind: str, paths: Sequence[str], repeat: int) -> tuple[int, float, float]:
    """(records, best seconds, peak RSS in MB) of `kind` over `paths`, in a fresh process
    each time, so that one measurement's garbage and caches do not slow the next."""
    command = [sys.executable, __file__, "--repeat", str(repeat), "--child", kind, *paths]
    done = subprocess.run(command, capture_output=True, check=True, text=True)
    count, seconds, rss_kib = done.stdout.split()
    return int(count), float(seconds), int(rss_kib) / 1024


CHILD_KINDS: dict[str, Callable[[Sequence[str]], int]] = {
    "evtx-floor": evtx_floor,
    "ndjson-floor": ndjson_floor,
    "reader-all": reader(None),
    "reader-relay": reader(RELAY_CODES),
}


def child(kind: str, paths: Sequence[str], repeat: int) -> int:
    times, count = [], 0
    for _ in range(repeat):
        start = time.process_time()
        count = CHILD_KINDS[kind](paths)
        times.append(time.process_time() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(count, min(times), rss)
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
        return child(args.child[0], args.child[1:], args.repeat)
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
    for name, paths in (("evtx", evtx_paths), ("NDJSON", ndjson_paths)):
        count, floor_time, _ = in_child(f"{name.lower()}-floor", paths, repeat)
        rows.append((f"{name} floor", count, floor_time, 1.0, ""))
        for label, kind in (("all codes", "reader-all"), ("relay codes", "reader-relay")):
            count, spent, _ = in_child(kind, paths, repeat)
            rows.append((f"{name} -> ECS, {label}", count, spent, floor_time / spent, ""))
        memory = [
            in_child(kind, paths * times, 1)[2]
            for kind in (f"{name.lower()}-floor", "reader-relay")
            for times in (1, 10)
        ]
        label = f"{name} peak RSS MB (floor 1x / 10x, reader 1x / 10x)"
        rows.append((label, 0, 0.0, 0.0, " / ".join(f"{mb:.0f}" for mb in memory)))
    return rows


def render(rows: list[Row], evtx_paths: list[str], size: float) -> str:
    lines = [
        SECTION,
        "",
        f"Measured by `benchmarks/sources.py` on {time.strftime('%Y-%m-%d')}: "
        f"{len(evtx_paths)} real Security .evtx files from ../shared/data/datasets, and the "
        f"ECS NDJSON made from them ({size:.0f} MB). Best of the runs, a fresh process each; "
        f"seconds are CPU seconds of the reading process (every measurement is single-threaded, "
        f"and on the shared 2-core machine wall time mostly measures the neighbours); "
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
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


NOTES = (
    "Targets (issue 3): evtx >= 0.8x its floor, NDJSON >= 1.0x its floor.",
    "",
    "- **evtx: not met (about 0.2x for the relay codes, under 0.1x for all codes).** The",
    "  floor only iterates the Rust parser's JSON strings (3.3 us a record). A record the",
    "  rules can use then costs, per `benchmarks/ecs.py` (same machine, same day, CPU",
    "  time):",
    "  `orjson.loads` 2.9 us, `from_raw_event` 10 us and `normalize` 18 us (relay codes;",
    "  8 and 18 us over all codes). Before this round of work: 15 and 28 us (13 and 27",
    "  us over all codes): the conversion is a third cheaper, with byte-identical output",
    "  (`tests/sources/test_output_identity.py`). End to end, this script run against the",
    "  code before that work (commit f70a6e1), alternating with the current code in one",
    "  session, gave 1.54-1.61 s (all codes) and 0.60-0.62 s (relay codes) against",
    "  1.10-1.13 s and 0.44-0.45 s now: about 27% less CPU per read. Where it went:",
    "  security descriptors, access lists and masks, GUIDs, keyword masks and `Long.decode`",
    "  are computed once per distinct text (bounded caches; a log repeats a handful of",
    "  values thousands of times); each event code gets a compiled step list; placeholder",
    "  values are dropped with one set test; named EventData is copied at once and only",
    "  values that need rendering are revisited; mustache escaping and `::ffff:` stripping",
    "  are skipped when the value has nothing to change; exact dict checks replace",
    "  `Mapping` ABC checks. What is left is spread over ~25 small steps of 0.5-3 us each",
    "  (the pipeline's own processors), not one hot spot. The reader skips a record that",
    "  cannot matter before parsing it (a regex finds the EventID in the JSON text, 0.5 us;",
    "  faster than the str-method variant tried), which is what the relay-codes row shows.",
    "  Why 0.8x is out of reach in one process: in a read, conversion is about half of the",
    "  time; with a *free* conversion the relay-codes read would still be ~0.4x (parser,",
    "  EventID test, `orjson` and the per-record bookkeeping of a quarter of the records).",
    "  Reaching it needs the work spread over processes (the scan's parallel reading,",
    "  `detect/`) or the conversion done in native code. The binding's `number_of_threads`",
    "  gives nothing here: iterating `records_json()` runs on one thread whatever it is set",
    "  to (measured: same wall and CPU time for 0, 1 and 2).",
    "- **NDJSON: about at the target, within this machine's noise.** Lines that cannot",
    "  hold a relevant `event.code` are dropped by a byte search before parsing",
    "  (`sources/prefilter.py`) and counted without an object each (`read(..., stats)`);",
    "  what remains is the full handling of the relevant quarter of the lines. Successive",
    "  runs of this script on the shared 2-core machine gave 0.69, 0.87, 0.90 and 1.11 for",
    "  the relay-codes row (the floor alone moved between 0.15 s and 0.21 s). The ratio",
    "  also depends on the input: the fewer relevant lines, the higher it is.",
    "- **Memory is flat**: reading 10x the input takes the same peak RSS as 1x, for both",
    "  formats (records are streamed; nothing is kept per record, and every cache is",
    "  bounded).",
)


def update_docs(table: str) -> None:
    """Replace this script's section of docs/performance.md; other sections are kept."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + table
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + table + ("\n" + text[end + 1 :] if end >= 0 else "")
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
