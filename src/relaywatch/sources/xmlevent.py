"""One Windows `<Event>` XML element -> the raw-event dict the `evtx` package's JSON gives.

The agreed canonical raw event (docs/architecture.md, interfaces) is the shape of
`PyEvtxParser.records_json()`: attributes under `"#attributes"`, text under `"#text"`,
`<Data Name="X">v</Data>` as `"X": "v"`, unnamed `<Data>` items as
`{"Data": {"#text": [...]}}`, repeated sibling elements as `Name`, `Name_1`, ... and empty
elements as `null`. Building that shape here means `relaywatch.ecs.from_raw_event` has
one input form whichever way the event was exported. XML carries only text, so values
stay strings where the binary log would have typed them (ints); the ECS step stringifies
every value anyway, as Winlogbeat does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

_LAYOUT = re.compile(r"[ \t]*\n[ \t]+")
_DATA_SECTIONS = frozenset({"EventData", "UserData"})


def local_name(tag: str) -> str:
    """`{namespace}Name` -> `Name`."""
    return tag.rsplit("}", 1)[-1]


def event_to_raw(element: ET.Element) -> dict[str, Any]:
    """Convert an `<Event>` element to `{"Event": {...}}` as evtx's JSON output has it."""
    body = _element_value(element, "")
    if not isinstance(body, dict):
        body = {} if body is None else {"#text": body}
    return {"Event": body}


def _namespace(element: ET.Element) -> str:
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def _attributes(element: ET.Element, parent_namespace: str) -> dict[str, str]:
    """Attributes without namespace prefixes; a namespace declared here comes first as
    `xmlns`, as the binary log's own XML rendering (and so evtx's JSON) carries it."""
    namespace = _namespace(element)
    declared = {"xmlns": namespace} if namespace and namespace != parent_namespace else {}
    return declared | {local_name(name): value for name, value in element.attrib.items()}


def _element_value(element: ET.Element, parent_namespace: str) -> Any:
    children = list(element)
    attributes = _attributes(element, parent_namespace)
    if local_name(element.tag) == "EventData" or children:
        return _container(element, children, attributes)
    text = _text(element)
    if not attributes:
        return text if text else None
    return {"#attributes": attributes, "#text": text} if text else {"#attributes": attributes}


def _container(element: ET.Element, children: list[ET.Element], attributes: dict[str, str]) -> Any:
    if not children and not attributes:
        return None
    value: dict[str, Any] = {"#attributes": attributes} if attributes else {}
    data_section = local_name(element.tag) in _DATA_SECTIONS
    unnamed: list[str] = []
    for child in children:
        name = local_name(child.tag)
        if data_section and name == "Data":
            data_name = child.get("Name")
            if data_name is None:
                unnamed.append(_text(child))
            else:
                # A repeated Data name keeps its first value, as evtx and Winlogbeat do.
                value.setdefault(data_name, _text(child))
        else:
            _put(value, name, _element_value(child, _namespace(element)))
    if unnamed:
        _put(value, "Data", {"#text": unnamed if len(unnamed) > 1 else unnamed[0]})
    return value


def _text(element: ET.Element) -> str:
    """Element text; the indentation of a pretty-printed export alone counts as empty.

    A value that is only a line break (some events log "\r\n") is kept: indentation is
    a line break followed by spaces or tabs.
    """
    text = element.text or ""
    return "" if _LAYOUT.fullmatch(text) else text


def _put(mapping: dict[str, Any], name: str, value: Any) -> None:
    """Add a child; a repeated name gets `_1`, `_2`, ... as evtx's JSON output does."""
    key, suffix = name, 0
    while key in mapping:
        suffix += 1
        key = f"{name}_{suffix}"
    mapping[key] = value
