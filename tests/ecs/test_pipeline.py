"""The security_standard pipeline: behaviours the rules rely on, one per test."""

from __future__ import annotations

from typing import Any

import pytest

from relaywatch.ecs import normalize
from relaywatch.ecs.categories import CATEGORIZATION
from relaywatch.ecs.tables import LOGON_TYPES
from tests.ecs.builders import INGESTED, security

Doc = dict[str, Any]


def run(code: str, **event_data: str) -> Doc:
    return normalize(security(code, **event_data), INGESTED)


# -- categorisation ---------------------------------------------------------------------

KNOWN = [
    ("4624", ["authentication"], ["start"], "logged-in"),
    ("4625", ["authentication"], ["start"], "logon-failed"),
    ("4648", ["authentication"], ["start"], "logged-in-explicit"),
    ("4768", ["authentication"], ["start"], "kerberos-authentication-ticket-requested"),
    ("4769", ["authentication"], ["start"], "kerberos-service-ticket-requested"),
    ("4776", ["authentication"], ["start"], "credential-validated"),
    ("5140", ["network", "file"], ["info", "access"], "network-share-object-accessed"),
    ("5145", ["network", "file"], ["info", "access"], "network-share-object-access-checked"),
    ("4688", ["process"], ["start"], "created-process"),
    ("4720", ["iam"], ["user", "creation"], "added-user-account"),
    ("5156", ["network"], ["connection", "info", "allowed"], "windows-firewall-connection"),
    ("1102", ["iam"], ["admin", "change"], "audit-log-cleared"),
]


@pytest.mark.parametrize(("code", "category", "type_", "action"), KNOWN, ids=[k[0] for k in KNOWN])
def test_event_code_sets_category_type_action(
    code: str, category: list[str], type_: list[str], action: str
) -> None:
    event = run(code)["event"]
    assert (event["category"], event["type"], event["action"]) == (category, type_, action)


def test_table_covers_the_whole_pipeline_table() -> None:
    # security_standard (0061d8d4) lists 122 codes from 1100 to 5382.
    assert len(CATEGORIZATION) == 122
    assert {"1100", "4610", "4964", "5037", "5382"} <= set(CATEGORIZATION)


@pytest.mark.parametrize("code", sorted(CATEGORIZATION))
def test_every_table_code_is_categorised(code: str) -> None:
    event = run(code)["event"]
    assert event["category"] and event["type"] and event["action"]
    assert event["action"] == CATEGORIZATION[code].action


def test_unknown_code_keeps_winlogbeat_action_and_has_no_category() -> None:
    doc = security("4608")
    doc["event"]["action"] = "Security State Change"
    event = normalize(doc, INGESTED)["event"]
    assert "category" not in event and event["action"] == "Security State Change"


def test_category_lists_are_not_shared_between_documents() -> None:
    first = run("5145")
    first["event"]["category"].append("mutated")
    assert run("5145")["event"]["category"] == ["network", "file"]


# -- logon type -------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "name"), sorted(LOGON_TYPES.items()))
def test_logon_type_name(raw: str, name: str) -> None:
    assert run("4624", LogonType=raw)["winlog"]["logon"]["type"] == name


@pytest.mark.parametrize("raw", ["0", "12", "13", "Network"])
def test_unknown_logon_type_gives_no_name(raw: str) -> None:
    logon = run("4624", LogonType=raw, SubjectLogonId="0x3e7")["winlog"]["logon"]
    assert "type" not in logon
    assert run("4624", LogonType=raw)["winlog"]["event_data"]["LogonType"] == raw


def test_typed_logon_type_is_not_looked_up() -> None:
    # The pipeline keys on strings; an integer (un-rendered evtx value) finds nothing.
    doc = security("4624")
    doc["winlog"]["event_data"]["LogonType"] = 3
    assert "logon" not in normalize(doc, INGESTED)["winlog"]


# -- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-", "", "{00000000-0000-0000-0000-000000000000}"])
def test_placeholder_values_are_removed_before_mapping(value: str) -> None:
    doc = run("4624", IpAddress=value, IpPort=value, WorkstationName=value, LmPackageName=value)
    assert "source" not in doc
    assert "LmPackageName" not in doc["winlog"].get("event_data", {})


def test_real_values_next_to_placeholders_survive() -> None:
    doc = run("4624", IpAddress="10.1.2.3", IpPort="-", LmPackageName="NTLM V2")
    assert doc["source"] == {"ip": "10.1.2.3"}
    assert doc["winlog"]["event_data"]["LmPackageName"] == "NTLM V2"


