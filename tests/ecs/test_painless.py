"""Java / Painless details the pipeline's results depend on."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaywatch.ecs.painless import (
    PipelineError,
    java_split,
    long_decode,
    mustache,
    whitespace_split,
)
from relaywatch.ecs.security_objects import command_line_args
from relaywatch.ecs.timestamps import iso_utc

DECODE = [
    ("0", 0),
    ("49152", 49152),
    ("0x3e7", 999),
    ("0X1F", 31),
    ("#ff", 255),
    ("010", 8),
    ("-5", -5),
]


@pytest.mark.parametrize(("text", "value"), DECODE, ids=[d[0] for d in DECODE])
def test_long_decode_like_java(text: str, value: int) -> None:
    assert long_decode(text) == value


@pytest.mark.parametrize("text", ["", "-", "0x", "12a", " 1", "09", "99999999999999999999", "--1"])
def test_long_decode_rejects_what_java_rejects(text: str) -> None:
    with pytest.raises(PipelineError):
        long_decode(text)


def test_java_split_drops_trailing_empty_strings() -> None:
    assert java_split("SeA  SeB\n\t", re.compile(r"\s+")) == ["SeA", "SeB"]
    assert java_split("\tSeA", re.compile(r"\s+")) == ["", "SeA"]


@pytest.mark.parametrize(
    ("text", "fields"),
    [("%%1538\n\t\t%%1541", ["%%1538", "%%1541"]), ("  a b ", ["a", "b", ""]), ("", [""])],
)
def test_message_table_split(text: str, fields: list[str]) -> None:
    assert whitespace_split(text) == fields


def test_mustache_escapes_like_json() -> None:
    assert mustache('\\\\*\\IPC$ "x"') == '\\\\\\\\*\\\\IPC$ \\"x\\"'


@given(st.text(alphabet=st.sampled_from('ab\\"\n\r\t/\u00e9'), max_size=12))
def test_mustache_escapes_each_special_character_exactly_once(text: str) -> None:
    # The JSON string escapes mustache applies, one character at a time.
    expected = "".join(_JSON_ESCAPES.get(char, char) for char in text)
    assert mustache(text) == expected


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def test_4688_command_line_split_keeps_quotes() -> None:
    line = '"C:\\Program Files\\x.exe" /a  b'
    assert command_line_args(line) == ['"C:\\Program Files\\x.exe"', "/a", "", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-07-08T18:12:51.681640Z", "2016-07-08T18:12:51.681640Z"),
        ("2016-07-08T18:12:51.6816408Z", "2016-07-08T18:12:51.6816408Z"),
        ("2016-07-08 18:12:51.681641+00:00", "2016-07-08T18:12:51.681641Z"),
        ("2016-07-08T20:12:51+02:00", "2016-07-08T18:12:51.000Z"),
        ("2016-07-08T18:12:51.6816408Z UTC", "2016-07-08T18:12:51.6816408Z"),
        ("not a time", None),
    ],
)
def test_timestamps_become_utc_iso(text: str, expected: str | None) -> None:
    assert iso_utc(text) == expected
