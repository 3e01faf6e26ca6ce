"""End-to-end `relaywatch scan` against its parsing floors and a peer engine, with peak RSS.

    .venv/bin/python benchmarks/scan.py [--events 200000] [--files 8] [--times 10]
                                        [--repeat 2] [--jobs 2] [--no-peer] [--update-docs]

Corpora, built in a temporary directory at each run (nothing is copied into the
repository):
- NDJSON: `benchmarks/corpus.py --dressed --host-ip`, `--events` ECS documents as Winlogbeat
  ships them in `--files` files of consecutive time ranges (and once more as one file, which
  the scan reads in parts); 10x = the same files linked `--times` times over;
- NDJSON bare: the same events with only the fields the rules read (floor, scans and peer
  only): the least favourable case for a reader that skips lines, since the floor's
  per-line cost shrinks with the line;
- .evtx: the real Security logs of ../shared/data/datasets, linked once (1x) and
  `--times` times (10x), and the 10x corpus stitched into one large log (every chunk
  behind one file header, in the temporary directory), which the scan reads in parts.

Measured in fresh child processes, best of `--repeat` (the 10x runs once):
- floors: `orjson.loads` of every NDJSON line; iterating `PyEvtxParser(path).records_json()`
  over every .evtx file (both in one process);
- `relaywatch scan` with the two seed rules, run through the CLI entry point with
  `--jobs` processes and with `--jobs 1`, writing the alert file; and once with the whole
  built-in pack (five rules, what a scan without `--rule-id` runs);
- the peer: the Python `eql` engine (PyPI `eql`, AGPL: installed here with
  `pip install --target` into the temporary directory, never a project dependency)
  running the same two rules, function names rewritten to its camelCase and `~` dropped,
  over the same NDJSON (each line loaded with orjson, one `eql.Event` per
  `event.category` value, time in FILETIME ticks so that `maxspan=5s` means 5 seconds).

Peak RSS is the largest resident set of the scan's own process and, separately, of its
worker processes; the `--sort-memory 4` rows show it flat from 1x to 10x once the time
order spills. With `--update-docs` the table replaces `## Scan` in docs/performance.md.
"""

from __future__ import annotations

import argparse
import compileall
import multiprocessing
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from benchmarks import floors
from benchmarks.corpus import link_evtx, stitch_evtx, write_ndjson
from relaywatch import cli
from relaywatch.eql import timestamp_ms
from relaywatch.rules import builtin

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Scan"
NTLM = "23e5407a-b696-4433-9297-087645f2726c"
SMB = "d84a11c0-eb12-4e7d-8a0a-718e38351e29"
FIXED_TIME = "2026-11-24T00:00:00Z"
EQL_VERSION = "1.0.1"
SMALL_MB = 4  # a sort memory below what the 1x corpora keep: both 1x and 10x spill
FILETIME_EPOCH = 116_444_736_000_000_000  # 1601-01-01 to 1970-01-01 in 100 ns ticks
# The peer's function names are case-exact camelCase and it has no `~` (peers.md §5.1).
CAMEL = (("endswith", "endsWith"), ("startswith", "startsWith"), ("indexof", "indexOf"))


@dataclass(frozen=True, slots=True)
class Measure:
    """One child's answer: records, best seconds, peak RSS (MiB) of itself and of its
    workers, and the matches found (scan and peer)."""

    records: int
    seconds: float
    rss_mb: float
    workers_mb: float
    matches: int


# --- the measured work, one function per kind, each run in a fresh child process ---


def ndjson_floor(paths: Sequence[str], _: str) -> tuple[int, int]:
    return floors.ndjson_floor(paths), 0


def evtx_floor(paths: Sequence[str], _: str) -> tuple[int, int]:
    return floors.evtx_floor(paths), 0


