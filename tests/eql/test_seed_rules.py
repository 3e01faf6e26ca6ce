"""Every clause of the two seed rules, checked against Elasticsearch's semantics.

The queries are read from the official rule files in ../shared (not copied here).
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from relaywatch import eql
from tests.shared import shared_path

NTLM_RELAY = "credential_access_dollar_account_relay_ntlm.toml"
SMB_RELAY = "credential_access_machine_account_smb_relay.toml"


def official_query(name: str) -> eql.Query:
    with shared_path("rules", "relay", name).open("rb") as handle:
        return eql.compile(tomllib.load(handle)["rule"]["query"])


def pipe_access(
    when: str,
    *,
    user: str | None = "attacker",
    pipe: str = "spoolss",
    source: str = "10.0.0.66",
    computer: str = "DC01.corp.local",
    host_ip: Any = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@timestamp": when,
        "event": {"category": ["network", "file"], "code": "5145"},
        "host": {"os": {"type": "windows"}, "name": computer},
        "winlog": {"computer_name": computer},
        "file": {"name": pipe},
        "source": {"ip": source},
    }
    if user is not None:
        doc["user"] = {"name": user}
    if host_ip is not None:
        doc["host"]["ip"] = host_ip
    return doc


def machine_logon(
    when: str,
    *,
    user: str = "DC01$",
    source: str = "10.0.0.66",
    computer: str = "DC01.corp.local",
    code: str = "4624",
    logon_type: str = "Network",
    package: str = "NTLM",
    host_ip: Any = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@timestamp": when,
        "event": {"category": ["authentication"], "code": code},
        "host": {"os": {"type": "windows"}, "name": computer},
        "winlog": {
            "computer_name": computer,
            "logon": {"type": logon_type},
            "event_data": {"AuthenticationPackageName": package},
        },
        "user": {"name": user},
        "source": {"ip": source},
    }
    if host_ip is not None:
        doc["host"]["ip"] = host_ip
    return doc


def t(seconds: float) -> str:
    whole, millis = divmod(round(seconds * 1000), 1000)
    return f"2026-11-01T10:00:{whole:02d}.{millis:03d}Z"


def matches(query: eql.Query, docs: list[dict[str, Any]]) -> list[list[int]]:
    position = {id(doc): index for index, doc in enumerate(docs)}
    return [[position[id(e)] for e in result.events if e is not None] for result in query.run(docs)]


# ---------------------------------------------------------------- NTLM relay sequence


@pytest.fixture(scope="module")
def ntlm() -> eql.Query:
    return official_query(NTLM_RELAY)


def test_coercion_then_own_machine_account_logon_matches(ntlm: eql.Query) -> None:
    docs = [pipe_access(t(0)), machine_logon(t(2))]
    results = list(ntlm.run(docs))
    assert [len(r.events) for r in results] == [2]
    assert results[0].join_keys == ["DC01.corp.local", "10.0.0.66"]


def test_maxspan_is_inclusive_at_exactly_five_seconds(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(5))]) == [[0, 1]]


def test_maxspan_rejects_one_millisecond_over(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(5.001))]) == []


def test_logon_from_another_source_ip_does_not_join(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), source="10.0.0.67")]) == []


def test_join_on_source_ip_compares_addresses_not_text(ntlm: eql.Query) -> None:
    docs = [pipe_access(t(0), source="::ffff:10.0.0.66"), machine_logon(t(1))]
    assert matches(ntlm, docs) == [[0, 1]]


def test_pipe_name_matches_case_insensitively(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0), pipe="EFSRPC"), machine_logon(t(1))]) == [[0, 1]]


def test_pipe_outside_the_list_does_not_start_a_sequence(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0), pipe="atsvc"), machine_logon(t(1))]) == []


def test_stage_one_by_the_hosts_own_account_is_excluded(ntlm: eql.Query) -> None:
    docs = [pipe_access(t(0), user="DC01$"), machine_logon(t(1))]
    assert matches(ntlm, docs) == []


def test_stage_one_without_user_name_still_starts_a_sequence(ntlm: eql.Query) -> None:
    # not startswith~(c, substring(missing)) is NOT of a null leaf: true in Elasticsearch.
    assert matches(ntlm, [pipe_access(t(0), user=None), machine_logon(t(1))]) == [[0, 1]]


def test_logon_of_another_machine_account_does_not_match(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), user="SRV02$")]) == []


def test_machine_account_match_is_a_prefix_test(ntlm: eql.Query) -> None:
    # substring("DC0$", 0, -1) = "DC0", a prefix of "DC01.corp.local": Elasticsearch matches too.
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), user="DC0$")]) == [[0, 1]]


def test_user_account_logon_does_not_match(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), user="DC01")]) == []


@pytest.mark.parametrize("code", ["4624", "4625"])
def test_success_and_failure_logons_both_complete(ntlm: eql.Query, code: str) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), code=code)]) == [[0, 1]]


def test_logon_type_compares_case_insensitively(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), logon_type="network")]) == [[0, 1]]


def test_kerberos_logon_does_not_match(ntlm: eql.Query) -> None:
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1), package="Kerberos")]) == []


@pytest.mark.parametrize("source", ["::1", "127.0.0.1"])
def test_loopback_sources_are_excluded(ntlm: eql.Query, source: str) -> None:
    docs = [pipe_access(t(0), source=source), machine_logon(t(1), source=source)]
    assert matches(ntlm, docs) == []


def test_host_ip_any_value_excludes_the_hosts_own_address(ntlm: eql.Query) -> None:
    own = ["fe80::1", "10.0.0.66"]
    docs = [pipe_access(t(0), host_ip=own), machine_logon(t(1), host_ip=own)]
    assert matches(ntlm, docs) == []


def test_host_ip_unrelated_values_do_not_exclude(ntlm: eql.Query) -> None:
    own = ["fe80::1", "10.0.0.5"]
    docs = [pipe_access(t(0), host_ip=own), machine_logon(t(1), host_ip=own)]
    assert matches(ntlm, docs) == [[0, 1]]


def test_missing_host_ip_leaves_the_exclusion_true(ntlm: eql.Query) -> None:
    # Elasticsearch: not endswith(string(source.ip), string(missing)) is TRUE.
    assert matches(ntlm, [pipe_access(t(0)), machine_logon(t(1))]) == [[0, 1]]


def test_host_ip_suffix_quirk_excludes_longer_address(ntlm: eql.Query) -> None:
    # endswith("110.0.0.66", "10.0.0.66") is true: Elasticsearch excludes it as well.
    docs = [
        pipe_access(t(0), source="110.0.0.66"),
        machine_logon(t(1), source="110.0.0.66", host_ip="10.0.0.66"),
    ]
    assert matches(ntlm, docs) == []


def test_latest_pipe_access_is_paired_and_consumed(ntlm: eql.Query) -> None:
    docs = [pipe_access(t(0)), pipe_access(t(1)), machine_logon(t(2)), machine_logon(t(3))]
    assert matches(ntlm, docs) == [[1, 2]]


def test_different_hosts_keep_separate_sequences(ntlm: eql.Query) -> None:
    docs = [
        pipe_access(t(0)),
        pipe_access(t(0.5), computer="SRV02.corp.local"),
        machine_logon(t(1), user="SRV02$", computer="SRV02.corp.local"),
        machine_logon(t(2)),
    ]
    assert matches(ntlm, docs) == [[1, 2], [0, 3]]


# ---------------------------------------------------------------- SMB machine account relay


@pytest.fixture(scope="module")
def smb() -> eql.Query:
    return official_query(SMB_RELAY)


def share_access(user: str = "DC01$", **fields: Any) -> dict[str, Any]:
    doc = pipe_access(t(0), user=user, pipe="IPC$", **fields)
    return doc


def test_own_machine_account_from_remote_ip_matches(smb: eql.Query) -> None:
    assert matches(smb, [share_access()]) == [[0]]


def test_dot_boundary_rejects_a_mere_prefix(smb: eql.Query) -> None:
    assert matches(smb, [share_access(user="DC0$")]) == []


def test_short_computer_name_matches_too(smb: eql.Query) -> None:
    assert matches(smb, [share_access(computer="DC01")]) == [[0]]


def test_account_name_compares_case_insensitively(smb: eql.Query) -> None:
    assert matches(smb, [share_access(user="dc01$")]) == [[0]]


def test_user_account_does_not_match(smb: eql.Query) -> None:
    assert matches(smb, [share_access(user="DC01")]) == []


@pytest.mark.parametrize("source", ["::", "::1", "127.0.0.1", "0:0:0:0:0:0:0:1"])
def test_unspecified_and_loopback_sources_are_excluded(smb: eql.Query, source: str) -> None:
    assert matches(smb, [share_access(source=source)]) == []


def test_own_address_in_inventory_is_excluded(smb: eql.Query) -> None:
    assert matches(smb, [share_access(host_ip=["10.0.0.66"])]) == []


def test_missing_source_ip_is_excluded(smb: eql.Query) -> None:
    doc = share_access()
    del doc["source"]
    assert matches(smb, [doc]) == []
