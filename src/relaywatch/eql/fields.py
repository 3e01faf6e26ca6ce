"""Reading a field from a document as Elasticsearch's `_source` lookups do.

Documents may be nested (`{"event": {"code": "4624"}}`), dotted
(`{"event.code": "4624"}`) or any mix, and an object array flattens
(`{"a": [{"b": 1}, {"b": 2}]}` gives `a.b = [1, 2]`). The getter for a two- or
three-part path tries the nested lookup first, which is what Winlogbeat and
Elastic Agent write, and falls back to the general walk only when that misses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relaywatch.eql.values import IP_FIELDS, ip_value

Document = dict[str, Any]
Getter = Callable[[Document], Any]
_MISSING = object()


def make_getter(path: tuple[str, ...]) -> Getter:
    if len(path) == 1:
        key = path[0]
        return lambda doc: doc.get(key)
    if len(path) == 2:
        return _two(path)
    if len(path) == 3:
        return _three(path)
    return lambda doc: lookup(doc, path)


def _two(path: tuple[str, ...]) -> Getter:
    first, second = path
    dotted = f"{first}.{second}"

    def get(doc: Document) -> Any:
        inner = doc.get(first)
        if inner.__class__ is dict:
            value = inner.get(second)
            if value is not None:
                return value
            # What `lookup` finds when the nested object has no value: the dotted key.
            # A field most documents lack (host.ip in raw logs) takes this path.
            return doc.get(dotted)
        return lookup(doc, path)

    return get


def _three(path: tuple[str, ...]) -> Getter:
    first, second, third = path

    def get(doc: Document) -> Any:
        inner = doc.get(first)
        if inner.__class__ is dict:
            inner = inner.get(second)
            if inner.__class__ is dict:
                value = inner.get(third)
                if value is not None:
                    return value
        return lookup(doc, path)

    return get


def typed_getter(path: tuple[str, ...]) -> Getter:
    """A getter that renders the values of ip-typed fields in canonical address form, so
    that they compare and join by address value, as Elasticsearch's doc values do."""
    get = make_getter(path)
    if ".".join(path) not in IP_FIELDS:
        return get

    def get_ip(doc: Document) -> Any:
        value = get(doc)
        if value.__class__ is list:
            return [ip_value(item) for item in value]
        return ip_value(value)

    return get_ip


def lookup(node: Any, path: tuple[str, ...]) -> Any:
    """The general walk: every split of the path into nested and dotted keys, lists flattened."""
    if not path:
        return node
    if node.__class__ is list:
        found: list[Any] = []
        for item in node:
            value = lookup(item, path)
            if value is None:
                continue
            found.extend(value if value.__class__ is list else (value,))
        return found or None
    if not isinstance(node, dict):
        return None
    for cut in range(1, len(path) + 1):
        value = node.get(".".join(path[:cut]), _MISSING)
        if value is not _MISSING:
            result = lookup(value, path[cut:])
            if result is not None:
                return result
    return None


def scalar_values(value: Any) -> list[Any]:
    """A field's values for existential tests: list elements, nulls dropped; [None] if none."""
    if value.__class__ is list:
        present = [item for item in _flatten(value) if item is not None]
        return present or [None]
    return [value]


def _flatten(values: list[Any]) -> list[Any]:
    # Elasticsearch indexes [[1, 2], 3] as the values 1, 2, 3.
    if not any(item.__class__ is list for item in values):
        return values
    flat: list[Any] = []
    for item in values:
        flat.extend(_flatten(item) if item.__class__ is list else (item,))
    return flat