def scan(
    jobs: int, memory: int = 0, pack: bool = False
) -> Callable[[Sequence[str], str], tuple[int, int]]:
    """A scan with the two seed rules (`pack`: every rule of the built-in pack, what a
    scan without --rule-id runs)."""

    def run(paths: Sequence[str], workdir: str) -> tuple[int, int]:
        output = os.path.join(workdir, f"alerts-{os.getpid()}.ndjson")
        limit = ["--sort-memory", str(memory)] if memory else []
        rules = [] if pack else ["--rule-id", NTLM, "--rule-id", SMB]
        argv = ["scan", *limit, *rules, "--jobs", str(jobs),
                "--format", "ndjson", "--no-progress", "--ingested", FIXED_TIME,
                "--run-time", FIXED_TIME, "-o", output, *paths]  # fmt: skip
        with open(os.devnull, "w") as quiet:
            saved, sys.stdout, sys.stderr = (sys.stdout, sys.stderr), quiet, quiet
            try:
                cli.main(argv)
            finally:
                sys.stdout, sys.stderr = saved
        with open(output, "rb") as alerts:
            matches = sum(_is_match(orjson.loads(line)) for line in alerts)
        os.unlink(output)
        return 0, matches

    return run


def _is_match(alert: dict[str, Any]) -> bool:
    """One per matched event or sequence: single-event alerts and sequence shells."""
    return alert.get("kibana.alert.group.index") is None


def peer(paths: Sequence[str], eql_dir: str) -> tuple[int, int]:
    sys.path.insert(0, eql_dir)
    import eql  # type: ignore[import-not-found]  # noqa: PLC0415 - installed at run time

    engine = eql.PythonEngine()
    with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions:
        for query in peer_queries():
            engine.add_query(eql.parse_query(query))
    found: list[Any] = []
    engine.add_output_hook(found.append)
    count = 0
    for path in paths:
        with open(path, "rb") as lines:
            for line in lines:
                doc = orjson.loads(line)
                count += 1
                ticks = timestamp_ms(doc["@timestamp"]) * 10_000 + FILETIME_EPOCH
                for category in doc["event"]["category"]:
                    engine.stream_event(eql.Event(category, ticks, doc))
    engine.finalize()
    return count, len(found)


def peer_queries() -> list[str]:
    """The two seed rules in the peer's dialect: comments out, camelCase, no `~`."""
    rules = {rule.rule_id: rule for rule in builtin().rules}
    out = []
    for rule_id in (NTLM, SMB):
        text = re.sub(r"/\*.*?\*/", "", rules[rule_id].query, flags=re.S)
        for lower, camel in CAMEL:
            text = re.sub(rf"\b{lower}~?\(", f"{camel}(", text, flags=re.I)
        out.append(text.replace(" in~ ", " in ").replace(" like~ ", " like "))
    return out


KINDS: dict[str, Callable[[Sequence[str], str], tuple[int, int]]] = {
    "ndjson-floor": ndjson_floor,
    "evtx-floor": evtx_floor,
    "scan": scan(2),
    "scan-1": scan(1),
    "peer": peer,
}


def child(kind: str, workdir: str, repeat: int, paths: Sequence[str]) -> int:
    times, records, matches = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        records, matches = KINDS[kind](paths, workdir)
        times.append(time.perf_counter() - start)
    own = peak_rss_kib()
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(records, min(times), own, workers, matches)
    return 0


