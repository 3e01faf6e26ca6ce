"""The fields every member of a sequence shares: Kibana's `objectArrayIntersection`.

A sequence's shell alert starts from the intersection of its building blocks' sources
(`eql/build_alert_group_from_sequence.ts`, `objectPairIntersection`):

- dotted keys and nested objects are the same field (`"user.email"` == `user: {email}`);
  the result is nested, except paths written dotted in *both* inputs, which stay dotted;
- two objects intersect key by key; two equal scalars (JavaScript `===`, so 1 and "1"
  differ) are kept; arrays intersect as lodash `intersection` does (unique values of the
  first, in order, found in the second), a scalar counting as a one-item array, and an
  empty result stays as `[]`; anything else is dropped;
- objects left empty are removed, and a result with nothing left is None.

Array items that are objects never match: lodash compares them by reference, and the
members of a sequence are distinct documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Doc = Mapping[str, Any]

_DROP = object()


def intersect_all(docs: Sequence[Doc]) -> dict[str, Any] | None:
    """`objectArrayIntersection`: the first document when alone, else the pairwise fold."""
    if not docs:
        return None
    result: dict[str, Any] | None = dict(docs[0])
    for doc in docs[1:]:
        result = intersect_pair(result, doc) if result is not None else None
    return result


def intersect_pair(a: Doc, b: Doc) -> dict[str, Any] | None:
    """`objectPairIntersection` of two documents."""
    a_dotted, b_dotted = _dotted_leaves(a), _dotted_leaves(b)
    merged = _intersect(_nested(a), _nested(b))
    _prune(merged)
    if not merged:
        return None
    return _prefer_notation(merged, a_dotted & b_dotted)


def _nested(doc: Doc) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in _leaves(doc):
        node = out
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[path[-1]] = value
    return out


def _leaves(doc: Doc, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in doc.items():
        path = (*prefix, *key.split("."))
        if isinstance(value, Mapping):
            out.extend(_leaves(value, path))
        else:
            out.append((path, value))
    return out


def _dotted_leaves(doc: Doc, prefix: tuple[str, ...] = ()) -> set[str]:
    """Paths of leaves whose own key was written with dots."""
    out: set[str] = set()
    for key, value in doc.items():
        path = (*prefix, *key.split("."))
        if isinstance(value, Mapping):
            out |= _dotted_leaves(value, path)
        elif "." in key:
            out.add(".".join(path))
    return out


def _intersect(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, a_value in a.items():
        if key in b:
            value = _intersect_values(a_value, b[key])
            if value is not _DROP:
                out[key] = value
    return out


def _intersect_values(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return _intersect(a, b)
    if _same(a, b):
        return a
    if isinstance(a, list) or isinstance(b, list):
        left = a if isinstance(a, list) else [a]
        right = b if isinstance(b, list) else [b]
        return _array_intersection(left, right)
    return _DROP


def _same(a: Any, b: Any) -> bool:
    """JavaScript `===` on JSON values: same type and value; objects only by identity."""
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return a == b
    return type(a) is type(b) and a == b


def _array_intersection(left: list[Any], right: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in left:
        if any(_same(item, other) for other in right) and not any(_same(item, x) for x in out):
            out.append(item)
    return out


def _prune(node: dict[str, Any]) -> None:
    for key in list(node):
        child = node[key]
        if isinstance(child, dict):
            _prune(child)
            if not child:
                del node[key]


def _prefer_notation(nested: dict[str, Any], dotted: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in _leaves(nested):
        joined = ".".join(path)
        if joined in dotted:
            out[joined] = value
            continue
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out
