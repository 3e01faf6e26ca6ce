"""AST -> Python callables over plain dicts, with Elasticsearch's evaluation rules.

Elasticsearch does not interpret a `where` clause: it translates it into Query DSL
(eql-semantics.md §0). We reproduce what that translation means:

* The boolean layer (`and`, `or`, `not`) is two-valued over *leaves*.
* A **DSL leaf** (a field compared with literals: `==`, `<`, `in`, `:`, `like`,
  `regex`, a null check, a boolean field) is existential over the field's values and
  false when the field is missing; `field != lit` is `must_not[term]`, so it is true
  when the field is missing.
* A **script leaf** (anything with a function or arithmetic) is evaluated with
  three-valued logic for every combination of the values of its field occurrences
  (`multiValueDocValues`), true if any combination is true; null becomes false.

One `compile_<node>` function per node kind, dispatched through tables (STYLE.md §5).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from typing import Any

from relaywatch.eql import ast
from relaywatch.eql.combinators import conjunction, disjunction
from relaywatch.eql.fields import Document, make_getter, scalar_values, typed_getter
from relaywatch.eql.functions import FUNCTIONS
from relaywatch.eql.regex import LuceneRegex, RegexError
from relaywatch.eql.timestamps import date_literal_ms, timestamp_ms
from relaywatch.eql.values import (
    DATE_FIELDS,
    IP_FIELDS,
    canonical_ip,
    compare,
    equal,
    ip_sort_key,
    ip_term_test,
    java_string,
)
from relaywatch.eql.wildcard import compile_lucene_wildcard, compile_wildcard, has_wildcard
from relaywatch.errors import EqlCompileError, EqlRuntimeError

Predicate = Callable[[Document], bool]
Scalar = Callable[[Any], Any]  # evaluates over an environment of field values
MAX_COMBINATIONS = 100_000  # past this a script leaf is a counted runtime error

_ORDERING: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}
_SWAPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_BOOLEAN_NODES = (ast.Comparison, ast.InSet, ast.Match, ast.Not, ast.And, ast.Or)


class ConditionCompiler:
    """Compiles the condition of one event query; `text` is the query for error excerpts."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, node: object) -> EqlCompileError:
        line = getattr(node, "line", 0)
        column = getattr(node, "column", 0)
        return EqlCompileError(message, self.text, line, column)

    # ------------------------------------------------------------ boolean layer

    def predicate(self, node: ast.Expr) -> Predicate:
        node = _without_boolean_equality(node)
        if not _field_occurrences(node):
            # ConstantFolding is three-valued and PruneFilters drops a null filter, so
            # `not null` and `false or not null` match nothing (eql-semantics.md §4).
            self.check_script(node)
            self.check_constant_boolean(node)
            return _constant(self.fold(node) is True)
        if isinstance(node, ast.And):
            ranked = sorted(node.terms, key=_cost)  # cheapest first until the data speaks
            return conjunction([self.predicate(t) for t in ranked], [_cost(t) for t in ranked])
        if isinstance(node, ast.Or):
            return disjunction([self.predicate(term) for term in node.terms])
        if isinstance(node, ast.Not):
            inner = self.predicate(node.operand)
            return lambda doc: not inner(doc)
        self.check_script(node)
        self.check_boolean(node)
        return self.leaf(node)

    def check_constant_boolean(self, node: ast.Expr) -> None:
        """`file where 1` is a verification error in ES: a condition must be boolean."""
        if isinstance(node, ast.And | ast.Or):
            for term in node.terms:
                self.check_constant_boolean(term)
        elif isinstance(node, ast.Not):
            self.check_constant_boolean(node.operand)
        else:
            self.check_boolean(node)

    def check_boolean(self, node: ast.Expr) -> None:
        if isinstance(node, (*_BOOLEAN_NODES, ast.Field)):
            return
        if isinstance(node, ast.Literal) and (node.value is None or isinstance(node.value, bool)):
            return
        if isinstance(node, ast.FunctionCall) and FUNCTIONS[node.name].returns_boolean:
            return
        raise self.error(f"condition must be boolean, found [{node}]", node)

    # ------------------------------------------------------------ leaves

    def leaf(self, node: ast.Expr) -> Predicate:
        fields = _field_occurrences(node)
        if not fields:
            value = self.fold(node)
            return _constant(value is True)
        dsl = self.dsl_leaf(node)
        if dsl is not None:
            return dsl
        self.check_script(node)
        return self.script_leaf(node, fields)

    def fold(self, node: ast.Expr) -> Any:
        try:
            return self.scalar(node, {})(None)
        except EqlRuntimeError as error:
            raise self.error(str(error), node) from None

    def dsl_leaf(self, node: ast.Expr) -> Predicate | None:
        """Leaves that Elasticsearch answers with a DSL query on a single field."""
        if isinstance(node, ast.Field):
            return _existential(node, lambda value: value is True)
        if isinstance(node, ast.Comparison):
            return self.dsl_comparison(node)
        if isinstance(node, ast.InSet) and isinstance(node.operand, ast.Field):
            test = self.in_test(node, node.operand)
            return _existential(node.operand, test)
        if isinstance(node, ast.FunctionCall):
            return self.dsl_function(node)
        if isinstance(node, ast.Match) and isinstance(node.operand, ast.Field):
            self.check_match_operand(node)
            positive = _existential_text(node.operand, self.match_string_test(node))
            if not any(pattern.value is None for pattern in node.patterns):
                return positive
            exists = _exists(node.operand)  # `x : null` is IsNull(x)
            return lambda doc: positive(doc) or not exists(doc)
        return None

    def dsl_function(self, node: ast.FunctionCall) -> Predicate | None:
        """`startsWith`/`endsWith`/`stringContains` on a field and a literal are pushed down
        as prefix / wildcard queries (QueryTranslator `CaseInsensitiveScalarFunctions`)."""
        if node.name not in _PUSHED_DOWN or len(node.args) != 2:
            return None
        field, literal = node.args
        if not (isinstance(field, ast.Field) and isinstance(literal, ast.Literal)):
            return None
        if not isinstance(literal.value, str) or field.name in IP_FIELDS:
            return None
        text = literal.value
        if node.name == "startsWith":
            prefix = text.lower() if node.insensitive else text
            if node.insensitive:
                return _existential_text(field, lambda value: value.lower().startswith(prefix))
            return _existential_text(field, lambda value: value.startswith(prefix))
        pattern = "*" + text if node.name == "endsWith" else "*" + text + "*"
        return _existential_text(field, compile_lucene_wildcard(pattern, node.insensitive))

    def dsl_comparison(self, node: ast.Comparison) -> Predicate | None:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, ast.Literal) and isinstance(right, ast.Field):
            left, right, op = right, left, _SWAPPED[op]
        if not isinstance(left, ast.Field):
            return None
        if isinstance(right, ast.Field):
            if left.optional or right.optional:
                return None  # an absent optional field is a null literal: a script leaf
            raise self.error(
                "comparisons against fields are not supported (as in Elasticsearch)", node
            )
        if not isinstance(right, ast.Literal):
            right_value = self.fold(right) if not _field_occurrences(right) else _NOT_CONSTANT
            if right_value is _NOT_CONSTANT:
                return None
            right = ast.Literal(right_value)  # type: ignore[arg-type]
        if right.value is None and op in ("==", "!="):
            exists = _exists(left)
            return exists if op == "!=" else (lambda doc: not exists(doc))
        if right.value is None:
            return _constant(False)
        if left.name in DATE_FIELDS:
            return self.date_comparison(node, left, op, right.value)
        if left.name in IP_FIELDS and isinstance(right.value, str):
            return self.ip_comparison(node, left, op, right.value)
        literal = _literal_for(left, right.value)
        if op == "==":
            return _existential_equals(left, literal)
        if op == "!=":
            positive = _existential_equals(left, literal)
            return lambda doc: not positive(doc)
        outcome = _ORDERING[op]

        def ordered(value: Any) -> bool:
            result = compare(value, literal)
            return result is not None and outcome(result)

        return _existential(left, ordered)

    def ip_comparison(
        self, node: ast.Comparison, field: ast.Field, op: str, text: str
    ) -> Predicate:
        """An ip field compares addresses, not strings: a term may be a CIDR block (the ip
        field type accepts `10.0.0.0/8` in term queries) and ranges order addresses."""
        if op in ("==", "!="):
            positive = _existential(field, ip_term_test(text))
            return positive if op == "==" else (lambda doc: not positive(doc))
        bound = ip_sort_key(text)
        if bound is None:
            raise self.error(f"[{text}] is not an IP address", node)
        outcome = _ORDERING[op]

        def ordered(value: Any) -> bool:
            key = ip_sort_key(value)
            return key is not None and outcome(_sign(key - bound))

        return _existential(field, ordered)

    def date_comparison(
        self, node: ast.Comparison, field: ast.Field, op: str, value: Any
    ) -> Predicate:
        try:
            instant = date_literal_ms(value)
        except EqlRuntimeError:
            raise self.error(
                f"cannot compare date field {field.name} with [{value}]", node
            ) from None
        # `!=` is the negation of `==` (below), so both test equality here.
        outcome: Callable[[int], bool] = _ORDERING.get(op, _is_zero)

        def test(document_value: Any) -> bool:
            # A value that is no date raises: the event is counted, as a bad value is.
            return outcome(_sign(timestamp_ms(document_value) - instant))

        positive = _existential(field, test)
        if op == "!=":  # must_not[term]: true when the field is missing
            return lambda doc: not positive(doc)
        return positive

    def check_match_operand(self, node: ast.Match) -> None:
        operand = node.operand
        if isinstance(operand, ast.Field) and operand.name in IP_FIELDS:
            raise self.error(
                f"'{node.op}' needs a string field; {operand.name} is an ip field "
                f"(use string({operand.name}) or cidrMatch)",
                node,
            )

    def check_script(self, node: ast.Expr) -> None:
        for inner in ast.walk(node):
            if isinstance(inner, ast.FunctionCall):
                self.check_call(inner)
            if isinstance(inner, ast.Match):
                self.check_match_operand(inner)

    def check_call(self, call: ast.FunctionCall) -> None:
        function = FUNCTIONS[call.name]
        count = len(call.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            expected = (
                str(function.min_args)
                if function.min_args == function.max_args
                else f"{function.min_args}+"
                if function.max_args is None
                else f"{function.min_args} to {function.max_args}"
            )
            raise self.error(f"{call.name}() takes {expected} arguments, got {count}", call)
        if call.insensitive and not function.case_aware:
            raise self.error(f"{call.name}() does not support the case-insensitive '~' form", call)
        for index, arg in enumerate(call.args):
            self.check_argument(call, index, arg)

    def check_argument(self, call: ast.FunctionCall, index: int, arg: ast.Expr) -> None:
        function = FUNCTIONS[call.name]
        if not isinstance(arg, ast.Literal) or arg.value is None:
            return
        value = arg.value
        if index in function.string_args and not isinstance(value, str):
            raise self.error(
                f"argument {index + 1} of {call.name}() must be a string, found [{arg}]", arg
            )
        if index in function.number_args and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise self.error(
                f"argument {index + 1} of {call.name}() must be a number, found [{arg}]", arg
            )

    def script_leaf(self, node: ast.Expr, fields: list[ast.Field]) -> Predicate:
        slots = {id(field): index for index, field in enumerate(fields)}
        single = len(fields) == 1
        evaluate = self.scalar(node, slots, single)
        getters = [_value_getter(field) for field in fields]
        if single:
            (get,) = getters

            def one(doc: Document) -> bool:
                value = get(doc)
                if value.__class__ is list:
                    return any(evaluate(item) is True for item in scalar_values(value))
                return evaluate(value) is True

            return one

        def many(doc: Document) -> bool:
            raw = [get(doc) for get in getters]
            if not any(value.__class__ is list for value in raw):
                return evaluate(raw) is True
            columns = [scalar_values(value) for value in raw]
            if math.prod(len(column) for column in columns) > MAX_COMBINATIONS:
                # Elasticsearch would try them all; a partial answer would be silently
                # wrong (and inverted under `not`), so the event is counted instead.
                raise EqlRuntimeError(
                    f"more than {MAX_COMBINATIONS} combinations of multi-valued fields in [{node}]"
                )
            return any(evaluate(list(combo)) is True for combo in itertools.product(*columns))

        return many

    # ------------------------------------------------------------ scalar layer (3VL)

    def scalar(self, node: ast.Expr, slots: dict[int, int], single: bool = False) -> Scalar:
        compile_node = _SCALAR_TABLE[type(node)]
        return compile_node(self, node, slots, single)

    def scalar_literal(self, node: ast.Literal, slots: dict[int, int], single: bool) -> Scalar:
        value = node.value
        return lambda env: value

    def scalar_field(self, node: ast.Field, slots: dict[int, int], single: bool) -> Scalar:
        if single:
            return lambda env: env
        index = slots[id(node)]
        return lambda env: env[index]

    def scalar_call(self, node: ast.FunctionCall, slots: dict[int, int], single: bool) -> Scalar:
        self.check_call(node)
        function = FUNCTIONS[node.name]
        impl = function.impl
        if function.case_aware:  # the `~` flag is the implementation's first argument
            impl = functools.partial(impl, node.insensitive)
        return _call(impl, [self.scalar(arg, slots, single) for arg in node.args], node.args)

    def scalar_negate(self, node: ast.Negate, slots: dict[int, int], single: bool) -> Scalar:
        operand = self.scalar(node.operand, slots, single)
        subtract = FUNCTIONS["subtract"].impl
        return lambda env: subtract(0, operand(env))

    def scalar_arithmetic(
        self, node: ast.Arithmetic, slots: dict[int, int], single: bool
    ) -> Scalar:
        name = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "modulo"}[node.op]
        impl = FUNCTIONS[name].impl
        left, right = self.scalar(node.left, slots, single), self.scalar(node.right, slots, single)
        return lambda env: impl(left(env), right(env))

    def scalar_comparison(
        self, node: ast.Comparison, slots: dict[int, int], single: bool
    ) -> Scalar:
        left, right = self.scalar(node.left, slots, single), self.scalar(node.right, slots, single)
        if node.op in ("==", "!=") and (_is_null(node.left) or _is_null(node.right)):
            # ReplaceNullChecks: `x == null` is IsNull(x), which is never null itself.
            other = right if _is_null(node.left) else left
            wanted = node.op == "=="
            return lambda env: (other(env) is None) == wanted
        if node.op in ("==", "!=") and (_optional(node.left) or _optional(node.right)):
            return self.optional_equality(node, left, right)
        if node.op == "==":
            return lambda env: equal(left(env), right(env))
        if node.op == "!=":

            def not_equal(env: Any) -> bool | None:
                result = equal(left(env), right(env))
                return None if result is None else not result

            return not_equal
        outcome = _ORDERING[node.op]

        def ordered(env: Any) -> bool | None:
            result = compare(left(env), right(env))
            return None if result is None else outcome(result)

        return ordered

    def optional_equality(self, node: ast.Comparison, left: Scalar, right: Scalar) -> Scalar:
        """An optional field that is absent stands for the null literal (eql-syntax.md,
        "Optional fields"), so `?x == y` becomes IsNull(y) when x is absent."""
        wanted = node.op == "=="
        left_optional, right_optional = _optional(node.left), _optional(node.right)

        def compare_optional(env: Any) -> bool | None:
            a, b = left(env), right(env)
            if (a is None and left_optional) or (b is None and right_optional):
                return (a is None and b is None) == wanted
            result = equal(a, b)
            return None if result is None else result == wanted

        return compare_optional

    def scalar_in(self, node: ast.InSet, slots: dict[int, int], single: bool) -> Scalar:
        operand = self.scalar(node.operand, slots, single)
        test = self.in_test(node, node.operand)
        return lambda env: None if (value := operand(env)) is None else test(value)

    def scalar_match(self, node: ast.Match, slots: dict[int, int], single: bool) -> Scalar:
        operand = self.scalar(node.operand, slots, single)
        test = self.match_test(node)
        if any(pattern.value is None for pattern in node.patterns):  # `f(x) : null` is IsNull
            return lambda env: True if (value := operand(env)) is None else test(value)
        return lambda env: None if (value := operand(env)) is None else test(value)

    def scalar_not(self, node: ast.Not, slots: dict[int, int], single: bool) -> Scalar:
        operand = self.scalar(node.operand, slots, single)
        return lambda env: None if (value := operand(env)) is None else not value

    def scalar_and(self, node: ast.And, slots: dict[int, int], single: bool) -> Scalar:
        terms = [self.scalar(term, slots, single) for term in node.terms]

        def conjunction(env: Any) -> bool | None:
            values = [term(env) for term in terms]
            if any(value is False for value in values):
                return False
            return None if any(value is None for value in values) else True

        return conjunction

    def scalar_or(self, node: ast.Or, slots: dict[int, int], single: bool) -> Scalar:
        terms = [self.scalar(term, slots, single) for term in node.terms]

        def disjunction(env: Any) -> bool | None:
            values = [term(env) for term in terms]
            if any(value is True for value in values):
                return True
            return None if any(value is None for value in values) else False

        return disjunction

    # ------------------------------------------------------------ shared tests

    def in_test(self, node: ast.InSet, operand: ast.Expr) -> Callable[[Any], bool]:
        values = []
        for item in node.values:
            if _field_occurrences(item):
                raise self.error(
                    "comparisons against fields are not supported (as in Elasticsearch)", item
                )
            value = self.fold(item)
            if value is not None:  # null list elements are skipped (InComparisons)
                values.append(value)
        if isinstance(operand, ast.Field) and operand.name in IP_FIELDS:
            tests = [ip_term_test(v) if isinstance(v, str) else _equals_test(v) for v in values]
            return lambda value: any(test(value) for test in tests)
        if node.insensitive:
            folded = frozenset(v.lower() for v in values if isinstance(v, str))
            others = [v for v in values if not isinstance(v, str)]
            return lambda value: (
                value.lower() in folded
                if isinstance(value, str)
                else any(equal(value, other) for other in others)
            )
        strings = frozenset(v for v in values if isinstance(v, str))
        if len(strings) == len(values):
            return lambda value: (
                value in strings
                if value.__class__ is str
                else any(equal(value, s) for s in strings)
            )
        return lambda value: any(equal(value, other) for other in values)

    def match_test(self, node: ast.Match) -> Callable[[Any], bool]:
        """The match as a test on any value (non-strings are rendered as Java does)."""
        test = self.match_string_test(node)

        def on_value(value: Any) -> bool:
            text = value if value.__class__ is str else java_string(value)
            return text is not None and test(text)

        return on_value

    def match_string_test(self, node: ast.Match) -> Callable[[str], bool]:
        """The match as a test on strings: one pattern, a set of plain patterns, or any of."""
        self.check_patterns(node)
        patterns = [p for p in node.patterns if p.value is not None]
        exact = self.exact_pattern_set(node, patterns)
        if exact is not None:
            return exact
        tests = [self.pattern_test(node, p) for p in patterns]
        if len(tests) == 1:
            return tests[0]
        return lambda text: any(test(text) for test in tests)

    def exact_pattern_set(
        self, node: ast.Match, patterns: list[ast.Literal]
    ) -> Callable[[str], bool] | None:
        """Several patterns without wildcards are one set look-up (a `terms` query)."""
        texts = [str(p.value) for p in patterns]
        if len(texts) < 2 or node.op not in (":", "like", "like~") or any(map(has_wildcard, texts)):
            return None
        if node.op == "like":
            return frozenset(texts).__contains__
        folded = frozenset(text.lower() for text in texts)
        return lambda text: text.lower() in folded

    def check_patterns(self, node: ast.Match) -> None:
        for pattern in node.patterns:
            if pattern.value is not None and not isinstance(pattern.value, str):
                raise self.error(
                    f"'{node.op}' compares strings, found [{pattern}]; consider using [==] instead",
                    pattern,
                )

    def pattern_test(self, node: ast.Match, pattern: ast.Literal) -> Callable[[str], bool]:
        text = str(pattern.value)
        op = node.op
        if op in ("regex", "regex~"):
            try:
                return LuceneRegex(text, insensitive=op == "regex~").fullmatch
            except RegexError as error:
                raise self.error(f"invalid regex {text!r}: {error}", pattern) from None
        insensitive = op in (":", "like~")
        if not has_wildcard(text):
            if insensitive:
                folded = text.lower()
                return lambda value: value.lower() == folded
            return text.__eq__
        return compile_wildcard(text, insensitive)


