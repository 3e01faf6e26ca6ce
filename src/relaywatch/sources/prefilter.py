"""Cheap byte tests that tell, before parsing, that a JSON line cannot hold a relevant event.

A test may let through a line that turns out not to be relevant (it is then parsed and
filtered on its real `event.code`), but it must never stop a line that is relevant.

- Document shapes (ECS, Winlogbeat, Elasticsearch hits, `_search` responses): whether
  an event is relevant is decided by `event.code`, which appears in the text as a
  `code"` key (also `"event.code"` in flattened exports) followed by the value. The
  pattern starts with that literal, so the regex engine jumps from one `code"` to the
  next instead of trying every byte (several times faster than a pattern that starts
  with the digits).
- Windows-event shapes (flat NXLog, evtx JSON) carry the code under `EventID` (or its
  `#text`): for a line with an `EventID` key, the line passes when one of the codes
  appears anywhere as a JSON value (after a colon, blanks and an optional quote), or
  when an `EventID` value is not written as a plain number: the conversion reads
  " 04688" and "0x1250" as 4688 (`ecs.to_int`).
- Categories (`ReadOptions.relevant_categories`, for a `process where` stage that pins
  no code): a line passes when a category appears as a JSON string value anywhere in it
  (`"process"` followed by blanks and `,`, `]` or `}`; a key is followed by `:`). Raw
  shapes have no category before conversion: the codes given for them (`raw_codes`)
  include every code the conversion files under such a category.

The tests read the text as written: a JSON writer that escapes plain ASCII letters or
digits (`"\u0034624"` for "4624") is not supported. No shipper does (Go's encoder, which
Winlogbeat and Elastic Agent use, escapes only `<`, `>`, `&`, control characters and
U+2028/2029).
"""

from __future__ import annotations

import re

_WINDOWS_KEY = b'EventID"'
_NOTHING = re.compile(b"(?!)")
_VALUE_END = frozenset(b",]}")
_BLANKS = b" \t\r\n"


class LinePrefilter:
    __slots__ = ("_any_value", "_categories", "_code_value", "_everything")

    def __init__(self, codes: frozenset[str], categories: frozenset[str] = frozenset()) -> None:
        # A value some writers escape (quotes, backslashes, `/`, non-ASCII text) may not
        # appear in the line as written here: then no line is skipped.
        self._everything = not all(map(_written_as_is, codes | categories))
        alternatives = sorted((re.escape(code.encode()) for code in codes), key=len, reverse=True)
        # JSON's blanks: a line can hold a carriage return (a newline would end it).
        values = b'[ \\t\\r\\n]*"?(?:' + b"|".join(alternatives) + b")(?![0-9])"
        self._code_value = re.compile(b'code"[ \\t\\r\\n]*:' + values) if alternatives else _NOTHING
        self._any_value = re.compile(b":" + values) if alternatives else _NOTHING
        self._categories = tuple(b'"' + name.encode() + b'"' for name in sorted(categories))

    def may_match(self, line: bytes) -> bool:
        """False only when no event in `line` can have one of the codes or categories."""
        if self._everything:
            return True
        # A `code"` match lets the line through whatever its shape (letting through more
        # is allowed), and in ECS lines it comes early: most relevant lines stop there.
        if self._code_value.search(line) is not None:
            return True
        if self._categories and self._has_category(line):
            return True
        # rfind, not `in`: CPython's reverse search is the faster one for this needle
        # (0.15 against 0.38 us on a 400-byte line without it).
        if line.rfind(_WINDOWS_KEY) < 0:
            return False
        return self._any_value.search(line) is not None or _odd_event_id(line)

    def _has_category(self, line: bytes) -> bool:
        """Whether one of the categories is written as a string value in the line."""
        for quoted in self._categories:
            start = line.find(quoted)
            while start >= 0:
                end = start + len(quoted)
                rest = line[end : end + 16].lstrip(_BLANKS)
                if not rest or rest[0] in _VALUE_END:
                    return True
                start = line.find(quoted, end)
        return False


_BLANK = rb"[ \t\r\n]*"
# An EventID written as a plain number, quoted or not, alone or as the `#text` after the
# `#attributes` of the evtx JSON shape.
_PLAIN_EVENT_ID = re.compile(
    rb'EventID"' + _BLANK + rb":" + _BLANK
    + rb'(?:\{' + _BLANK + rb'"#attributes"' + _BLANK + rb":" + _BLANK + rb"\{[^{}]*\}"
    + _BLANK + rb"," + _BLANK + rb'"#text"' + _BLANK + rb":" + _BLANK + rb")?"
    + rb'("?)(?:[1-9][0-9]*|0)\1' + _BLANK + rb"[,}]"
)  # fmt: skip


def _odd_event_id(line: bytes) -> bool:
    """Whether an `EventID` value in the line is written other than as a plain number."""
    return line.count(_WINDOWS_KEY) != len(_PLAIN_EVENT_ID.findall(line))


def _written_as_is(value: str) -> bool:
    """Whether every JSON writer writes `value` in a string as it is."""
    return value.isascii() and value.isprintable() and not any(c in value for c in '"\\/')
