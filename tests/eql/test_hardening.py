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
        ("process where divide(a, 0) == 1", {"a": 5}),  # long division by zero fails in Java
        ("process where @timestamp > 0", {"@timestamp": math.nan}),
    ],
)
def test_bad_values_in_functions_are_counted(query: str, fields: dict[str, Any]) -> None:
    errors, _ = counted_errors(query, process(**fields))
    assert errors == 1


@pytest.mark.parametrize(
    ("call", "expected"),
    [("divide(1.0, 0)", "Infinity"), ("divide(-1.0, 0)", "-Infinity"), ("modulo(a, 2)", "NaN")],
)
def test_double_arithmetic_follows_java(call: str, expected: str) -> None:
    assert matches(f'process where string({call}) == "{expected}"', process(a=math.inf))


@pytest.mark.parametrize(
    ("text", "expected"),
    [(" 12 ", "12.0"), ("12", "12"), ("0x1F", "31"), ("1.5f", "1.5"), ("1e3", "1000.0")],
)
def test_number_parses_as_java_does(text: str, expected: str) -> None:
    assert matches(f'process where string(number(a)) == "{expected}"', process(a=text))


@pytest.mark.parametrize("text", ["0X1F", "-0x10", "1_000", "inf"])
def test_number_rejects_what_java_rejects(text: str) -> None:
    errors, _ = counted_errors("process where number(a) > 0", process(a=text))
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


@pytest.mark.parametrize(
    ("query", "fields", "expected"),
    [
        ('process where @timestamp > "2020"', {"@timestamp": "2020-06-01T00:00:00Z"}, True),
        ('process where @timestamp < "2020-01"', {"@timestamp": "2019-12-31T23:59:59Z"}, True),
        ("process where @timestamp == 1516116808349", {"@timestamp": 1516116808349}, True),
    ],
)
def test_date_literals_read_iso_first_then_epoch_millis(
    query: str, fields: dict[str, Any], expected: bool
) -> None:
    assert matches(query, process(**fields)) is expected


@pytest.mark.parametrize(
    ("condition", "address", "expected"),
    [
        ('source.ip < "10.0.0.1"', "9.0.0.0", True),
        ('source.ip > "10.0.0.1"', "9.0.0.0", False),
        ('source.ip == "9.0.0.0/8"', "9.1.2.3", True),
        ('source.ip != "9.0.0.0/8"', "9.1.2.3", False),
        ('source.ip in ("10.0.0.0/8", "9.0.0.0/8")', "9.1.2.3", True),
        ('source.ip == "::ffff:9.1.2.3"', "9.1.2.3", True),
    ],
)
def test_ip_fields_compare_addresses_and_accept_cidr_terms(
    condition: str, address: str, expected: bool
) -> None:
    assert matches(f"process where {condition}", process(source={"ip": address})) is expected


def test_dotted_event_code_is_routed_like_a_nested_one() -> None:
    query = eql.compile('authentication where event.code == "4624"')
    docs: list[dict[str, Any]] = [
        {"event": {"category": "authentication"}},
        {"event": {"category": "authentication"}, "event.code": "4624"},
        {"event": {"category": "authentication", "code": 4624.0}},
    ]
    assert len(list(query.run(docs))) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sequence with maxspan=1s by k [a where true] [b where true]", r"before \[with\]"),
        ("sequence with maxspan=0s [a where true] [b where true]", "positive maxspan"),
        ("process where a == 99999999999999999999", "too large"),
        ("process where a == 1.5e400", "too large"),
        ('process where a == """x\ny"""', "unterminated raw string"),
    ],
)
def test_parser_rejects_what_elasticsearch_rejects(query: str, message: str) -> None:
    with pytest.raises(eql.EqlSyntaxError, match=message):
        eql.compile(query)


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("process where a in (1) == true", "process where a in (1) == true"),
        ("process where a + 1 in (2)", "process where a + 1 in (2)"),
        ("process where (a + 1) in (2)", "process where (a + 1) in (2)"),
        ("process /* a /* nested */ comment */ where true", "process where true"),
    ],
)
def test_predicates_attach_to_a_primary_as_in_the_grammar(query: str, printed: str) -> None:
    tree = eql.parse(query)
    assert str(tree) == printed
    assert eql.parse(str(tree)) == tree


def test_sample_keys_sort_by_value() -> None:
    docs: list[dict[str, Any]] = [
        {"event": {"category": c}, "k": k} for k in (10, 9) for c in ("a", "b")
    ]
    results = list(eql.compile("sample by k [a where true] [b where true]").run(docs))
    assert [r.join_keys for r in results] == [[9], [10]]


def test_caret_lines_up_under_tabs() -> None:
    with pytest.raises(eql.EqlSyntaxError) as caught:
        eql.compile("process where\ta ==")
    excerpt, caret = str(caught.value).splitlines()[1:3]
    assert caret.index("^") == len(excerpt)  # one past the end, where the value is missing


@pytest.mark.parametrize("query", ["file where 1", 'file where "x"', "file where not 1"])
def test_non_boolean_constant_condition_is_a_compile_error(query: str) -> None:
    with pytest.raises(eql.EqlCompileError, match="condition must be boolean"):
        eql.compile(query)
