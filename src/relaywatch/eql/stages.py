"""Compiled event filters: the category test, the condition, the join keys and the
routing facts (which categories and event codes a filter can possibly match).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relaywatch.eql import ast
from relaywatch.eql.compiler import ConditionCompiler, Predicate
from relaywatch.eql.fields import Document, scalar_values, typed_getter
from relaywatch.errors import EqlCompileError, EqlRuntimeError

CATEGORY_FIELD = ("event", "category")
CODE_FIELD = ("event", "code")
KeyValues = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class BoolKey:
    """Keeps `true` apart from `1` in join keys (Python hashes them alike; Java does not)."""

    value: bool


@dataclass(frozen=True, slots=True)
class Filter:
    """One compiled `<category> where <condition>` with its join keys."""

    category: str | None
    condition: Predicate
    key_getters: tuple[Callable[[Document], Any], ...]
    optional_keys: tuple[bool, ...]
    codes: frozenset[str] | None  # event.code values the condition requires, for routing

    def keys(self, doc: Document) -> list[KeyValues]:
        """Every join key of the event (cartesian product of multi-valued keys); [] if a
        mandatory key is missing (Elasticsearch's AddMandatoryJoinKeyFilter)."""
        if not self.key_getters:
            return [()]
        simple = [get(doc) for get in self.key_getters]
        for value in simple:
            if value is None or value.__class__ in _COMPOUND:
                break
        else:  # every key a single plain value: the common case
            return [tuple(simple)]
        per_key: list[list[Any]] = []
        combinations = 1
        for get, optional in zip(self.key_getters, self.optional_keys, strict=True):
            values = _distinct(scalar_values(get(doc)))
            if values == [None] and not optional:
                return []
            per_key.append(values)
            combinations *= len(values)
        if combinations == 1:
            return [tuple(values[0] for values in per_key)]
        if combinations > MAX_KEY_COMBINATIONS:
            # Elasticsearch would build them all; a run counts the event instead of hanging.
            raise EqlRuntimeError(
                f"{combinations} join key combinations (limit {MAX_KEY_COMBINATIONS})"
            )
        return list(itertools.product(*per_key))


# Values that need the general path: arrays, booleans (BoolKey) and objects (an error).
_COMPOUND = (list, bool, dict)
MAX_KEY_COMBINATIONS = 10_000


def _distinct(values: list[Any]) -> list[Any]:
    if any(value.__class__ is dict for value in values):
        raise EqlRuntimeError("a join key holds an object, not a value")
    if len(values) == 1:
        value = values[0]
        return [BoolKey(value) if value.__class__ is bool else value]
    seen: dict[Any, None] = {}
    for value in values:
        seen.setdefault(BoolKey(value) if value.__class__ is bool else value, None)
    return list(seen)


def sortable(key: KeyValues) -> tuple[tuple[bool, str, Any], ...]:
    """A sort key for join keys of mixed types: nulls last, then by type, then by value."""
    return tuple(
        (
            part is None,
            type(part).__name__,
            part if isinstance(part, int | float | str) else str(part),
        )
        for part in key
    )


def plain_key(key: KeyValues) -> list[Any]:
    """Join key values as the response shows them."""
    return [part.value if isinstance(part, BoolKey) else part for part in key]


def compile_filter(query: ast.EventQuery, keys: tuple[ast.Expr, ...], text: str) -> Filter:
    compiler = ConditionCompiler(text)
    condition = compiler.predicate(query.condition)
    getters = []
    optional = []
    for key in keys:
        if not isinstance(key, ast.Field):
            raise EqlCompileError(
                f"join keys must be fields, found [{key}]", text, key.line, key.column
            )
        getters.append(typed_getter(key.path))
        optional.append(key.optional)
    return Filter(
        query.category, condition, tuple(getters), tuple(optional), required_codes(query.condition)
    )


def required_codes(condition: ast.Expr) -> frozenset[str] | None:
    """Event codes a condition insists on (`event.code == "x"` / `in (...)` in its top
    conjunction), or None when any code could match. Used only to route events."""
    terms = condition.terms if isinstance(condition, ast.And) else (condition,)
    for term in terms:
        codes = _codes_of(term)
        if codes is not None:
            return codes
    return None


def _codes_of(term: ast.Expr) -> frozenset[str] | None:
    if isinstance(term, ast.Comparison) and term.op == "==":
        pair = (term.left, term.right)
        field = next((n for n in pair if isinstance(n, ast.Field)), None)
        literal = next((n for n in pair if isinstance(n, ast.Literal)), None)
        if field is not None and literal is not None and field.path == CODE_FIELD:
            return _as_codes([literal.value])
    if isinstance(term, ast.Match) and term.op in (":", "like", "like~"):
        # `event.code : "5145"` pins the code too when no pattern has a wildcard or a
        # letter (case folding then cannot matter): the NTLM relay rule is written so.
        texts = [p.value for p in term.patterns]
        plain = all(
            isinstance(t, str) and t.lower() == t.upper() and "*" not in t and "?" not in t
            for t in texts
        )
        if isinstance(term.operand, ast.Field) and term.operand.path == CODE_FIELD and plain:
            return _as_codes(texts)
    if isinstance(term, ast.InSet) and not term.insensitive and isinstance(term.operand, ast.Field):
        literals = [v.value for v in term.values if isinstance(v, ast.Literal)]
        if term.operand.path == CODE_FIELD and len(literals) == len(term.values):
            return _as_codes(literals)
    return None


def _as_codes(values: list[Any]) -> frozenset[str] | None:
    # Codes are compared as strings: a keyword field holding 4624 matches "4624".
    if any(value is None or isinstance(value, bool | float) for value in values):
        return None
    return frozenset(str(value) for value in values)


def category_matches(category: str | None, value: Any) -> bool:
    """`file where` is an exact, case-sensitive term on event.category (arrays: any)."""
    if category is None:
        return True
    if value.__class__ is list:
        return category in value
    return bool(value == category)


def code_of(value: Any) -> list[str]:
    """Codes as strings, for routing; a whole float (4624.0) counts as its integer, since
    the condition's `equal(4624.0, "4624")` is true as well."""
    if value is None:
        return []
    if value.__class__ is list:
        return [text for item in value if item is not None for text in code_of(item)]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value)), str(value)]
    return [str(value)]
