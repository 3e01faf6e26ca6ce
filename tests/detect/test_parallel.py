"""Reading on several processes gives exactly the result of reading in one.

Each case scans the same inputs with `jobs=1` and `jobs=2` (and with a sort memory so
small that every part spills) and compares everything a user sees: the alert file byte
for byte, the read account, coverage, host facts, records that could not be ordered.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from relaywatch.alerts.output import write_ndjson as write_alerts
from relaywatch.detect import ScanResult, parallel, run_scan, split
from relaywatch.detect.run import compile_rules, survey
from relaywatch.detect.split import Piece, pieces
from relaywatch.detect.survey import Part, Survey, merge_part
from relaywatch.rules.model import Rule
from tests.detect.conftest import NTLM, SMB, options
from tests.detect.scenario import ATTACKER, logon, reflection, share_access, write_ndjson
from tests.shared import shared_path

SMALLEST = 1  # bytes of sort memory: every record is spilled, in workers and in the parent


def _observable(result: ScanResult) -> dict[str, Any]:
    alerts = io.StringIO()
    write_alerts(result.alerts, alerts)
    return {
        "alerts": alerts.getvalue(),
        "stats": result.stats.to_dict(),
        "coverage": result.coverage.to_dict(),
        "hosts": result.host_lines,
        "unordered": (result.unordered.count, [(str(w), r) for w, r in result.unordered.examples]),
        "ordered": result.ordered,
        "runs": [(r.rule.rule_id, r.matches, r.alerts, r.engine_errors) for r in result.runs],
    }


def _inputs(tmp: Path) -> list[str]:
    """Five files given in an order unlike their time order, with a sequence across two
    files, equal timestamps in different files, bad lines and a record without time."""
    coercion, relayed = reflection()
    tie = share_access("2026-03-01T10:00:00.000Z", 7, "DC01$", "srvsvc", ATTACKER)
    files = {
        "e-logon.ndjson": [relayed, logon("2026-03-01T09:00:00.000Z", 3, "bob", "10.0.0.5")],
        "a-share.ndjson": [coercion, tie],
        "c-tie.ndjson": [dict(tie, winlog={**tie["winlog"], "record_id": 8})],
        "b-none.ndjson": [logon("2026-03-01T11:00:00.000Z", 4, "carol", "10.0.0.6")],
    }
    paths = [str(write_ndjson(tmp / name, docs)) for name, docs in files.items()]
    broken = tmp / "d-broken.ndjson"
    # A month 13 passes the reader's check but cannot be ordered by the engine's clock.
    no_time = share_access("2026-13-01T00:00:00Z", 9, "DC01$", "srvsvc", ATTACKER)
    broken.write_text(
        json.dumps(no_time) + '\n{"event": {"code": "5145"\n' + '{"event": {"code": "4688"}}\n'
    )
    return [*paths, str(broken)]


@pytest.mark.parametrize("memory", [64 << 20, SMALLEST], ids=["in-memory", "all-spilled"])
def test_two_processes_give_the_result_of_one(
    tmp_path: Path, seed_rules: tuple[Rule, ...], memory: int
) -> None:
    paths = _inputs(tmp_path)
    alone = run_scan(paths, seed_rules, options(jobs=1))
    pooled = run_scan(paths, seed_rules, options(jobs=2, memory=memory, spill_dir=str(tmp_path)))
    assert _observable(pooled) == _observable(alone)
    assert {alert["kibana.alert.rule.rule_id"] for alert in alone.alerts} == {NTLM, SMB}
    assert alone.unordered.count == 1
    assert alone.stats.rejected == 1  # the cut line
    assert alone.stats.not_relevant == 1  # the 4688, skipped unparsed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(p).name for p in paths)


@pytest.mark.parametrize("jobs", [1, 2])
def test_equal_timestamps_keep_the_order_inputs_are_given_in(
    tmp_path: Path, seed_rules: tuple[Rule, ...], jobs: int
) -> None:
    event = share_access("2026-03-01T10:00:00.000Z", 1, "DC01$", "srvsvc", ATTACKER)
    later = dict(event, **{"@timestamp": "2026-03-01T10:00:01.000Z"})
    paths = [str(write_ndjson(tmp_path / f"{name}.ndjson", [later, event])) for name in "zxy"]
    compiled = compile_rules(seed_rules)
    state = survey(paths, compiled, options(jobs=jobs, memory=SMALLEST))
    assert state.order is not None
    order = [(ts, str(record.provenance)) for ts, _, record in state.order]
    first, second = 1772359200000, 1772359201000
    assert order == [(first, f"{path}:2") for path in paths] + [
        (second, f"{path}:1") for path in paths
    ]


def test_real_logs_scan_the_same_on_two_processes(all_rules: tuple[Rule, ...]) -> None:
    root = shared_path("data", "datasets")
    paths = [str(path) for path in sorted(root.glob("sbousseaden__*/*.evtx"))]
    alone = run_scan(paths, all_rules, options(jobs=1))
    pooled = run_scan(paths, all_rules, options(jobs=2, memory=SMALLEST))
    assert _observable(pooled) == _observable(alone)
    assert alone.alerts


@pytest.mark.parametrize("stdin_at", [None, 2], ids=["files", "stdin-between-files"])
def test_cli_alert_file_is_byte_identical_with_jobs_1_and_2(
    tmp_path: Path, stdin_at: int | None
) -> None:
    paths = _inputs(tmp_path)
    piped = None
    if stdin_at is not None:
        # Standard input is read by the parent at its turn, between the workers' inputs.
        piped = Path(paths[stdin_at]).read_bytes()
        paths[stdin_at] = "-"
    written = []
    for jobs in ("1", "2"):
        output = tmp_path / f"alerts-{jobs}.ndjson"
        command = [sys.executable, "-m", "relaywatch.cli", "scan", "--jobs", jobs, "--format",
                   "ndjson", "--ingested", "2026-03-02T00:00:00Z", "--run-time",
                   "2026-03-02T00:00:00Z", "--no-progress", "-o", str(output), *paths]  # fmt: skip
        done = subprocess.run(command, input=piped, capture_output=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        written.append(output.read_bytes())
    assert written[0] == written[1]
    assert written[0].count(b"\n") >= 4


def _one_big_file(tmp: Path, bulk: bool) -> Path:
    """Many lines with what a split must not disturb: blank lines, a cut line, a BOM, an
    action line whose document comes after a blank line, and no final newline."""
    lines = []
    for n in range(60):
        doc = share_access(f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}.000Z", n, "DC01$",
                           "srvsvc", ATTACKER)  # fmt: skip
        if bulk:
            lines.append(json.dumps({"create": {"_index": "logs", "_id": f"id-{n}"}}))
            if n % 7 == 0:
                lines.append("")
        lines.append(json.dumps(doc))
        if n % 11 == 0:
            lines += ["", '{"event": {"code": "5145"']
    path = tmp / ("bulk.ndjson" if bulk else "big.ndjson")
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    return path


@pytest.mark.parametrize("bulk", [False, True], ids=["ndjson", "bulk"])
def test_one_file_read_in_parts_gives_the_result_of_one_read(
    tmp_path: Path, seed_rules: tuple[Rule, ...], bulk: bool
) -> None:
    path = str(_one_big_file(tmp_path, bulk))
    alone = run_scan([path], seed_rules, options(jobs=1))
    parts = run_scan([path], seed_rules, options(jobs=2, part_bytes=700))
    assert _observable(parts) == _observable(alone)
    assert len(pieces(path, Path(path).stat().st_size, 700)) > 5
    assert alone.stats.rejected == 6  # the cut lines, with their line numbers
    if bulk:
        ids = {alert["kibana.alert.ancestors"][0]["id"] for alert in alone.alerts}
        assert ids == {f"id-{n}" for n in range(60)}


def test_a_file_that_is_one_json_document_is_not_split(tmp_path: Path) -> None:
    path = tmp_path / "search.json"
    hits = [{"_id": str(n), "_source": {"n": n}} for n in range(200)]
    path.write_text(json.dumps({"hits": {"hits": hits}}, indent=2))
    assert pieces(str(path), path.stat().st_size, 100) == [Piece(0, path.stat().st_size, 0)]


def test_no_split_follows_a_line_too_long_to_look_at(
    tmp_path: Path, seed_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "LINE_LIMIT", 1000)
    docs = [
        share_access(f"2026-03-01T10:00:{n:02d}.000Z", n, "DC01$", "srvsvc", ATTACKER)
        for n in range(40)
    ]
    docs[20]["padding"] = "x" * 3000  # longer than the limit
    path = write_ndjson(tmp_path / "long.ndjson", docs)
    text = path.read_bytes()
    after_long = text.index(b"\n", text.index(b"xxxx")) + 1
    found = pieces(str(path), len(text), 1500)
    assert len(found) > 3
    assert after_long not in [piece.start for piece in found]
    alone = run_scan([str(path)], seed_rules, options(jobs=1))
    parts = run_scan([str(path)], seed_rules, options(jobs=2, part_bytes=1500))
    assert _observable(parts) == _observable(alone)


@pytest.mark.parametrize("jobs", [1, 2])
def test_boolean_join_keys_travel_with_the_verdicts(
    tmp_path: Path, seed_rules: tuple[Rule, ...], jobs: int
) -> None:
    # A boolean join key is held as a BoolKey, which JSON cannot carry: the verdicts of
    # such an event are pickled on their way to the matchers, never turned into a dict.
    docs = [logon(f"2026-03-01T10:00:0{n}.000Z", n, "bob", "10.0.0.5") for n in range(4)]
    for n, doc in enumerate(docs):
        doc["winlog"]["flag"] = n != 1
    paths = [str(write_ndjson(tmp_path / f"{n}.ndjson", docs[n * 2 : n * 2 + 2])) for n in (0, 1)]
    queries = (
        "sequence by winlog.flag [authentication where true] [authentication where true]",
        "sample by winlog.flag [authentication where true] [authentication where true]",
    )
    rules = tuple(
        replace(seed_rules[0], rule_id=f"flag-{n}", query=query) for n, query in enumerate(queries)
    )
    result = run_scan(paths, rules, options(jobs=jobs, memory=SMALLEST, spill_dir=str(tmp_path)))
    # true at 0, 2 and 3: sequences 0 -> 2 and 2 -> 3 (an event ends one and starts the
    # next), and one sample.
    assert [(run.matches, run.engine_errors) for run in result.runs] == [(2, 0), (1, 0)]


def test_a_part_whose_lines_cannot_be_counted_reads_on_to_the_end(
    tmp_path: Path, seed_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent counts each part's lines as it hands the part out; if that count fails,
    the part is stretched to the end of the file and no later part is handed out, so that
    nothing is lost or read twice (its reader meets any real failure itself)."""
    path = str(_one_big_file(tmp_path, bulk=False))
    alone = run_scan([path], seed_rules, options(jobs=1))
    counted = split._count_lines
    calls = []

    def failing(*args: object) -> int:
        calls.append(args)
        if len(calls) == 3:
            raise OSError("a read error in the middle of the file")
        return counted(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(split, "_count_lines", failing)
    parts = run_scan([path], seed_rules, options(jobs=2, part_bytes=700))
    assert len(calls) == 3
    assert _observable(parts) == _observable(alone)


@pytest.mark.parametrize("odd", ["tar-like", "scalar"])
def test_a_part_is_read_as_lines_of_the_file_not_detected_again(
    tmp_path: Path, seed_rules: tuple[Rule, ...], odd: str
) -> None:
    """A part starting at a line that looks like a tar archive (`ustar` at byte 257) or is
    a JSON scalar is still read as NDJSON lines, as in one read of the file."""
    lines = []
    for n in range(40):
        doc = share_access(f"2026-03-01T10:00:{n:02d}.000Z", n, "DC01$", "srvsvc", ATTACKER)
        lines.append(json.dumps(doc))
        if odd == "scalar":
            lines.append(json.dumps("x" * 1500))
        elif n % 2:
            note = '{"note": "' + "a" * 247 + 'ustar", '
            lines[-1] = note + json.dumps(doc)[1:]
    path = tmp_path / "odd.ndjson"
    path.write_text("\n".join(lines) + "\n")
    alone = run_scan([str(path)], seed_rules, options(jobs=1))
    parts = run_scan([str(path)], seed_rules, options(jobs=2, part_bytes=3000))
    assert _observable(parts) == _observable(alone)
    assert len(alone.alerts) == 40
    assert len(pieces(str(path), path.stat().st_size, 3000)) > 5


def test_a_file_not_detected_as_json_is_not_split(tmp_path: Path) -> None:
    path = tmp_path / "scalar-first.ndjson"
    path.write_text("\n".join(json.dumps("x" * 100) for _ in range(100)) + "\n")
    size = path.stat().st_size
    assert pieces(str(path), size, 1000) == [Piece(0, size, 0)]


def test_workers_started_by_spawn_give_the_result_of_one_process(
    tmp_path: Path, all_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows has only the spawn start method (and macOS prefers it): workers import
    # everything afresh and get their work by pickling. Whole files, parts of an NDJSON
    # file, chunk ranges of a log and parts handed back as run files all cross that
    # boundary here.
    logs = sorted(shared_path("data", "datasets").glob("*/*LM_5145_Remote_FileCopy*.evtx"))
    accesses = [
        share_access(f"2026-03-01T11:{n // 60 % 60:02d}:{n % 60:02d}.000Z", 1000 + n, "alice",
                     "srvsvc", ATTACKER)
        for n in range(2000)
    ]  # fmt: skip
    many = write_ndjson(tmp_path / "many.ndjson", accesses)  # 1.4 MB of events a first stage keeps
    paths = [*_inputs(tmp_path), str(many), *map(str, logs)]
    alone = run_scan(paths, all_rules, options(jobs=1))

    handed_out: list[object] = []
    runs: list[int] = []
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    _watch(monkeypatch, handed_out, runs)
    spawned = run_scan(
        paths, all_rules, options(jobs=2, spill_dir=str(tmp_path), part_bytes=512 << 10)
    )
    assert _observable(spawned) == _observable(alone)
    assert alone.alerts
    kinds = {type(piece).__name__ for piece in handed_out}
    assert kinds == {"NoneType", "Piece", "ChunkRange"}  # whole files and both kinds of parts
    assert sum(runs) > 0  # some parts came back as run files


def _watch(monkeypatch: pytest.MonkeyPatch, handed_out: list[object], runs: list[int]) -> None:
    """Record the work the parent hands out and the run files of each part it merges."""
    hand_out = parallel._Work.handed_out

    def watched_hand_out(work: parallel._Work, given_up: set[int]) -> Iterator[parallel.Task]:
        for task in hand_out(work, given_up):
            handed_out.append(task[3])
            yield task

    def watched_merge(state: Survey, part: Part) -> None:
        runs.append(len(part.runs))
        merge_part(state, part)

    monkeypatch.setattr(parallel._Work, "handed_out", watched_hand_out)
    monkeypatch.setattr(parallel, "merge_part", watched_merge)
