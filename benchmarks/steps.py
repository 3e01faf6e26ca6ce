"""What each step of a scan costs per document, on the benchmark corpus.

    .venv/bin/python benchmarks/steps.py [--events 50000] [--bare] [--repeat 3]

Builds `benchmarks/corpus.py` documents (`--dressed` unless `--bare`) in a temporary
file, then times, best of `--repeat`, each step a scan applies to a line, in the order
the scan applies them, over the lines that reach the step:

- every line: the floor (`orjson.loads`) and the prefilter's byte test;
- every line with a relevant event code: parsing, the readers' shape and ECS checks,
  the read account, the document's host (`host_of`, once for both observers), setup
  coverage, host facts, the `@timestamp` parse and the rules' stage check
  (`eql.MatcherSet.verdicts`);
- every line some filter accepts: encoding it for the time order;

and then a whole read of the file with every step in place (`detect.survey.read_input`),
which costs more than the sum of the steps: the loop itself, and the interpreter's
caches, which timing one step over many documents flatters.

Figures are CPU microseconds per document that reaches the step (`time.process_time`).
The documents are parsed once and frozen out of the garbage collector's view
(`gc.freeze`), so that the steps after parsing are not charged for walking them; each
step's results are dropped as they are made, as in a streaming read.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from benchmarks.corpus import write_ndjson
from relaywatch import eql
from relaywatch.detect.coverage import Coverage
from relaywatch.detect.order import encode
from relaywatch.detect.run import compile_rules, relevance, relevant_options
from relaywatch.detect.survey import ReadPlan, new_survey, read_input
from relaywatch.ecs.hostfacts import HostFacts, host_of
from relaywatch.records import Provenance, Record
from relaywatch.rules import builtin
from relaywatch.sources import ReadStats, documents
from relaywatch.sources.context import ReadContext
from relaywatch.sources.options import IngestClock
from relaywatch.sources.paths import expand
from relaywatch.sources.prefilter import LinePrefilter
from relaywatch.sources.reader import read_stream

SEED_RULES = ("23e5407a-b696-4433-9297-087645f2726c", "d84a11c0-eb12-4e7d-8a0a-718e38351e29")
INGESTED = "2026-11-24T00:00:00.000Z"


def best(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def each(step: Callable[[Any], Any], items: Sequence[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            step(item)

    return run


def measure(lines: list[bytes], repeat: int) -> list[tuple[str, int, float]]:
    compiled = compile_rules([r for r in builtin().rules if r.rule_id in SEED_RULES])
    options = relevant_options(relevance(compiled), None)
    assert options.raw_codes is not None
    prefilter = LinePrefilter(options.raw_codes, options.relevant_categories)
    relevant = [line for line in lines if prefilter.may_match(line)]
    docs = [orjson.loads(line) for line in relevant]
    gc.freeze()
    ctx = ReadContext(options, IngestClock(INGESTED), read_stream, None)
    where = Provenance("corpus.ndjson", 1)
    records = [Record(doc, where) for doc in docs]
    verdicts = eql.MatcherSet([query for _, query in compiled]).verdicts
    kept = [record for record in records if verdicts(record.doc)]
    coverage, hosts, stats = Coverage(compiled), HostFacts(), ReadStats(5)
    found = [(doc, *host_of(doc)) for doc in docs]  # what a scan works out once per record
    steps: list[tuple[str, Sequence[Any], Callable[[Any], Any]]] = [
        ("floor: orjson.loads (every line)", lines, orjson.loads),
        ("prefilter byte test (every line)", lines, prefilter.may_match),
        ("orjson.loads", relevant, orjson.loads),
        ("shape and ECS checks (sources.documents)", docs,
         lambda doc: documents.from_object(doc, where, ctx)),
        ("read account (ReadStats.add)", records, stats.add),
        ("a document's host and host facts (host_of)", docs, host_of),
        ("setup coverage (Coverage.observe_host)", found,
         lambda item: coverage.observe_host(*item)),
        ("host facts (HostFacts.observe_host)", found, lambda item: hosts.observe_host(*item)),
        ("@timestamp (eql.timestamp_ms)", docs, lambda doc: eql.timestamp_ms(doc["@timestamp"])),
        ("stage check (MatcherSet.verdicts)", docs, verdicts),
        ("encoding a kept record (order.encode)", kept, encode),
    ]  # fmt: skip
    return [(name, len(items), best(repeat, each(step, items))) for name, items, step in steps]


def whole_read(path: Path, repeat: int) -> tuple[int, float]:
    """A real read of the file (`detect.survey.read_input`, every step in place): its
    relay-code lines, and the best CPU seconds."""
    rules = tuple(r for r in builtin().rules if r.rule_id in SEED_RULES)
    compiled = compile_rules(rules)
    plan = ReadPlan(rules=rules, options=relevant_options(relevance(compiled), None))
    ((source, opener),) = expand([str(path)])
    times, relevant = [], 0
    for _ in range(repeat):
        state = new_survey(compiled, plan)
        started = time.process_time()
        read_input(0, source, opener, plan, state)
        times.append(time.process_time() - started)
        relevant = state.stats.normalized
    return relevant, min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--bare", action="store_true", help="the rules' fields only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="relaywatch-steps-") as tmp:
        path = Path(tmp) / "corpus.ndjson"
        write_ndjson(path, args.events, host_ip=True, dressed=not args.bare)
        lines = path.read_bytes().splitlines(keepends=True)
        rows = measure(lines, args.repeat)
        relevant, seconds = whole_read(path, args.repeat)
    kind = "bare" if args.bare else "dressed"
    print(f"{len(lines):,} {kind} lines, {sum(map(len, lines)) / len(lines):,.0f} bytes each")
    print(f"{'step':48} {'documents':>10} {'us each':>8}")
    for name, count, took in rows:
        print(f"{name:48} {count:>10,} {took * 1e6 / max(count, 1):>8.2f}")
    print(
        f"{'a whole read (survey.read_input), all lines':48} {len(lines):>10,} "
        f"{seconds * 1e6 / len(lines):>8.2f}"
    )
    print(f"{'  the same per relay-code line':48} {relevant:>10,} {seconds * 1e6 / relevant:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
