"""Checks and documented coercions applied to every ECS document before it is handed on.

Documents exported from Elasticsearch come back as they were *sent*, not as they were
indexed: a shipper may have sent `event.code` as a number (the `keyword` mapping
indexes it as the string "4624", and EQL compares that string), a timestamp with an
offset or as epoch milliseconds (the `date` mapping reads both). The steps below make
the document what Elasticsearch would have searched, or reject it with the reason.
Each step returns None when the document is fine, else a rejection reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relaywatch.records import Document
from relaywatch.sources.options import IngestClock
from relaywatch.sources.timestamps import canonical, to_utc_text

Step = Callable[[Document, IngestClock], str | None]


def _dotted_keys(doc: Document, clock: IngestClock) -> str | None:
    """`{"event.code": "4624"}` -> `{"event": {"code": "4624"}}`.

    Elasticsearch maps a dotted field name as the object path it spells, so flattened
    exports (many SIEMs, Kibana CSV-to-JSON) index like nested ones. Only looked for
    when the top level has a dotted key: checking every level of every document would
    cost more than the rest of these steps together.
    """
    if "." not in "".join(doc):  # one C-level pass over the top-level keys
        return None
    return _expand(doc)


def _expand(mapping: dict[str, Any]) -> str | None:
    for key in [key for key in mapping if "." in key]:
        value = mapping.pop(key)
        *parents, leaf = key.split(".")
        target = mapping
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                return f"wrong field type: {key} conflicts with the value of {part}"
        if leaf in target:
            return f"wrong field type: {key} is given twice"
        target[leaf] = value
    for value in mapping.values():
        if isinstance(value, dict):
            reason = _expand(value)
            if reason is not None:
                return reason
    return None


def _event_object(doc: Document, clock: IngestClock) -> str | None:
    event = doc.get("event")
    if event is None or isinstance(event, dict):
        return None
    return f"wrong field type: event is {_type_name(event)}, not an object"


def _event_code(doc: Document, clock: IngestClock) -> str | None:
    event = doc.get("event")
    if not isinstance(event, dict) or "code" not in event:
        return None
    code = event["code"]
    if isinstance(code, str):
        return None
    if isinstance(code, int) and not isinstance(code, bool):
        event["code"] = str(code)  # keyword mapping: Elasticsearch indexes "4624"
        return None
    if isinstance(code, float) and code.is_integer():
        event["code"] = str(int(code))
        return None
    return f"wrong field type: event.code is {_type_name(code)} {code!r}"


def _timestamp(doc: Document, clock: IngestClock) -> str | None:
    if "@timestamp" not in doc:
        # EQL sorts and windows on @timestamp; Elasticsearch never returns a document
        # without one to an EQL search, so it cannot take part in a match.
        return "missing timestamp: no @timestamp"
    value = to_utc_text(doc["@timestamp"])
    if value is None:
        return f"bad timestamp: @timestamp {doc['@timestamp']!r}"
    doc["@timestamp"] = value
    return None


def _ingested(doc: Document, clock: IngestClock) -> str | None:
    event = doc.get("event")
    if not isinstance(event, dict):
        doc["event"] = {"ingested": clock.now()}
        return None
    if "ingested" not in event:
        event["ingested"] = clock.now()
        return None
    value = to_utc_text(event["ingested"])
    if value is None:
        return f"bad timestamp: event.ingested {event['ingested']!r}"
    event["ingested"] = value
    return None


STEPS: tuple[Step, ...] = (_dotted_keys, _event_object, _event_code, _timestamp, _ingested)


def check(doc: Document, clock: IngestClock) -> str | None:
    """Apply every step in order; the first rejection reason stops the document."""
    if _needs_nothing(doc):
        event = doc["event"]
        if "ingested" not in event:
            event["ingested"] = clock.now()
        return None
    for step in STEPS:
        reason = step(doc, clock)
        if reason is not None:
            return reason
    return None


def _needs_nothing(doc: Document) -> bool:
    """The common case, tested in one go: what the steps would leave unchanged.

    Documents exported from Elasticsearch nearly always pass; running the steps one by
    one for them costs more than parsing them.
    """
    event = doc.get("event")
    if type(event) is not dict or type(event.get("code", "")) is not str:
        return False
    stamp, ingested = doc.get("@timestamp"), event.get("ingested")
    return (
        type(stamp) is str
        and canonical(stamp)
        and (ingested is None or (type(ingested) is str and canonical(ingested)))
        and "." not in "".join(doc)
    )


def event_code(doc: Document) -> str | None:
    event = doc.get("event")
    code = event.get("code") if isinstance(event, dict) else None
    return code if isinstance(code, str) else None


def _type_name(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)
