"""Small helpers that reproduce Java / Painless / Elasticsearch behaviour exactly.

The pipeline's outcome depends on these details (`Long.decode` accepts octal,
`String.split` drops trailing empty strings, mustache templates JSON-escape values),
so they live in one place with their reasons.
"""

from __future__ import annotations

import functools
import re
from typing import Any

Doc = dict[str, Any]

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
# Java's String.trim() removes every character <= U+0020.
JAVA_TRIM = "".join(chr(code) for code in range(33))


class PipelineError(Exception):
    """A processor failed as it would in Elasticsearch (the document gets an error)."""


def long_decode(value: Any) -> int:
    """Java `Long.decode`: optional sign, then `0x`/`0X`/`#` hex, leading-0 octal, decimal."""
    if type(value) is str:
        # Process ids, ports and masks repeat from record to record: decode each once.
        return _long_decode_text(value)
    return _long_decode(value)


def _long_decode(value: Any) -> int:
    if not isinstance(value, str) or not value:
        raise PipelineError(f'For input string: "{value}"')
    text, sign = value, 1
    if text[0] in "+-":
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    base = 10
    if text[:2] in ("0x", "0X"):
        base, text = 16, text[2:]
    elif text[:1] == "#":
        base, text = 16, text[1:]
    elif len(text) > 1 and text[0] == "0":
        base, text = 8, text[1:]
    if not text or text[0] in "+-" or not text.isascii() or not text.isalnum():
        raise PipelineError(f'For input string: "{value}"')
    try:
        number = sign * int(text, base)
    except ValueError:
        raise PipelineError(f'For input string: "{value}"') from None
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise PipelineError(f'For input string: "{value}"')
    return number


_long_decode_text = functools.lru_cache(maxsize=4096)(_long_decode)


def java_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """`String.split(regex)`: like re.split, minus the trailing empty strings."""
    parts = pattern.split(text)
    while parts and parts[-1] == "":
        parts.pop()
    return parts or [text]


def whitespace_split(text: str) -> list[str]:
    """The `split` function of the "Decode message table" script, character for character.

    Leading whitespace is skipped, runs of whitespace separate fields, and trailing
    whitespace leaves one empty last field (which the script then keeps).
    """
    fields: list[str] = []
    last, size = 0, len(text)
    while last < size and text[last].isspace():
        last += 1
    i = last
    while i < size:
        if not text[i].isspace():
            i += 1
            continue
        fields.append(text[last:i])
        while i < size and text[i].isspace():
            i += 1
        last = i
        i += 1
    fields.append(text[last:])
    return fields


_MUSTACHE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def mustache(value: Any) -> str:
    """A value rendered by an ingest `{{template}}`: JSON-string escaped.

    Elasticsearch renders ingest templates with JSON escaping, which is why the
    pipeline's file.target_path shows doubled backslashes.
    """
    text = str(value)
    # Most values (addresses, account names) have nothing to escape: a few C-level
    # scans, and a replace() per character present, cost far less than translate()
    # with a dict. Backslashes go first, so the ones the other escapes add stay single.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text or "\n" in text or "\r" in text or "\t" in text:
        for char, escaped in _MUSTACHE_ESCAPES.items():
            if char != "\\":
                text = text.replace(char, escaped)
    return text


def child(doc: Doc, key: str) -> Doc:
    """`doc[key]` as a dict, created when absent (Painless `if (ctx.x == null) put(...)`)."""
    found = doc.get(key)
    if isinstance(found, dict):
        return found
    made: Doc = {}
    doc[key] = made
    return made


def append_unique(doc: Doc, parent: str, key: str, value: Any) -> None:
    """`append` with allow_duplicates false (also for a scalar already in place)."""
    holder = child(doc, parent)
    current = holder.get(key)
    if current is None:
        holder[key] = [value]
    elif isinstance(current, list):
        if value not in current:
            current.append(value)
    elif current != value:
        holder[key] = [current, value]