def test_event_data_emptied_by_placeholders_is_removed() -> None:
    assert "event_data" not in run("4608", Foo="-")["winlog"]


# -- source address ----------------------------------------------------------------------

IPV4_MAPPED = [
    ("::ffff:10.0.0.5", "10.0.0.5"),
    ("[::ffff:10.0.0.5]", "10.0.0.5"),
    ("[::ffff:10.0.0.5]:445", "10.0.0.5"),
    ("::ffff:fe80::1", "::ffff:fe80::1"),  # not a mapped IPv4: unchanged
    ("10.0.0.5", "10.0.0.5"),
    ("fe80::3816:b2ee:1b9b:324b", "fe80::3816:b2ee:1b9b:324b"),
]


@pytest.mark.parametrize(("ip", "expected"), IPV4_MAPPED, ids=[i for i, _ in IPV4_MAPPED])
def test_ipv4_mapped_prefix_is_stripped_from_source_ip(ip: str, expected: str) -> None:
    doc = run("4624", IpAddress=ip)
    assert doc["source"]["ip"] == expected
    assert doc["related"]["ip"] == [expected]


def test_source_fields_move_out_of_event_data() -> None:
    doc = run("4624", IpAddress="10.1.2.3", IpPort="49666", WorkstationName="WKS7")
    assert doc["source"] == {"ip": "10.1.2.3", "port": 49666, "domain": "WKS7"}
    assert not {"IpAddress", "IpPort", "WorkstationName"} & set(doc["winlog"].get("event_data", {}))


def test_port_zero_is_kept_as_number() -> None:
    assert run("4625", IpAddress="::1", IpPort="0")["source"]["port"] == 0


def test_bad_port_is_a_pipeline_error_not_a_crash() -> None:
    doc = run("4624", IpAddress="10.1.2.3", IpPort="http")
    assert doc["event"]["kind"] == "pipeline_error"
    assert "http" in doc["error"]["message"][0]


# -- which account is user.* ---------------------------------------------------------------

SUBJECT = {
    "SubjectUserSid": "S-1-5-18",
    "SubjectUserName": "SRV01$",
    "SubjectDomainName": "CORP",
    "SubjectLogonId": "0x3e7",
}
TARGET = {
    "TargetUserSid": "S-1-5-21-1-2-3-1104",
    "TargetUserName": "alice",
    "TargetDomainName": "CORP",
    "TargetLogonId": "0x1a2b",
}


def test_logon_4624_user_is_target_and_logon_id_is_subject() -> None:
    doc = run("4624", **SUBJECT, **TARGET, LogonType="3")
    assert doc["user"] == {"id": "S-1-5-21-1-2-3-1104", "name": "alice", "domain": "CORP"}
    assert doc["related"]["user"] == ["alice", "SRV01$"]
    assert doc["winlog"]["logon"] == {"type": "Network", "id": "0x3e7"}


def test_failed_logon_4625_user_is_target_with_failure_texts() -> None:
    doc = run(
        "4625",
        **SUBJECT,
        **TARGET,
        Status="0xc000006d",
        SubStatus="0xc0000064",
        FailureReason="%%2313",
    )
    assert doc["user"]["name"] == "alice"
    assert doc["winlog"]["logon"]["failure"] == {
        "reason": "Unknown user name or bad password.",
        "status": "This is either due to a bad username or authentication information",
        "sub_status": "User logon with misspelled or bad user account",
    }


def test_explicit_logon_4648_user_is_subject_and_target_is_effective() -> None:
    doc = run(
        "4648",
        **SUBJECT,
        TargetUserName="bob@CORP.EXAMPLE",
        TargetDomainName="CORP",
        TargetServerName="fs01",
        IpAddress="10.9.9.9",
        IpPort="0",
    )
    assert doc["user"]["name"] == "SRV01$" and doc["user"]["id"] == "S-1-5-18"
    assert doc["user"]["effective"] == {"name": "bob", "domain": "CORP"}
    assert "target" not in doc["user"]  # Subject overwrote; the target lives in effective
    assert doc["related"]["user"] == ["bob", "SRV01$"]
    assert doc["source"]["ip"] == "10.9.9.9"


@pytest.mark.parametrize("code", ["5140", "5145"])
def test_share_access_user_is_subject(code: str) -> None:
    doc = run(code, **SUBJECT, ShareName="\\\\*\\IPC$", IpAddress="10.0.0.9", IpPort="50000")
    assert doc["user"] == {"id": "S-1-5-18", "name": "SRV01$", "domain": "CORP"}
    assert doc["related"] == {"user": ["SRV01$"], "ip": ["10.0.0.9"]}


