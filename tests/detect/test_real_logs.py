"""The real public logs in ../shared/data give exactly the alerts their MANIFEST.md expects.

Expectations are copied from the manifest's table as data (file, rule a = 23e5407a sequence
matches, rule b = d84a11c0 alerts without and with the hosts.csv inventory). The parser's own
sample files in ../shared/data/evtx-samples (benign, some deliberately broken) give none.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from relaywatch.detect import run_scan
from relaywatch.ecs.hosts import load_inventory
from relaywatch.rules.model import Rule
from tests.detect.conftest import NTLM, SMB, options
from tests.shared import shared_files, shared_path

SB = "sbousseaden__EVTX-ATTACK-SAMPLES/"
OTRF = "OTRF__Security-Datasets/datasets__atomic__windows__"
MD = "mdecrevoisier__EVTX-to-MITRE-Attack/"
DFIR = "AndrewRathbun__DFIRArtifactMuseum/Windows__EventLogs__"

# (file under data/datasets, records, a, b without inventory, b with hosts.csv)
MANIFEST = [
    (SB + "Lateral Movement__LM_renamed_psexecsvc_5145.evtx", 22, 0, 4, 0),
    (SB + "Discovery__discovery_bloodhound.evtx", 10, 0, 1, 0),
    (SB + "Discovery__dicovery_4661_net_group_domain_admins_target.evtx", 63, 0, 1, 0),
    (OTRF + "lateral_movement__host__covenant_psremoting_grunt.zip", 4305, 0, 14, 0),
    (OTRF + "persistence__host__covenant_persistwmi.tar.gz", 1001, 0, 14, 0),
    (OTRF + "lateral_movement__host__covenant_sharpsc_create_dcerpc_smb_svcctl.zip", 3390, 0, 2, 0),
    (OTRF + "persistence__host__empire_persistence_registry_modification_run_keys_"
     "standard_user.zip", 40569, 0, 2, 0),
    (OTRF + "lateral_movement__host__purplesharp_ad_playbook_I.zip", 25993, 0, 0, 0),
    (SB + "Lateral Movement__spoolsample_5145.evtx", 1, 0, 0, 0),
    (MD + "TA0006-Credential Access__T1557-Man in the middle__ID5145-Print spooler bug abuse.evtx",
     9, 0, 0, 0),
    (SB + "Credential Access__remote_pwd_reset_rpc_mimikatz_postzerologon_target_DC.evtx",
     7, 0, 0, 0),
    (SB + "Defense Evasion__DE_suspicious_remote_eventlog_svc_access_5145.evtx", 8, 0, 0, 0),
    (SB + "Privilege Escalation__privesc_KrbRelayUp_windows_4624.evtx", 1, 0, 0, 0),
    (SB + "Privilege Escalation__NTLM2SelfRelay-med0x2e-security_4624_4688.evtx", 11, 0, 0, 0),
    (SB + "Privilege Escalation__PrivEsc_NetSvc_SessionToken_Retrival_via_localSMB_Auth_5145.evtx",
     1, 0, 0, 0),
    (SB + "Lateral Movement__LM_5145_Remote_FileCopy.evtx", 869, 0, 0, 0),
    (MD + "TA0002-Execution__T1047-Windows Management Instrumentation__ID4688-5145-WMIexec "
     "execution via SMB.evtx", 1023, 0, 0, 0),
    (MD + "EVTX_full_APT_attack_steps__ID5145-4624-DonPAPI full extraction.evtx", 750, 0, 0, 0),
    (MD + "TA0007-Discovery__T1135.xxx-Network Share Discovery__ID5140-5145-Bloodhound-SharpHound "
     "enumeration via SMB.evtx", 91, 0, 0, 0),
    (DFIR + "Win2012R2__StolenSzechuan__StolenSzechuanEventLogs.7z__Security.evtx", 8574, 0, 0, 0),
    (DFIR + "Win10__BelkasoftCTF_InsiderThreat__BelkasoftCTF_InsiderThreat.7z__Security.evtx",
     5881, 0, 0, 0),
    (DFIR + "Win11__RathbunVM__RathbunVM_W11EventLogs.7z__Security.evtx", 6740, 0, 0, 0),
]  # fmt: skip
SAMPLES = shared_files("*.evtx", "data", "evtx-samples")
# Logs this large take seconds to read even though the readers skip the records of other
# codes: marked slow, run with the rest by default.
SLOW_RECORDS = 20_000


Row = tuple[str, int, int, int, int]


def _case(row: Row) -> object:
    marks = [pytest.mark.slow] if row[1] > SLOW_RECORDS else []
    return pytest.param(row, marks=marks, id=row[0].split("/")[-1][:60])


def _scan(path: Path, rules: tuple[Rule, ...], hosts: Path | None) -> dict[str, int]:
    inventory = load_inventory(hosts) if hosts else None
    result = run_scan([str(path)], rules, options(inventory=inventory))
    kinds = Counter(alert["kibana.alert.rule.rule_id"] for alert in result.alerts)
    runs = {run.rule.rule_id: run.matches for run in result.runs}
    assert kinds.get(SMB, 0) == runs.get(SMB, 0)  # one alert per event for the event rule
    return {"read": result.stats.read, "rejected": result.rejected} | runs


@pytest.mark.parametrize("row", [_case(row) for row in MANIFEST])
def test_manifest_alerts(seed_rules: tuple[Rule, ...], row: Row) -> None:
    name, records, a, b, b_inventory = row
    path = shared_path("data", "datasets", name)
    hosts = shared_path("data", "datasets", "hosts.csv")
    assert _scan(path, seed_rules, None) == {"read": records, "rejected": 0, NTLM: a, SMB: b}
    if b != b_inventory:
        # The inventory only changes host.ip; the SMB rule alone (which lets the readers skip
        # every record but 5145) shows its effect.
        smb = tuple(rule for rule in seed_rules if rule.rule_id == SMB)
        assert _scan(path, smb, hosts)[SMB] == b_inventory


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_evtx_samples_raise_no_alert(all_rules: tuple[Rule, ...], path: Path) -> None:
    result = run_scan([str(path)], all_rules, options())
    assert result.alerts == []
    assert result.stats.read == result.stats.normalized + result.stats.not_relevant + (
        result.stats.rejected
    )
