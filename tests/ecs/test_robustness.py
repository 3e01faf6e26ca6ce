"""Odd values never crash normalization: a record is converted, flagged or rejected."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relaywatch.ecs import RawEventError, from_flat_event, from_raw_event, normalize
from relaywatch.ecs.categories import CATEGORIZATION
from tests.ecs.builders import INGESTED, security

FIELDS = [
    "LogonType",
    "IpAddress",
    "IpPort",
    "ProcessId",
    "ProcessName",
    "TargetUserName",
    "TargetUserSid",
    "TargetDomainName",
    "SubjectUserName",
    "SubjectUserSid",
    "SubjectLogonId",
    "TargetLogonId",
    "WorkstationName",
    "ShareName",
    "ShareLocalPath",
    "RelativeTargetName",
    "AccessMask",
    "AccessList",
    "FailureReason",
    "Status",
    "SubStatus",
    "TicketOptions",
    "TicketEncryptionType",
    "ServiceName",
    "ServiceType",
    "NewUacValue",
    "UserAccountControl",
    "MemberName",
    "PrivilegeList",
    "CommandLine",
    "NewProcessId",
    "ClientAddress",
    "ObjectDN",
    "ObjectName",
    "SidList",
    "SubcategoryGuid",
    "AuditPolicyChanges",
    "DestPort",
    "Protocol",
]
SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["-", "", "0x0", "0x3e7", "3", "::ffff:1.2.3.4", "%%1538\n\t%%1541", "a@b", "\\x\\y"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
)
CODES = st.sampled_from([*sorted(CATEGORIZATION), "4608", "1", "x"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=CODES, data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8))
def test_normalize_never_raises(code: str, data: dict[str, Any]) -> None:
    doc = security(code)
    doc["winlog"]["event_data"] = data
    out = normalize(doc, INGESTED)
    assert out["event"]["kind"] in ("event", "pipeline_error")
    if out["event"]["kind"] == "pipeline_error":
        assert out["error"]["message"]


JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    system=st.dictionaries(
        st.sampled_from(
            [
                "EventID",
                "TimeCreated",
                "Provider",
                "Channel",
                "Computer",
                "Keywords",
                "Level",
                "Task",
                "Opcode",
                "Version",
                "Execution",
                "Correlation",
                "Security",
                "EventRecordID",
            ]
        ),
        JSONISH,
        max_size=8,
    ),
    body=st.dictionaries(
        st.sampled_from(["EventData", "UserData", "RenderingInfo"]), JSONISH, max_size=3
    ),
)
def test_from_raw_event_converts_or_rejects(system: dict[str, Any], body: dict[str, Any]) -> None:
    record = {"Event": {"System": system, **body}}
    try:
        doc = from_raw_event(record)
    except RawEventError:
        return
    assert normalize(doc, INGESTED)["event"]["code"].isdigit()


@settings(max_examples=300, deadline=None)
@given(
    flat=st.dictionaries(
        st.sampled_from(
            [
                "EventID",
                "EventTime",
                "EventReceivedTime",
                "@timestamp",
                "Hostname",
                "Keywords",
                "Channel",
                "SourceName",
                "Task",
                "Category",
                "UserID",
                "AccountName",
                "Version",
                "IpAddress",
            ]
        ),
        JSONISH,
        max_size=10,
    )
)
def test_from_flat_event_converts_or_rejects(flat: dict[str, Any]) -> None:
    try:
        doc = from_flat_event(flat)
    except RawEventError:
        return
    assert normalize(doc, INGESTED)["@timestamp"].endswith("Z")


WINLOG_KEYS = [
    "channel",
    "provider_name",
    "record_id",
    "event_id",
    "event_data",
    "user_data",
    "level",
    "time_created",
    "logon",
]


@settings(max_examples=300, deadline=None)
@given(
    winlog=st.dictionaries(st.sampled_from(WINLOG_KEYS), JSONISH, max_size=6),
    event=st.dictionaries(
        st.sampled_from(["code", "ingested", "kind", "category"]), JSONISH, max_size=3
    ),
)
def test_odd_raw_winlogbeat_documents_never_raise(
    winlog: dict[str, Any], event: dict[str, Any]
) -> None:
    winlog.setdefault("channel", "Security")
    winlog.setdefault("provider_name", "Microsoft-Windows-Security-Auditing")
    out = normalize({"winlog": winlog, "event": event, "source": {"ip": ["x"]}}, INGESTED)
    assert isinstance(out["event"], dict)
