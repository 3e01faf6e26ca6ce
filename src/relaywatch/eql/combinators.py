"""`and` / `or` over compiled leaves, ordered by what the data shows.

A conjunction has no side effects in Elasticsearch (it is a `bool` query), so the
order in which its leaves are tested cannot change a result, only its cost. We start
from a static cost estimate and then, every `SAMPLE_EVERY` calls, test every leaf to
learn how often each one rejects, and move to the front the leaves that reject events
most cheaply (static cost over observed rejections). On a Security log this puts
`endswith~(user.name, "$")` ahead of `host.os.type == "windows"`, which every event
passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relaywatch.errors import EqlRuntimeError

Predicate = Callable[[dict[str, Any]], bool]
SAMPLE_EVERY = 128  # one call in this many measures every leaf
RESORT_EVERY = 16  # samples between reorderings


def conjunction(predicates: list[Predicate], costs: list[int]) -> Predicate:
    """All of `predicates` (given cheapest first), reordered by observed rejection rate."""
    order = list(predicates)
    cost = {id(p): c for p, c in zip(predicates, costs, strict=True)}
    failures = dict.fromkeys(cost, 0)
    calls = 0
    samples = 0

    def sample(doc: dict[str, Any]) -> bool:
        nonlocal samples
        result = True
        for predicate in order:
            if result:
                passed = predicate(doc)  # errors on the short-circuit path propagate as usual
                result = passed
            else:
                try:
                    passed = predicate(doc)  # statistics only: a failure here changes nothing
                except EqlRuntimeError:
                    passed = False
            if not passed:
                failures[id(predicate)] += 1
        samples += 1
        if samples % RESORT_EVERY == 0:
            # Cheapest rejection first: expected cost per rejected event.
            order.sort(key=lambda p: (1 + cost[id(p)]) / (failures[id(p)] + 1))
        return result

    def evaluate(doc: dict[str, Any]) -> bool:
        nonlocal calls
        calls += 1
        if calls % SAMPLE_EVERY == 0:
            return sample(doc)
        for predicate in order:  # noqa: SIM110 - a plain loop is faster than all(genexpr)
            if not predicate(doc):
                return False
        return True

    return evaluate


def disjunction(predicates: list[Predicate]) -> Predicate:
    def evaluate(doc: dict[str, Any]) -> bool:
        for predicate in predicates:  # noqa: SIM110 - a plain loop is faster than any(genexpr)
            if predicate(doc):
                return True
        return False

    return evaluate
