"""The EQL function registry: name, arity, `~` support and a scalar implementation.

Implementations receive already-evaluated scalar arguments (multi-valued fields are
expanded by the caller) and follow Elasticsearch's processors
(`x-pack/plugin/eql/.../expression/function/scalar/*`, `InternalEqlScriptUtils`):
any null input gives null unless noted; see docs/eql-semantics.md for each function.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from relaywatch.eql.values import canonical_ip, is_number, java_string
from relaywatch.errors import EqlRuntimeError

Impl = Callable[..., Any]
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class Function:
    name: str  # canonical camelCase spelling
    min_args: int
    max_args: int | None  # None = variadic
    impl: Impl
    case_aware: bool = False  # accepts `~`; the impl then takes `insensitive` as first argument
    string_args: tuple[int, ...] = ()  # positions that must be strings (checked on literals)
    number_args: tuple[int, ...] = ()  # positions that must be numbers (checked on literals)
    returns_boolean: bool = False


# ---------------------------------------------------------------- string functions


def _text(value: Any) -> str | None:
    return java_string(value)


def starts_with(insensitive: bool, source: Any, prefix: Any) -> bool | None:
    s, p = _text(source), _text(prefix)
    if s is None or p is None:
        return None
    return s.lower().startswith(p.lower()) if insensitive else s.startswith(p)


def ends_with(insensitive: bool, source: Any, suffix: Any) -> bool | None:
    s, p = _text(source), _text(suffix)
    if s is None or p is None:
        return None
    return s.lower().endswith(p.lower()) if insensitive else s.endswith(p)


def string_contains(insensitive: bool, source: Any, needle: Any) -> bool | None:
    s, p = _text(source), _text(needle)
    if s is None or p is None:
        return None
    if not s or not p:  # the script path answers false for empty operands
        return False
    return p.lower() in s.lower() if insensitive else p in s


def index_of(insensitive: bool, source: Any, needle: Any, start: Any = 0) -> int | None:
    s, p = _text(source), _text(needle)
    if s is None or p is None:
        return None
    begin = 0 if start is None else max(int(start), 0)
    if begin > len(s):
        return None
    if insensitive:
        s, p = s.lower(), p.lower()
    found = s.find(p, begin)
    return None if found < 0 else found


def between(
    insensitive: bool, source: Any, left: Any, right: Any, greedy: Any = False
) -> str | None:
    s, lt, rt = _text(source), _text(left), _text(right)
    if s is None or lt is None or rt is None:
        return None
    if not s or not lt or not rt:
        return s
    haystack = s.lower() if insensitive else s
    lt_, rt_ = (lt.lower(), rt.lower()) if insensitive else (lt, rt)
    begin = haystack.find(lt_)
    if begin < 0:
        return ""
    begin += len(lt_)
    end = haystack.rfind(rt_) if greedy is True else haystack.find(rt_, begin)
    if end < begin:
        return ""
    return s[begin:end]


def substring(source: Any, start: Any, end: Any = None) -> str | None:
    s = _text(source)
    if not s or start is None:
        return s
    length = len(s)
    begin = int(start) + length if int(start) < 0 else int(start)
    begin = max(begin, 0)
    stop = length if end is None else int(end)
    stop = stop + length if stop < 0 else stop
    stop = min(max(stop, 0), length)
    return s[begin:stop] if begin < stop else ""


def concat(*values: Any) -> str | None:
    parts = [_text(value) for value in values]
    if any(part is None for part in parts):
        return None
    return "".join(parts)  # type: ignore[arg-type]


def length(source: Any) -> int | None:
    s = _text(source)
    return None if s is None else len(s)


def to_string(value: Any) -> str | None:
    return _text(value)


def number(source: Any, base: Any = None) -> int | float | None:
    """`ToNumberFunctionProcessor`: base 10 tries `Long.valueOf` then `Double.valueOf`;
    a leading lower-case `0x` means base 16 when no base is given."""
    if source is None:
        return None
    if is_number(source):
        return source  # type: ignore[no-any-return]
    text = _text(source)
    assert text is not None
    radix = 10 if base is None else int(base)
    if base is None and text.startswith("0x"):
        text, radix = text[2:], 16
    if radix == 10:
        return _java_long_or_double(text)
    try:
        if not _JAVA_DIGITS.fullmatch(text):
            raise ValueError(text)
        return _checked(int(text, radix))
    except ValueError:
        raise EqlRuntimeError(f"number(): cannot parse {text!r} in base {radix}") from None


_JAVA_DIGITS = re.compile(r"[+-]?[0-9A-Za-z]+")  # Long.parseLong: sign and digits, no blanks
_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)")


def _java_long_or_double(text: str) -> int | float:
    if _JAVA_DIGITS.fullmatch(text) and text.lstrip("+-").isdigit():
        value = int(text)
        if LONG_MIN <= value <= LONG_MAX:
            return value
    stripped = text.strip()  # Double.valueOf ignores surrounding whitespace
    if not _JAVA_DOUBLE.fullmatch(stripped):
        raise EqlRuntimeError(f"number(): cannot parse {text!r}")
    return float(stripped.rstrip("fFdD").replace("Infinity", "inf"))


@lru_cache(maxsize=4096)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise EqlRuntimeError(f"cidrMatch(): invalid CIDR {cidr!r}") from None


def cidr_match(address: Any, *cidrs: Any) -> bool | None:
    canonical = canonical_ip(address)
    if canonical is None:
        return None
    ip = ipaddress.ip_address(canonical)
    return any(
        cidr is not None and ip.version == (net := _network(str(cidr))).version and ip in net
        for cidr in cidrs
    )


# ---------------------------------------------------------------- arithmetic


def _numbers(*values: Any) -> bool:
    return all(is_number(value) for value in values)


def _checked(value: int | float) -> int | float:
    # Java long arithmetic uses *Exact methods: overflow fails the query.
    if isinstance(value, int) and not LONG_MIN <= value <= LONG_MAX:
        raise EqlRuntimeError("long overflow")
    return value


def add(left: Any, right: Any) -> int | float | None:
    return None if left is None or right is None else _checked(_arith(left) + _arith(right))


def subtract(left: Any, right: Any) -> int | float | None:
    return None if left is None or right is None else _checked(_arith(left) - _arith(right))


def multiply(left: Any, right: Any) -> int | float | None:
    return None if left is None or right is None else _checked(_arith(left) * _arith(right))


def divide(left: Any, right: Any) -> int | float | None:
    if left is None or right is None:
        return None
    a, b = _arith(left), _arith(right)
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise EqlRuntimeError("division by zero")
        quotient = abs(a) // abs(b)  # Java truncates integer division toward zero
        return _checked(quotient if (a >= 0) == (b >= 0) else -quotient)
    if b == 0:  # Java double division: infinities and NaN, no error
        return (
            math.nan
            if a == 0 or math.isnan(a)
            else math.copysign(math.inf, a) * math.copysign(1, b)
        )
    return a / b


def modulo(left: Any, right: Any) -> int | float | None:
    if left is None or right is None:
        return None
    a, b = _arith(left), _arith(right)
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise EqlRuntimeError("division by zero")
        remainder = abs(a) % abs(b)  # Java's % takes the sign of the dividend
        return remainder if a >= 0 else -remainder
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan  # Java double remainder
    return math.fmod(a, b)


def _arith(value: Any) -> int | float:
    if not is_number(value):
        raise EqlRuntimeError(f"arithmetic on a non-number: {value!r}")
    return value  # type: ignore[no-any-return]


# ---------------------------------------------------------------- registry

FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("add", 2, 2, add, number_args=(0, 1)),
        Function("between", 3, 4, between, case_aware=True, string_args=(0, 1, 2)),
        Function("cidrMatch", 2, None, cidr_match, returns_boolean=True),
        Function("concat", 1, None, concat),
        Function("divide", 2, 2, divide, number_args=(0, 1)),
        Function("endsWith", 2, 2, ends_with, case_aware=True, string_args=(0, 1),
                 returns_boolean=True),
        Function("indexOf", 2, 3, index_of, case_aware=True, string_args=(0, 1),
                 number_args=(2,)),
        Function("length", 1, 1, length, string_args=(0,)),
        Function("modulo", 2, 2, modulo, number_args=(0, 1)),
        Function("multiply", 2, 2, multiply, number_args=(0, 1)),
        Function("number", 1, 2, number, string_args=(0,), number_args=(1,)),
        Function("startsWith", 2, 2, starts_with, case_aware=True, string_args=(0, 1),
                 returns_boolean=True),
        Function("string", 1, 1, to_string),
        Function("stringContains", 2, 2, string_contains, case_aware=True, string_args=(0, 1),
                 returns_boolean=True),
        Function("subtract", 2, 2, subtract, number_args=(0, 1)),
        Function("substring", 2, 3, substring, string_args=(0,), number_args=(1, 2)),
    )
}  # fmt: skip

_BY_LOWER = {name.lower(): name for name in FUNCTIONS}


def resolve_function_name(written: str) -> str | None:
    """Function names are case-insensitive (`EqlFunctionRegistry.normalize`)."""
    return _BY_LOWER.get(written.lower())
