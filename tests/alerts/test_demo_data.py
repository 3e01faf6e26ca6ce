"""The bundled demo data: reproducible, and giving exactly the alerts its scenarios intend."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from relaywatch import eql
from relaywatch.alerts import build_alerts
from relaywatch.alerts.summary import alert_rows
from relaywatch.ecs.hosts import load_inventory
from relaywatch.records import Record
from relaywatch.rules import builtin
from relaywatch.sources import read
from tests.alerts.fakes import context

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
SCRIPT = ROOT / "scripts" / "make_demo_data.py"

NTLM_SEQUENCE = "Potential NTLM Relay Attack against a Computer Account"
SMB = "Potential Machine Account Relay Attack via SMB"
SIBLING = "Potential Computer Account NTLM Relay Activity"


def test_regenerating_gives_identical_bytes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True)
    generated = sorted(path.name for path in tmp_path.iterdir())
    assert generated == sorted(path.name for path in DEMO.iterdir() if path.name != "README.md")
    for name in generated:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def _records(with_inventory: bool) -> list[Record]:
    records = [item for item in read([str(DEMO)]) if isinstance(item, Record)]
    if with_inventory:
        inventory = load_inventory(DEMO / "hosts.csv")
        records = [Record(inventory.enrich(r.doc), r.provenance) for r in records]
    return sorted(records, key=lambda r: eql.timestamp_ms(r.doc["@timestamp"]))


def _alerts(with_inventory: bool) -> list[dict[str, object]]:
    records = _records(with_inventory)
    alerts = []
    for rule in builtin().rules:
        matcher = eql.compile(rule.query).matcher()
        results = []
        for rec in records:
            results += matcher.feed(rec.doc, eql.timestamp_ms(rec.doc["@timestamp"]), rec)
        for result in results + matcher.finish():
            alerts += build_alerts(rule, result, result.tags, context())
    return alerts


def _rows(with_inventory: bool) -> Counter[tuple[str, str, str, str]]:
    return Counter(
        (row.rule, row.host.split(".")[0], row.source_ip, row.account)
        for row in alert_rows(_alerts(with_inventory))
    )


def test_demo_alerts_with_the_inventory() -> None:
    assert _rows(with_inventory=True) == Counter(
        {
            (NTLM_SEQUENCE, "DC01", "10.10.66.6", "jdoe -> DC01$"): 1,
            (SMB, "FS01", "10.10.66.6", "FS01$"): 2,
            (SIBLING, "DC01", "10.10.66.6", "DC01$"): 1,
            (SIBLING, "FS01", "10.10.66.6", "FS01$"): 1,
            # The late logon is outside the sequence's 5 s window, but the single-event
            # sibling rule judges the logon alone.
            (SIBLING, "DC01", "10.10.1.17", "DC01$"): 1,
        }
    )


def test_without_inventory_own_address_traffic_also_alerts() -> None:
    extra = _rows(with_inventory=False) - _rows(with_inventory=True)
    assert extra == Counter(
        {
            (SMB, "DC01", "10.10.0.10", "DC01$"): 3,
            (SMB, "SQL01", "10.10.0.30", "SQL01$"): 1,
            (SIBLING, "SQL01", "10.10.0.30", "SQL01$"): 1,
        }
    )


@pytest.mark.parametrize("name", ["dc01-security.ndjson", "fs01-security.ndjson"])
def test_demo_files_are_in_timestamp_order(name: str) -> None:
    stamps = [line.split('"@timestamp":"')[1][:24] for line in (DEMO / name).open()]
    assert stamps == sorted(stamps)
