"""Compiled queries: the public `Query`, its streaming `Matcher`, and `Result`.

Events are routed before any condition runs: a filter is only tried on events whose
`event.category` (and, when the filter pins it, `event.code`) can match, so the
unrelated bulk of a log costs one or two dictionary look-ups per event.
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from relaywatch.eql import ast
from relaywatch.eql.fields import Document, make_getter
from relaywatch.eql.parser import parse
from relaywatch.eql.routing import Router
from relaywatch.eql.sample import SampleMatcher
from relaywatch.eql.sequence import Completed, SequenceMatcher, SequencePlan
from relaywatch.eql.stages import (
    Filter,
    KeyValues,
    compile_filter,
)
from relaywatch.eql.timestamps import timestamp_ms
from relaywatch.errors import EqlCompileError, EqlRuntimeError

TIMESTAMP_FIELD = ("@timestamp",)
MAX_ERRORS_KEPT = 20
# What evaluating a condition on a bad value can raise: the engine's own runtime errors
# and the Python errors a function meets on wrong types, NaN, infinity or deep nesting.
DATA_ERRORS = (EqlRuntimeError, ValueError, TypeError, ArithmeticError, RecursionError)


@dataclass(frozen=True, slots=True)
class Result:
    """One answer: an event (event query) or the events of a sequence or sample.

    `events` holds the documents in stage order (None at a missing-event position),
    `join_keys` the key values ([] for event queries), and `tags` whatever the caller
    passed with each event (e.g. its provenance).
    """

    events: list[Document | None]
    join_keys: list[Any] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)

    def to_response(self) -> dict[str, Any]:
        """The shape of an Elasticsearch EQL response entry (a sequence or an event)."""
        return {"join_keys": self.join_keys, "events": self.events}


class Pipeline:
    """`| head N` and `| tail N` applied, in order, to the stream of results."""

    def __init__(self, pipes: tuple[ast.Pipe, ...], text: str) -> None:
        self.limits: list[tuple[str, int]] = []
        for pipe in pipes:
            if len(pipe.args) != 1 or not isinstance(pipe.args[0], ast.Literal):
                raise EqlCompileError(f"{pipe.name} takes one number", text, pipe.line, pipe.column)
            count = pipe.args[0].value
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise EqlCompileError(
                    f"{pipe.name} needs a non-negative whole number", text, pipe.line, pipe.column
                )
            self.limits.append((pipe.name, count))

    def start(self) -> PipelineRun:
        return PipelineRun(self.limits)


class PipelineRun:
    def __init__(self, limits: list[tuple[str, int]]) -> None:
        self.limits = limits
        self.passed = [0] * len(limits)
        self.tails: list[deque[Result] | None] = [
            deque(maxlen=count) if name == "tail" else None for name, count in limits
        ]

    @property
    def done(self) -> bool:
        """True once a head limit before any tail is reached: no later input can matter."""
        for (name, count), passed in zip(self.limits, self.passed, strict=True):
            if name == "tail":
                return False
            if passed >= count:
                return True
        return False

    def push(self, results: list[Result], start: int = 0) -> list[Result]:
        for index in range(start, len(self.limits)):
            name, count = self.limits[index]
            if name == "head":
                room = max(count - self.passed[index], 0)
                results = results[:room]
                self.passed[index] += len(results)
            else:
                tail = self.tails[index]
                assert tail is not None
                tail.extend(results)
                return []
        return results

    def finish(self) -> list[Result]:
        """Flush each tail, in order, through the limits after it."""
        out: list[Result] = []
        for index, tail in enumerate(self.tails):
            if tail is not None:
                flushed = list(tail)
                tail.clear()
                out = self.push(flushed, index + 1)
        return out


class Matcher:
    """Streaming evaluation of one query. Feed events in timestamp order."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.filters = query.filters
        routed = list(query.filters) + ([query.until] if query.until else [])
        self.router = Router(routed)
        self.conditions = [flt.condition for flt in routed]
        self.has_pipes = bool(query.pipeline.limits)
        self.pipes = query.pipeline.start()
        self.sequence = SequenceMatcher(query.plan) if query.plan else None
        self.sample = SampleMatcher(list(query.filters)) if query.is_sample else None
        self.get_timestamp = make_getter(TIMESTAMP_FIELD)
        self.errors = 0
        self.error_messages: list[str] = []
        self.out_of_order = 0
        self._last_timestamp: int | None = None

    @property
    def done(self) -> bool:
        return self.pipes.done

    @property
    def pending_count(self) -> int:
        """How many partial sequences, missing-event hits and held candidates are kept."""
        if self.sequence is not None:
            return self.sequence.state.size()
        if self.sample is not None:
            return self.sample.size()
        return 0

    def feed(self, doc: Document, timestamp: int | None = None, tag: Any = None) -> list[Result]:
        """Results completed by this event (events must come in timestamp order)."""
        return self.feed_routed(doc, self.router.candidates(doc), timestamp, tag)

    def feed_routed(
        self, doc: Document, candidates: tuple[int, ...], timestamp: int | None, tag: Any
    ) -> list[Result]:
        """`feed` for a caller that has already routed the event (see `MatcherSet`)."""
        if not candidates or (self.has_pipes and self.pipes.done):
            return []
        conditions = self.conditions
        try:
            matched = [index for index in candidates if conditions[index](doc)]
        except DATA_ERRORS as error:
            self._record_error(error)
            return []
        return self.feed_matched(doc, matched, timestamp, tag)

    def feed_matched(
        self, doc: Document, matched: Sequence[int], timestamp: int | None, tag: Any
    ) -> list[Result]:
        """`feed` for a caller that has already evaluated the routed conditions on the
        event (`MatcherSet.verdicts`): `matched` are the filters that accept it."""
        if not matched or (self.has_pipes and self.pipes.done):
            return []
        try:
            if not self.keyed:
                return self._single(doc, tag)
            hits, until_keys = self.join_keys(doc, matched)
            return self._feed_hits(doc, hits, until_keys, tag, doc=doc, timestamp=timestamp)
        except DATA_ERRORS as error:
            self._record_error(error)
            return []

    def feed_keyed(
        self,
        event: Any,
        hits: dict[int, list[KeyValues]],
        until_keys: list[KeyValues],
        timestamp: int,
        tag: Any,
    ) -> list[Result]:
        """`feed` for a caller that has evaluated the routed conditions and the join keys
        (`join_keys`) elsewhere (`MatcherSet.verdicts`). `event` is kept and handed back
        in results as it is, never read: it may stand for a document not yet decoded."""
        if self.has_pipes and self.pipes.done:
            return []
        if not self.keyed:
            return self._single(event, tag)
        return self._feed_hits(event, hits, until_keys, tag, doc=None, timestamp=timestamp)

    @property
    def keyed(self) -> bool:
        """Whether the query keeps state across events (a sequence or a sample)."""
        return self.sequence is not None or self.sample is not None

    def join_keys(
        self, doc: Document, matched: Sequence[int]
    ) -> tuple[dict[int, list[KeyValues]], list[KeyValues]]:
        """The event's join keys for each matched stage with keys, and for `until`."""
        hits: dict[int, list[KeyValues]] = {}
        until_keys: list[KeyValues] = []
        for index in matched:
            keys = self.router_filter(index).keys(doc)
            if not keys:
                continue
            if index < len(self.filters):
                hits[index] = keys
            else:
                until_keys = keys
        return hits, until_keys

    def router_filter(self, index: int) -> Filter:
        if index < len(self.filters):
            return self.filters[index]
        assert self.query.until is not None
        return self.query.until

    def _single(self, event: Any, tag: Any) -> list[Result]:
        result = [Result([event], [], [tag])]
        return self.pipes.push(result) if self.has_pipes else result

    def _feed_hits(
        self,
        event: Any,
        hits: dict[int, list[KeyValues]],
        until_keys: list[KeyValues],
        tag: Any,
        *,
        doc: Document | None,
        timestamp: int | None,
    ) -> list[Result]:
        """Keyed events into the sample or sequence state; the time is `timestamp`, or
        read from `doc` when that is None."""
        if not hits and not until_keys:
            return []
        if self.sample is not None:
            self.sample.feed(event, tag, hits)
            return []
        assert self.sequence is not None
        when = self._timestamp(doc, timestamp)
        if when is None:
            return []
        return self._emit(self.sequence.feed(event, tag, when, hits, until_keys))

    def _timestamp(self, doc: Document | None, given: int | None) -> int | None:
        if given is None:
            assert doc is not None, "a timestamp or a document to read it from"
            try:
                given = timestamp_ms(self.get_timestamp(doc))
            except EqlRuntimeError as error:
                self._record_error(error)
                return None
        if self._last_timestamp is not None and given < self._last_timestamp:
            self.out_of_order += 1
        self._last_timestamp = (
            given if self._last_timestamp is None else max(given, self._last_timestamp)
        )
        return given

    def _emit(self, completed: list[Completed]) -> list[Result]:
        if not completed:
            return []
        return self.pipes.push([self._result(item) for item in completed])

    def _result(self, item: Completed) -> Result:
        events: list[Document | None] = []
        tags: list[Any] = []
        found = iter(zip(item.partial.events, item.partial.tags, strict=True))
        for missing in self.query.missing:
            if missing:
                events.append(None)
                tags.append(None)
            else:
                event, tag = next(found)
                events.append(event)
                tags.append(tag)
        return Result(events, item.join_keys(), tags)

    def save(self) -> bytes:
        """The whole pending state (partial sequences, held candidates, samples, pipe
        buffers, counters) as bytes, for continuous mode to resume where it stopped.

        The bytes are a pickle: load only state files this program wrote itself.
        """
        state = {
            "query": self.query.text,
            "sequence": self.sequence.state if self.sequence else None,
            "sample": (self.sample.slots, self.sample.done) if self.sample else None,
            "pipes": (self.pipes.passed, self.pipes.tails),
            "counters": (self.errors, self.error_messages, self.out_of_order, self._last_timestamp),
        }
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    def restore(self, saved: bytes) -> None:
        """Resume from `save()` output of a matcher of the same query."""
        state = pickle.loads(saved)  # our own state file, see save()
        if state["query"] != self.query.text:
            raise EqlRuntimeError("saved matcher state belongs to a different query")
        if self.sequence is not None:
            self.sequence.state = state["sequence"]
        if self.sample is not None:
            self.sample.slots, self.sample.done = state["sample"]
        self.pipes.passed, self.pipes.tails = state["pipes"]
        self.errors, self.error_messages, self.out_of_order, self._last_timestamp = state[
            "counters"
        ]

    def finish(self) -> list[Result]:
        """End of input: emit what was waiting (held sequences, samples, tails)."""
        results: list[Result] = []
        if self.sequence is not None:
            results = self.pipes.push([self._result(item) for item in self.sequence.finish()])
        elif self.sample is not None:
            results = self.pipes.push(self.sample.finish())
        return results + self.pipes.finish()

    def _record_error(self, error: Exception) -> None:
        # Elasticsearch fails the whole search here; a scan counts it and goes on.
        self.errors += 1
        if len(self.error_messages) < MAX_ERRORS_KEPT:
            kind = "" if isinstance(error, EqlRuntimeError) else f"{type(error).__name__}: "
            self.error_messages.append(f"{kind}{error}")


