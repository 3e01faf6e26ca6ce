"""evtx-binding JSON for one record -> the raw document Winlogbeat would ship.

The input is the canonical *raw event* of relaywatch: the dict the `evtx` package
gives for one record (`{"Event": {"System": ..., "EventData": ...}}`, attributes under
`#attributes`, text under `#text`); the XML reader builds the same shape from Windows
XML, where every value is a string. The output follows elastic/beats
`winlogbeat/sys/winevent/event.go` (`Event.Fields`) and `eventlog.go`
(`Record.ToEvent`): `winlog.*`, `event.code/kind/provider/outcome/action`,
`log.level`, `host.name`, `@timestamp`, with zero or empty optional values omitted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from relaywatch.ecs import tables
from relaywatch.ecs.render import render_guid, render_value
from relaywatch.ecs.timestamps import iso_utc
from relaywatch.errors import RelaywatchError

Doc = dict[str, Any]


class RawEventError(RelaywatchError):
    """A raw event that cannot become a document (no System, no time, no event id)."""


def from_raw_event(event: Mapping[str, Any]) -> Doc:
    """Build the raw Winlogbeat document for one evtx/XML record.

    Raises `RawEventError` (with the reason) when the record lacks what every
    Winlogbeat document has: a System element, an event id and a creation time.
    """
    root = event.get("Event", event)
    # `type(...) is dict` first: the ABC check behind isinstance(x, Mapping) is slow.
    system = root.get("System") if type(root) is dict or isinstance(root, Mapping) else None
    if type(system) is not dict and not isinstance(system, Mapping):
        raise RawEventError("record has no Event/System element")
    winlog: Doc = {"api": "wineventlog"}
    doc: Doc = {"event": {"kind": "event"}, "winlog": winlog}
    for step in _SYSTEM_STEPS:
        step(system, doc, winlog)
    _add_event_data(root.get("EventData"), winlog)
    _add_user_data(root.get("UserData"), winlog)
    _add_rendering_info(root.get("RenderingInfo"), doc, winlog)
    return doc


# -- System --------------------------------------------------------------------------


def _attr(element: Any, name: str) -> Any:
    # Exact dict checks: the evtx binding and json give dicts, and ABC checks are slow.
    attributes = element.get("#attributes") if type(element) is dict else None
    return attributes.get(name) if type(attributes) is dict else None


def _text(element: Any) -> Any:
    return element.get("#text") if type(element) is dict else element


def to_int(value: Any) -> int | None:
    """An integer from the typed (int) or rendered (decimal or 0x-hex text) form."""
    if type(value) is int:
        return value
    if isinstance(value, bool):
        return None
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    try:
        return int(text, 16) if text[:2].lower() == "0x" else int(text)
    except ValueError:
        return None


def _time_created(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    raw = _attr(system.get("TimeCreated"), "SystemTime")
    stamp = iso_utc(raw) if isinstance(raw, str) else None
    if stamp is None:
        raise RawEventError(f"record has no valid System/TimeCreated/@SystemTime ({raw!r})")
    doc["@timestamp"] = stamp


def _event_id(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    event_id = to_int(_text(system.get("EventID")))
    if event_id is None:
        raise RawEventError(f"record has no valid System/EventID ({system.get('EventID')!r})")
    # Winlogbeat ships winlog.event_id and event.code as strings.
    doc["event"]["code"] = winlog["event_id"] = str(event_id)


def _provider(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    attributes = _attributes(system.get("Provider"))
    if attributes is None:
        return
    name = attributes.get("Name") or attributes.get("EventSourceName")
    if isinstance(name, str) and name:
        doc["event"]["provider"] = winlog["provider_name"] = name
    guid = attributes.get("Guid")
    if isinstance(guid, str) and guid:
        winlog["provider_guid"] = render_guid(guid)


def _attributes(element: Any) -> Any:
    """The `#attributes` dict of an element, or None (for the one-lookup-per-field steps)."""
    attributes = element.get("#attributes") if type(element) is dict else None
    return attributes if type(attributes) is dict else None


def _origin(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    channel = _text(system.get("Channel"))
    if isinstance(channel, str) and channel:
        winlog["channel"] = channel
    computer = _text(system.get("Computer"))
    if isinstance(computer, str) and computer:
        # Winlogbeat sets host.name from the record's Computer (forwarded model).
        winlog["computer_name"] = computer
        doc["host"] = {"name": computer}
    record_id = system.get("EventRecordID")
    if type(record_id) is not int:
        record_id = to_int(_text(record_id))
    if record_id is not None:
        winlog["record_id"] = record_id


def _execution(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    attributes = _attributes(system.get("Execution"))
    if attributes is None:
        return
    pid = to_int(attributes.get("ProcessID"))
    tid = to_int(attributes.get("ThreadID"))
    process: Doc = {}
    if pid is not None:
        process["pid"] = pid
    if tid is not None:
        process["thread"] = {"id": tid}
    if process:
        winlog["process"] = process


def _correlation(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    # Both elements are empty (null) in most Security records: one lookup each then.
    correlation = _attributes(system.get("Correlation"))
    if correlation is not None:
        for attribute, field in _CORRELATION_FIELDS:
            value = correlation.get(attribute)
            if isinstance(value, str) and value:
                winlog[field] = render_guid(value)
    security = _attributes(system.get("Security"))
    user = security.get("UserID") if security is not None else None
    if isinstance(user, str) and user:
        winlog["user"] = {"identifier": user}


_CORRELATION_FIELDS = (("ActivityID", "activity_id"), ("RelatedActivityID", "related_activity_id"))


def _level_opcode_task(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    level = tables.LEVEL_NAMES.get(_number(system.get("Level")) or 0)
    if level is not None:
        doc["log"] = {"level": level}
    opcode = _number(system.get("Opcode"))
    if opcode is not None and opcode in tables.OPCODE_NAMES:
        winlog["opcode"] = tables.OPCODE_NAMES[opcode]
    task = _number(system.get("Task"))
    names = tables.TASK_NAMES.get(winlog.get("provider_name", ""))
    if task is not None and names is not None and task in names:
        # Winlogbeat's event.action is the task name (the pipeline overwrites it).
        doc["event"]["action"] = winlog["task"] = names[task]
    version = _number(system.get("Version"))
    if version:  # AddOptional skips zero: Version 0 gives no winlog.version
        winlog["version"] = version


def _number(element: Any) -> int | None:
    """`to_int(_text(element))`, with the evtx binding's plain int taken at once."""
    return element if type(element) is int else to_int(_text(element))