_NOT_CONSTANT = object()
_PUSHED_DOWN = frozenset({"startsWith", "endsWith", "stringContains"})

_SCALAR_TABLE: dict[type, Callable[..., Scalar]] = {
    ast.Literal: ConditionCompiler.scalar_literal,
    ast.Field: ConditionCompiler.scalar_field,
    ast.FunctionCall: ConditionCompiler.scalar_call,
    ast.Negate: ConditionCompiler.scalar_negate,
    ast.Arithmetic: ConditionCompiler.scalar_arithmetic,
    ast.Comparison: ConditionCompiler.scalar_comparison,
    ast.InSet: ConditionCompiler.scalar_in,
    ast.Match: ConditionCompiler.scalar_match,
    ast.Not: ConditionCompiler.scalar_not,
    ast.And: ConditionCompiler.scalar_and,
    ast.Or: ConditionCompiler.scalar_or,
}


def _is_zero(number: int) -> bool:
    return number == 0


def _call(impl: Callable[..., Any], args: list[Scalar], nodes: tuple[ast.Expr, ...]) -> Scalar:
    """A function call with literal arguments bound once: `substring(user.name, 0, -1)`
    becomes one closure calling `substring(value, 0, -1)`, not four."""
    if len(args) == 1:
        (first,) = args
        return lambda env: impl(first(env))
    if len(args) == 2 and isinstance(nodes[1], ast.Literal):
        (first, _), constant = args, nodes[1].value
        return lambda env: impl(first(env), constant)
    if len(args) == 2:
        first, second = args
        return lambda env: impl(first(env), second(env))
    if len(args) == 3 and isinstance(nodes[1], ast.Literal) and isinstance(nodes[2], ast.Literal):
        first, low, high = args[0], nodes[1].value, nodes[2].value
        return lambda env: impl(first(env), low, high)
    return lambda env: impl(*[arg(env) for arg in args])


