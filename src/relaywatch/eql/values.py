"""Value semantics shared by operators and functions: Java-style `toString`, IP
canonicalisation, and the type coercions Elasticsearch applies when a term or range
query meets a mapped field.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

# ECS fields mapped as `ip`: Elasticsearch compares them by address value and renders
# them in canonical form (eql-semantics.md §6). Without a mapping we take ECS's word.
IP_FIELDS = frozenset(
    {
        "client.ip", "client.nat.ip", "destination.ip", "destination.nat.ip", "host.ip",
        "observer.ip", "related.ip", "server.ip", "server.nat.ip", "source.ip", "source.nat.ip",
    }
)  # fmt: skip

# ECS fields mapped as `date`: compared as instants at millisecond precision, so the
# literal "2017-08-30T20:47:33Z" equals a document's epoch-millisecond value.
DATE_FIELDS = frozenset(
    {
        "@timestamp", "event.created", "event.end", "event.ingested", "event.start",
        "file.accessed", "file.created", "file.ctime", "file.mtime", "process.end",
        "process.start",
    }
)  # fmt: skip

_IP_CACHE: dict[str, str | None] = {}
_IP_CACHE_LIMIT = 65_536


def canonical_ip(value: Any) -> str | None:
    """The address as Elasticsearch renders an `ip` doc value, or None if not an address.

    IPv4-mapped IPv6 addresses are stored as IPv4 (`::ffff:10.0.0.1` -> `10.0.0.1`);
    IPv6 is compressed and lower-cased (Java `InetAddresses.toAddrString`).
    """
    if not isinstance(value, str):
        return None
    cached = _IP_CACHE.get(value, False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    result = _parse_ip(value)
    if len(_IP_CACHE) >= _IP_CACHE_LIMIT:
        _IP_CACHE.clear()
    _IP_CACHE[value] = result
    return result


def _parse_ip(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def ip_sort_key(value: Any) -> int | None:
    """An address as the number Lucene orders ip fields by (IPv4 mapped into IPv6)."""
    canonical = canonical_ip(value)
    if canonical is None:
        return None
    address = ipaddress.ip_address(canonical)
    if isinstance(address, ipaddress.IPv4Address):
        return int(address) + 0xFFFF_0000_0000
    return int(address)


def ip_term_test(text: str) -> Callable[[Any], bool]:
    """A term on an ip field: one address, or every address of a CIDR block."""
    if "/" in text:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            return lambda value: False
        return lambda value: (
            (canonical := canonical_ip(value)) is not None
            and ipaddress.ip_address(canonical) in network
        )
    wanted = canonical_ip(text) or text
    return lambda value: value == wanted


def ip_value(value: Any) -> Any:
    """Field values of an ip-typed field as the engine sees them (canonical strings)."""
    if isinstance(value, str):
        canonical = canonical_ip(value)
        return value if canonical is None else canonical
    return value


def java_string(value: Any) -> str | None:
    """Java `toString()` of a scalar as Elasticsearch's `string()` and `concat()` give it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    return str(value)


def java_double(value: float) -> str:
    """`Double.toString`: plain decimals in [1e-3, 1e7), otherwise `d.dddE±n`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    # repr gives the shortest digits that round-trip, as Java does; only the layout differs.
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    point = len(digit_tuple) + int(exponent)  # position of the decimal point in `digits`
    prefix = "-" if sign else ""
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{digits}"
        whole = digits[:point].ljust(point, "0")
        return f"{prefix}{whole}.{digits[point:] or '0'}"
    return f"{prefix}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_number(value: Any) -> int | float | None:
    """A number from a number or a numeric string (as a numeric mapping parses terms)."""
    if is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None
    return None


def equal(left: Any, right: Any) -> bool | None:
    """Exact equality with the coercions a term query applies; None when either is null."""
    if left is None or right is None:
        return None
    if left.__class__ is right.__class__:
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return java_string(left) == java_string(right)
    if is_number(left) and is_number(right):
        return bool(left == right)
    # A keyword field holding a JSON number is indexed as its string form, and a
    # numeric field parses a string term: both make 4624 equal "4624".
    number = to_number(left if isinstance(left, str) else right)
    other = right if isinstance(left, str) else left
    if number is not None and is_number(other):
        return bool(number == other)
    return java_string(left) == java_string(right)


def compare(left: Any, right: Any) -> int | None:
    """Three-way comparison for `<`, `<=`, `>`, `>=`; None when incomparable or null."""
    if left is None or right is None:
        return None
    if is_number(left) and is_number(right):
        return (left > right) - (left < right)  # type: ignore[no-any-return]
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    return None
