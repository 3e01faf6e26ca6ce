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
  appears anywhere as a JSON value (after a colon, blanks and an optional quote).
"""

from __future__ import annotations

import re

_WINDOWS_KEY = b'EventID"'
_NOTHING = re.compile(b"(?!)")


class LinePrefilter:
    __slots__ = ("_any_value", "_code_value")

    def __init__(self, codes: frozenset[str]) -> None:
        alternatives = sorted((re.escape(code.encode()) for code in codes), key=len, reverse=True)
        values = b'[ \\t]*"?(?:' + b"|".join(alternatives) + b")(?![0-9])"
        self._code_value = re.compile(b'code"[ \\t]*:' + values) if alternatives else _NOTHING
        self._any_value = re.compile(b":" + values) if alternatives else _NOTHING

    def may_match(self, line: bytes) -> bool:
        """False only when no event in `line` can have one of the codes."""
        # A `code"` match lets the line through whatever its shape (letting through more
        # is allowed), and in ECS lines it comes early: most relevant lines stop there.
        if self._code_value.search(line) is not None:
            return True
        # rfind, not `in`: CPython's reverse search is the faster one for this needle
        # (0.15 against 0.38 us on a 400-byte line without it).
        return line.rfind(_WINDOWS_KEY) >= 0 and self._any_value.search(line) is not None