def _without_boolean_equality(node: ast.Expr) -> ast.Expr:
    """ES's BooleanFunctionEqualsElimination (after LiteralsOnTheRight): `f(x) == true`
    and `f(x) != false` are `f(x)`; `f(x) == false` and `f(x) != true` are `not f(x)`.
    It applies when the other side is a function or predicate, not a plain field."""
    if not isinstance(node, ast.Comparison) or node.op not in ("==", "!="):
        return node
    pair = (node.left, node.right)
    literal = next(
        (n for n in pair if isinstance(n, ast.Literal) and isinstance(n.value, bool)), None
    )
    other = node.right if literal is node.left else node.left
    if literal is None or isinstance(other, ast.Field | ast.Literal):
        return node
    keep = (literal.value is True) == (node.op == "==")
    return other if keep else ast.Not(other, node.line, node.column)


def _optional(node: ast.Expr) -> bool:
    return isinstance(node, ast.Field) and node.optional


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def _is_null(node: ast.Expr) -> bool:
    return isinstance(node, ast.Literal) and node.value is None


def _field_occurrences(node: ast.Expr) -> list[ast.Field]:
    return [inner for inner in ast.walk(node) if isinstance(inner, ast.Field)]


def _value_getter(field: ast.Field) -> Callable[[Document], Any]:
    return typed_getter(field.path)


