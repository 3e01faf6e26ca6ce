"""NXLog-style flat Windows-event JSON -> the raw Winlogbeat document.

NXLog's `im_msvistalog` (and many SIEM exports modelled on it, such as the OTRF
Security-Datasets) write one JSON object per event: the System values under their
own names (`EventID`, `Hostname`, `Channel`, `SourceName`, `RecordNumber`, ...) and
every EventData field at the top level, next to collector metadata.

Event time: `EventTime` is the Windows host's *local* time to the second, with no
zone; `@timestamp` is the time a later pipeline (Logstash) handled the record. The
event time used is `EventTime`, shifted to UTC by the host's offset, which is
recovered from `EventReceivedTime` (same local clock, receive time) against
`@timestamp` (UTC, a moment later), rounded to the quarter hour. When that cannot be
done the pipeline time `@timestamp` is used. The pipeline time is kept in
`event.created` either way. docs/ecs.md explains the choice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from relaywatch.ecs import tables
from relaywatch.ecs.render import render_guid, render_value
from relaywatch.ecs.steps import codes
from relaywatch.ecs.timestamps import iso_utc, local_to_utc
from relaywatch.ecs.winlogbeat import RawEventError, to_int

Doc = dict[str, Any]

# NXLog core fields and collector metadata: never EventData.
_SYSTEM_FIELDS = codes(
    "EventID EventType EventTime EventReceivedTime Hostname Channel SourceName "
    "ProviderGuid RecordNumber ExecutionProcessID ThreadID Task Opcode OpcodeValue "
    "Version Keywords Severity SeverityValue UserID ActivityID RelatedActivityID "
    "Message SourceModuleName SourceModuleType ERROR_EVENT_COUNT EventTimeWritten "
    "@timestamp @version tags host port"
)
# Set by NXLog from a lookup of UserID; without a UserID they are EventData (4778).
_USER_LOOKUP_FIELDS = {"AccountName": "name", "Domain": "domain", "AccountType": "type"}
_SEVERITY_LEVELS = {
    "DEBUG": "verbose",
    "INFO": "information",
    "WARNING": "warning",
    "ERROR": "error",
    "CRITICAL": "critical",
}
_QUARTER_HOUR = 900
_MAX_DELIVERY_SECONDS = 300  # receive -> pipeline delay tolerated when deriving the zone
_CLOCK_SKEW_SECONDS = 60


def from_flat_event(flat: Mapping[str, Any]) -> Doc:
    """Build the raw Winlogbeat document for one flat (NXLog-style) event.

    Raises `RawEventError` when the event has no usable EventID or no time.
    """
    event_id = to_int(flat.get("EventID"))
    if event_id is None:
        raise RawEventError(f"flat event has no valid EventID ({flat.get('EventID')!r})")
    winlog: Doc = {"api": "wineventlog", "event_id": str(event_id)}
    doc: Doc = {"event": {"kind": "event", "code": str(event_id)}, "winlog": winlog}
    _set_time(flat, doc)
    _set_origin(flat, doc, winlog)
    _set_metadata(flat, doc, winlog)
    _set_user(flat, winlog)
    event_data = _event_data(flat, user_lookup="UserID" in flat, task_named="Task" in flat)
    if event_data:
        winlog["event_data"] = event_data
    return doc


def _set_time(flat: Mapping[str, Any], doc: Doc) -> None:
    pipeline = flat.get("@timestamp")
    pipeline_utc = iso_utc(pipeline) if isinstance(pipeline, str) else None
    stamp = _event_time(flat, pipeline_utc) or pipeline_utc
    if stamp is None:
        raise RawEventError("flat event has neither a usable EventTime nor @timestamp")
    doc["@timestamp"] = stamp
    if pipeline_utc is not None:
        doc["event"]["created"] = pipeline_utc


def _event_time(flat: Mapping[str, Any], pipeline_utc: str | None) -> str | None:
    local = flat.get("EventTime")
    if not isinstance(local, str) or not local:
        return None
    if local.endswith("Z") or _has_offset(local):
        return iso_utc(local)
    offset = _host_offset(flat.get("EventReceivedTime"), pipeline_utc)
    return None if offset is None else local_to_utc(local, offset)


def _has_offset(text: str) -> bool:
    tail = text[-6:]
    return len(tail) == 6 and tail[0] in "+-" and tail[3] == ":"


def _host_offset(received: Any, pipeline_utc: str | None) -> timedelta | None:
    """Local-minus-UTC of the Windows host, from its receive time vs the pipeline time.

    received_local - pipeline_utc = offset - delay, where the delay (receive ->
    pipeline) is small and positive; zones are whole quarter hours. The offset is the
    quarter hour just above the difference, accepted only if the implied delay is
    between -60 s (clock skew) and _MAX_DELIVERY_SECONDS.
    """
    if not isinstance(received, str) or pipeline_utc is None:
        return None
    try:
        local = datetime.fromisoformat(received.replace(" ", "T", 1))
        utc = datetime.fromisoformat(pipeline_utc[:19])
    except ValueError:
        return None
    difference = (local.replace(tzinfo=None) - utc).total_seconds()
    offset = math.ceil((difference - _CLOCK_SKEW_SECONDS) / _QUARTER_HOUR) * _QUARTER_HOUR
    if offset - difference > _MAX_DELIVERY_SECONDS:
        return None
    return timedelta(seconds=offset)


def _set_origin(flat: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    channel, host = flat.get("Channel"), flat.get("Hostname")
    if isinstance(channel, str) and channel:
        winlog["channel"] = channel
    if isinstance(host, str) and host:
        winlog["computer_name"] = host
        doc["host"] = {"name": host}
    provider = flat.get("SourceName")
    if isinstance(provider, str) and provider:
        doc["event"]["provider"] = winlog["provider_name"] = provider
    guid = flat.get("ProviderGuid")
    if isinstance(guid, str) and guid:
        winlog["provider_guid"] = render_guid(guid)
    record_id = to_int(flat.get("RecordNumber"))
    if record_id is not None:
        winlog["record_id"] = record_id
    pid, tid = to_int(flat.get("ExecutionProcessID")), to_int(flat.get("ThreadID"))
    process: Doc = {} if pid is None else {"pid": pid}
    if tid is not None:
        process["thread"] = {"id": tid}
    if process:
        winlog["process"] = process


def _set_metadata(flat: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    task = flat.get("Category")
    if "Task" in flat and isinstance(task, str) and task:
        doc["event"]["action"] = winlog["task"] = task
    opcode = flat.get("Opcode")
    if isinstance(opcode, str) and opcode:
        winlog["opcode"] = opcode
    version = to_int(flat.get("Version"))
    if version:
        winlog["version"] = version
    level = _SEVERITY_LEVELS.get(str(flat.get("Severity", "")).upper())
    if level is not None:
        doc["log"] = {"level": level}
    message = flat.get("Message")
    if isinstance(message, str) and message:
        doc["message"] = message.replace("\r\n", "\n")
    for key, field in (("ActivityID", "activity_id"), ("RelatedActivityID", "related_activity_id")):
        value = flat.get(key)
        if isinstance(value, str) and value:
            winlog[field] = render_guid(value)
    _set_keywords(flat, doc, winlog)


def _set_keywords(flat: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    bits = to_int(flat.get("Keywords"))
    if bits is not None:
        bits &= 0xFFFFFFFFFFFFFFFF  # NXLog writes the 64-bit mask as a signed integer
    else:
        event_type = flat.get("EventType")
        bits = {"AUDIT_SUCCESS": tables.AUDIT_SUCCESS, "AUDIT_FAILURE": tables.AUDIT_FAILURE}.get(
            str(event_type), 0
        )
    names = [name for bit, name in tables.KEYWORD_BITS if bits & bit]
    if names:
        winlog["keywords"] = names
    if bits & tables.AUDIT_FAILURE:
        doc["event"]["outcome"] = "failure"
    elif bits & tables.AUDIT_SUCCESS:
        doc["event"]["outcome"] = "success"


def _set_user(flat: Mapping[str, Any], winlog: Doc) -> None:
    identifier = flat.get("UserID")
    if not isinstance(identifier, str) or not identifier:
        return
    user: Doc = {"identifier": identifier}
    for key, field in _USER_LOOKUP_FIELDS.items():
        value = flat.get(key)
        if isinstance(value, str) and value:
            user[field] = value
    winlog["user"] = user


def _event_data(flat: Mapping[str, Any], user_lookup: bool, task_named: bool) -> Doc:
    out: Doc = {}
    for key, value in flat.items():
        if key in _SYSTEM_FIELDS or (user_lookup and key in _USER_LOOKUP_FIELDS):
            continue
        if task_named and key == "Category":
            continue
        text = render_value(value)
        if text:
            out[key] = text
    return out
