"""`relaywatch scan` on the mistakes a responder makes: found by the user review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


def relaywatch(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relaywatch.cli", *args],
        capture_output=True, text=True, check=False, timeout=180, cwd=cwd,
    )  # fmt: skip


def test_unwritable_output_fails_before_reading_with_a_usage_error(tmp_path: Path) -> None:
    done = relaywatch("scan", "--no-progress", "-o", str(tmp_path / "no" / "a.ndjson"), str(DEMO))
    assert done.returncode == 2
    assert "cannot write the alert file" in done.stderr
    assert "Traceback" not in done.stderr


def test_dash_output_writes_alerts_to_standard_output(tmp_path: Path) -> None:
    done = relaywatch(
        "scan", "--no-progress", "-o", "-", "--hosts", str(DEMO / "hosts.csv"), str(DEMO)
    )
    assert done.returncode == 0
    assert done.stdout.count('"kibana.alert.uuid"') == 8
    assert not (tmp_path / "-").exists()


def test_bad_space_id_is_a_usage_error() -> None:
    done = relaywatch("scan", "--space", "Bad Space", str(DEMO))
    assert done.returncode == 2
    assert "not a Kibana space id" in done.stderr


def test_garbage_named_like_a_log_in_a_folder_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "Security.evtx").write_bytes(b"\x13\x37" * 1500)
    (folder / "notes.txt").write_text("analyst notes\n")
    out = tmp_path / "a.ndjson"
    done = relaywatch("scan", "--no-progress", "--max-errors", "0", "-o", str(out), str(folder))
    assert done.returncode == 3
    assert "rejected 1: unrecognized format" in done.stdout
    assert "not relevant 1: unrecognized format" in done.stdout


def test_the_same_events_read_twice_give_each_alert_once(tmp_path: Path) -> None:
    out = tmp_path / "a.ndjson"
    dc01 = str(DEMO / "dc01-security.ndjson")
    args = (
        "scan",
        "--no-progress",
        "--run-time",
        "2026-11-24T00:00:00Z",
        "--hosts",
        str(DEMO / "hosts.csv"),
        "-o",
        str(out),
    )
    once = relaywatch(*args, dc01)
    once_ids = sorted(line for line in out.read_text().splitlines())
    twice = relaywatch(*args, dc01, dc01)
    assert once.returncode == twice.returncode == 0
    assert sorted(out.read_text().splitlines()) == once_ids
    assert "duplicates of the same events dropped" in twice.stdout


def test_utf16_ndjson_from_powershell_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fs01.ndjson"
    path.write_bytes((DEMO / "fs01-security.ndjson").read_text().encode("utf-16"))
    done = relaywatch("scan", "--no-progress", "-o", str(tmp_path / "a.ndjson"), str(path))
    assert done.returncode == 0
    assert "93 normalized, 0 not relevant, 0 rejected" in done.stdout


def test_a_run_with_no_usable_input_says_so(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("garbage\n")
    for command in ("scan", "coverage"):
        done = relaywatch(command, "--no-progress", str(path), cwd=tmp_path)
        assert "NO USABLE INPUT" in done.stdout