def _keywords(system: Mapping[str, Any], doc: Doc, winlog: Doc) -> None:
    keywords = system.get("Keywords")
    # The binding gives the mask as hex text: cache on the text, not just on the number.
    bits = _hex_mask(keywords) if type(keywords) is str else _number(keywords)
    if not bits:
        return
    names, outcome = _keyword_facts(bits)
    if names:
        winlog["keywords"] = list(names)
    if outcome is not None:
        doc["event"]["outcome"] = outcome


@functools.lru_cache(maxsize=256)
def _hex_mask(text: str) -> int | None:
    return to_int(text)


@functools.lru_cache(maxsize=256)
def _keyword_facts(bits: int) -> tuple[tuple[str, ...], str | None]:
    """Keyword names and outcome of a Keywords mask; a log uses only a handful of masks."""
    names = tuple(name for bit, name in tables.KEYWORD_BITS if bits & bit)
    # Winlogbeat derives event.outcome from the audit keyword bits.
    if bits & tables.AUDIT_FAILURE:
        return names, "failure"
    if bits & tables.AUDIT_SUCCESS:
        return names, "success"
    return names, None


_SYSTEM_STEPS: tuple[Callable[[Mapping[str, Any], Doc, Doc], None], ...] = (
    _time_created,
    _event_id,
    _provider,
    _origin,
    _execution,
    _correlation,
    _level_opcode_task,
    _keywords,
)


# -- EventData / UserData --------------------------------------------------------------


def _add_event_data(event_data: Any, winlog: Doc) -> None:
    if type(event_data) is not dict:
        return
    if "Data" in event_data or "#attributes" in event_data:
        out = _mixed_event_data(event_data)
    else:
        out = _named_event_data(event_data)
    if out:
        winlog["event_data"] = out


def _named_event_data(event_data: Doc) -> Doc:
    """Named fields only, the evtx binding's shape for Security events. Keys are unique,
    so the dict is copied at once and only the values that need rendering (typed, GUID,
    CRLF) or dropping (empty) are revisited."""
    out = dict(event_data)
    for key, value in event_data.items():
        if type(value) is str and value and len(value) != 36 and "\r" not in value:
            continue
        text = render_value(value)
        if text:
            out[key] = text
        else:
            del out[key]  # AddPairs skips empty values
    return out


def _mixed_event_data(event_data: Doc) -> Doc:
    """EventData with unnamed `<Data>` items or attributes, field by field."""
    out: Doc = {}
    for key, value in event_data.items():
        if key == "#attributes":
            continue
        if key == "Data":
            _add_params(value, out)
            continue
        text = render_value(value)
        # AddPairs: empty values are skipped and the first of duplicate keys wins.
        if text and key not in out:
            out[key] = text
    return out


def _add_params(value: Any, out: Doc) -> None:
    """Unnamed `<Data>` items: Winlogbeat names them param1..N by position."""
    items = _text(value)
    if not isinstance(items, list):
        items = [items]
    for position, item in enumerate(items, start=1):
        text = render_value(item)
        key = f"param{position}"
        if text and key not in out:
            out[key] = text


def _add_user_data(user_data: Any, winlog: Doc) -> None:
    if user_data is None or not isinstance(user_data, Mapping):
        return
    for name, element in user_data.items():
        if name == "#attributes":
            continue
        out: Doc = {"xml_name": name}
        if isinstance(element, Mapping):
            for key, value in element.items():
                text = "" if key == "#attributes" else render_value(value)
                if text:
                    out[key] = text
        winlog["user_data"] = out
        return  # UserData holds exactly one element


def _add_rendering_info(info: Any, doc: Doc, winlog: Doc) -> None:
    """`wevtutil /f:RenderedXml` carries the names Winlogbeat would have rendered."""
    if info is None or not isinstance(info, Mapping):
        return
    message = _text(info.get("Message"))
    if isinstance(message, str) and message:
        doc["message"] = message.replace("\r\n", "\n")
    task = _text(info.get("Task"))
    if isinstance(task, str) and task:
        doc["event"]["action"] = winlog["task"] = task
    opcode = _text(info.get("Opcode"))
    if isinstance(opcode, str) and opcode:
        winlog["opcode"] = opcode
    keywords = info.get("Keywords")
    if type(keywords) is dict:
        # Repeated <Keyword> elements arrive as Keyword, Keyword_1, ... (evtx JSON shape).
        names = [_text(v) for k, v in keywords.items() if k.startswith("Keyword")]
        names = [name for name in names if isinstance(name, str) and name]
        if names:
            winlog["keywords"] = names
    level = _text(info.get("Level"))
    if isinstance(level, str) and level:
        doc["log"] = {"level": level.lower()}
