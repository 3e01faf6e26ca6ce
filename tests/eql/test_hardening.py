"""Findings of the independent engine review, fixed: bad values are counted, never raised;
combinatorial blow-ups are capped and counted; ES's boolean rewrites and 3VL folding."""

from __future__ import annotations

import math
from typing import Any

import pytest

from relaywatch import eql


def process(**fields: Any) -> dict[str, Any]:
    return {"@timestamp": 1000, "event": {"category": "process"}, **fields}


def matches(query: str, doc: dict[str, Any]) -> bool:
    return bool(list(eql.compile(query).run([doc])))


def counted_errors(query: str, *docs: dict[str, Any]) -> tuple[int, list[str]]:
    matcher = eql.compile(query).matcher()
    for doc in docs:
        assert matcher.feed(doc) == []
    return matcher.errors, matcher.error_messages


def test_object_as_join_key_is_counted_not_raised() -> None:
    doc = {"@timestamp": 1, "event": {"category": "a"}, "k": {"x": 1}}
    errors, messages = counted_errors("sequence by k [a where true] [b where true]", doc)
    assert errors == 1 and "object" in messages[0]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ('process where substring(a, b) == "x"', {"a": "abc", "b": "x"}),
        ('process where indexOf(a, "x", b) == 1', {"a": "abc", "b": {"n": 1}}),
        ("process where modulo(a, 2) == 1", {"a": math.inf}),
        ("process where @timestamp > 0", {"@timestamp": math.nan}),
    ],
)
def test_bad_values_in_functions_are_counted(query: str, fields: dict[str, Any]) -> None:
    errors, _ = counted_errors(query, process(**fields))
    assert errors == 1


def test_nan_timestamp_in_a_sequence_is_counted() -> None:
    doc = {"@timestamp": math.nan, "event": {"category": "a"}}
    errors, _ = counted_errors("sequence [a where true] [b where true]", doc)
    assert errors == 1


def test_join_key_blow_up_is_capped_and_counted() -> None:
    values = list(range(100))
    doc = {"@timestamp": 1, "event": {"category": "a"}, "a": values, "b": values, "c": values}
    errors, messages = counted_errors("sequence by a, b, c [a where true] [b where true]", doc)
    assert errors == 1 and "combinations" in messages[0]


def test_script_leaf_blow_up_is_counted_not_silently_false() -> None:
    a = [f"a{i:03d}" for i in range(400)]
    b = [f"b{i:03d}" for i in range(400)]
    errors, messages = counted_errors('process where concat(a, b) == "a399b399"', process(a=a, b=b))
    assert errors == 1 and "combinations" in messages[0]


@pytest.mark.parametrize(
    "query",
    [
        "process where a == " + "+".join(["1"] * 500),
        'process where a regex "' + "(" * 300 + "a" + ")" * 300 + '"',
    ],
)
def test_very_long_or_deep_expressions_are_located_errors(query: str) -> None:
    with pytest.raises((eql.EqlSyntaxError, eql.EqlCompileError)):
        eql.compile(query)


@pytest.mark.parametrize(
    ("query", "fields", "expected"),
    [
        ('process where endsWith(a, "x") == false', {}, True),
        ('process where endsWith(a, "x") != true', {}, True),
        ("process where (a > -1) == false", {}, True),
        ('process where false == endsWith(a, "x")', {}, True),
        ('process where (a == "x") == false', {"a": ["x", "y"]}, False),
        ('process where endsWith(a, "x") == true', {"a": "yx"}, True),
        ("process where not null", {}, False),
        ("process where false or not null", {}, False),
        ("process where not (1 < null)", {}, False),
    ],
)
def test_boolean_equality_and_constant_folding_as_elasticsearch(
    query: str, fields: dict[str, Any], expected: bool
) -> None:
    assert matches(query, process(**fields)) is expected
