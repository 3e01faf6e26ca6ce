"""The EQL abstract syntax tree: frozen, slotted dataclasses whose `str()` is valid EQL.

Positions (`line`, `column`) are carried for error messages but excluded from
equality, so `parse(str(ast)) == ast` holds for every query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

_PLAIN_NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_@]*\Z")
_KEYWORDS_NEEDING_QUOTES = frozenset(
    {"and", "any", "by", "false", "in", "like", "maxspan", "not", "null", "or", "regex",
     "sample", "sequence", "true", "until", "where", "with"}
)  # fmt: skip


def _pos() -> int:
    return field(default=0, compare=False, repr=False)


def quote_string(value: str) -> str:
    """Render a string literal that the lexer reads back to the same value."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def quote_name(part: str) -> str:
    if _PLAIN_NAME.match(part) and part not in _KEYWORDS_NEEDING_QUOTES:
        return part
    return "`" + part.replace("`", "``") + "`"


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | int | float | bool | None
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        value = self.value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return quote_string(value)
        return repr(value)


@dataclass(frozen=True, slots=True)
class Field:
    path: tuple[str, ...]
    optional: bool = False
    line: int = _pos()
    column: int = _pos()

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def __str__(self) -> str:
        prefix = "?" if self.optional else ""
        return prefix + ".".join(quote_name(part) for part in self.path)


@dataclass(frozen=True, slots=True)
class FunctionCall:
    name: str  # canonical camelCase name from the function registry
    args: tuple[Expr, ...]
    insensitive: bool = False
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        tilde = "~" if self.insensitive else ""
        return f"{self.name}{tilde}({', '.join(str(arg) for arg in self.args)})"


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Expr
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        return f"-{_wrap(self.operand, PRECEDENCE_UNARY)}"


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # + - * / %
    left: Expr
    right: Expr
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        own = precedence(self)
        # Left-associative: the right operand needs parentheses at equal precedence.
        return f"{_wrap(self.left, own)} {self.op} {_wrap(self.right, own + 1)}"


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str  # == != < <= > >=
    left: Expr
    right: Expr
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        own = precedence(self)
        return f"{_wrap(self.left, own + 1)} {self.op} {_wrap(self.right, own + 1)}"


@dataclass(frozen=True, slots=True)
class InSet:
    operand: Expr
    values: tuple[Expr, ...]
    insensitive: bool = False
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        op = "in~" if self.insensitive else "in"
        items = ", ".join(str(value) for value in self.values)
        return f"{_wrap(self.operand, PRECEDENCE_PREDICATE + 1)} {op} ({items})"


@dataclass(frozen=True, slots=True)
class Match:
    """`:`, `like`, `like~`, `regex`, `regex~` against one or more literal patterns."""

    op: str
    operand: Expr
    patterns: tuple[Literal, ...]
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        operand = _wrap(self.operand, PRECEDENCE_PREDICATE + 1)
        if len(self.patterns) == 1:
            return f"{operand} {self.op} {self.patterns[0]}"
        items = ", ".join(str(pattern) for pattern in self.patterns)
        return f"{operand} {self.op} ({items})"


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        return f"not {_wrap(self.operand, PRECEDENCE_NOT)}"


@dataclass(frozen=True, slots=True)
class And:
    terms: tuple[Expr, ...]
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        own = precedence(self)
        return " and ".join(_wrap(term, own + 1) for term in self.terms)


@dataclass(frozen=True, slots=True)
class Or:
    terms: tuple[Expr, ...]
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        own = precedence(self)
        return " or ".join(_wrap(term, own + 1) for term in self.terms)


Expr: TypeAlias = (
    Literal
    | Field
    | FunctionCall
    | Negate
    | Arithmetic
    | Comparison
    | InSet
    | Match
    | Not
    | And
    | Or
)

PRECEDENCE_OR = 1
PRECEDENCE_AND = 2
PRECEDENCE_NOT = 3
PRECEDENCE_COMPARISON = 4
PRECEDENCE_ADD = 5
PRECEDENCE_MUL = 6
PRECEDENCE_UNARY = 7
PRECEDENCE_PREDICATE = 8  # in, :, like, regex: they attach to a primary (EqlBase.g4)
PRECEDENCE_ATOM = 9


