"""Property tests: wildcard matching, case rules and null logic against small references.

The references below are written for these tests, independently of the engine:

* `wildcard_match`: `*` is any run of code points, `?` exactly one, everything else
  literal: Elasticsearch has no escape for a literal `*` or `?` inside `:` / `like`
  patterns (elastic/elasticsearch PR #65237), and a backslash is an ordinary character.
  It simulates the pattern as a set of states, so it is simple enough to trust.
* Case-insensitive (`:`, `like~`, `in~`) compares code point by code point after
  lower-casing each one, the way Lucene's case-insensitive term and wildcard queries and
  Java's `compareToIgnoreCase` do; *not* `str.casefold()`, which maps "ß" to "ss".
  The alphabet avoids the few code points where those Java paths disagree among
  themselves (Kelvin sign, final sigma, capital sharp s, dotted I).
* Null logic (`evaluate`): Elasticsearch compiles each leaf predicate into a Query DSL
  query or a null-safe script, so a leaf on a missing field is false, a leaf on a
  multi-valued field is true when any value satisfies it, `!=` / `not in` are
  `must_not`, and `and` / `or` / `not` over leaves are two-valued (bool queries).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relaywatch import eql
from relaywatch.eql.fields import lookup, make_getter

PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Case pairs with one-to-one lower/upper mappings, plus characters that matter to the
# wildcard translation (`%`, `_`, `\`), EQL string escaping (`"`, `\`), and "ß".
LETTERS = "aAbBsSxXéÉøØß"
OTHERS = "01 ._%\\/$\"'"
VALUE_ALPHABET = LETTERS + OTHERS + "*?"
PATTERN_ALPHABET = VALUE_ALPHABET + "**??"


def matches(query_text: str, doc: dict[str, Any]) -> bool:
    """Whether `any where ...` selects the single document."""
    results = list(eql.compile(query_text).run([{"@timestamp": 0, **doc}]))
    assert len(results) <= 1
    return len(results) == 1


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def eql_string(text: str) -> str:
    """A double-quoted EQL string literal whose value is `text`."""
    return '"' + "".join(ESCAPES.get(char, char) for char in text) + '"'


def fold(text: str) -> str:
    return "".join(char.lower() for char in text)


def wildcard_match(pattern: str, value: str, *, insensitive: bool) -> bool:
    if insensitive:
        pattern, value = fold(pattern), fold(value)

    def closure(states: set[int]) -> set[int]:
        # A `*` may match nothing: from a state before `*`, the state after it is live.
        todo, seen = list(states), set(states)
        while todo:
            state = todo.pop()
            if state < len(pattern) and pattern[state] == "*" and state + 1 not in seen:
                seen.add(state + 1)
                todo.append(state + 1)
        return seen

    states = closure({0})
    for char in value:
        step = set()
        for state in states:
            if state == len(pattern):
                continue
            if pattern[state] == "*":
                step.add(state)
            elif pattern[state] in ("?", char):
                step.add(state + 1)
        states = closure(step)
    return len(pattern) in states


@st.composite
def pattern_and_value(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern and a value that is often an instance of it (else matches are rare)."""
    pattern = draw(st.text(PATTERN_ALPHABET, max_size=8))
    if draw(st.booleans()):
        return pattern, draw(st.text(VALUE_ALPHABET, max_size=10))
    pieces: list[str] = []
    for char in pattern:
        if char == "*":
            pieces.append(draw(st.text(VALUE_ALPHABET, max_size=3)))
        elif char == "?":
            pieces.append(draw(st.sampled_from(VALUE_ALPHABET)))
        else:
            swap = draw(st.booleans()) and len(char.swapcase()) == 1
            pieces.append(char.swapcase() if swap else char)
    return pattern, "".join(pieces)


