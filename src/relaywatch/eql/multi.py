"""Many queries over one event stream, routed once per event.

A scan runs every selected rule over the same ordered events. Asking each rule's
matcher in turn would read `event.category` and `event.code` once per rule; a
`MatcherSet` reads them once, looks the (category, code) pair up in one cache, and
hands the event only to the matchers that have a filter for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relaywatch.eql.fields import Document
from relaywatch.eql.query import DATA_ERRORS, Matcher, Query, Result
from relaywatch.eql.routing import RouteCache

Route = tuple[tuple[int, tuple[int, ...]], ...]  # (matcher index, its filter indexes)
# (matcher index, the filter indexes that accept the event, or None: evaluate again)
Verdicts = tuple[tuple[int, tuple[int, ...] | None], ...]


class MatcherSet:
    """One `Matcher` per query, fed through a shared router."""

    def __init__(self, queries: Sequence[Query]) -> None:
        self.matchers: list[Matcher] = [query.matcher() for query in queries]
        self.routes: RouteCache[Route] = RouteCache(self._route)

    def feed(
        self, doc: Document, timestamp: int | None = None, tag: Any = None
    ) -> list[tuple[int, Result]]:
        """(query index, result) pairs completed by this event, in query order."""
        out: list[tuple[int, Result]] = []
        for index, candidates in self.routes.get(doc):
            found = self.matchers[index].feed_routed(doc, candidates, timestamp, tag)
            if found:
                out.extend((index, result) for result in found)
        return out

    def verdicts(self, doc: Document) -> Verdicts:
        """Which filters of which queries accept the event, changing no state: (query
        index, accepting filter indexes) for every query some filter of which accepts it,
        with None for the filters when one fails on a bad value (the matcher then meets
        and counts the error itself). Empty: no query can use the event, so it can be
        dropped before ordering (as ES's per-stage searches never return it).

        Worked out where the events are read, on every core, and handed with the event
        to `feed_verdicts` in the process that runs the matchers, so that the conditions
        run once per event, not twice.
        """
        out: list[tuple[int, tuple[int, ...] | None]] = []
        for index, candidates in self.routes.get(doc):
            conditions = self.matchers[index].conditions
            try:
                matched = [stage for stage in candidates if conditions[stage](doc)]
            except DATA_ERRORS:
                out.append((index, None))
                continue
            if matched:
                out.append((index, tuple(matched)))
        return tuple(out)

    def feed_verdicts(
        self, doc: Document, verdicts: Verdicts, timestamp: int | None = None, tag: Any = None
    ) -> list[tuple[int, Result]]:
        """`feed` for an event whose `verdicts` were worked out before: the same results."""
        out: list[tuple[int, Result]] = []
        for index, matched in verdicts:
            matcher = self.matchers[index]
            if matched is None:
                found = matcher.feed(doc, timestamp, tag)
            else:
                found = matcher.feed_matched(doc, matched, timestamp, tag)
            if found:
                out.extend((index, result) for result in found)
        return out

    def finish(self) -> list[tuple[int, Result]]:
        return [
            (index, result)
            for index, matcher in enumerate(self.matchers)
            for result in matcher.finish()
        ]

    def _route(self, doc: Document) -> Route:
        return tuple(
            (index, candidates)
            for index, matcher in enumerate(self.matchers)
            if (candidates := matcher.router.candidates(doc))
        )
