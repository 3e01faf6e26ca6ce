"""Sequence state: which partial sequences are pending, per stage and join key.

The algorithm is Elasticsearch's `SequenceMatcher` in streaming form
(eql-semantics.md §1.2-§1.7, docs/eql-semantics.md):

* A hit on the first positive stage starts a sequence for its key, replacing any
  older one in that state ("the most recent sequence overwrites the older one").
* A hit on stage k takes the pending sequence of stage k-1 for its key; that
  sequence is consumed whether or not the checks then pass.
* `maxspan` is inclusive and measured from the first event to the event being added.
* An `until` hit drops the pending sequences of its key.
* Missing-event stages `![...]` are checked against a short, maxspan-bounded history.
* Completed sequences come out ordered by the ordinal of their last event.

Everything pending lives in `SequenceState`, plain data that can be inspected,
bounded, saved and restored (STYLE.md §6).
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from relaywatch.eql.stages import Filter, KeyValues, plain_key, sortable

Ordinal = tuple[int, int]  # (timestamp in ms, arrival number): unique and totally ordered


@dataclass(slots=True)
class Partial:
    """A partial (or completed) sequence: its events, tags and ordinals."""

    events: list[Any]
    tags: list[Any]
    ordinals: list[Ordinal]

    @property
    def start(self) -> int:
        return self.ordinals[0][0]

    @property
    def last(self) -> Ordinal:
        return self.ordinals[-1]

    def extended(self, event: Any, tag: Any, ordinal: Ordinal) -> Partial:
        return Partial([*self.events, event], [*self.tags, tag], [*self.ordinals, ordinal])


@dataclass(slots=True)
class Candidate:
    """A sequence complete on its positive stages, waiting for trailing missing stages."""

    key: KeyValues
    partial: Partial
    deadline: int | None  # stream time after which no trailing event can reject it
    window_start: int  # the earliest timestamp the rejecting extension may start at
    rejected: bool = False


@dataclass(slots=True)
class SequenceState:
    """All pending state of one sequence query."""

    pending: list[dict[KeyValues, Partial]]  # per positive stage position
    history: list[dict[KeyValues, deque[Ordinal]]]  # per missing stage: recent hit ordinals
    held: deque[Candidate] = field(default_factory=deque)
    clock: int = 0  # latest timestamp seen
    arrivals: int = 0  # events fed so far (the implicit tiebreaker)

    def size(self) -> int:
        pending = sum(len(group) for group in self.pending)
        history = sum(len(hits) for stage in self.history for hits in stage.values())
        return pending + history + len(self.held)


@dataclass(frozen=True, slots=True)
class SequencePlan:
    """The compiled shape of a sequence: stages (runs expanded), keys, maxspan, until."""

    filters: tuple[Filter, ...]
    missing: tuple[bool, ...]
    maxspan: int | None
    until: Filter | None

    @property
    def positives(self) -> tuple[int, ...]:
        return tuple(i for i, missing in enumerate(self.missing) if not missing)


@dataclass(frozen=True, slots=True)
class Completed:
    partial: Partial
    key: KeyValues

    def join_keys(self) -> list[Any]:
        return plain_key(self.key)


class SequenceMatcher:
    """Feeds events in timestamp order; returns completed sequences in Elasticsearch order."""

    # Stale state is dropped after as many events as the state held at the last sweep
    # (at least SWEEP_MIN): a sweep costs the size of the state, so this keeps it to a
    # constant per event while the state stays within twice what maxspan keeps alive.
    SWEEP_MIN = 256

    def __init__(self, plan: SequencePlan) -> None:
        self.plan = plan
        positives = plan.positives
        self.position = {stage: index for index, stage in enumerate(positives)}
        self.first, self.final = positives[0], positives[-1]
        self.leading = tuple(i for i in range(self.first) if plan.missing[i])
        self.trailing = tuple(i for i in range(self.final + 1, len(plan.missing)))
        self.middle = {
            later: tuple(range(earlier + 1, later))
            for earlier, later in itertools.pairwise(positives)
            if later - earlier > 1
        }
        self.state = SequenceState(
            pending=[{} for _ in positives],
            history=[{} for _ in plan.missing],
        )
        self._since_sweep = 0
        self._sweep_after = self.SWEEP_MIN
        self._fresh: list[Candidate] = []

    # ------------------------------------------------------------ feeding

    def feed(
        self,
        event: Any,
        tag: Any,
        timestamp: int,
        hits: dict[int, list[KeyValues]],
        until_keys: list[KeyValues],
    ) -> list[Completed]:
        """`hits` maps each matching stage index to the event's keys for that stage."""
        state = self.state
        ordinal = (timestamp, state.arrivals)
        state.arrivals += 1
        state.clock = max(state.clock, timestamp)
        completed = self._release(timestamp)
        # Latest stage first, so that an event cannot extend a sequence it just started.
        for stage, keys in sorted(hits.items(), reverse=True):
            if not self.plan.missing[stage]:
                for key in keys:
                    self._advance(stage, key, event, tag, ordinal)
        for stage, keys in hits.items():
            if self.plan.missing[stage]:
                for key in keys:
                    self._remember_missing(stage, key, ordinal)
        self._hold_fresh()
        for key in until_keys:
            self._until(key)
        self._since_sweep += 1
        if self._since_sweep >= self._sweep_after:
            self.sweep()
        return completed + self._release(timestamp)

    def finish(self) -> list[Completed]:
        """End of input: nothing can reject a held candidate any more."""
        return self._release(None)

    def _advance(self, stage: int, key: KeyValues, event: Any, tag: Any, ordinal: Ordinal) -> None:
        pending = self.state.pending
        index = self.position[stage]
        if stage == self.first:
            partial = Partial([event], [tag], [ordinal])
        else:
            previous = pending[index - 1].pop(key, None)
            if previous is None:
                return
            if self.plan.maxspan is not None and ordinal[0] - previous.start > self.plan.maxspan:
                return  # consumed and dropped, as Elasticsearch's trimBefore does
            if stage in self.middle and self._found_between(
                self.middle[stage], key, previous.last, ordinal
            ):
                return
            partial = previous.extended(event, tag, ordinal)
        if stage == self.final:
            self._complete(key, partial)
        else:
            pending[index][key] = partial

    def _until(self, key: KeyValues) -> None:
        # Elasticsearch checks the until marker with the sequence's own last event
        # included, so a sequence this very event extended is cut too (QA
        # `sequenceWithOptionalFieldsAndUntil_2`).
        for group in self.state.pending:
            group.pop(key, None)

    # ------------------------------------------------------------ missing events

    def _remember_missing(self, stage: int, key: KeyValues, ordinal: Ordinal) -> None:
        hits = self.state.history[stage].setdefault(key, deque())
        hits.append(ordinal)
        if stage in self.trailing:
            self._check_held(key)

    def _found_between(
        self, stages: tuple[int, ...], key: KeyValues, after: Ordinal, before: Ordinal
    ) -> bool:
        """Whether a hit of any of `stages` lies strictly between two ordinals (QA
        `withByKey_runsOnMissing`: one hit rejects even a `with runs=2` missing stage)."""
        history = self.state.history
        return any(after < o < before for stage in stages for o in history[stage].get(key, ()))

    def _leading_start(self, key: KeyValues, partial: Partial) -> int | None:
        """Start of the latest chain of leading missing hits before the first event."""
        position = partial.ordinals[0]
        for stage in reversed(self.leading):
            earlier = [o for o in self.state.history[stage].get(key, ()) if o < position]
            if not earlier:
                return None
            position = earlier[-1]
        return position[0]

    def _complete(self, key: KeyValues, partial: Partial) -> None:
        maxspan = self.plan.maxspan
        window_start = partial.start
        if self.leading:
            start = self._leading_start(key, partial)
            if start is None:  # not every leading stage is present: cannot be rejected
                self._fresh.append(Candidate(key, partial, None, window_start))
                return
            window_start = start
            if not self.trailing and maxspan is not None and partial.last[0] - start <= maxspan:
                return  # the missing events were all there, within maxspan: rejected
        deadline = None if not self.trailing or maxspan is None else window_start + maxspan
        self._fresh.append(Candidate(key, partial, deadline, window_start))

    def _hold_fresh(self) -> None:
        """Queue this event's completions; several (multi-valued keys) go in key order."""
        fresh = self._fresh
        if len(fresh) > 1:
            fresh.sort(key=lambda candidate: sortable(candidate.key))
        for candidate in fresh:
            self.state.held.append(candidate)
            if candidate.deadline is not None:
                self._check_candidate(candidate)
        fresh.clear()

    def _check_held(self, key: KeyValues) -> None:
        for candidate in self.state.held:
            if candidate.key == key and candidate.deadline is not None and not candidate.rejected:
                self._check_candidate(candidate)

    def _check_candidate(self, candidate: Candidate) -> None:
        position = candidate.partial.last
        for stage in self.trailing:
            later = [o for o in self.state.history[stage].get(candidate.key, ()) if o > position]
            if not later:
                return
            position = later[0]
        maxspan = self.plan.maxspan or 0
        if position[0] - candidate.window_start <= maxspan:
            candidate.rejected = True

    def _release(self, now: int | None) -> list[Completed]:
        held = self.state.held
        if not held:
            return []
        out: list[Completed] = []
        while held:
            candidate = held[0]
            if candidate.rejected:
                held.popleft()
                continue
            decided = candidate.deadline is None or now is None or now > candidate.deadline
            if not decided:
                break
            held.popleft()
            out.append(Completed(candidate.partial, candidate.key))
        return out

    # ------------------------------------------------------------ bounding state

    def sweep(self) -> None:
        """Drop state that can no longer take part in a match (older than maxspan)."""
        self._since_sweep = 0
        maxspan = self.plan.maxspan
        if maxspan is None:
            return
        horizon = self.state.clock - maxspan
        for group in self.state.pending:
            stale = [key for key, partial in group.items() if partial.start < horizon]
            for key in stale:
                del group[key]
        oldest_held = min((c.window_start for c in self.state.held), default=horizon)
        keep_from = min(horizon, oldest_held)
        for stage in self.state.history:
            for key in list(stage):
                hits = stage[key]
                while hits and hits[0][0] < keep_from:
                    hits.popleft()
                if not hits:
                    del stage[key]
        self._sweep_after = max(self.SWEEP_MIN, self.state.size())
