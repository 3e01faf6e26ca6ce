"""Many queries over one event stream, routed once per event.

A scan runs every selected rule over the same ordered events. Asking each rule's
matcher in turn would read `event.category` and `event.code` once per rule; a
`MatcherSet` reads them once, looks the (category, code) pair up in one cache, and
hands the event only to the matchers that have a filter for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from relaywatch.eql.fields import Document
from relaywatch.eql.query import DATA_ERRORS, Matcher, Query, Result
from relaywatch.eql.routing import RouteCache
from relaywatch.eql.stages import KeyValues

Route = tuple[tuple[int, tuple[int, ...]], ...]  # (matcher index, its filter indexes)
# (matcher index, the filter indexes that accept the event, the join keys of each of those
# stages, the `until` keys); None for all three: evaluate the event again.
Verdict = tuple[
    int, Sequence[int] | None, Sequence[tuple[int, list[KeyValues]]] | None, list[KeyValues] | None
]
Verdicts = tuple[Verdict, ...]
# Join keys a verdict carries at most (a multi-valued key can have thousands).
MAX_KEYS_CARRIED = 64


def _travels(groups: Iterable[list[KeyValues]]) -> bool:
    """Whether join keys come back from JSON as they went in: orjson writes NaN and
    infinity as null. (A BoolKey or an integer past 64 bits is no JSON value at all:
    the time order pickles such a note, `relaywatch.detect.order`.)"""
    return all(
        part.__class__ is not float or math.isfinite(part)
        for keys in groups
        for key in keys
        for part in key
    )


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
        """What each query makes of the event, changing no state: for every query some
        filter of which accepts it, (query index, accepting filter indexes, the join keys
        per accepting stage, the `until` keys), the keys None for a query that keeps no
        state; (query index, None, None, None) when a condition or key fails on a bad value
        (the matcher then meets and counts the error itself). A query for which the event
        lacks a mandatory join key is left out, as its matcher would ignore the event.
        Empty: no query can use the event, so it can be dropped before ordering (as ES's
        per-stage searches never return it).

        Worked out where the events are read, on every core, and handed with the event
        to `feed_verdicts` in the process that runs the matchers: the conditions and keys
        are evaluated once per event, and the event need not even be decoded there.
        """
        out: list[Verdict] = []
        for index, candidates in self.routes.get(doc):
            matcher = self.matchers[index]
            conditions = matcher.conditions
            try:
                matched = [stage for stage in candidates if conditions[stage](doc)]
                if not matched:
                    continue
                if not matcher.keyed:
                    out.append((index, tuple(matched), None, None))
                    continue
                hits, until_keys = matcher.join_keys(doc, matched)
            except DATA_ERRORS:
                out.append((index, None, None, None))
                continue
            if not hits and not until_keys:
                continue  # a mandatory join key is missing: the matcher would do nothing
            carried = sum(map(len, hits.values())) + len(until_keys)
            if carried > MAX_KEYS_CARRIED or not _travels([*hits.values(), until_keys]):
                # Many combinations of multi-valued keys would make the event travel with
                # far more than itself; a value JSON would not keep would change on the
                # way: either way the matcher works the event out itself.
                out.append((index, None, None, None))
                continue
            out.append((index, tuple(matched), list(hits.items()), until_keys))
        return tuple(out)

    def feed_verdicts(
        self,
        event: Any,
        verdicts: Verdicts,
        timestamp: int,
        tag: Any,
        load: Callable[[], Document],
    ) -> list[tuple[int, Result]]:
        """`feed` for an event whose `verdicts` were worked out before: the same results.

        `event` is what results hold for this event (it is never read: it may stand for
        a document not yet decoded); `load()` gives the document itself, asked for only
        when a verdict says the matcher must evaluate the event again. The verdicts may
        have been through JSON (lists for tuples)."""
        out: list[tuple[int, Result]] = []
        for index, matched, hits, until_keys in verdicts:
            matcher = self.matchers[index]
            if matched is None:
                found = matcher.feed(load(), timestamp, tag)
            else:
                keys = {stage: [tuple(key) for key in keys] for stage, keys in hits or ()}
                until = [tuple(key) for key in until_keys or ()]
                found = matcher.feed_keyed(event, keys, until, timestamp, tag)
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
