"""Tokens -> AST, following Elasticsearch's EQL grammar (`EqlBase.g4`).

Precedence, loosest first: `or`, `and`, `not`, predicates (comparisons, `in`, `:`,
`like`, `regex`), `+ -`, `* / %`, unary minus. Function names are resolved against
the registry here so that `str(ast)` prints their canonical camelCase spelling.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable

from relaywatch.eql import ast
from relaywatch.eql.functions import FUNCTIONS, resolve_function_name
from relaywatch.eql.tokens import KEYWORDS, Kind, Token, tokenize
from relaywatch.errors import EqlCompileError, EqlSyntaxError

# Deeper nesting is rejected instead of exhausting the Python stack (each level costs
# about ten parser frames; Elastic's catalog nests at most a handful of levels).
MAX_DEPTH = 64
MAX_RUNS = 100  # Elasticsearch accepts `with runs=N` for 1 <= N <= 100
LONG_MAX = 2**63 - 1
COMPARISON_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})
MATCH_OPS = frozenset({":", "like", "like~", "regex", "regex~"})
PIPES = frozenset({"head", "tail"})


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    # ------------------------------------------------------------ token helpers

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def error(self, message: str, token: Token | None = None) -> EqlSyntaxError:
        token = token or self.current
        return EqlSyntaxError(message, self.text, token.line, token.column)

    def is_op(self, *ops: str) -> bool:
        return self.current.kind is Kind.OP and self.current.text in ops

    def is_keyword(self, *words: str) -> bool:
        return self.current.kind is Kind.IDENT and self.current.text in words

    def advance(self) -> Token:
        token = self.current
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def expect_op(self, op: str) -> Token:
        if not self.is_op(op):
            raise self.error(f"expected '{op}', found {describe(self.current)}")
        return self.advance()

    def expect_keyword(self, word: str) -> Token:
        if not self.is_keyword(word):
            raise self.error(f"expected '{word}', found {describe(self.current)}")
        return self.advance()

    def nested(self, parse: Callable[[], ast.Expr]) -> ast.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"query nested deeper than {MAX_DEPTH} levels")
        try:
            return parse()
        finally:
            self.depth -= 1

    # ------------------------------------------------------------ statement

    def statement(self) -> ast.Statement:
        query = self.query()
        pipes: list[ast.Pipe] = []
        while self.is_op("|"):
            pipes.append(self.pipe())
        if self.current.kind is not Kind.EOF:
            raise self.error(f"unexpected {describe(self.current)}")
        return ast.Statement(query, tuple(pipes))

    def query(self) -> ast.QueryBody:
        if self.is_keyword("sequence"):
            return self.sequence()
        if self.is_keyword("sample"):
            return self.sample()
        if self.is_keyword("join"):
            raise self.error("join is not supported by Elasticsearch EQL; use sequence")
        return self.event_query()

    def event_query(self) -> ast.EventQuery:
        start = self.current
        if self.current.kind is Kind.STRING:
            category: str | None = self.advance().text
        elif self.current.kind in (Kind.IDENT, Kind.QUOTED_IDENT):
            if self.current.text == "where" and self.current.kind is Kind.IDENT:
                raise self.error("expected an event category (or 'any') before 'where'")
            category = self.advance().text
        else:
            raise self.error(f"expected an event category, found {describe(self.current)}")
        if category == "any" and start.kind is Kind.IDENT:
            category = None
        self.expect_keyword("where")
        condition = self.expression()
        return ast.EventQuery(category, condition, start.line, start.column)

    def sequence(self) -> ast.Sequence:
        start = self.expect_keyword("sequence")
        keys: tuple[ast.Expr, ...] = ()
        maxspan = None
        if self.is_keyword("by"):
            keys = self.join_keys()
            if self.is_keyword("with"):
                maxspan = self.maxspan()
        elif self.is_keyword("with"):
            maxspan = self.maxspan()
            if self.is_keyword("by"):  # LogicalPlanBuilder.visitSequence rejects this order
                raise self.error("Please specify sequence [by] before [with] not after")
        stages = self.stages(allow_missing=True)
        until = None
        if self.is_keyword("until"):
            self.advance()
            until = self.stage(allow_missing=False)
        if any(stage.missing for stage in stages) and maxspan is None:
            raise self.error("a sequence with missing events ![...] requires 'with maxspan'", start)
        if all(stage.missing for stage in stages):
            raise self.error("a sequence needs at least one positive (non-missing) stage", start)
        return ast.Sequence(stages, keys, maxspan, until, start.line, start.column)

    def sample(self) -> ast.Sample:
        start = self.expect_keyword("sample")
        keys = self.join_keys() if self.is_keyword("by") else ()
        stages = self.stages(allow_missing=False)
        return ast.Sample(stages, keys, start.line, start.column)

    def stages(self, allow_missing: bool) -> tuple[ast.Stage, ...]:
        stages: list[ast.Stage] = []
        while self.is_op("[", "!"):
            stages.append(self.stage(allow_missing))
        if sum(stage.runs for stage in stages) < 2:  # `[...] with runs=2` counts as two
            raise self.error(
                f"expected at least two stages [ ... ], found {describe(self.current)}"
            )
        return tuple(stages)

    def stage(self, allow_missing: bool) -> ast.Stage:
        start = self.current
        missing = False
        if self.is_op("!"):
            if not allow_missing:
                raise self.error("missing-event stages ![...] are not allowed here")
            self.advance()
            missing = True
        self.expect_op("[")
        query = self.event_query()
        self.expect_op("]")
        keys = self.join_keys() if self.is_keyword("by") else ()
        runs = 1
        if self.is_keyword("with"):
            runs = self.runs()
        return ast.Stage(query, keys, runs, missing, start.line, start.column)

    def join_keys(self) -> tuple[ast.Expr, ...]:
        self.expect_keyword("by")
        keys = [self.expression()]
        while self.is_op(","):
            self.advance()
            keys.append(self.expression())
        return tuple(keys)

    def maxspan(self) -> ast.TimeSpan:
        self.expect_keyword("with")
        self.expect_keyword("maxspan")
        self.expect_op("=")
        return self.time_span()

    def time_span(self) -> ast.TimeSpan:
        number = self.current
        if number.kind is not Kind.NUMBER or not number.text.isdigit():
            raise self.error(f"expected a whole number for maxspan, found {describe(number)}")
        self.advance()
        unit = self.current
        glued = unit.kind is Kind.IDENT and unit.line == number.line
        if not glued or unit.text not in ast.TimeSpan.MILLIS:
            raise self.error(
                f"expected a time unit (ms, s, m, h, d) after {number.text}, "
                f"found {describe(unit)}; did you mean {number.text}s?",
                unit,
            )
        self.advance()
        if int(number.text) <= 0:
            raise self.error("A positive maxspan value is required", number)
        return ast.TimeSpan(int(number.text), unit.text)

    def runs(self) -> int:
        self.expect_keyword("with")
        name = self.current
        if name.kind is not Kind.IDENT or name.text != "runs":
            raise self.error(f"expected 'runs', found {describe(name)}")
        self.advance()
        self.expect_op("=")
        value = self.current
        if value.kind is not Kind.NUMBER or not value.text.isdigit():
            raise self.error(f"expected a whole number of runs, found {describe(value)}")
        self.advance()
        runs = int(value.text)
        if not 1 <= runs <= MAX_RUNS:
            raise self.error(f"runs must be between 1 and {MAX_RUNS}", value)
        return runs

    def pipe(self) -> ast.Pipe:
        bar = self.expect_op("|")
        name = self.current
        if name.kind is not Kind.IDENT:
            raise self.error(f"expected a pipe name, found {describe(name)}")
        if name.text not in PIPES:
            raise self.error(
                f"unsupported pipe '{name.text}' (Elasticsearch EQL has head and tail)"
            )
        self.advance()
        args: list[ast.Expr] = []
        if self.current.kind is not Kind.EOF and not self.is_op("|"):
            args.append(self.expression())
            while self.is_op(","):
                self.advance()
                args.append(self.expression())
        return ast.Pipe(name.text, tuple(args), bar.line, bar.column)

    # ------------------------------------------------------------ expressions

    def expression(self) -> ast.Expr:
        return self.nested(self.disjunction)

    def disjunction(self) -> ast.Expr:
        start = self.current
        terms = [self.conjunction()]
        while self.is_keyword("or"):
            self.advance()
            terms.append(self.conjunction())
        return (
            terms[0]
            if len(terms) == 1
            else ast.Or(_flatten(ast.Or, terms), start.line, start.column)
        )

    def conjunction(self) -> ast.Expr:
        start = self.current
        terms = [self.negation()]
        while self.is_keyword("and"):
            self.advance()
            terms.append(self.negation())
        return (
            terms[0]
            if len(terms) == 1
            else ast.And(_flatten(ast.And, terms), start.line, start.column)
        )

    def negation(self) -> ast.Expr:
        if self.is_keyword("not"):
            start = self.advance()
            return ast.Not(self.nested(self.negation), start.line, start.column)
        return self.predicate()

    def predicate(self) -> ast.Expr:
        """`valueExpression`: an operator expression, optionally compared with another."""
        start = self.current
        left = self.additive()
        if self.current.kind is Kind.OP and self.current.text in COMPARISON_OPS:
            op = self.advance().text
            right = self.additive()
            return ast.Comparison(op, left, right, start.line, start.column)
        if self.is_op("="):
            raise self.error(
                "'=' is not an EQL comparison; use '==' (exact) or ':' (case-insensitive)"
            )
        return left

    def suffixed(self) -> ast.Expr:
        """`primaryExpression predicate?`: in EqlBase.g4 `in`, `:`, `like` and `regex`
        attach to a primary, so `a + 1 in (2)` is `a + (1 in (2))`."""
        start = self.current
        operand = self.primary()
        if (
            self.is_keyword("not")
            and self.peek().kind is Kind.IDENT
            and self.peek().text in ("in", "in~")
        ):
            self.advance()
            return ast.Not(self.in_set(operand, start), start.line, start.column)
        if self.is_keyword("in", "in~"):
            return self.in_set(operand, start)
        if self.is_op(":") or self.is_keyword("like", "like~", "regex", "regex~"):
            return self.match(operand, start)
        return operand

    def in_set(self, operand: ast.Expr, start: Token) -> ast.InSet:
        insensitive = self.advance().text == "in~"
        self.expect_op("(")
        values = [self.expression()]
        while self.is_op(","):
            self.advance()
            values.append(self.expression())
        self.expect_op(")")
        return ast.InSet(operand, tuple(values), insensitive, start.line, start.column)

    def match(self, operand: ast.Expr, start: Token) -> ast.Match:
        op = self.advance().text
        if self.is_op("("):
            self.advance()
            patterns = [self.pattern()]
            while self.is_op(","):
                self.advance()
                patterns.append(self.pattern())
            self.expect_op(")")
        else:
            patterns = [self.pattern()]
        return ast.Match(op, operand, tuple(patterns), start.line, start.column)

    def pattern(self) -> ast.Literal:
        """A constant; the compiler rejects non-strings other than null, as ES's verifier does."""
        token = self.current
        node = self.primary() if token.kind is not Kind.OP or token.text == "-" else None
        if node is None and token.text == "-":
            node = self.unary()
        if not isinstance(node, ast.Literal):
            raise self.error(f"expected a constant pattern, found {describe(token)}", token)
        return node

    def additive(self) -> ast.Expr:
        return self.binary_chain(("+", "-"), self.multiplicative)

    def multiplicative(self) -> ast.Expr:
        return self.binary_chain(("*", "/", "%"), self.unary)

    def binary_chain(self, ops: tuple[str, ...], operand: Callable[[], ast.Expr]) -> ast.Expr:
        """A left-associative chain; each link nests the tree one level deeper, so it
        counts against MAX_DEPTH like parentheses do."""
        left = operand()
        links = 0
        try:
            while self.is_op(*ops):
                op = self.advance()
                links += 1
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise self.error(f"query nested deeper than {MAX_DEPTH} levels", op)
                left = ast.Arithmetic(op.text, left, operand(), op.line, op.column)
        finally:
            self.depth -= links
        return left

    def unary(self) -> ast.Expr:
        if self.is_op("-", "+"):
            sign = self.advance()
            operand = self.nested(self.unary)
            if sign.text == "+":
                return operand
            if isinstance(operand, ast.Literal) and _is_number(operand.value):
                return ast.Literal(-operand.value, sign.line, sign.column)  # type: ignore[operator]
            return ast.Negate(operand, sign.line, sign.column)
        return self.suffixed()

    def primary(self) -> ast.Expr:
        token = self.current
        if token.kind is Kind.STRING:
            self.advance()
            return ast.Literal(token.text, token.line, token.column)
        if token.kind is Kind.NUMBER:
            value = _number(token.text)
            if math.isinf(value) or (isinstance(value, int) and value > LONG_MAX):
                raise self.error(f"Number [{token.text}] is too large")
            self.advance()
            return ast.Literal(value, token.line, token.column)
        if self.is_op("("):
            self.advance()
            inner = self.expression()
            self.expect_op(")")
            return inner
        if self.is_op("?"):
            self.advance()
            return self.field(optional=True, start=token)
        if token.kind is Kind.IDENT and token.text in ("null", "true", "false"):
            self.advance()
            constant = {"null": None, "true": True, "false": False}[token.text]
            return ast.Literal(constant, token.line, token.column)
        if token.kind is Kind.IDENT and self.peek().kind is Kind.OP and self.peek().text == "(":
            return self.function_call()
        if token.kind is Kind.IDENT and token.text in KEYWORDS:
            raise self.error(f"expected a value, found keyword '{token.text}'")
        if token.kind in (Kind.IDENT, Kind.QUOTED_IDENT):
            return self.field(optional=False, start=token)
        raise self.error(f"expected a value, found {describe(token)}")

    def function_call(self) -> ast.FunctionCall:
        token = self.advance()
        insensitive = token.text.endswith("~")
        name = resolve_function_name(token.text.removesuffix("~"))
        if name is None:  # ES finds unknown functions in its analyzer: a compile error
            message = _unknown_function(token.text.removesuffix("~"))
            raise EqlCompileError(message, self.text, token.line, token.column)
        self.expect_op("(")
        args: list[ast.Expr] = []
        if not self.is_op(")"):
            args.append(self.expression())
            while self.is_op(","):
                self.advance()
                args.append(self.expression())
        self.expect_op(")")
        return ast.FunctionCall(name, tuple(args), insensitive, token.line, token.column)

    def field(self, optional: bool, start: Token) -> ast.Field:
        parts = [self.name_part()]
        while self.is_op(".") and self.peek().kind in (Kind.IDENT, Kind.QUOTED_IDENT, Kind.NUMBER):
            self.advance()
            parts.append(self.name_part())
        return ast.Field(tuple(parts), optional, start.line, start.column)

    def name_part(self) -> str:
        token = self.current
        if token.kind is Kind.IDENT and token.text.endswith("~"):
            raise self.error(f"unexpected '~' in field name {token.text!r}")
        if token.kind not in (Kind.IDENT, Kind.QUOTED_IDENT, Kind.NUMBER):
            raise self.error(f"expected a field name, found {describe(token)}")
        self.advance()
        return token.text


def _flatten(kind: type[ast.And] | type[ast.Or], terms: list[ast.Expr]) -> tuple[ast.Expr, ...]:
    flat: list[ast.Expr] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return tuple(flat)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(text: str) -> int | float:
    if text.isdigit():
        return int(text)
    return float(text)


def _unknown_function(name: str) -> str:
    choices = difflib.get_close_matches(name.lower(), [n.lower() for n in FUNCTIONS], n=1)
    hint = ""
    if choices:
        hint = f" (did you mean {next(n for n in FUNCTIONS if n.lower() == choices[0])}?)"
    return f"unknown function '{name}'{hint}"


def describe(token: Token) -> str:
    if token.kind is Kind.EOF:
        return "end of query"
    if token.kind is Kind.STRING:
        return f"string {token.raw or token.text!r}"
    return f"{token.kind.value} '{token.text}'"


def parse(text: str) -> ast.Statement:
    """Parse EQL text into an AST; raises EqlSyntaxError with line, column and a caret."""
    try:
        return Parser(text).statement()
    except RecursionError:
        raise EqlSyntaxError("query nested too deeply", text, 1, 1) from None
