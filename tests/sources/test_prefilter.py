"""The NDJSON prefilter may let through lines that do not matter, never stop one that does."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relaywatch.sources.prefilter import LinePrefilter

CODES = frozenset({"4624", "5145"})
codes = st.sampled_from(["4624", "5145", "4625", "46240", "14624", "5140", "4688"])
noise = st.dictionaries(
    st.sampled_from(["code", "pid", "message", "error", "EventRecordID", "x.code"]),
    st.one_of(st.integers(0, 99999), st.text(max_size=12), codes),
    max_size=4,
)


def _relevant(code: str) -> bool:
    return code in CODES


def _render(value: dict[str, Any], spaced: bool) -> bytes:
    if spaced:
        return json.dumps(value).encode()
    return json.dumps(value, separators=(",", ":")).encode()


@given(code=codes, as_number=st.booleans(), extra=noise, spaced=st.booleans())
def test_ecs_and_winlogbeat_documents(
    code: str, as_number: bool, extra: dict[str, Any], spaced: bool
) -> None:
    doc = {
        "@timestamp": "2024-01-01T00:00:00Z",
        "event": {"code": int(code) if as_number else code},
    }
    doc |= {"winlog": extra}
    if _relevant(code):
        assert LinePrefilter(CODES).may_match(_render(doc, spaced))


@given(code=codes, extra=noise, spaced=st.booleans(), wrapped=st.booleans())
def test_flat_and_evtx_shaped_events(
    code: str, extra: dict[str, Any], spaced: bool, wrapped: bool
) -> None:
    if wrapped:  # evtx JSON, with Qualifiers
        event: dict[str, Any] = {
            "Event": {"System": {"EventID": {"#attributes": {"Qualifiers": 0}, "#text": int(code)}}}
        }
    else:  # NXLog flat
        event = {"EventID": int(code), "Hostname": "dc01"} | extra
    if _relevant(code):
        assert LinePrefilter(CODES).may_match(_render(event, spaced))


@given(code=codes, extra=noise)
def test_export_lines_and_dotted_keys(code: str, extra: dict[str, Any]) -> None:
    line = {"_id": "x", "_source": {"event.code": code, "host.name": "dc01"} | extra}
    if _relevant(code):
        assert LinePrefilter(CODES).may_match(_render(line, spaced=False))


def test_a_line_without_a_relevant_code_value_is_dropped() -> None:
    prefilter = LinePrefilter(CODES)
    assert not prefilter.may_match(b'{"event":{"code":"4688"},"process":{"pid":4624}}')
    assert not prefilter.may_match(b'{"event":{"code":"46240"}}')
    assert not prefilter.may_match(b'{"EventID":4688,"ProcessId":"14624"}')


def test_no_codes_drops_everything() -> None:
    assert not LinePrefilter(frozenset()).may_match(b'{"event":{"code":"4624"}}')


CATEGORIES = frozenset({"process"})
category_values = st.sampled_from(
    [["process"], "process", ["start", "process"], ["network"], "file", [], "processes"]
)


def _holds_process(value: Any) -> bool:
    return value == "process" or (isinstance(value, list) and "process" in value)


@given(
    category=category_values,
    dotted=st.booleans(),
    exported=st.booleans(),
    spaced=st.booleans(),
    extra=noise,
)
def test_a_category_value_lets_the_line_through(
    category: Any, dotted: bool, exported: bool, spaced: bool, extra: dict[str, Any]
) -> None:
    doc: dict[str, Any] = {"event": {"code": "1", "category": category}}
    if dotted:
        doc = {"event.code": "1", "event.category": category}
    doc |= {"process": {"name": "rundll32.exe"}, "winlog": extra}
    line = {"_id": "x", "_source": doc} if exported else doc
    passed = LinePrefilter(CODES, CATEGORIES).may_match(_render(line, spaced))
    if _holds_process(category):
        assert passed


def test_a_category_name_used_as_a_key_does_not_let_the_line_through() -> None:
    prefilter = LinePrefilter(CODES, CATEGORIES)
    line = b'{"event":{"code":"4688","category":["network"]},"process" :{"name":"x.exe"}}'
    assert not prefilter.may_match(line)
    assert prefilter.may_match(b'{"event":{"category":[ "process" ]}}')
    assert prefilter.may_match(b'{"event":{"category":"process"\n}}')


def test_a_value_some_writers_escape_disables_skipping() -> None:
    # `"a/b"` may be written "a\/b": the line as written would not show the value.
    prefilter = LinePrefilter(CODES, frozenset({"a/b"}))
    assert prefilter.may_match(b'{"event":{"code":"4688"}}')


def test_a_carriage_return_is_a_blank_like_any_other() -> None:
    prefilter = LinePrefilter(CODES)
    assert prefilter.may_match(b'{"event":{"code":\r"4624"}}')
    assert prefilter.may_match(b'{"EventID":\r4624,"Hostname":"dc01"}')
    assert prefilter.may_match(b'{"event":{"code"\r:4624}}')
