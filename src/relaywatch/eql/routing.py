"""Routing: which compiled filters an event can possibly match, decided from its
`event.category` and `event.code` alone and cached per distinct (category, code) pair.

For an unrelated event the whole cost of a query is then two field reads and one
dictionary look-up; `Router` answers for one query, `eql.MatcherSet` for many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from relaywatch.eql.fields import Document, make_getter
from relaywatch.eql.stages import CATEGORY_FIELD, CODE_FIELD, Filter, category_matches, code_of

T = TypeVar("T")
CACHE_LIMIT = 65_536
_GET_CATEGORY = make_getter(CATEGORY_FIELD)
_GET_CODE = make_getter(CODE_FIELD)


def event_route_key(doc: Document) -> tuple[Any, Any]:
    """(event.category, event.code) as a cache key: lists become tuples."""
    event = doc.get("event")
    category = code = None
    if event.__class__ is dict:  # the nested ECS layout every shipper writes
        category = event.get("category")
        code = event.get("code")
        if code.__class__ is str and category is not None:
            # The common case, kept cheap: a category list needs no per-item typing, as
            # only string elements can ever equal a query's category.
            return (tuple(category) if category.__class__ is list else category, code)
    if category is None:  # dotted keys, or a missing field: the general look-up
        category = _GET_CATEGORY(doc)
    if code is None:
        code = _GET_CODE(doc)
    return (_key_part(category), _key_part(code))


def _key_part(value: Any) -> Any:
    # Strings are the rule; anything else keeps its type in the key, so that `True`,
    # `1` and `1.0` (equal in Python) do not share a cache entry.
    if value.__class__ is str or value is None:
        return value
    if value.__class__ is list:
        key = tuple(value)
        for item in key:
            if item.__class__ is not str:
                return tuple(_key_part(part) for part in value)
        return key
    return (type(value).__name__, value)


class RouteCache(Generic[T]):
    """`compute(doc)` remembered per (category, code) pair; bounded in size."""

    def __init__(self, compute: Callable[[Document], T]) -> None:
        self.compute = compute
        self.entries: dict[tuple[Any, Any], T] = {}

    def get(self, doc: Document) -> T:
        key = event_route_key(doc)
        try:
            found = self.entries.get(key)
        except TypeError:  # an unhashable value where a category or code should be
            key = (repr(key[0]), repr(key[1]))
            found = self.entries.get(key)
        if found is None:
            found = self.compute(doc)
            if len(self.entries) >= CACHE_LIMIT:
                self.entries.clear()
            self.entries[key] = found
        return found


class Router:
    """The filters of one query that an event can match (indexes into `filters`)."""

    def __init__(self, filters: list[Filter]) -> None:
        self.filters = filters
        self.cache: RouteCache[tuple[int, ...]] = RouteCache(self._route)

    def candidates(self, doc: Document) -> tuple[int, ...]:
        return self.cache.get(doc)

    def _route(self, doc: Document) -> tuple[int, ...]:
        category, codes = _GET_CATEGORY(doc), code_of(_GET_CODE(doc))
        return tuple(
            index
            for index, flt in enumerate(self.filters)
            if category_matches(flt.category, category)
            and (flt.codes is None or any(c in flt.codes for c in codes))
        )
