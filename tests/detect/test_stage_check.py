"""Feeding the matchers only the events a filter condition accepts changes no result.

`StageCheck` is what lets a scan order and evaluate a small fraction of the records; it
must be exact: every result, and every engine error count, equals feeding every event,
whether the matchers evaluate the conditions again or take the check's verdicts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from relaywatch import eql
from relaywatch.detect.survey import StageCheck
from relaywatch.records import Record
from relaywatch.rules.model import Rule
from relaywatch.sources import ReadOptions, read
from tests.detect.scenario import ATTACKER, logon, reflection, share_access
from tests.shared import shared_path


def _results(queries: list[eql.Query], events: list[tuple[int, dict[str, Any]]]) -> Any:
    matchers = eql.MatcherSet(queries)
    found = [(i, r.events, r.join_keys) for ts, doc in events for i, r in matchers.feed(doc, ts)]
    found += [(i, r.events, r.join_keys) for i, r in matchers.finish()]
    return found, [(m.errors, m.error_messages) for m in matchers.matchers]


def _compare(rules: tuple[Rule, ...], docs: list[dict[str, Any]]) -> int:
    queries = [eql.compile(rule.query) for rule in rules]
    events = sorted(
        ((eql.timestamp_ms(doc["@timestamp"]), n, doc) for n, doc in enumerate(docs)),
        key=lambda item: (item[0], item[1]),
    )
    timed = [(ts, doc) for ts, _, doc in events]
    check = StageCheck(queries)
    kept = [(ts, doc) for ts, doc in timed if check(doc)]
    expected = _results(queries, timed)
    assert _results(queries, kept) == expected
    # The verdicts travel with the event (as JSON) and the matchers take them.
    told = [(ts, doc, orjson.loads(orjson.dumps(check(doc)))) for ts, doc in kept]
    assert _told_results(queries, told) == expected
    return len(kept)


class _Held:
    """A stand-in for an event that the matchers hold but must never read."""

    __slots__ = ("doc",)

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc


def _told_results(queries: list[eql.Query], events: list[tuple[int, dict[str, Any], Any]]) -> Any:
    matchers = eql.MatcherSet(queries)
    found = []
    for ts, doc, verdicts in events:
        held = _Held(doc)
        found += matchers.feed_verdicts(held, verdicts, ts, None, _loader(doc))
    found += matchers.finish()
    docs = [
        (i, [e.doc if isinstance(e, _Held) else e for e in r.events], r.join_keys) for i, r in found
    ]
    return docs, [(m.errors, m.error_messages) for m in matchers.matchers]


def test_scenario_results_are_unchanged(all_rules: tuple[Rule, ...]) -> None:
    noise = [logon(f"2026-03-01T10:00:0{n}.000Z", n, "bob", "10.0.0.5") for n in range(5)]
    odd = share_access("2026-03-01T10:00:01.000Z", 9, "DC01$", "srvsvc", ATTACKER)
    odd["user"]["name"] = ["DC01$", 7]  # values a condition may not expect
    docs = [*reflection(), *noise, odd]
    assert _compare(all_rules, docs) < len(docs)


@pytest.mark.parametrize(
    "name",
    [
        "sbousseaden__EVTX-ATTACK-SAMPLES/Lateral Movement__LM_renamed_psexecsvc_5145.evtx",
        "mdecrevoisier__EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps__ID5145-4624-DonPAPI "
        "full extraction.evtx",
    ],
    ids=["psexec-5145", "donpapi"],
)
def test_real_log_results_are_unchanged(all_rules: tuple[Rule, ...], name: str) -> None:
    path = shared_path("data", "datasets", name)
    options = ReadOptions(ingested="2026-03-02T00:00:00.000Z")
    docs = [item.doc for item in read([str(path)], options) if isinstance(item, Record)]
    assert docs
    _compare(all_rules, docs)


def _loader(doc: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: doc