def test_kerberos_4769_user_name_stops_at_at_sign() -> None:
    doc = run(
        "4769",
        TargetUserName="SRV01$@CORP.EXAMPLE",
        TargetDomainName="CORP.EXAMPLE",
        ServiceName="krbtgt",
        Status="0x0",
        TicketEncryptionType="0x12",
        TicketOptions="0x40810000",
    )
    assert doc["user"]["name"] == "SRV01$"
    assert doc["service"] == {"name": "krbtgt"}
    data = doc["winlog"]["event_data"]
    assert data["StatusDescription"] == "KDC_ERR_NONE"
    assert data["TicketEncryptionTypeDescription"] == "AES256-CTS-HMAC-SHA1-96"
    assert data["TicketOptionsDescription"] == ["Name-canonicalize", "Renewable", "Forwardable"]


def test_credential_validation_4776_success_gets_status_ok() -> None:
    doc = run("4776", TargetUserName="alice", Workstation="WKS7", Status="0x0")
    assert doc["winlog"]["logon"]["failure"]["status"] == "Status OK."
    assert "source" not in doc  # the Workstation key is not mapped


# -- 5140 / 5145 file fields ------------------------------------------------------------------

FILES = [
    (
        "named pipe on IPC$",
        {"ShareName": "\\\\*\\IPC$", "RelativeTargetName": "spoolss"},
        {
            "name": "spoolss",
            "path": "\\spoolss",
            "directory": "",
            "target_path": "\\\\\\\\*\\\\IPC$\\spoolss",
        },
    ),
    (
        "file under a share",
        {
            "ShareName": "\\\\*\\Docs",
            "ShareLocalPath": "\\??\\C:\\Shares\\Docs\\",
            "RelativeTargetName": "\\q1\\report.final.docx",
        },
        {
            "name": "report.final.docx",
            "path": "C:\\Shares\\Docs\\q1\\report.final.docx",
            "directory": "C:\\Shares\\Docs\\q1",
            "extension": "docx",
            "target_path": "\\\\\\\\*\\\\Docs\\\\\\q1\\\\report.final.docx",
        },
    ),
    (
        "SYSVOL policy file",
        {
            "ShareName": "\\\\*\\SYSVOL",
            "ShareLocalPath": "C:\\Windows\\SYSVOL\\sysvol",
            "RelativeTargetName": "corp.example\\Policies\\gpt.ini",
        },
        {
            "name": "gpt.ini",
            "path": "C:\\Windows\\SYSVOL\\sysvol\\corp.example\\Policies\\gpt.ini",
            "directory": "C:\\Windows\\SYSVOL\\sysvol\\corp.example\\Policies",
            "extension": "ini",
            "target_path": "\\\\\\\\*\\\\SYSVOL\\corp.example\\\\Policies\\\\gpt.ini",
        },
    ),
]


@pytest.mark.parametrize(("label", "data", "expected"), FILES, ids=[f[0] for f in FILES])
def test_share_access_5145_file_fields(label: str, data: dict[str, str], expected: Doc) -> None:
    assert run("5145", **data)["file"] == expected


def test_share_connect_5140_has_directory_only() -> None:
    doc = run("5140", ShareName="\\\\*\\C$", ShareLocalPath="\\??\\C:\\")
    assert doc["file"] == {"directory": "C:"}


def test_access_list_and_mask_are_decoded() -> None:
    doc = run("5145", AccessMask="0x1", AccessList="%%4416\n\t\t\t\t")
    data = doc["winlog"]["event_data"]
    assert data["AccessList"] == ["4416"]
    # The script describes the empty field after trailing whitespace too.
    assert data["AccessListDescription"] == ["ReadData (or ListDirectory)", ""]
    assert data["AccessMask"] == ["0x1"]
    assert data["AccessMaskDescription"] == ["Create Child"]


def test_repeated_access_lists_give_each_document_its_own_lists() -> None:
    # Decoded once per distinct text: a later document must not share (or see changes
    # to) an earlier document's lists.
    first, second = (run("5145", AccessMask="0x1", AccessList="%%4416") for _ in range(2))
    first["winlog"]["event_data"]["AccessList"].append("changed")
    data = second["winlog"]["event_data"]
    assert data["AccessList"] == ["4416"]
    assert data["AccessList"] is not first["winlog"]["event_data"]["AccessList"]


