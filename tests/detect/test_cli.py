"""`relaywatch scan` and `relaywatch coverage` run as a user runs them, in a subprocess."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from relaywatch.commands import COMMANDS
from tests.detect.conftest import NTLM, SMB
from tests.detect.scenario import ATTACKER, logon, reflection, share_access, write_ndjson
from tests.shared import shared_path

# The CLI imports every listed subcommand; until all of them exist it cannot start at all.
_MISSING = [n for n in COMMANDS if importlib.util.find_spec(f"relaywatch.commands.{n}") is None]
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=f"subcommands not written yet: {_MISSING}")
RUN_TIME = "2026-03-02T00:00:00Z"
SIBLING = "263481c8-1e9b-492e-912d-d1760707f810"


def _run(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relaywatch.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def _alerts(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def relay_log(tmp_path: Path) -> Path:
    return write_ndjson(tmp_path / "relay.ndjson", reflection())


def test_scan_writes_the_default_ndjson_and_shows_table_and_summary(
    tmp_path: Path, relay_log: Path
) -> None:
    done = _run(tmp_path, "scan", str(relay_log), "--run-time", RUN_TIME)
    assert done.returncode == 0, done.stderr
    alerts = _alerts(tmp_path / "relaywatch-alerts.ndjson")
    # The sequence (2 building blocks + shell) and the single-event sibling 263481c8, which
    # also sees DC01$ logging on over NTLM from an address that is not DC01's.
    kinds = [str(a["kibana.alert.rule.rule_id"]) for a in alerts]
    assert sorted(kinds) == sorted([NTLM, NTLM, NTLM, SIBLING])
    for expected in ("Potential NTLM Relay Attack", "mallory", "Records per source",
                     "Alerts per rule", "Setup coverage", "events/s"):  # fmt: skip
        assert expected in done.stdout


def test_scan_reads_standard_input(tmp_path: Path, relay_log: Path) -> None:
    out = tmp_path / "stdin-alerts.ndjson"
    done = _run(
        tmp_path, "scan", "-", "-o", str(out), "-f", "ndjson", "--rule-id", NTLM,
        stdin=relay_log.read_text(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(_alerts(out)) == 3
    assert [json.loads(line) for line in done.stdout.splitlines()] == _alerts(out)
    assert "Records per source" in done.stderr  # the summary keeps stdout machine-readable


def test_same_input_same_ids_across_runs(tmp_path: Path, relay_log: Path) -> None:
    ids = []
    for name in ("one.ndjson", "two.ndjson"):
        done = _run(tmp_path, "scan", str(relay_log), "-o", name, "--run-time", RUN_TIME)
        assert done.returncode == 0, done.stderr
        ids.append([a["kibana.alert.uuid"] for a in _alerts(tmp_path / name)])
    assert ids[0] == ids[1]


def test_csv_and_json_formats(tmp_path: Path, relay_log: Path) -> None:
    done = _run(tmp_path, "scan", str(relay_log), "-f", "csv", "--rule-id", NTLM)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert sorted(row["kind"] for row in rows) == ["building-block", "building-block", "sequence"]
    done = _run(tmp_path, "scan", str(relay_log), "-f", "json", "--rule-id", NTLM)
    assert len(json.loads(done.stdout)) == 3


def test_fail_on_alert_exits_1(tmp_path: Path, relay_log: Path) -> None:
    assert _run(tmp_path, "scan", str(relay_log), "--fail-on-alert").returncode == 1
    quiet = write_ndjson(
        tmp_path / "quiet.ndjson", [logon("2026-03-01T10:00:00Z", 1, "bob", ATTACKER)]
    )
    assert _run(tmp_path, "scan", str(quiet), "--fail-on-alert").returncode == 0


def test_rejected_input_over_max_errors_exits_3(tmp_path: Path, relay_log: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    # Cut-off lines of relevant events: malformed JSON the prefilter cannot skip (a broken
    # line with no relevant code in it is counted not relevant, docs/sources.md).
    cut = '{"event":{"code":"4624","category":["authentication"]'
    bad.write_text(relay_log.read_text() + f"{cut}\n{cut},\n")
    done = _run(tmp_path, "scan", str(bad), "--max-errors", "1", "--fail-on-alert")
    assert done.returncode == 3
    assert "rejected 2" in done.stdout
    assert _run(tmp_path, "scan", str(bad), "--max-errors", "2").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "no-such-file.evtx"],
        ["scan", "{log}", "--rule-id", "nope"],
        ["scan", "{log}", "--format", "xml"],
        ["scan", "{log}", "--max-signals", "-1"],
        ["scan", "{log}", "--hosts", "missing-hosts.csv"],
        ["scan", "{log}", "--run-time", "yesterday"],
        ["scan", "{log}", "--no-builtin"],
        ["coverage", "{log}", "--no-builtin"],
    ],
    ids=[
        "missing-input",
        "unknown-rule",
        "unknown-format",
        "negative-cap",
        "no-inventory",
        "bad-time",
        "no-rules",
        "coverage-no-rules",
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, relay_log: Path, args: list[str]) -> None:
    done = _run(tmp_path, *(arg.replace("{log}", str(relay_log)) for arg in args))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_max_signals_caps_and_reports(tmp_path: Path) -> None:
    docs = [
        share_access(f"2026-03-01T10:00:{i:02d}Z", i, "DC01$", "srvsvc", ATTACKER) for i in range(5)
    ]
    log = write_ndjson(tmp_path / "smb.ndjson", docs)
    done = _run(tmp_path, "scan", str(log), "--max-signals", "2", "--rule-id", SMB)
    assert done.returncode == 0, done.stderr
    assert len(_alerts(tmp_path / "relaywatch-alerts.ndjson")) == 2


def test_real_dataset_with_and_without_inventory(tmp_path: Path) -> None:
    folder = shared_path("data", "datasets", "sbousseaden__EVTX-ATTACK-SAMPLES")
    hosts = shared_path("data", "datasets", "hosts.csv")
    selection = ["--rule-id", NTLM, "--rule-id", SMB]
    done = _run(tmp_path, "scan", str(folder), *selection, "-o", "plain.ndjson")
    assert done.returncode == 0, done.stderr
    assert len(_alerts(tmp_path / "plain.ndjson")) == 6  # 4 + 1 + 1 in MANIFEST.md
    done = _run(
        tmp_path, "scan", str(folder), *selection, "--hosts", str(hosts), "-o", "inv.ndjson"
    )
    assert done.returncode == 0, done.stderr
    assert _alerts(tmp_path / "inv.ndjson") == []


def test_coverage_prints_unresolved_setup(tmp_path: Path) -> None:
    logons = write_ndjson(
        tmp_path / "logons.ndjson", [logon("2026-03-01T10:00:00Z", 1, "bob", ATTACKER)]
    )
    done = _run(tmp_path, "coverage", str(logons), "--rule-id", SMB)
    assert done.returncode == 0, done.stderr
    assert "unresolved: Potential Machine Account Relay Attack via SMB" in done.stdout
    assert "no 5145 events in the input: 'Audit Detailed File Share'" in done.stdout
    assert not (tmp_path / "relaywatch-alerts.ndjson").exists()
    report = json.loads(_run(tmp_path, "coverage", str(logons), "-f", "json").stdout)
    assert {rule["status"] for rule in report["rules"]} == {"unresolved"}
    assert report["input"]["read"] == 1
