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


def _piece_regex(piece: str) -> re.Pattern[str]:
    # A piece has no `*`: its regex is fixed-length, so searching it cannot backtrack badly.
    return re.compile("".join("." if c == "?" else re.escape(c) for c in piece), re.DOTALL)


def _general(pieces: list[str]) -> Matcher:
    first, last = _piece_regex(pieces[0]), _piece_regex(pieces[-1])
    first_len, last_len = len(pieces[0]), len(pieces[-1])
    middle = [_piece_regex(p) for p in pieces[1:-1] if p]
    anchored_only = len(pieces) == 1

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
