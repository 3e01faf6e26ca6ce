"""NXLog-style flat JSON -> raw Winlogbeat documents, and which time is event time."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from relaywatch.ecs import RawEventError, from_flat_event, normalize
from tests.ecs.builders import INGESTED
from tests.shared import shared_files

Doc = dict[str, Any]


def nxlog_4624(**overrides: Any) -> Doc:
    """A 4624 as the OTRF Security-Datasets carry it (shortened)."""
    flat: Doc = {
        "EventID": 4624,
        "Hostname": "MORDORDC.theshire.local",
        "Channel": "Security",
        "SourceName": "Microsoft-Windows-Security-Auditing",
        "Category": "Logon",
        "Task": 12544,
        "ProviderGuid": "{54849625-5478-4994-A5BA-3E3B0328C30D}",
        "RecordNumber": 311670,
        "ExecutionProcessID": 704,
        "ThreadID": 3392,
        "Opcode": "Info",
        "OpcodeValue": 0,
        "Version": 2,
        "Keywords": -9214364837600034816,
        "EventType": "AUDIT_SUCCESS",
        "Severity": "INFO",
        "SeverityValue": 2,
        "EventTime": "2020-08-06 02:26:45",
        "EventReceivedTime": "2020-08-06 02:26:47",
        "@timestamp": "2020-08-06T06:26:47.351Z",
        "@version": "1",
        "tags": ["mordorDataset"],
        "host": "wec.internal.cloudapp.net",
        "port": 60122,
        "SourceModuleName": "eventlog",
        "SourceModuleType": "im_msvistalog",
        "Message": "An account was successfully logged on.\r\n",
        "SubjectUserSid": "S-1-0-0",
        "SubjectUserName": "-",
        "SubjectLogonId": "0x0",
        "TargetUserSid": "S-1-5-18",
        "TargetUserName": "MORDORDC$",
        "TargetDomainName": "THESHIRE.LOCAL",
        "LogonType": "3",
        "AuthenticationPackageName": "Kerberos",
        "IpAddress": "fe80::3816:b2ee:1b9b:324b",
        "IpPort": "65028",
        "ProcessId": "0x0",
        "ProcessName": "-",
        "KeyLength": "0",
    }
    flat.update(overrides)
    return flat


def test_event_time_is_local_event_time_shifted_by_the_host_offset() -> None:
    doc = from_flat_event(nxlog_4624())
    # EventReceivedTime 02:26:47 local vs @timestamp 06:26:47Z: the host runs at UTC-4.
    assert doc["@timestamp"] == "2020-08-06T06:26:45.000Z"
    assert doc["event"]["created"] == "2020-08-06T06:26:47.351Z"


def test_event_time_with_explicit_offset_is_used_as_written() -> None:
    doc = from_flat_event(nxlog_4624(EventTime="2020-08-06T02:26:45-04:00"))
    assert doc["@timestamp"] == "2020-08-06T06:26:45.000Z"


def test_without_a_receive_time_the_pipeline_time_is_used() -> None:
    flat = nxlog_4624()
    del flat["EventReceivedTime"]
    assert from_flat_event(flat)["@timestamp"] == "2020-08-06T06:26:47.351Z"


def test_a_long_delivery_delay_does_not_invent_an_offset() -> None:
    # 6 min 47 s between receipt and pipeline: the zone is no longer certain.
    doc = from_flat_event(nxlog_4624(EventReceivedTime="2020-08-06 02:20:00"))
    assert doc["@timestamp"] == "2020-08-06T06:26:47.351Z"


ZONES = [
    # (EventTime local, EventReceivedTime local, @timestamp, expected event time)
    (
        "2020-08-06 11:56:45",
        "2020-08-06 11:56:47",
        "2020-08-06T06:26:47.900Z",
        "2020-08-06T06:26:45.000Z",
    ),
    (
        "2020-08-06 06:26:45",
        "2020-08-06 06:26:48",
        "2020-08-06T06:26:47.000Z",
        "2020-08-06T06:26:45.000Z",
    ),
]


@pytest.mark.parametrize(
    ("local", "received", "pipeline", "expected"),
    ZONES,
    ids=["UTC+5:30 host", "UTC host, pipeline clock 1 s behind"],
)
def test_host_offset_variants(local: str, received: str, pipeline: str, expected: str) -> None:
    flat = nxlog_4624(EventTime=local, EventReceivedTime=received, **{"@timestamp": pipeline})
    assert from_flat_event(flat)["@timestamp"] == expected


def test_system_fields_and_event_data_are_separated() -> None:
    doc = from_flat_event(nxlog_4624())
    winlog = doc["winlog"]
    assert doc["host"] == {"name": "MORDORDC.theshire.local"}
    assert doc["event"]["code"] == winlog["event_id"] == "4624"
    assert doc["event"]["outcome"] == "success" and winlog["keywords"] == ["Audit Success"]
    assert (winlog["task"], winlog["opcode"], winlog["version"]) == ("Logon", "Info", 2)
    assert winlog["record_id"] == 311670 and winlog["process"] == {
        "pid": 704,
        "thread": {"id": 3392},
    }
    assert doc["log"] == {"level": "information"}
    assert doc["message"] == "An account was successfully logged on.\n"
    data = winlog["event_data"]
    assert data["TargetUserName"] == "MORDORDC$" and data["LogonType"] == "3"
    assert not {"host", "port", "tags", "EventTime", "Keywords", "Category", "Hostname"} & set(data)


def test_flat_logon_normalizes_like_a_winlogbeat_one() -> None:
    doc = normalize(from_flat_event(nxlog_4624()), INGESTED)
    assert doc["user"]["name"] == "MORDORDC$"
    assert doc["source"] == {"ip": "fe80::3816:b2ee:1b9b:324b", "port": 65028}
    assert doc["winlog"]["logon"]["type"] == "Network"
    assert doc["event"]["category"] == ["authentication"]


def test_account_name_is_event_data_when_there_is_no_user_id() -> None:
    flat = nxlog_4624(
        EventID=4778, AccountName="alice", AccountDomain="CORP", ClientAddress="LOCAL"
    )
    doc = normalize(from_flat_event(flat), INGESTED)
    assert doc["user"]["name"] == "alice" and doc["source"]["ip"] == "127.0.0.1"


def test_account_name_is_the_user_lookup_when_user_id_is_present() -> None:
    flat = nxlog_4624(
        UserID="S-1-5-18", AccountName="SYSTEM", Domain="NT AUTHORITY", AccountType="User"
    )
    doc = from_flat_event(flat)
    assert doc["winlog"]["user"] == {
        "identifier": "S-1-5-18",
        "name": "SYSTEM",
        "domain": "NT AUTHORITY",
        "type": "User",
    }
    assert "AccountName" not in doc["winlog"]["event_data"]


def test_failure_from_event_type_when_keywords_are_absent() -> None:
    flat = nxlog_4624(EventType="AUDIT_FAILURE")
    del flat["Keywords"]
    assert from_flat_event(flat)["event"]["outcome"] == "failure"


@pytest.mark.parametrize(
    ("label", "changes"),
    [
        ("no EventID", {"EventID": None}),
        ("text EventID", {"EventID": "logon"}),
        ("no time at all", {"EventTime": None, "@timestamp": None}),
    ],
)
def test_unusable_flat_event_raises(label: str, changes: Doc) -> None:
    with pytest.raises(RawEventError):
        from_flat_event(nxlog_4624(**changes))


def test_otrf_archive_lines_all_normalize() -> None:
    archives = [p for p in shared_files("*.zip", "data", "datasets", "OTRF__Security-Datasets")]
    if not archives:
        pytest.skip("shared datasets not available")
    smallest = min(archives, key=lambda p: p.stat().st_size)
    with zipfile.ZipFile(smallest) as archive, archive.open(archive.namelist()[0]) as lines:
        docs = [normalize(from_flat_event(json.loads(line)), INGESTED) for line in lines]
    assert len(docs) > 1000
    assert all(d["@timestamp"].endswith("Z") and "error" not in d for d in docs)
    share = [d for d in docs if d["event"]["code"] == "5145"]
    assert share and all("file" in d and d["user"]["name"] for d in share)
