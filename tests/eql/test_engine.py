"""Engine behaviour beyond the conformance suites: documented examples, streaming,
bounded and restorable state, located errors, and hostile input."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaywatch import eql
from relaywatch.errors import EqlCompileError, EqlSyntaxError


def events(*rows: tuple[str, str, str]) -> list[dict[str, Any]]:
    """(category, user, label) rows, one second apart."""
    return [
        {
            "@timestamp": 1_000 * (i + 1),
            "event": {"category": c},
            "user": {"name": u},
            "label": label,
        }
        for i, (c, u, label) in enumerate(rows)
    ]


def labels(query: str, docs: list[dict[str, Any]]) -> list[list[str]]:
    return [[e["label"] for e in r.events if e] for r in eql.compile(query).run(docs)]


def test_documented_example_latest_pending_sequence_wins() -> None:
    # The worked example of "How sequence queries handle matches" in eql-syntax.md:
    # sequence by user.name [a] [b] [c] over events 1..11 gives [2,4,9] and [6,8,10].
    rows = [
        ("a", "root", "1"), ("a", "root", "2"), ("b", "elkbee", "3"), ("b", "root", "4"),
        ("b", "root", "5"), ("a", "elkbee", "6"), ("a", "root", "7"), ("b", "elkbee", "8"),
        ("c", "root", "9"), ("c", "elkbee", "10"), ("c", "root", "11"),
    ]  # fmt: skip
    query = "sequence by user.name [a where true] [b where true] [c where true]"
    assert labels(query, events(*rows)) == [["2", "4", "9"], ["6", "8", "10"]]


def test_sequences_come_out_ordered_by_their_last_event() -> None:
    rows = [("a", "x", "1"), ("a", "y", "2"), ("b", "y", "3"), ("b", "x", "4")]
    query = "sequence by user.name [a where true] [b where true]"
    assert labels(query, events(*rows)) == [["2", "3"], ["1", "4"]]


def test_event_can_play_several_stages_but_never_twice_in_one_sequence() -> None:
    rows = [("p", "u", str(i)) for i in range(1, 5)]
    query = "sequence [p where true] [p where true] [p where true]"
    assert labels(query, events(*rows)) == [["1", "2", "3"], ["2", "3", "4"]]


def test_multi_valued_join_key_joins_on_each_value() -> None:
    docs = events(("a", "x", "1"), ("b", "y", "2"))
    docs[0]["user"]["name"] = ["x", "y"]
    results = list(eql.compile("sequence by user.name [a where true] [b where true]").run(docs))
    assert [r.join_keys for r in results] == [["y"]]


def test_mandatory_join_key_missing_hides_the_event() -> None:
    docs = events(("a", "x", "1"), ("b", "x", "2"))
    del docs[0]["user"]
    assert labels("sequence by user.name [a where true] [b where true]", docs) == []


def test_streaming_matches_batch_and_reports_pending_state() -> None:
    query = eql.compile("sequence by user.name with maxspan=2s [a where true] [b where true]")
    docs = events(("a", "x", "1"), ("a", "y", "2"), ("b", "x", "3"))
    matcher = query.matcher()
    assert matcher.feed(docs[0], tag="first") == []
    assert matcher.feed(docs[1], tag="second") == []
    assert matcher.pending_count == 2
    (result,) = matcher.feed(docs[2], tag="third")
    assert result.tags == ["first", "third"]
    assert matcher.pending_count == 1


def test_pending_state_is_bounded_by_maxspan() -> None:
    query = eql.compile("sequence by user.name with maxspan=1s [a where true] [b where true]")
    matcher = query.matcher()
    for i in range(20_000):
        matcher.feed({"@timestamp": i, "event": {"category": "a"}, "user": {"name": f"u{i}"}})
    # Without sweeping, 20,000 distinct keys would be pending; maxspan keeps ~1s of them
    # alive, and a sweep comes before the stale ones outnumber the live ones.
    assert matcher.pending_count <= 2 * 1_001 + matcher.sequence.SWEEP_MIN  # type: ignore[union-attr]


def test_saved_state_resumes_a_sequence_across_runs() -> None:
    query = eql.compile("sequence by user.name [a where true] [b where true]")
    docs = events(("a", "x", "1"), ("b", "x", "2"))
    first = query.matcher()
    first.feed(docs[0])
    saved = first.save()
    second = query.matcher()
    second.restore(saved)
    (result,) = second.feed(docs[1])
    assert [e["label"] for e in result.events if e] == ["1", "2"]


def test_saved_state_refuses_another_query() -> None:
    saved = eql.compile("sequence [a where true] [b where true]").matcher().save()
    other = eql.compile("sequence [a where true] [c where true]").matcher()
    with pytest.raises(eql.EqlRuntimeError):
        other.restore(saved)


def test_runtime_error_is_counted_not_raised() -> None:
    matcher = eql.compile("any where number(user.name) > 1").matcher()
    assert matcher.feed({"user": {"name": "not a number"}}) == []
    assert matcher.errors == 1
    assert "cannot parse" in matcher.error_messages[0]


def test_unknown_function_suggests_the_right_name() -> None:
    with pytest.raises(
        EqlCompileError, match=r"unknown function 'endwith' \(did you mean endsWith\?\)"
    ):
        eql.compile('any where endwith(user.name, "$")')


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("any where substring(user.name)", "takes 2 to 3 arguments"),
        ("any where length~(user.name) == 1", "does not support the case-insensitive"),
        ("any where length(5) == 1", "must be a string"),
        ('any where source.ip : "10.*"', "ip field"),
        ("any where user.name == user.id", "comparisons against fields"),
        ("any where user.name : 5", r"consider using \[==\]"),
        ("any where length(user.name)", "condition must be boolean"),
    ],
)
def test_compile_errors_name_the_problem(query: str, message: str) -> None:
    with pytest.raises(EqlCompileError, match=message):
        eql.compile(query)


def test_syntax_error_shows_line_column_and_caret() -> None:
    with pytest.raises(EqlSyntaxError) as caught:
        eql.compile('process where\n  process.name == "a" and and')
    error = caught.value
    assert (error.line, error.column) == (2, 27)
    assert str(error).endswith('  process.name == "a" and and\n                            ^')


def test_syntax_error_at_end_of_query_keeps_its_caret() -> None:
    with pytest.raises(EqlSyntaxError) as caught:
        eql.compile("process where process.name ==")
    assert caught.value.column == len("process where process.name ==") + 1
    assert str(caught.value).rstrip().endswith("^")


def test_deep_nesting_is_rejected_not_a_crash() -> None:
    with pytest.raises(EqlSyntaxError, match="nested deeper"):
        eql.compile("any where " + "(" * 5_000 + "true" + ")" * 5_000)


def test_catastrophic_wildcard_and_regex_stay_fast() -> None:
    value = "a" * 200_000
    wildcard = eql.compile('any where f : "*a*a*a*a*a*a*a*a*b"').matcher()
    regex = eql.compile('any where f regex "(a+)+b"').matcher()
    started = time.perf_counter()
    assert wildcard.feed({"f": value}) == []
    assert regex.feed({"f": value}) == []
    # Generous bound: a backtracking matcher would take astronomically long here.
    assert time.perf_counter() - started < 30


def test_huge_literal_is_handled() -> None:
    big = "x" * 500_000
    query = eql.compile(f'any where f == "{big[:-10]}"')
    assert list(query.run([{"f": big[:-10]}, {"f": big}])) == [
        eql.Result([{"f": big[:-10]}], [], [None])
    ]


def test_printed_query_parses_back_to_the_same_tree() -> None:
    text = (
        'sequence by a with maxspan=5s [x where not (b : ("p*", "q") or c in~ ("A")) and '
        '-d + 2 * 3 > 4] ![y where ?e == null] [z where `odd-name` regex~ "a.*"] with runs=2 '
        "until [u where true] | head 3"
    )
    tree = eql.parse(text)
    assert eql.parse(str(tree)) == tree


def test_matcher_set_gives_each_querys_own_results() -> None:
    queries = [
        eql.compile("sequence by user.name [a where true] [b where true]"),
        eql.compile('b where user.name : "X"'),
        eql.compile("c where true"),
    ]
    docs = events(("a", "x", "1"), ("b", "x", "2"), ("c", "y", "3"), ("b", "y", "4"))
    combined = eql.MatcherSet(queries)
    together = [(i, r.events) for doc in docs for i, r in combined.feed(doc)] + [
        (i, r.events) for i, r in combined.finish()
    ]
    alone = [(i, r.events) for i, query in enumerate(queries) for r in query.run(docs)]
    assert sorted(together, key=lambda pair: pair[0]) == alone
    assert [i for i, _ in together] == [0, 1, 2]


@pytest.mark.parametrize(
    ("condition", "codes"),
    [
        ('event.code == "5145"', {"5145"}),
        ('event.code in ("4624", "4625")', {"4624", "4625"}),
        ('event.code : "5145"', {"5145"}),
        ('event.code : "51*"', None),
        ('event.code : "abc"', None),
        ('event.code == "5145" or true', None),
    ],
)
def test_routing_learns_the_event_codes_a_filter_pins(
    condition: str, codes: set[str] | None
) -> None:
    (flt,) = eql.compile(f"any where {condition}").filters
    assert flt.codes == (None if codes is None else frozenset(codes))


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("2026-11-01T10:00:01.234Z", 1_793_527_201_234),
        ("2026-11-01T10:00:01Z", 1_793_527_201_000),
        ("2026-11-01T10:00:01.2345678Z", 1_793_527_201_234),  # 100 ns digits truncate
        ("2026-11-01T12:00:01.234+02:00", 1_793_527_201_234),
        ("1970-01-01T00:00:00.001Z", 1),
        (1_793_527_201_234, 1_793_527_201_234),
    ],
)
def test_timestamps_become_epoch_milliseconds(text: str | int, millis: int) -> None:
    assert eql.timestamp_ms(text) == millis


def test_impossible_date_is_a_runtime_error() -> None:
    with pytest.raises(eql.EqlRuntimeError):
        eql.timestamp_ms("2026-02-30T10:00:01Z")


def test_matcher_set_verdicts_name_exactly_the_filters_that_take_an_event() -> None:
    queries = [
        eql.compile('sequence by user.name [a where user.name : "x"] [b where true]'),
        eql.compile("c where number(user.name) > 1"),
    ]
    combined = eql.MatcherSet(queries)
    docs = events(("a", "x", "1"), ("a", "y", "2"), ("z", "x", "3"), ("c", "nan?", "4"))
    # The sequence's verdict carries the join keys of the stage; the bad value is left
    # for the matcher to meet and count (None).
    assert [combined.verdicts(doc) for doc in docs] == [
        ((0, (0,), [(0, [("x",)])], []),),
        (),
        (),
        ((1, None, None, None),),
    ]
    # verdicts() changes nothing: the matchers still see the first stage as new.
    assert [i for doc in docs for i, _ in combined.feed(doc)] == []


def test_an_event_without_its_join_key_gets_no_verdict() -> None:
    combined = eql.MatcherSet([eql.compile("sequence by user.name [a where true] [b where true]")])
    keyless = {"@timestamp": 5, "event": {"category": "a"}}
    assert combined.verdicts(keyless) == ()  # its matcher would keep nothing of it
    assert combined.feed(keyless) == [] and combined.matchers[0].pending_count == 0
    assert combined.verdicts(dict(keyless, user={"name": "x"})) == ((0, (0,), [(0, [("x",)])], []),)


def test_a_verdict_with_too_many_join_keys_is_left_to_the_matcher() -> None:
    query = eql.compile("sequence by user.name, label [a where true] [b where true]")
    combined = eql.MatcherSet([query])
    many = {"@timestamp": 1, "event": {"category": "a"}, "user": {"name": list("abcdefghij")},
            "label": list(range(10))}  # fmt: skip
    assert combined.verdicts(many) == ((0, None, None, None),)  # 100 combinations
    few = dict(many, label=[1])
    ((_, matched, hits, _),) = combined.verdicts(few)
    assert matched == (0,) and hits is not None and len(hits[0][1]) == 10


def _with_docs(result: eql.Result, docs: list[dict[str, Any]]) -> eql.Result:
    """The result with stand-ins ("held", n) and tags n replaced by document n."""
    events = [docs[e[1]] if isinstance(e, tuple) else e for e in result.events]
    return eql.Result(events, result.join_keys, [None] * len(result.tags))


def test_feeding_verdicts_gives_what_feeding_the_events_gives() -> None:
    queries = [
        eql.compile('sequence by user.name [a where user.name : "x"] [b where true]'),
        eql.compile("b where number(user.name) > 1"),
    ]
    docs = events(("a", "x", "1"), ("b", "x", "2"), ("b", "3", "3"), ("b", "nan?", "4"))
    plain, told = eql.MatcherSet(queries), eql.MatcherSet(queries)
    checker = eql.MatcherSet(queries)
    expected = [[(i, _with_docs(r, docs)) for i, r in plain.feed(doc)] for doc in docs]
    # The verdicts travel as JSON between processes (lists, not tuples), and the event
    # itself is only a stand-in that the matchers hold without reading.
    got = []
    for n, doc in enumerate(docs):
        verdicts = orjson.loads(orjson.dumps(checker.verdicts(doc)))
        found = told.feed_verdicts(("held", n), verdicts, doc["@timestamp"], n, _loader(doc))
        got.append([(i, _with_docs(r, docs)) for i, r in found])
    assert got == expected
    assert [index for found in got for index, _ in found] == [0, 1]
    # number("x") and number("nan?") fail: counted by the matcher either way.
    assert [m.errors for m in told.matchers] == [m.errors for m in plain.matchers] == [0, 2]


def _loader(doc: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: doc


@given(
    moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 12, 31)),
    digits=st.integers(0, 9),
)
def test_timestamps_read_the_same_whether_their_minute_is_cached_or_not(
    moment: datetime, digits: int
) -> None:
    nanos = f"{moment.microsecond:06d}000"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{nanos[:digits]}" if digits else "") + "Z"
    millis = int(nanos[:digits].ljust(3, "0")[:3])  # a fraction is cut to milliseconds
    expected = int(moment.replace(tzinfo=UTC).timestamp()) * 1000 + millis
    first = eql.timestamp_ms(text)  # the minute may be new to the cache
    assert first == expected
    assert eql.timestamp_ms(text) == expected  # now its minute is cached
