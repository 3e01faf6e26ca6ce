"""The scan over constructed scenarios: ordering across files, caps, inventory, coverage."""

from __future__ import annotations

import json
from pathlib import Path

from relaywatch.alerts.fieldpath import get_path
from relaywatch.detect import run_scan
from relaywatch.ecs.hosts import HostEntry, HostInventory
from relaywatch.rules.model import Rule
from tests.detect.conftest import NTLM, SMB, options
from tests.detect.scenario import ATTACKER, DC, DC_IP, logon, reflection, share_access, write_ndjson

HOST_FIX = "the rule's host.ip checks cannot apply there; give --hosts an inventory"


def _by_rule(alerts: list[dict[str, object]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for alert in alerts:
        rule_id = str(alert["kibana.alert.rule.rule_id"])
        counts[rule_id] = counts.get(rule_id, 0) + 1
    return counts


def test_sequence_spanning_two_files_given_in_reverse_order(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    coercion, relayed = reflection()
    later = write_ndjson(tmp_path / "a-logons.ndjson", [relayed])
    earlier = write_ndjson(tmp_path / "b-shares.ndjson", [coercion])
    result = run_scan([str(later), str(earlier)], seed_rules, options())
    assert _by_rule(result.alerts) == {NTLM: 3}
    blocks = [a for a in result.alerts if a.get("kibana.alert.group.index") is not None]
    assert [a["kibana.alert.group.index"] for a in blocks] == [0, 1]
    assert [get_path(a, "event.code") for a in blocks] == ["5145", "4624"]


def test_sequence_is_missed_when_the_logon_is_too_late(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    coercion = share_access("2026-03-01T10:00:00.000Z", 1, "mallory", "lsarpc", ATTACKER)
    late = logon("2026-03-01T10:00:06.000Z", 2, "DC01$", ATTACKER)
    path = write_ndjson(tmp_path / "late.ndjson", [coercion, late])
    assert run_scan([str(path)], seed_rules, options()).alerts == []


def test_same_input_gives_the_same_alert_ids(tmp_path: Path, seed_rules: tuple[Rule, ...]) -> None:
    path = write_ndjson(tmp_path / "r.ndjson", reflection())
    first = run_scan([str(path)], seed_rules, options())
    again = run_scan([str(path)], seed_rules, options(buffer_size=1))
    assert [a["kibana.alert.uuid"] for a in first.alerts] == [
        a["kibana.alert.uuid"] for a in again.alerts
    ]
    assert again.spilled_runs == 2


def test_no_cap_by_default_and_max_signals_caps_matches(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    # 150 SMB machine-account accesses from a foreign address: more than Kibana's 100.
    docs = [
        share_access(
            f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}.000Z", i, "DC01$", "srvsvc", ATTACKER
        )
        for i in range(150)
    ]
    path = write_ndjson(tmp_path / "many.ndjson", docs)
    assert _by_rule(run_scan([str(path)], seed_rules, options()).alerts) == {SMB: 150}
    capped = run_scan([str(path)], seed_rules, options(max_signals=10))
    assert _by_rule(capped.alerts) == {SMB: 10}
    (smb_run,) = [run for run in capped.runs if run.rule.rule_id == SMB]
    assert (smb_run.matches, smb_run.truncated) == (10, 140)


def test_inventory_excludes_a_hosts_own_address(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    own = share_access("2026-03-01T10:00:00.000Z", 7, "DC01$", "SYSVOL", DC_IP)
    path = write_ndjson(tmp_path / "own.ndjson", [own])
    without = run_scan([str(path)], seed_rules, options())
    assert _by_rule(without.alerts) == {SMB: 1}
    inventory = HostInventory([HostEntry(DC, (DC_IP,), "dc01-id", "test", "t:1")])
    with_inventory = run_scan([str(path)], seed_rules, options(inventory=inventory))
    assert with_inventory.alerts == []
    (smb,) = [rule for rule in with_inventory.coverage.rules if rule.rule_id == SMB]
    assert smb.findings == ()


def test_coverage_reports_missing_share_auditing_as_unresolved(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    path = write_ndjson(
        tmp_path / "logons.ndjson", [logon("2026-03-01T10:00:00Z", 1, "bob", "10.0.0.5")]
    )
    result = run_scan([str(path)], seed_rules, options())
    verdicts = {rule.rule_id: rule for rule in result.coverage.rules}
    assert verdicts[NTLM].status == verdicts[SMB].status == "unresolved"
    expected = "no 5145 events in the input: 'Audit Detailed File Share' is probably not enabled"
    assert any(finding.startswith(expected) for finding in verdicts[SMB].findings)
    assert any(finding.startswith(expected) for finding in verdicts[NTLM].findings)
    assert any("host.ip unknown for 1 host (DC01.corp.local)" in f for f in verdicts[NTLM].findings)


def test_coverage_and_host_facts_read_host_fields_as_the_rules_do(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    # `host` as an array of objects: a rule reads host.ip from it (the objects flatten),
    # so neither report may say it is missing; without an address, both must.
    known = logon("2026-03-01T10:00:00Z", 1, "bob", "10.0.0.5")
    known["host"] = [dict(known["host"], ip=["10.0.0.2"], id="dc-id")]
    unknown = logon("2026-03-01T10:00:01Z", 2, "bob", "10.0.0.5", host="FS01.corp.local")
    path = write_ndjson(tmp_path / "logons.ndjson", [known, unknown])
    result = run_scan([str(path)], seed_rules, options())
    ntlm = next(rule for rule in result.coverage.rules if rule.rule_id == NTLM)
    host_ip = [f for f in ntlm.findings if f.startswith("host.ip unknown")]
    assert host_ip == [f"host.ip unknown for 1 host (FS01.corp.local): {HOST_FIX}"]
    listed = [line for line in result.host_lines if line.startswith("  FS01") or "DC01" in line]
    assert listed == ["  FS01.corp.local (1/1 events)"]


def test_coverage_and_host_facts_agree_that_empty_values_are_missing(
    tmp_path: Path, seed_rules: tuple[Rule, ...]
) -> None:
    doc = logon("2026-03-01T10:00:00Z", 1, "bob", "10.0.0.5")
    doc["host"] |= {"ip": [], "id": ""}
    result = run_scan([str(write_ndjson(tmp_path / "l.ndjson", [doc]))], seed_rules, options())
    ntlm = next(rule for rule in result.coverage.rules if rule.rule_id == NTLM)
    assert any(f.startswith("host.ip unknown for 1 host (DC01.corp.local)") for f in ntlm.findings)
    assert "  DC01.corp.local (1/1 events)" in result.host_lines


def test_coverage_names_the_sequence_stage_no_event_can_reach(
    tmp_path: Path, all_rules: tuple[Rule, ...]
) -> None:
    path = write_ndjson(tmp_path / "r.ndjson", reflection())
    result = run_scan([str(path)], all_rules, options())
    http = next(rule for rule in result.coverage.rules if "HTTP" in rule.name)
    assert http.findings == ("no event in the input can match the query (process events)",)


def test_records_and_skips_are_accounted(tmp_path: Path, seed_rules: tuple[Rule, ...]) -> None:
    good = reflection()
    path = tmp_path / "mixed.ndjson"
    # A truncated line that names a relevant code is parsed, and rejected; a line that
    # names none is skipped unparsed as not relevant (the readers' early rejection).
    truncated = '{"event": {"code": "4624", "category": ["authentication"'
    lines = [*(json.dumps(doc) for doc in good), truncated, '{"event": {"code": "4624"}}']
    path.write_text("\n".join(lines) + "\n")
    result = run_scan([str(path)], seed_rules, options())
    assert result.stats.read == 4
    assert result.stats.normalized == 2
    assert result.rejected == 2
    assert _by_rule(result.alerts) == {NTLM: 3}