def test_access_mask_codes_are_ored_as_numbers() -> None:
    data = run("4663", AccessMask="%%4416 %%1537")["winlog"]["event_data"]
    assert data["AccessMask"] == ["ReadData (or ListDirectory)", "DELETE"]
    # The script ORs the message codes themselves: 4416 = 0x1140, 1537 = 0x601.
    assert data["AccessMaskDescription"] == ["Create Child", "Delete Treee", "Control Access"]


def test_access_mask_written_as_a_description_is_resolved_to_its_code() -> None:
    data = run("4663", AccessMask="READ_CONTROL")["winlog"]["event_data"]
    assert data["AccessMask"] == ["READ_CONTROL"]
    assert data["AccessMaskDescription"] == ["Delete Child"]  # code 1538 = 0x602


@pytest.mark.parametrize(
    ("field", "code", "described"),
    [
        ("FailureReason", "%%2309", "The specified account's password has expired."),
        ("AccessList", "%%7688", "Control Access"),
        ("AccessList", "%%8225", "NTLM V2"),
        ("AuditPolicyChanges", "%%8449", "Success Added"),
    ],
)
def test_message_table_codes_are_described(field: str, code: str, described: str) -> None:
    doc = run("4625" if field == "FailureReason" else "4719", **{field: code})
    if field == "FailureReason":
        assert doc["winlog"]["logon"]["failure"]["reason"] == described
    else:
        assert described in doc["winlog"]["event_data"][field + "Description"]


# -- stack fields, other channels ---------------------------------------------------------------


def test_forwarded_model_fields() -> None:
    doc = run("4624")
    assert doc["host"]["os"] == {"type": "windows", "family": "windows"}
    assert doc["ecs"]["version"] == "8.17.0"
    assert doc["event"]["module"] == "windows"
    assert doc["event"]["dataset"] == doc["data_stream"]["dataset"] == "windows.forwarded"
    assert doc["event"]["ingested"] == INGESTED
    assert doc["winlog"]["record_id"] == "42"


def test_existing_event_ingested_is_kept() -> None:
    doc = security("4624")
    doc["event"]["ingested"] = "2020-01-01T00:00:00Z"
    assert normalize(doc, INGESTED)["event"]["ingested"] == "2020-01-01T00:00:00Z"


def test_numeric_event_code_becomes_string() -> None:
    doc = security("4624")
    doc["event"]["code"] = 4624
    assert normalize(doc, INGESTED)["event"]["code"] == "4624"


@pytest.mark.parametrize(
    ("channel", "provider"),
    [
        ("Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon"),
        ("System", "Service Control Manager"),
        ("Security", "Microsoft-Windows-Sysmon"),  # wrong provider: not routed
    ],
)
def test_other_channels_pass_through_with_basic_fields(channel: str, provider: str) -> None:
    doc = security("3", IpAddress="-", User="NT AUTHORITY\\SYSTEM")
    doc["winlog"].update(channel=channel, provider_name=provider)
    out = normalize(doc, INGESTED)
    assert "category" not in out["event"] and "error" not in out
    assert out["winlog"]["event_data"] == {"IpAddress": "-", "User": "NT AUTHORITY\\SYSTEM"}
    assert out["host"]["os"]["type"] == "windows" and out["event"]["ingested"] == INGESTED


def test_record_and_event_ids_are_strings_on_every_channel() -> None:
    doc = security("7036")
    doc["winlog"].update(channel="System", provider_name="Service Control Manager", event_id=7036)
    del doc["winlog"]["event_data"]
    winlog = normalize(doc, INGESTED)["winlog"]
    assert (winlog["record_id"], winlog["event_id"]) == ("42", "7036")


def test_old_winlogbeat_time_created_becomes_timestamp_in_ms() -> None:
    doc = security("4624")
    doc["winlog"]["time_created"] = "2021-06-10T14:22:35.123456700Z"
    assert normalize(doc, INGESTED)["@timestamp"] == "2021-06-10T14:22:35.123Z"


# -- SDDL (4670 and friends) ---------------------------------------------------------------