# -- the references, checked on known cases first ---------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "insensitive", "expected"),
    [
        ("*", "", False, True),
        ("?", "", False, False),
        ("a*b", "aXXb", False, True),
        ("a?b", "ab", False, False),
        ("a\\*", "a\\anything", False, True),
        ("A*", "abc", False, False),
        ("A*", "abc", True, True),
        ("ß", "SS", True, False),
        ("*.exe", "cmd.EXE", True, True),
    ],
)
def test_reference_wildcard(pattern: str, value: str, insensitive: bool, expected: bool) -> None:
    assert wildcard_match(pattern, value, insensitive=insensitive) is expected


# -- wildcard and case properties -------------------------------------------------------


@PROPERTY_SETTINGS
@given(pattern_and_value())
@example(("ß", "SS"))
@example(("STRASSE", "straße"))
@example(("a\\*", "a\\b"))
def test_colon_is_case_insensitive_wildcard(case: tuple[str, str]) -> None:
    pattern, value = case
    expected = wildcard_match(pattern, value, insensitive=True)
    assert matches(f"any where f : {eql_string(pattern)}", {"f": value}) is expected


@PROPERTY_SETTINGS
@given(pattern_and_value())
@example(("A*", "abc"))
def test_like_is_case_sensitive_wildcard(case: tuple[str, str]) -> None:
    pattern, value = case
    expected = wildcard_match(pattern, value, insensitive=False)
    assert matches(f"any where f like {eql_string(pattern)}", {"f": value}) is expected


@PROPERTY_SETTINGS
@given(pattern_and_value())
def test_like_tilde_is_case_insensitive_wildcard(case: tuple[str, str]) -> None:
    pattern, value = case
    expected = wildcard_match(pattern, value, insensitive=True)
    assert matches(f"any where f like~ {eql_string(pattern)}", {"f": value}) is expected


@PROPERTY_SETTINGS
@given(pattern_and_value())
@example(("a*", "a*"))
@example(("a*", "abc"))
@example(("A", "a"))
def test_double_equals_is_exact_and_case_sensitive(case: tuple[str, str]) -> None:
    literal, value = case
    assert matches(f"any where f == {eql_string(literal)}", {"f": value}) is (value == literal)


@PROPERTY_SETTINGS
@given(st.lists(pattern_and_value(), min_size=1, max_size=3), st.booleans())
def test_pattern_list_matches_when_any_pattern_does(
    cases: list[tuple[str, str]], insensitive: bool
) -> None:
    value = cases[0][1]
    patterns = [pattern for pattern, _ in cases]
    operator = ":" if insensitive else "like"
    query = f"any where f {operator} ({', '.join(map(eql_string, patterns))})"
    expected = any(wildcard_match(p, value, insensitive=insensitive) for p in patterns)
    assert matches(query, {"f": value}) is expected


@PROPERTY_SETTINGS
@given(pattern_and_value())
@example(("a*", "A*"))
@example(("a*", "abc"))
def test_in_tilde_folds_case_but_never_expands_wildcards(case: tuple[str, str]) -> None:
    literal, value = case
    expected = fold(value) == fold(literal)
    assert matches(f"any where f in~ ({eql_string(literal)})", {"f": value}) is expected


@PROPERTY_SETTINGS
@given(st.lists(st.text(VALUE_ALPHABET, max_size=6), max_size=4), pattern_and_value())
def test_pattern_on_a_multi_valued_field_matches_any_value(
    others: list[str], case: tuple[str, str]
) -> None:
    pattern, value = case
    values = [*others, value]
    expected = any(wildcard_match(pattern, v, insensitive=True) for v in values)
    assert matches(f"any where f : {eql_string(pattern)}", {"f": values}) is expected


# -- null logic: the truth table --------------------------------------------------------

MISSING: dict[str, Any] = {"other": "x"}