def _literal_for(field: ast.Field, value: Any) -> Any:
    """Literals compared with an ip field are compared as addresses."""
    if field.name in IP_FIELDS and isinstance(value, str):
        return canonical_ip(value) or value
    return value


def _equals_test(literal: Any) -> Callable[[Any], bool]:
    if literal.__class__ is str:
        return lambda value: (
            value == literal if value.__class__ is str else equal(value, literal) is True
        )
    return lambda value: equal(value, literal) is True


def _existential(field: ast.Field, test: Callable[[Any], bool]) -> Predicate:
    """True when any value of the field passes; a missing field passes nothing."""
    get = _value_getter(field)

    def predicate(doc: Document) -> bool:
        value = get(doc)
        if value is None:
            return False
        if value.__class__ is list:
            return any(test(item) for item in scalar_values(value) if item is not None)
        return test(value)

    return predicate


def _existential_equals(field: ast.Field, literal: Any) -> Predicate:
    """`field == "literal"`, the commonest leaf, with the string case inlined."""
    if literal.__class__ is not str:
        return _existential(field, _equals_test(literal))
    get = _value_getter(field)
    slow = _existential(field, _equals_test(literal))

    def predicate(doc: Document) -> bool:
        value = get(doc)
        if value.__class__ is str:
            return value == literal
        return slow(doc)

    return predicate


