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

    def accepts(self, doc: Document) -> bool:
        """Whether any filter of any query accepts the event, changing no state.

        A matcher acts only on events one of its routed conditions accepts, so an event
        this says no to can be dropped before ordering (as ES's per-stage searches never
        return it). An event whose condition fails on a bad value is accepted, so that
        the matcher meets and counts the error itself.
        """
        for index, candidates in self.routes.get(doc):
            conditions = self.matchers[index].conditions
            try:
                for stage in candidates:
                    if conditions[stage](doc):
                        return True
            except DATA_ERRORS:
                return True
        return False

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