def precedence(node: Expr) -> int:
    if isinstance(node, Or):
        return PRECEDENCE_OR
    if isinstance(node, And):
        return PRECEDENCE_AND
    if isinstance(node, Not):
        return PRECEDENCE_NOT
    if isinstance(node, Comparison):
        return PRECEDENCE_COMPARISON
    if isinstance(node, InSet | Match):
        return PRECEDENCE_PREDICATE
    if isinstance(node, Arithmetic):
        return PRECEDENCE_ADD if node.op in "+-" else PRECEDENCE_MUL
    if isinstance(node, Negate):
        return PRECEDENCE_UNARY
    return PRECEDENCE_ATOM


def _wrap(node: Expr, minimum: int) -> str:
    text = str(node)
    return f"({text})" if precedence(node) < minimum else text


# ---------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class EventQuery:
    category: str | None  # None for `any`
    condition: Expr
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        if self.category is None:
            category = "any"
        elif _PLAIN_NAME.match(self.category) and self.category not in _KEYWORDS_NEEDING_QUOTES:
            category = self.category
        else:
            category = quote_string(self.category)
        return f"{category} where {self.condition}"


@dataclass(frozen=True, slots=True)
class TimeSpan:
    value: int
    unit: str  # ms, s, m, h, d

    MILLIS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}  # noqa: RUF012

    @property
    def millis(self) -> int:
        return self.value * self.MILLIS[self.unit]

    def __str__(self) -> str:
        return f"{self.value}{self.unit}"


@dataclass(frozen=True, slots=True)
class Stage:
    query: EventQuery
    keys: tuple[Expr, ...] = ()
    runs: int = 1
    missing: bool = False
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        text = f"{'!' if self.missing else ''}[{self.query}]"
        if self.keys:
            text += " by " + ", ".join(str(key) for key in self.keys)
        if self.runs != 1:
            text += f" with runs={self.runs}"
        return text


@dataclass(frozen=True, slots=True)
class Sequence:
    stages: tuple[Stage, ...]
    keys: tuple[Expr, ...] = ()
    maxspan: TimeSpan | None = None
    until: Stage | None = None
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        head = "sequence"
        if self.keys:
            head += " by " + ", ".join(str(key) for key in self.keys)
        if self.maxspan is not None:
            head += f" with maxspan={self.maxspan}"
        body = "\n  ".join(str(stage) for stage in self.stages)
        text = f"{head}\n  {body}"
        if self.until is not None:
            text += f"\nuntil {self.until}"
        return text


@dataclass(frozen=True, slots=True)
class Sample:
    stages: tuple[Stage, ...]
    keys: tuple[Expr, ...] = ()
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        head = "sample"
        if self.keys:
            head += " by " + ", ".join(str(key) for key in self.keys)
        body = "\n  ".join(str(stage) for stage in self.stages)
        return f"{head}\n  {body}"


@dataclass(frozen=True, slots=True)
class Pipe:
    name: str  # head | tail
    args: tuple[Expr, ...] = ()
    line: int = _pos()
    column: int = _pos()

    def __str__(self) -> str:
        args = " " + ", ".join(str(arg) for arg in self.args) if self.args else ""
        return f"| {self.name}{args}"


QueryBody: TypeAlias = EventQuery | Sequence | Sample


@dataclass(frozen=True, slots=True)
class Statement:
    query: QueryBody
    pipes: tuple[Pipe, ...] = ()

    def __str__(self) -> str:
        pipes = "".join(f"\n{pipe}" for pipe in self.pipes)
        return f"{self.query}{pipes}"


_CHILDREN: dict[type, Callable[[Any], tuple[object, ...]]] = {
    Statement: lambda n: (n.query, *n.pipes),
    Sequence: lambda n: (*n.keys, *n.stages, *((n.until,) if n.until else ())),
    Sample: lambda n: (*n.keys, *n.stages),
    Stage: lambda n: (n.query, *n.keys),
    EventQuery: lambda n: (n.condition,),
    And: lambda n: n.terms,
    Or: lambda n: n.terms,
    Not: lambda n: (n.operand,),
    Negate: lambda n: (n.operand,),
    Comparison: lambda n: (n.left, n.right),
    Arithmetic: lambda n: (n.left, n.right),
    InSet: lambda n: (n.operand, *n.values),
    Match: lambda n: (n.operand, *n.patterns),
    FunctionCall: lambda n: n.args,
    Pipe: lambda n: n.args,
}


def children(node: object) -> tuple[object, ...]:
    get = _CHILDREN.get(type(node))
    return get(node) if get else ()


def walk(node: object) -> list[object]:
    """Every node below (and including) `node`, parents before children."""
    found: list[object] = [node]
    for child in children(node):
        found.extend(walk(child))
    return found
