"""`sample by key [filter] [filter] ...`: unordered groups of events sharing a key.

Elasticsearch returns, for each join key that has events for every filter, one
sample made of one event per filter (`max_samples_per_key` defaults to 1); samples
are not time-ordered and come out sorted by their join keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relaywatch.eql.stages import Filter, KeyValues, plain_key, sortable

if TYPE_CHECKING:
    from relaywatch.eql.query import Result

MAX_SAMPLES_PER_KEY = 1


class SampleMatcher:
    def __init__(self, filters: list[Filter]) -> None:
        self.filters = filters
        self.slots: dict[KeyValues, list[tuple[Any, Any] | None]] = {}
        self.done: dict[KeyValues, bool] = {}

    def size(self) -> int:
        return len(self.slots)

    def feed(self, event: Any, tag: Any, hits: dict[int, list[KeyValues]]) -> None:
        for stage, keys in sorted(hits.items()):
            for key in keys:
                slots = self.slots.setdefault(key, [None] * len(self.filters))
                # One event fills at most one slot of a sample: the first filter it matches.
                if slots[stage] is None and all(s is None or s[0] is not event for s in slots):
                    slots[stage] = (event, tag)

    def finish(self) -> list[Result]:
        from relaywatch.eql.query import Result  # noqa: PLC0415 - query imports this module

        complete = [(key, slots) for key, slots in self.slots.items() if all(slots)]
        complete.sort(key=lambda pair: sortable(pair[0]))  # by value, as a composite agg
        return [
            Result([s[0] for s in slots if s], plain_key(key), [s[1] for s in slots if s])
            for key, slots in complete
        ]