NULL_TABLE = [
    # (condition, document, expected): a leaf on a missing field is false ...
    ('f == "x"', MISSING, False),
    ('f : "x*"', MISSING, False),
    ('f like "*"', MISSING, False),
    ('f in ("x", "y")', MISSING, False),
    ("f > 1", MISSING, False),
    ("f <= 1", MISSING, False),
    ('f regex "x.*"', MISSING, False),
    ('startsWith(f, "x")', MISSING, False),
    ("length(f) > 0", MISSING, False),
    # ... so its negation is true, and so are must_not forms ...
    ('not f == "x"', MISSING, True),
    ('not f : "x*"', MISSING, True),
    ("not (f > 1)", MISSING, True),
    ('not startsWith(f, "x")', MISSING, True),
    ('f != "x"', MISSING, True),
    ('f not in ("x", "y")', MISSING, True),
    # ... but a negation inside a script comparison stays null, hence false,
    ('string(f) != "y"', MISSING, False),
    ('not string(f) != "y"', MISSING, True),
    # functions of a missing field are null,
    ("string(f) == null", MISSING, True),
    ("length(f) == null", MISSING, True),
    ('concat(f, "a") == null', MISSING, True),
    ("substring(f, 0, 1) == null", MISSING, True),
    ("f == null", MISSING, True),
    ("f != null", MISSING, False),
    # and with a value present, the same conditions say what they mean.
    ('f == "x"', {"f": "x"}, True),
    ('f != "x"', {"f": "x"}, False),
    ('string(f) != "y"', {"f": "x"}, True),
    ("string(f) == null", {"f": "x"}, False),
    ("f == null", {"f": "x"}, False),
    ("f != null", {"f": "x"}, True),
]


@pytest.mark.parametrize(
    ("condition", "doc", "expected"),
    NULL_TABLE,
    ids=[f"{c} [{'missing' if d is MISSING else 'present'}]" for c, d, _ in NULL_TABLE],
)
def test_null_truth_table(condition: str, doc: dict[str, Any], expected: bool) -> None:
    assert matches(f"any where {condition}", doc) is expected


# -- null logic: random boolean combinations --------------------------------------------