def test_permissions_change_4670_describes_the_security_descriptors() -> None:
    doc = run(
        "4670",
        SubjectUserName="admin",
        OldSd="D:(A;;0x1f01ff;;;S-1-5-21-1-2-3-500)",
        NewSd="O:BAD:(A;;RCSD;;;BA)(D;;GA;;;S-1-5-21-1-2-3-1104)S:(AU;SA;FA;;;WD)",
    )
    data = doc["winlog"]["event_data"]
    assert data["OldSdDacl0"] == (
        "Administrator :Access Allowed ([Delete, Read Control, Write DACL, Write Owner, "
        "Syncronize])"
    )
    assert data["NewSdOwner"] == "O:BA"  # the owner pattern keeps its prefix
    assert (
        data["NewSdDacl0"] == "Built-in administrators :Access Allowed ([Read Permissions, Delete])"
    )
    assert data["NewSdDacl1"] == "null :Access Denied ([Generic All])"  # RID 1104 is no known group
    assert data["NewSdSacl0"] == "Everyone :System Audit ([File All Access])"
    # The script's greedy DACL pattern runs on into the SACL, so its ACE is listed twice.
    assert data["NewSdDacl2"] == data["NewSdSacl0"]
    assert "Administrator" in doc["related"]["user"]


BAD_MASK_SD = "O:BAD:(A;;RCSD;;;BA)(A;;0xZZ;;;S-1-5-21-1-2-3-500)"


@pytest.mark.parametrize("seen_before", [False, True], ids=["first-time", "repeated"])
def test_undecodable_ace_mask_fails_after_the_fields_written_before_it(seen_before: bool) -> None:
    # Painless stops at the failing ACE: what it wrote before stays, the document gets the
    # error. A descriptor seen before (cached) must end exactly the same way.
    if seen_before:
        run("4670", NewSd=BAD_MASK_SD)
    doc = run("4670", NewSd=BAD_MASK_SD)
    data = doc["winlog"]["event_data"]
    assert data["NewSdOwner"] == "O:BA"
    assert (
        data["NewSdDacl0"] == "Built-in administrators :Access Allowed ([Read Permissions, Delete])"
    )
    assert "NewSdDacl1" not in data
    assert doc["event"]["kind"] == "pipeline_error"
    assert doc["error"]["message"] == ['For input string: "0xZZ"']


def test_a_repeated_descriptor_names_its_privileged_grantee_in_every_document() -> None:
    old_sd = "D:(A;;0x1f01ff;;;S-1-5-21-1-2-3-500)"
    docs = [run("4670", SubjectUserName="admin", OldSd=old_sd) for _ in range(2)]
    assert [doc["related"]["user"] for doc in docs] == [["admin", "Administrator"]] * 2


def test_sid_list_is_split_and_described() -> None:
    data = run("4908", SidList="%{S-1-5-32-544}\n\t\t%{S-1-5-21-1-2-3-512}")["winlog"]["event_data"]
    assert data["SidList"] == ["%{S-1-5-32-544}", "%{S-1-5-21-1-2-3-512}"]
    assert data["SidListDesc"] == ["Administrators", "Domain Admins"]


def test_remote_ids_are_described_on_any_event() -> None:
    data = run("4624", RemoteMachineID="S-1-0-0", RemoteUserID="S-1-5-18")["winlog"]["event_data"]
    assert (data["RemoteMachineDescription"], data["RemoteUserDescription"]) == (
        "Nobody",
        "Local System",
    )


# -- firewall connections ----------------------------------------------------------------------


def test_firewall_connection_5156_fields_and_community_id() -> None:
    doc = run(
        "5156",
        SourceAddress="128.232.110.120",
        SourcePort="34855",
        DestAddress="66.35.250.204",
        DestPort="80",
        Protocol="6",
        Application="\\device\\harddiskvolume2\\windows\\system32\\svchost.exe",
        Direction="%%14593",
    )
    assert doc["source"] == {"ip": "128.232.110.120", "port": 34855}
    assert doc["destination"] == {"ip": "66.35.250.204", "port": 80}
    assert doc["network"]["transport"] == "tcp" and doc["network"]["direction"] == "outbound"
    # The Community ID specification's own TCP example.
    assert doc["network"]["community_id"] == "1:LQU9qZlK+B5F3KDmev6m5PMibrg="
    assert doc["process"]["name"] == "svchost.exe"


def test_community_id_is_the_same_in_both_directions() -> None:
    forward = run(
        "5156",
        SourceAddress="10.0.0.1",
        SourcePort="445",
        DestAddress="10.0.0.2",
        DestPort="50000",
        Protocol="6",
    )
    backward = run(
        "5156",
        SourceAddress="10.0.0.2",
        SourcePort="50000",
        DestAddress="10.0.0.1",
        DestPort="445",
        Protocol="6",
    )
    assert forward["network"]["community_id"] == backward["network"]["community_id"]
