"""Engine throughput: the two seed rules over pre-parsed ECS documents, beside a floor.

The floor is a loop that only reads one field of each document; both run in the same
process on the same documents, so the ratio is meaningful on any machine.

    python benchmarks/engine.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import generate, injected
from relaywatch import eql
from relaywatch.rules import builtin

SEEDS = (
    "Potential NTLM Relay Attack against a Computer Account",
    "Potential Machine Account Relay Attack via SMB",
)


def seed_queries() -> list[eql.Query]:
    rules = {rule.name: rule for rule in builtin().rules}
    return [eql.compile(rules[name].query) for name in SEEDS]


def floor(docs: list[dict[str, Any]]) -> int:
    touched = 0
    for doc in docs:
        if doc.get("event") is not None:
            touched += 1
    return touched


def engine(docs: list[dict[str, Any]], queries: list[eql.Query]) -> int:
    feed = eql.MatcherSet(queries).feed
    found = 0
    for doc in docs:
        found += len(feed(doc))
    return found


def per_code(docs: list[dict[str, Any]], queries: list[eql.Query]) -> dict[str, float]:
    """Microseconds per event by event.code: where the engine's time goes."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        groups.setdefault(doc["event"]["code"], []).append(doc)
    costs = {}
    for code, group in sorted(groups.items()):
        seconds, _ = best_of(1, lambda group=group: engine(group, queries))  # type: ignore[misc]
        costs[code] = seconds / len(group) * 1e6
    return costs


def best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    docs = list(generate(args.events))
    queries = seed_queries()
    floor_time, _ = best_of(args.runs, lambda: floor(docs))
    engine_time, alerts = best_of(args.runs, lambda: engine(docs, queries))
    expected = injected()
    count = len(docs)
    planted = f"{expected.ntlm_relays} NTLM relays, {expected.smb_relays} SMB relays"
    ratio = floor_time / engine_time
    print(f"machine: {platform.machine()} python {platform.python_version()}")
    print(f"documents: {count:,} (planted: {planted})")
    print(f"floor  (read one field): {count / floor_time:>12,.0f} events/s")
    print(f"engine (2 seed rules):   {count / engine_time:>12,.0f} events/s  {ratio:.2f}x floor")
    print(f"results: {alerts}")
    costs = per_code(docs, queries)
    print("us/event by code: " + ", ".join(f"{code} {cost:.1f}" for code, cost in costs.items()))


if __name__ == "__main__":
    main()