class Query:
    """A compiled EQL query. Immutable; make one `matcher()` per run."""

    def __init__(self, text: str, statement: ast.Statement) -> None:
        self.text = text
        self.ast = statement
        self.pipeline = Pipeline(statement.pipes, text)
        body = statement.query
        self.is_sample = isinstance(body, ast.Sample)
        self.plan: SequencePlan | None = None
        self.until: Filter | None = None
        if isinstance(body, ast.EventQuery):
            self.filters: tuple[Filter, ...] = (compile_filter(body, (), text),)
            self.missing: tuple[bool, ...] = (False,)
        else:
            self.filters, self.missing = self._compile_stages(body)
        if isinstance(body, ast.Sequence):
            if body.until is not None:
                self.until = compile_filter(body.until.query, (*body.keys, *body.until.keys), text)
            maxspan = body.maxspan.millis if body.maxspan else None
            self.plan = SequencePlan(self.filters, self.missing, maxspan, self.until)

    def _compile_stages(
        self, body: ast.Sequence | ast.Sample
    ) -> tuple[tuple[Filter, ...], tuple[bool, ...]]:
        stages = [stage for stage in body.stages for _ in range(stage.runs)]
        counts = {len(stage.keys) for stage in body.stages}
        if isinstance(body, ast.Sequence) and body.until is not None:
            counts.add(len(body.until.keys))
        if len(counts) > 1:
            raise EqlCompileError(
                "every stage must have the same number of join keys",
                self.text,
                body.line,
                body.column,
            )
        filters = tuple(
            compile_filter(stage.query, (*body.keys, *stage.keys), self.text) for stage in stages
        )
        return filters, tuple(stage.missing for stage in stages)

    @property
    def is_sequence(self) -> bool:
        return not isinstance(self.ast.query, ast.EventQuery)

    def matcher(self) -> Matcher:
        return Matcher(self)

    def run(self, events: Iterable[Document]) -> Iterator[Result]:
        """Evaluate over events already in timestamp order (ties keep input order)."""
        matcher = self.matcher()
        for doc in events:
            yield from matcher.feed(doc)
            if matcher.done:
                break
        yield from matcher.finish()

    def __repr__(self) -> str:
        return f"Query({self.text!r})"


def compile_query(text: str) -> Query:
    """Parse and compile EQL text; raises EqlSyntaxError or EqlCompileError."""
    statement = parse(text)
    try:
        return Query(text, statement)
    except RecursionError:
        raise EqlCompileError("query nested too deeply to compile", text, 1, 1) from None
