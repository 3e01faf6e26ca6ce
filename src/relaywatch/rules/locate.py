"""Line numbers inside rule files, which `tomllib` and `json` do not report for values.

Rule errors must name the file and line (STYLE.md §3). `tomllib` only gives a position for
syntax errors, so the line of a key is recovered by scanning the text with the table headers
in mind: good enough for the flat, hand-written layout every detection-rules file uses.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
_DECODE_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_OPENERS = ("'''", '"""')


def decode_error_line(message: str) -> int:
    """The 1-based line of a `tomllib.TOMLDecodeError` message, 0 when it gives none."""
    match = _DECODE_POSITION.search(message)
    return int(match.group(1)) if match else 0


class TomlLines:
    """Where tables and keys sit in one TOML text."""

    def __init__(self, text: str) -> None:
        self._keys: dict[tuple[str, str], int] = {}
        self._headers: dict[str, list[int]] = {}
        self._query_starts: dict[str, int] = {}
        self._scan(text.splitlines())

    def _scan(self, lines: list[str]) -> None:
        table = ""
        in_multiline: str | None = None
        for number, line in enumerate(lines, start=1):
            if in_multiline:
                # Inside a multi-line string a "[rule]" line is text, not a header.
                if in_multiline in line:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header:
                table = header.group(1).replace(" ", "")
                self._headers.setdefault(table, []).append(number)
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((table, key.group(1)), number)
                in_multiline = _opens_multiline(line)
                if in_multiline and line.rstrip().endswith(in_multiline):
                    self._query_starts[f"{table}.{key.group(1)}"] = number + 1

    def key(self, table: str, key: str) -> int:
        """Line of `key = ...` in `[table]`, else the table header's line, else 0."""
        return self._keys.get((table, key)) or self.header(table)

    def header(self, table: str, index: int = 0) -> int:
        """Line of the `index`-th `[table]` / `[[table]]` header, 0 when absent."""
        found = self._headers.get(table, [])
        return found[index] if index < len(found) else 0

    def value_start(self, table: str, key: str) -> int:
        """First line of a key's value: TOML drops the newline right after an opening `'''`."""
        return self._query_starts.get(f"{table}.{key}") or self.key(table, key)


def _opens_multiline(line: str) -> str | None:
    value = line.split("=", 1)[1]
    for opener in _OPENERS:
        if opener in value and value.count(opener) == 1:
            return opener
    return None