def _existential_text(field: ast.Field, test: Callable[[str], bool]) -> Predicate:
    """Existential over the field's values rendered as strings (keyword doc values), with
    the single-string case, by far the commonest, tested directly."""

    def text_test(value: Any) -> bool:
        if value.__class__ is str:
            return test(value)
        text = java_string(value)
        return text is not None and test(text)

    get = _value_getter(field)
    general = _existential(field, text_test)

    def predicate(doc: Document) -> bool:
        value = get(doc)
        if value.__class__ is str:
            return test(value)
        return general(doc)

    return predicate


def _exists(field: ast.Field) -> Predicate:
    get = make_getter(field.path)

    def exists(doc: Document) -> bool:
        value = get(doc)
        if value.__class__ is list:
            return any(item is not None for item in scalar_values(value))
        return value is not None

    return exists


def _constant(value: bool) -> Predicate:
    return (lambda doc: True) if value else (lambda doc: False)


def _cost(node: ast.Expr) -> int:
    """A rough evaluation cost used to order conjunctions: exact tests on plain fields
    first, then case-insensitive and pushed-down string tests, ip tests, and scripts."""
    if isinstance(node, ast.Not):
        return _cost(node.operand)
    fields = _field_occurrences(node)
    scripted = any(
        isinstance(inner, ast.Arithmetic)
        or (isinstance(inner, ast.FunctionCall) and inner.name not in _PUSHED_DOWN)
        for inner in ast.walk(node)
    )
    if scripted or len(fields) != 1:
        return 10 + len(ast.walk(node))
    if fields[0].name in IP_FIELDS:
        return 3
    if isinstance(node, ast.Comparison | ast.InSet) and not getattr(node, "insensitive", False):
        return 0
    return 1
