"""HostFacts: per-host missing fields, suggestions that are labelled and never applied."""

from __future__ import annotations

from typing import Any

from relaywatch.ecs import normalize
from relaywatch.ecs.hostfacts import SUGGESTION_LABEL, HostFacts
from relaywatch.ecs.hosts import HostEntry, HostInventory
from tests.ecs.builders import INGESTED, security

Doc = dict[str, Any]


def self_logon(host: str, account: str, ip: str, package: str = "Kerberos") -> Doc:
    doc = security(
        "4624",
        TargetUserName=account,
        LogonType="3",
        IpAddress=ip,
        AuthenticationPackageName=package,
        SubjectLogonId="0x0",
    )
    doc["host"]["name"] = doc["winlog"]["computer_name"] = host
    return normalize(doc, INGESTED)


def test_missing_fields_are_counted_per_host() -> None:
    facts = HostFacts()
    facts.observe_all(
        [self_logon("DC01.corp", "X$", "10.0.0.9"), self_logon("dc01.CORP", "Y$", "10.0.0.8")]
    )
    (report,) = facts.reports()
    assert report.host == "DC01.corp" and report.documents == 2
    assert report.missing == (("host.ip", 2), ("host.id", 2))


def test_own_kerberos_logons_become_labelled_suggestions() -> None:
    facts = HostFacts()
    facts.observe_all(
        [
            self_logon("DC01.corp", "DC01$", "10.0.0.1"),
            self_logon("DC01.corp", "DC01$", "10.0.0.1"),
            self_logon("DC01.corp", "DC01$", "::1"),  # loopback: no evidence of an interface
            self_logon("DC01.corp", "DC01$", "10.0.0.77", package="NTLM"),  # not Kerberos
            self_logon("DC01.corp", "WKS7$", "10.0.0.50"),  # another machine's account
        ]
    )
    (report,) = facts.reports()
    assert [(s.field, s.value, s.label) for s in report.suggestions] == [
        ("host.ip", "10.0.0.1", SUGGESTION_LABEL)
    ]
    assert "2 Kerberos network logon(s) of DC01$" in report.suggestions[0].evidence


def test_suggestions_are_never_applied_to_documents() -> None:
    doc = self_logon("DC01.corp", "DC01$", "10.0.0.1")
    HostFacts().observe(doc)
    assert "ip" not in doc["host"]


def test_enriched_hosts_report_nothing_missing() -> None:
    inventory = HostInventory([HostEntry("DC01.corp", ("10.0.0.1",), "id-1", "", "t:1")])
    facts = HostFacts()
    facts.observe(inventory.enrich(self_logon("DC01.corp", "DC01$", "10.0.0.1")))
    (report,) = facts.reports()
    assert report.missing_fields == () and report.suggestions == ()
    assert facts.render() == []


def test_render_groups_hosts_by_field_and_names_rules_and_the_fix() -> None:
    facts = HostFacts()
    facts.observe(self_logon("DC01.corp", "DC01$", "10.0.0.1"))
    facts.observe(self_logon("SRV02.corp", "X$", "10.0.0.2"))
    lines = facts.render({"host.ip": ["NTLM relay"], "host.id": []})
    assert lines[:3] == [
        "host.ip missing for 2 host(s); read by 1 rule(s): NTLM relay",
        "  DC01.corp (1/1 events), SRV02.corp (1/1 events)",
        "  Fix: give --hosts an inventory (CSV name,ips[,id] or YAML) with host.ip for them.",
    ]
    assert lines[3].startswith(f"  suggestion ({SUGGESTION_LABEL}): DC01.corp host.ip 10.0.0.1")
    assert len(lines) == 4


def test_render_without_rules_reports_every_missing_field() -> None:
    facts = HostFacts()
    facts.observe(self_logon("DC01.corp", "X$", "10.0.0.1"))
    assert facts.render() == [
        "host.ip missing for 1 host(s)",
        "  DC01.corp (1/1 events)",
        "  Fix: give --hosts an inventory (CSV name,ips[,id] or YAML) with host.ip for them.",
        "host.id missing for 1 host(s)",
        "  DC01.corp (1/1 events)",
        "  Fix: give --hosts an inventory (CSV name,ips[,id] or YAML) with host.id for them.",
    ]


def test_render_is_silent_when_no_loaded_rule_reads_the_missing_fields() -> None:
    facts = HostFacts()
    facts.observe(self_logon("DC01.corp", "DC01$", "10.0.0.1"))
    assert facts.render({"host.ip": [], "host.id": []}) == []


def test_render_with_an_inventory_says_it_has_no_entry() -> None:
    facts = HostFacts()
    facts.observe(self_logon("DC01.corp", "X$", "10.0.0.1"))
    lines = facts.render({"host.ip": ["NTLM relay"]}, inventory_size=5)
    assert lines[2].startswith(
        "  Fix: the inventory given (5 entries) has no host.ip for these hosts"
    )
