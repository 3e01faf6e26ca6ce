"""Wildcard patterns (`*` any run, `?` one character) compiled to fast matchers.

Elasticsearch's `:` and `like` have no escape for a literal `*` or `?` (PR #65237),
and backslashes are literal. Matching never backtracks exponentially: the pattern is
split on `*`, the first and last pieces are anchored, and each middle piece is found
at its leftmost position, which is optimal for `*`-separated pieces — O(len(value) *
len(pattern)) at worst, and plain `str` searches in the common cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Matcher = Callable[[str], bool]


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def compile_wildcard(pattern: str, insensitive: bool) -> Matcher:
    """A predicate on strings; case-insensitive matching folds both sides per character."""
    if insensitive:
        pattern = pattern.lower()
        match = _compile(pattern)
        return lambda value: match(value.lower())
    return _compile(pattern)


def _compile(pattern: str) -> Matcher:
    if not has_wildcard(pattern):
        return pattern.__eq__
    pieces = pattern.split("*")
    if "?" not in pattern:
        return _literal_pieces(pieces)
    return _general(pieces)


def _literal_pieces(pieces: list[str]) -> Matcher:
    first, last, middle = pieces[0], pieces[-1], [p for p in pieces[1:-1] if p]
    if not middle:
        if not first and not last:
            return lambda value: True
        if not first:
            return lambda value: value.endswith(last)
        if not last:
            return lambda value: value.startswith(first)
        minimum = len(first) + len(last)
        return lambda value: (
            len(value) >= minimum and value.startswith(first) and value.endswith(last)
        )
    if not first and not last and len(middle) == 1:
        needle = middle[0]
        return lambda value: needle in value

    def match(value: str) -> bool:
        if not value.startswith(first):
            return False
        end = len(value) - len(last)
        if end < len(first) or not value.endswith(last):
            return False
        position = len(first)
        for piece in middle:
            found = value.find(piece, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True

    return match


def compile_lucene_wildcard(pattern: str, insensitive: bool) -> Matcher:
    """A Lucene `wildcard` query pattern: `*`, `?`, and `\\` escaping the next character.

    Elasticsearch pushes `endsWith(field, "x")` and `stringContains(field, "x")` down as
    the wildcard `*x` / `*x*` without escaping `x` (QueryTranslator
    `CaseInsensitiveScalarFunctions`), so their literals are read with these rules.
    """
    if insensitive:
        pattern = pattern.lower()
    pieces: list[list[str | None]] = [[]]  # None stands for `?`
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pieces[-1].append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            pieces.append([])
        else:
            pieces[-1].append(None if char == "?" else char)
        index += 1
    if all(item is not None for piece in pieces for item in piece):
        match = _literal_pieces(["".join(piece) for piece in pieces])  # type: ignore[arg-type]
    else:
        match = _general([_item_regex(piece) for piece in pieces], [len(piece) for piece in pieces])
    if insensitive:
        return lambda value: match(value.lower())
    return match


def _item_regex(piece: list[str | None]) -> re.Pattern[str]:
    return re.compile("".join("." if c is None else re.escape(c) for c in piece), re.DOTALL)


def _piece_regex(piece: str) -> re.Pattern[str]:
    # A piece has no `*`: its regex is fixed-length, so searching it cannot backtrack badly.
    return re.compile("".join("." if c == "?" else re.escape(c) for c in piece), re.DOTALL)


def _general(
    pieces: list[re.Pattern[str]] | list[str], lengths: list[int] | None = None
) -> Matcher:
    regexes = [p if isinstance(p, re.Pattern) else _piece_regex(p) for p in pieces]
    sizes = lengths or [len(p) for p in pieces]  # type: ignore[arg-type]
    return _anchored_pieces(regexes, sizes)


def _anchored_pieces(regexes: list[re.Pattern[str]], sizes: list[int]) -> Matcher:
    first, last = regexes[0], regexes[-1]
    first_len, last_len = sizes[0], sizes[-1]
    middle = [regex for regex, size in zip(regexes[1:-1], sizes[1:-1], strict=True) if size]
    anchored_only = len(regexes) == 1

    def match(value: str) -> bool:
        if anchored_only:
            return first.fullmatch(value) is not None
        end = len(value) - last_len
        if end < first_len or not first.match(value) or not last.fullmatch(value, end):
            return False
        position = first_len
        for piece in middle:
            found = piece.search(value, position, end)
            if found is None:
                return False
            position = found.end()
        return True

    return match