Values = Sequence[str]  # a field's values: [] when missing, one or several otherwise


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf predicate template (`{f}` is the field) and its reference meaning."""

    template: str
    holds: Callable[[Values], bool]


def some(test: Callable[[str], bool]) -> Callable[[Values], bool]:
    """DSL leaf / null-safe script leaf: true when any value passes; none -> false."""
    return lambda values: any(test(value) for value in values)


def none_of(test: Callable[[str], bool]) -> Callable[[Values], bool]:
    """`must_not` leaf (`!=`, `not in`): true unless some value passes the test."""
    return lambda values: not any(test(value) for value in values)


LEAVES = (
    Leaf('{f} == "x"', some(lambda v: v == "x")),
    Leaf('{f} != "x"', none_of(lambda v: v == "x")),
    Leaf('{f} : "X*"', some(lambda v: v.lower().startswith("x"))),
    Leaf('{f} like "x*"', some(lambda v: v.startswith("x"))),
    Leaf("{f} == null", lambda values: not values),
    Leaf("{f} != null", lambda values: len(values) > 0),
    Leaf('{f} in ("x", "Y")', some(lambda v: v in ("x", "Y"))),
    Leaf('{f} not in ("x", "Y")', none_of(lambda v: v in ("x", "Y"))),
    Leaf('{f} in~ ("x", "Y")', some(lambda v: v.lower() in ("x", "y"))),
    Leaf('{f} > "x"', some(lambda v: v > "x")),
    Leaf('string({f}) != "y"', some(lambda v: v != "y")),
    Leaf('string({f}) == "y"', some(lambda v: v == "y")),
    Leaf('startsWith~({f}, "x")', some(lambda v: v.lower().startswith("x"))),
    Leaf("length({f}) > 1", some(lambda v: len(v) > 1)),
    Leaf("length({f}) == null", lambda values: not values),
)
FIELDS = ("a", "b")


@dataclass(frozen=True, slots=True)
class Condition:
    text: str
    holds: Callable[[dict[str, Values]], bool]


def leaf_condition(leaf: Leaf, field: str) -> Condition:
    return Condition(leaf.template.format(f=field), lambda doc: leaf.holds(doc[field]))


def negation(inner: Condition) -> Condition:
    return Condition(f"not ({inner.text})", lambda doc: not inner.holds(doc))


def conjunction(left: Condition, right: Condition) -> Condition:
    return Condition(
        f"({left.text}) and ({right.text})", lambda doc: left.holds(doc) and right.holds(doc)
    )


def disjunction(left: Condition, right: Condition) -> Condition:
    return Condition(
        f"({left.text}) or ({right.text})", lambda doc: left.holds(doc) or right.holds(doc)
    )


CONDITIONS = st.recursive(
    st.builds(leaf_condition, st.sampled_from(LEAVES), st.sampled_from(FIELDS)),
    lambda inner: st.one_of(
        st.builds(negation, inner),
        st.builds(conjunction, inner, inner),
        st.builds(disjunction, inner, inner),
    ),
    max_leaves=6,
)
FIELD_VALUES = st.lists(st.sampled_from(["x", "X", "y", "xy", ""]), max_size=3)


def as_document(values: dict[str, Values], scalar: dict[str, bool]) -> dict[str, Any]:
    """Missing fields are absent; a single value is written as a scalar or a 1-list."""
    doc: dict[str, Any] = {}
    for field, field_values in values.items():
        if not field_values and scalar[field]:
            continue  # absent; an empty list (the other case) is missing too
        single = len(field_values) == 1 and scalar[field]
        doc[field] = field_values[0] if single else list(field_values)
    return doc


@PROPERTY_SETTINGS
@given(
    CONDITIONS,
    st.fixed_dictionaries({field: FIELD_VALUES for field in FIELDS}),
    st.fixed_dictionaries({field: st.booleans() for field in FIELDS}),
)
def test_boolean_logic_over_leaves_is_two_valued(
    condition: Condition, values: dict[str, Values], scalar: dict[str, bool]
) -> None:
    doc = as_document(values, scalar)
    expected = condition.holds(values)
    assert matches(f"any where {condition.text}", doc) is expected, (condition.text, doc)


# -- printing -------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(CONDITIONS, st.text(VALUE_ALPHABET + "\n\t\r", max_size=8))
def test_printed_query_parses_back_to_the_same_ast(condition: Condition, literal: str) -> None:
    """`str(ast)` is valid EQL for any condition, and for strings needing escapes."""
    ast = eql.parse(f"any where ({condition.text}) or f : {eql_string(literal)}")
    assert eql.parse(str(ast)) == ast, str(ast)


@PROPERTY_SETTINGS
@given(st.text(VALUE_ALPHABET + "\n\t\r", max_size=8))
def test_string_escapes_denote_their_characters(literal: str) -> None:
    """`\\n \\r \\t \\\\ \\"` in a string literal stand for the character itself."""
    assert matches(f"any where f == {eql_string(literal)}", {"f": literal})


_leaf = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["x", "10.0.0.1"]))
_inner = st.dictionaries(st.sampled_from(["ip", "id", "name"]), _leaf, max_size=3)
_shaped = st.fixed_dictionaries(
    {},
    optional={
        "host": st.one_of(_inner, st.lists(_inner, max_size=2), _leaf),
        "host.ip": _leaf,
        "host.id": _leaf,
    },
)


@given(doc=_shaped, name=st.sampled_from(["ip", "id", "name"]))
def test_the_two_part_getter_finds_what_the_general_walk_finds(
    doc: dict[str, Any], name: str
) -> None:
    path = ("host", name)
    assert make_getter(path)(doc) == lookup(doc, path)


_deep = st.fixed_dictionaries(
    {},
    optional={
        "a": st.one_of(
            st.fixed_dictionaries({}, optional={"b": st.one_of(_inner, _leaf), "b.ip": _leaf}),
            _leaf,
        ),
        "a.b": st.one_of(_inner, _leaf),
        "a.b.ip": _leaf,
    },
)


@given(doc=_deep)
def test_the_three_part_getter_finds_what_the_general_walk_finds(doc: dict[str, Any]) -> None:
    assert make_getter(("a", "b", "ip"))(doc) == lookup(doc, ("a", "b", "ip"))
