"""evtx-binding records -> raw Winlogbeat documents (values rendered as Windows renders them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import evtx
import pytest

from relaywatch.ecs import RawEventError, from_raw_event, is_raw_winlogbeat, normalize
from tests.ecs.builders import INGESTED
from tests.shared import shared_files, shared_path

Doc = dict[str, Any]


def evtx_record(**overrides: Any) -> Doc:
    """A 4624 record exactly as `evtx.PyEvtxParser(...).records_json()` types it."""
    system: Doc = {
        "Provider": {
            "#attributes": {
                "Name": "Microsoft-Windows-Security-Auditing",
                "Guid": "54849625-5478-4994-A5BA-3E3B0328C30D",
            }
        },
        "EventID": 4624,
        "Version": 2,
        "Level": 0,
        "Task": 12544,
        "Opcode": 0,
        "Keywords": "0x8020000000000000",
        "TimeCreated": {"#attributes": {"SystemTime": "2016-07-08T18:12:51.681640Z"}},
        "EventRecordID": 1542,
        "Correlation": {"#attributes": {"ActivityID": "F42004DA-7659-4B1E-B263-BE994EC80000"}},
        "Execution": {"#attributes": {"ProcessID": 456, "ThreadID": 460}},
        "Channel": "Security",
        "Computer": "DC01.corp.example",
        "Security": None,
    }
    event_data: Doc = {
        "SubjectUserSid": "S-1-5-18",
        "SubjectLogonId": "0x3e7",
        "LogonType": 3,
        "KeyLength": 0,
        "LogonGuid": "00000000-0000-0000-0000-000000000000",
        "TargetLogonGuid": "46F85809-D26E-96F5-FBF2-73BD761A2D68",
        "WorkstationName": "",
        "IpAddress": "-",
        "ElevatedToken": True,
        "VirtualAccount": False,
        "TargetUserName": "SRV01$",
        "Note": "line one\r\nline two",
    }
    system.update(overrides.pop("system", {}))
    event_data.update(overrides.pop("event_data", {}))
    return {
        "Event": {
            "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
            "System": system,
            "EventData": event_data,
            **overrides,
        }
    }


def test_system_fields_become_winlogbeat_fields() -> None:
    doc = from_raw_event(evtx_record())
    assert doc["@timestamp"] == "2016-07-08T18:12:51.681640Z"
    assert doc["event"] == {
        "kind": "event",
        "code": "4624",
        "action": "Logon",
        "outcome": "success",
        "provider": "Microsoft-Windows-Security-Auditing",
    }
    assert doc["host"] == {"name": "DC01.corp.example"}
    assert doc["log"] == {"level": "information"}
    winlog = doc["winlog"]
    assert winlog["channel"] == "Security" and winlog["computer_name"] == "DC01.corp.example"
    assert winlog["event_id"] == "4624" and winlog["record_id"] == 1542
    assert winlog["provider_guid"] == "{54849625-5478-4994-a5ba-3e3b0328c30d}"
    assert winlog["activity_id"] == "{f42004da-7659-4b1e-b263-be994ec80000}"
    assert winlog["process"] == {"pid": 456, "thread": {"id": 460}}
    assert (winlog["opcode"], winlog["task"], winlog["version"]) == ("Info", "Logon", 2)
    assert winlog["keywords"] == ["Audit Success"]


TYPED = [
    ("LogonType", "3"),  # UInt32 -> decimal text
    ("KeyLength", "0"),
    ("LogonGuid", "{00000000-0000-0000-0000-000000000000}"),  # GUID -> braces, lower case
    ("TargetLogonGuid", "{46f85809-d26e-96f5-fbf2-73bd761a2d68}"),
    ("ElevatedToken", "true"),
    ("VirtualAccount", "false"),
    ("IpAddress", "-"),  # placeholders stay until the pipeline removes them
    ("Note", "line one\nline two"),  # \r\n -> \n
    ("SubjectLogonId", "0x3e7"),
]


@pytest.mark.parametrize(("key", "rendered"), TYPED, ids=[k for k, _ in TYPED])
def test_typed_event_data_is_rendered_as_winlogbeat_strings(key: str, rendered: str) -> None:
    assert from_raw_event(evtx_record())["winlog"]["event_data"][key] == rendered


def test_empty_event_data_values_are_dropped() -> None:
    assert "WorkstationName" not in from_raw_event(evtx_record())["winlog"]["event_data"]


def test_xml_shaped_record_with_string_values_gives_the_same_document() -> None:
    typed = evtx_record()
    as_xml = json.loads(json.dumps(typed))
    data = as_xml["Event"]["EventData"]
    data.update(
        LogonType="3",
        KeyLength="0",
        ElevatedToken="true",
        VirtualAccount="false",
        LogonGuid="{00000000-0000-0000-0000-000000000000}",
        TargetLogonGuid="{46f85809-d26e-96f5-fbf2-73bd761a2d68}",
    )
    system = as_xml["Event"]["System"]
    system.update(
        EventID="4624", Version="2", Level="0", Task="12544", Opcode="0", EventRecordID="1542"
    )
    system["Provider"]["#attributes"]["Guid"] = "{54849625-5478-4994-a5ba-3e3b0328c30d}"
    system["Execution"]["#attributes"] = {"ProcessID": "456", "ThreadID": "460"}
    system["Correlation"]["#attributes"]["ActivityID"] = "{f42004da-7659-4b1e-b263-be994ec80000}"
    assert from_raw_event(as_xml) == from_raw_event(typed)


@pytest.mark.parametrize(
    ("keywords", "outcome", "names"),
    [
        ("0x8010000000000000", "failure", ["Audit Failure"]),
        ("0x8020000000000000", "success", ["Audit Success"]),
        ("0x80000000000000", None, ["Classic"]),
        ("0x8000000000000000", None, None),
    ],
)
def test_outcome_and_keyword_names_come_from_keyword_bits(
    keywords: str, outcome: str | None, names: list[str] | None
) -> None:
    doc = from_raw_event(evtx_record(system={"Keywords": keywords}))
    assert doc["event"].get("outcome") == outcome
    assert doc["winlog"].get("keywords") == names


def test_version_zero_is_omitted() -> None:
    assert "version" not in from_raw_event(evtx_record(system={"Version": 0}))["winlog"]


def test_event_id_with_qualifiers() -> None:
    doc = from_raw_event(
        evtx_record(system={"EventID": {"#attributes": {"Qualifiers": 32768}, "#text": 6009}})
    )
    assert doc["event"]["code"] == doc["winlog"]["event_id"] == "6009"


def test_unnamed_data_items_are_named_param_n() -> None:
    record = evtx_record()
    record["Event"]["EventData"] = {
        "Data": {"#text": ["10.00.", "15063", "", "Free"]},
        "Binary": None,
    }
    assert from_raw_event(record)["winlog"]["event_data"] == {
        "param1": "10.00.",
        "param2": "15063",
        "param4": "Free",
    }


def test_user_data_keeps_its_element_name() -> None:
    record = evtx_record(system={"EventID": 1102})
    del record["Event"]["EventData"]
    record["Event"]["UserData"] = {
        "LogFileCleared": {
            "#attributes": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog"},
            "SubjectUserSid": "S-1-5-21-1-2-3-500",
            "SubjectUserName": "admin",
            "SubjectDomainName": "CORP",
            "SubjectLogonId": "0x4a2f1",
        }
    }
    doc = from_raw_event(record)
    assert doc["winlog"]["user_data"]["xml_name"] == "LogFileCleared"
    ecs = normalize(doc, INGESTED)
    assert ecs["user"] == {"id": "S-1-5-21-1-2-3-500", "name": "admin", "domain": "CORP"}
    assert ecs["winlog"]["logon"]["id"] == "0x4a2f1"
    assert ecs["event"]["action"] == "audit-log-cleared"


BROKEN = [
    ("no System", {"Event": {"EventData": {}}}),
    ("no time", evtx_record(system={"TimeCreated": None})),
    ("bad time", evtx_record(system={"TimeCreated": {"#attributes": {"SystemTime": "yesterday"}}})),
    ("no event id", evtx_record(system={"EventID": None})),
    ("not a dict", {"Event": "garbage"}),
]


@pytest.mark.parametrize(("label", "record"), BROKEN, ids=[b[0] for b in BROKEN])
def test_unusable_record_raises_a_located_reason(label: str, record: Doc) -> None:
    with pytest.raises(RawEventError):
        from_raw_event(record)


def test_rendering_info_names_are_used_when_present() -> None:
    record = evtx_record(system={"Task": 99, "Keywords": "0x0"})
    record["Event"]["RenderingInfo"] = {
        "#attributes": {"Culture": "en-US"},
        "Message": "An account was successfully logged on.\r\n\r\nSubject:",
        "Level": "Information",
        "Task": "Logon",
        "Opcode": "Info",
        "Keywords": {"Keyword": "Audit Success", "Keyword_1": "Classic"},
    }
    doc = from_raw_event(record)
    assert doc["message"] == "An account was successfully logged on.\n\nSubject:"
    assert doc["winlog"]["keywords"] == ["Audit Success", "Classic"]
    assert doc["event"]["action"] == doc["winlog"]["task"] == "Logon"
    assert doc["log"]["level"] == "information"


def test_python_evtx_time_format_is_normalised() -> None:
    record = evtx_record(
        system={"TimeCreated": {"#attributes": {"SystemTime": "2016-07-08 18:12:51.681641+00:00"}}}
    )
    assert from_raw_event(record)["@timestamp"] == "2016-07-08T18:12:51.681641Z"


# -- real files --------------------------------------------------------------------------------

SAMPLES = ["security.evtx", "Security_short_selected.evtx", "new-user-security.evtx", "system.evtx"]


def _records(path: Path) -> list[Doc]:
    parser: Any = evtx.PyEvtxParser(str(path))
    return [json.loads(record["data"]) for record in parser.records_json()]


@pytest.mark.parametrize("name", SAMPLES)
def test_real_records_render_all_event_data_as_strings(name: str) -> None:
    records = _records(shared_path("data", "evtx-samples", name))
    for record in records:
        doc = from_raw_event(record)
        assert is_raw_winlogbeat(doc)
        for key, value in doc["winlog"].get("event_data", {}).items():
            assert isinstance(value, str) and value, (key, value)
        normalized = normalize(doc, INGESTED)
        assert "error" not in normalized, normalized
        assert not is_raw_winlogbeat(normalized)


def test_real_4624_normalizes_to_target_user() -> None:
    records = _records(shared_path("data", "evtx-samples", "security.evtx"))
    docs = [normalize(from_raw_event(r), INGESTED) for r in records]
    logons = [d for d in docs if d["event"]["code"] == "4624"]
    assert len(logons) == 583
    first = logons[0]
    assert first["user"]["name"] == first["winlog"]["event_data"]["TargetUserName"]
    assert first["event"]["category"] == ["authentication"]


def test_every_dataset_record_the_parser_decodes_is_normalized() -> None:
    files = shared_files("*.evtx", "data", "datasets", "sbousseaden__EVTX-ATTACK-SAMPLES")
    if not files:
        pytest.skip("shared datasets not available")
    for path in files:
        for record in _records(path):
            doc = normalize(from_raw_event(record), INGESTED)
            assert doc["event"].get("kind") == "event", (path.name, doc)