def peak_rss_kib() -> int:
    """This process's peak resident set in KiB. Linux's `ru_maxrss` carries over the
    peak of the process that forked it (the benchmark itself), so the kernel's own
    high-water mark of this process's memory is read where there is one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(kind: str, paths: Sequence[str], workdir: str, repeat: int, jobs: int) -> Measure:
    """`kind` over `paths` in a fresh process (one measurement's garbage and caches must
    not slow the next)."""
    command = [sys.executable, __file__, "--child", kind, workdir, str(repeat), str(jobs), *paths]
    done = subprocess.run(command, capture_output=True, check=True, text=True)
    records, seconds, own, workers, matches = done.stdout.split()
    return Measure(int(records), float(seconds), int(own) / 1024, int(workers) / 1024, int(matches))


# --- the run: corpora, measurements, table ---


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    floor: str
    one: list[str]
    many: list[str]
    single: list[str]  # the corpus as one file, read in parts, or []
    extended: bool = True  # also the one-file, 10x and small sort-memory rows
    single_scale: int = 1  # the one file holds the 1x corpus this many times

    @property
    def megabytes(self) -> float:
        return sum(os.path.getsize(path) for path in self.one) / 1e6


def build(workdir: Path, events: int, files: int, times: int) -> list[Corpus]:
    ndjson = [str(p) for p in write_ndjson(workdir / "ndjson", events, files=files, host_ip=True,
                                           dressed=True)]  # fmt: skip
    bare = [str(p) for p in write_ndjson(workdir / "bare", events, files=files, host_ip=True)]
    many_dir = workdir / "ndjson-many"
    many_dir.mkdir()
    many = []
    for copy in range(times):
        for path in ndjson:
            link = many_dir / f"{copy:03d}-{Path(path).name}"
            link.symlink_to(path)
            many.append(str(link))
    single = workdir / "ndjson-single.ndjson"
    with single.open("wb") as out:
        for path in ndjson:
            with open(path, "rb") as part:
                shutil.copyfileobj(part, out)
    evtx_one = [str(p) for p in link_evtx(workdir / "evtx-1", 1)]
    evtx_many = [str(p) for p in link_evtx(workdir / "evtx-many", times)]
    # At 1x the real logs make a log too small to split (PART_BYTES): one file of the 10x.
    evtx_single = str(stitch_evtx(workdir / "evtx-one-file.evtx", evtx_many))
    return [
        Corpus("NDJSON", "ndjson-floor", ndjson, many, [str(single)]),
        Corpus("NDJSON bare", "ndjson-floor", bare, [], [], extended=False),
        Corpus(".evtx", "evtx-floor", evtx_one, evtx_many, [evtx_single], single_scale=times),
    ]


def install_peer(workdir: Path) -> str | None:
    target = workdir / "eql"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
               f"eql=={EQL_VERSION}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"peer not measured: pip failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return str(target)


Row = tuple[str, str, str, str, str, str, str]


def run_corpus(
    corpus: Corpus, workdir: str, args: argparse.Namespace, eql_dir: str | None
) -> list[Row]:
    floor = measure(corpus.floor, corpus.one, workdir, args.repeat, args.jobs)
    rows = [_row(f"{corpus.name} floor ({corpus.floor})", floor, floor, corpus.megabytes)]
    best = measure("scan", corpus.one, workdir, args.repeat, args.jobs)
    rows.append(_row(f"{corpus.name} scan --jobs {args.jobs}", best, floor, corpus.megabytes))
    alone = measure("scan-1", corpus.one, workdir, args.repeat, args.jobs)
    rows.append(_row(f"{corpus.name} scan --jobs 1", alone, floor, corpus.megabytes))
    if corpus.extended:
        pack = measure("scan-pack", corpus.one, workdir, args.repeat, args.jobs)
        label = f"{corpus.name} scan --jobs {args.jobs}, whole built-in pack"
        rows.append(_row(label, pack, floor, corpus.megabytes))
    if corpus.extended:
        rows += _extended_rows(corpus, workdir, args, floor)
    if corpus.name.startswith("NDJSON") and eql_dir is not None:
        other = measure("peer", corpus.one, eql_dir, args.repeat, args.jobs)
        rows.append(_row(f"{corpus.name} peer: Python eql {EQL_VERSION}", other, floor,
                         corpus.megabytes))  # fmt: skip
        speedup = f"scan is {other.seconds / best.seconds:.1f}x the peer"
        rows.append((f"{corpus.name} scan / peer", "", "", "", "", speedup, ""))
    return rows


def _extended_rows(
    corpus: Corpus, workdir: str, args: argparse.Namespace, floor: Measure
) -> list[Row]:
    rows = []
    if corpus.single:
        scale = corpus.single_scale
        whole = measure("scan", corpus.single, workdir, args.repeat if scale == 1 else 1, args.jobs)
        label = f"{corpus.name} scan --jobs {args.jobs}, one file" + (f" of {scale}x" * (scale > 1))
        rows.append(_row(label, whole, floor, corpus.megabytes * scale, scale=scale))
    many = measure("scan", corpus.many, workdir, 1, args.jobs)
    label = f"{corpus.name} scan --jobs {args.jobs}, {args.times}x"
    rows.append(_row(label, many, floor, corpus.megabytes * args.times, scale=args.times))
    for paths, scale in ((corpus.one, 1), (corpus.many, args.times)):
        small = measure("scan-small", paths, workdir, 1, args.jobs)
        label = f"{corpus.name} scan --jobs {args.jobs} --sort-memory {SMALL_MB}, {scale}x"
        rows.append(_row(label, small, floor, corpus.megabytes * scale, scale=scale))
    return rows


def _row(label: str, got: Measure, floor: Measure, megabytes: float, scale: int = 1) -> Row:
    records = floor.records * scale
    rss = f"{got.rss_mb:.0f}" + (f" + workers {got.workers_mb:.0f}" if got.workers_mb else "")
    ratio = floor.seconds * scale / got.seconds
    matches = f" ({got.matches} matches)" if got.matches else ""
    return (label, f"{records:,}", f"{got.seconds:.2f}", f"{records / got.seconds:,.0f}",
            f"{megabytes / got.seconds:.0f}", f"{ratio:.2f}{matches}", rss)  # fmt: skip


def render(
    rows: list[Row], args: argparse.Namespace, corpora: list[Corpus], speedups: list[float]
) -> str:
    ndjson, bare, evtx = corpora
    lines = [
        SECTION,
        "",
        f"Measured by `benchmarks/scan.py --events {args.events} --files {args.files} "
        f"--times {args.times} --repeat {args.repeat} --jobs {args.jobs}` on "
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. NDJSON 1x: {len(ndjson.one)} files, "
        f"{ndjson.megabytes:.0f} MB of documents as Winlogbeat ships them (`--dressed`); "
        f"NDJSON bare: the same events with only the rules' fields, {bare.megabytes:.0f} MB; "
        f".evtx 1x: {len(evtx.one)} real logs, "
        f"{evtx.megabytes:.0f} MB. Rules: the two seed rules. Ratio = floor time / time "
        "(1.00 = as fast as the floor; the floors run on one core). Two processes ran "
        f"{speedups[0]:.1f}x / {speedups[1]:.1f}x as fast as one at the start / end of the "
        "run (2.0 = both cores free; the machine is shared).",
        "",
        "| measurement | records | seconds | records/s | MB/s | ratio to floor | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def update_docs(table: str) -> None:
    """Replace this script's table in `## Scan` of docs/performance.md, up to the notes
    (`### `), keeping the notes and every other section."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        path.write_text(text.rstrip("\n") + "\n\n" + table)
        return
    section_end = text.find("\n## ", start + len(SECTION))
    section_end = len(text) if section_end < 0 else section_end + 1
    notes = text.find("\n### ", start, section_end)
    end = section_end if notes < 0 else notes + 1
    path.write_text(text[:start] + table + ("\n" if notes >= 0 else "") + text[end:])


def _burn(count: int) -> int:
    total = 0
    for number in range(count):
        total += number
    return total


def free_cores(count: int = 5_000_000) -> float:
    """How much faster two processes finish two pure-Python loops than one process: 2.0
    when both cores are free, 1.0 when another job holds one (the machine is shared)."""
    started = time.perf_counter()
    _burn(count)
    _burn(count)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_burn, [count, count])
    return serial / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, workdir, repeat, jobs, *paths = args.child
        KINDS["scan"] = scan(int(jobs))
        KINDS["scan-small"] = scan(int(jobs), SMALL_MB)
        KINDS["scan-pack"] = scan(int(jobs), pack=True)
        return child(kind, workdir, int(repeat), paths)
    # Measure the tool as installed: byte code written (an editable install in an
    # environment with PYTHONDONTWRITEBYTECODE would compile changed modules at each start).
    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="relaywatch-bench-") as tmp:
        workdir = Path(tmp)
        corpora = build(workdir, args.events, args.files, args.times)
        if not corpora[-1].one:
            print("no .evtx files under ../shared/data/datasets", file=sys.stderr)
            return 2
        eql_dir = None if args.no_peer else install_peer(workdir)
        speedups = [free_cores()]
        rows = [row for corpus in corpora for row in run_corpus(corpus, tmp, args, eql_dir)]
        speedups.append(free_cores())
        table = render(rows, args, corpora, speedups)
    print(table)
    if args.update_docs:
        update_docs(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
