"""Lucene regular expressions (the syntax of Elasticsearch's `regexp` query) run in linear time.

EQL's `regex` / `regex~` are pushed down to Lucene's `regexp` query: the pattern must
match the *whole* value, and the syntax is Lucene's (`.`, `?`, `*`, `+`, `{n,m}`, `|`,
`( )`, `[ ]` classes, `"..."` literal strings, `@` any string, `#` the empty language,
`<n-m>` numeric intervals, and `\\d \\s \\w` classes since Lucene 9). Lucene compiles a
pattern into an automaton, so it cannot backtrack; we do the same with a Thompson NFA
simulated as a lazily built DFA, so a hostile pattern or a huge value cannot hang a run.
Complement `~` and intersection `&` are rejected with a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_STATES = 20_000  # Lucene refuses automata past a determinization limit too
_CACHE_LIMIT = 50_000

CharTest = Callable[[str], bool]


class RegexError(ValueError):
    """A pattern this engine (or Lucene) does not accept; `position` is 0-based."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


# ---------------------------------------------------------------- pattern AST


@dataclass(frozen=True, slots=True)
class _Char:
    test: CharTest


@dataclass(frozen=True, slots=True)
class _Concat:
    parts: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Union:
    options: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Repeat:
    node: object
    low: int
    high: int | None  # None = unbounded


_EMPTY = _Concat(())
_NOTHING = _Union(())  # the empty language `#`
_ANY: CharTest = lambda c: True  # noqa: E731
_CLASSES: dict[str, CharTest] = {
    "d": lambda c: "0" <= c <= "9",
    "s": lambda c: c in " \t\n\r\f\v",
    "w": lambda c: c.isascii() and (c.isalnum() or c == "_"),
}


def _negated(test: CharTest) -> CharTest:
    return lambda c: not test(c)


class _PatternParser:
    def __init__(self, pattern: str, insensitive: bool) -> None:
        self.text = pattern
        self.pos = 0
        self.insensitive = insensitive

    def parse(self) -> object:
        node = self.union()
        if self.pos < len(self.text):
            raise RegexError(f"unexpected {self.text[self.pos]!r}", self.pos)
        return node

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def union(self) -> object:
        options = [self.concat()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.concat())
        return options[0] if len(options) == 1 else _Union(tuple(options))

    def concat(self) -> object:
        parts: list[object] = []
        while self.peek() not in ("", "|", ")"):
            if self.peek() in "&~":
                raise RegexError(f"regex operator {self.peek()!r} is not supported", self.pos)
            parts.append(self.repeat())
        return parts[0] if len(parts) == 1 else _Concat(tuple(parts))

    def repeat(self) -> object:
        node = self.atom()
        while self.peek() and self.peek() in "?*+{":
            char = self.peek()
            self.pos += 1
            if char == "?":
                node = _Repeat(node, 0, 1)
            elif char == "*":
                node = _Repeat(node, 0, None)
            elif char == "+":
                node = _Repeat(node, 1, None)
            else:
                node = self.bounded(node)
        return node

    def bounded(self, node: object) -> object:
        end = self.text.find("}", self.pos)
        if end < 0:
            raise RegexError("unterminated {n,m}", self.pos)
        body = self.text[self.pos : end]
        low_text, _, high_text = body.partition(",")
        if not low_text.isdigit() or (high_text and not high_text.isdigit()):
            raise RegexError(f"invalid repetition {{{body}}}", self.pos)
        self.pos = end + 1
        low = int(low_text)
        high: int | None = low if "," not in body else (int(high_text) if high_text else None)
        if high is not None and high < low:
            raise RegexError(f"invalid repetition {{{body}}}", self.pos)
        return _Repeat(node, low, high)

    def atom(self) -> object:
        char = self.peek()
        start = self.pos
        self.pos += 1
        if char == "(":
            node = _EMPTY if self.peek() == ")" else self.union()
            if self.peek() != ")":
                raise RegexError("missing ')'", start)
            self.pos += 1
            return node
        if char == "[":
            return self.char_class(start)
        if char == ".":
            return _Char(_ANY)
        if char == "@":
            return _Repeat(_Char(_ANY), 0, None)
        if char == "#":
            return _NOTHING
        if char == '"':
            end = self.text.find('"', self.pos)
            if end < 0:
                raise RegexError("unterminated quoted string", start)
            literal = self.text[self.pos : end]
            self.pos = end + 1
            return _Concat(tuple(self.literal(c) for c in literal))
        if char == "<":
            return self.interval(start)
        if char == "\\":
            return self.escape()
        if char in "?*+{":
            raise RegexError(f"nothing to repeat before {char!r}", start)
        return self.literal(char)

    def escape(self) -> object:
        if self.pos >= len(self.text):
            raise RegexError("pattern ends with a backslash", self.pos - 1)
        char = self.text[self.pos]
        self.pos += 1
        if char.lower() in _CLASSES:
            test = _CLASSES[char.lower()]
            return _Char(test if char.islower() else _negated(test))
        return self.literal(char)

    def literal(self, char: str) -> _Char:
        if self.insensitive and char.lower() != char.upper():
            lower = char.lower()
            return _Char(lambda c: c.lower() == lower)
        return _Char(char.__eq__)

    def char_class(self, start: int) -> _Char:
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        tests: list[CharTest] = []
        while self.peek() != "]":
            if not self.peek():
                raise RegexError("unterminated character class", start)
            tests.append(self.class_item())
        self.pos += 1
        insensitive = self.insensitive

        def test(c: str) -> bool:
            hit = any(t(c) for t in tests)
            if not hit and insensitive:
                hit = any(t(v) for v in (c.lower(), c.upper()) if v != c for t in tests)
            return hit != negated

        return _Char(test)

    def class_item(self) -> CharTest:
        low = self.class_char()
        if not isinstance(low, str):
            return low
        if self.peek() == "-" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] != "]":
            self.pos += 1
            high = self.class_char()
            if not isinstance(high, str) or high < low:
                raise RegexError("invalid character range", self.pos)
            return lambda c: low <= c <= high
        return low.__eq__

    def class_char(self) -> str | CharTest:
        char = self.text[self.pos]
        self.pos += 1
        if char != "\\":
            return char
        if self.pos >= len(self.text):
            raise RegexError("pattern ends with a backslash", self.pos - 1)
        escaped = self.text[self.pos]
        self.pos += 1
        if escaped.lower() in _CLASSES:
            test = _CLASSES[escaped.lower()]
            return test if escaped.islower() else _negated(test)
        return escaped

    def interval(self, start: int) -> object:
        end = self.text.find(">", self.pos)
        body = self.text[self.pos : end] if end > 0 else ""
        low_text, _, high_text = body.partition("-")
        if not (low_text.isdigit() and high_text.isdigit()):
            raise RegexError("only numeric intervals <n-m> are supported", start)
        self.pos = end + 1
        low, high = sorted((int(low_text), int(high_text)))
        width = len(low_text) if len(low_text) == len(high_text) else 0

        # Lucene matches the decimal numbers in the range, zero-padded when both bounds
        # have the same width; we test the whole digit run at once through a tiny state.
        return _Interval(low, high, width)


@dataclass(frozen=True, slots=True)
class _Interval:
    low: int
    high: int
    width: int


# ---------------------------------------------------------------- NFA


class _Nfa:
    """States: ("char", test, next) | ("split", a, b) | ("match",)."""

    def __init__(self) -> None:
        self.states: list[tuple[object, ...]] = []

    def add(self, state: tuple[object, ...]) -> int:
        if len(self.states) >= MAX_STATES:
            raise RegexError("regex too complex", 0)
        self.states.append(state)
        return len(self.states) - 1

    def build(self, node: object, then: int) -> int:
        """Return the entry state of `node` whose exit continues to `then`."""
        if isinstance(node, _Char):
            return self.add(("char", node.test, then))
        if isinstance(node, _Concat):
            entry = then
            for part in reversed(node.parts):
                entry = self.build(part, entry)
            return entry
        if isinstance(node, _Union):
            if not node.options:
                return self.add(("dead",))
            entry = self.build(node.options[-1], then)
            for option in reversed(node.options[:-1]):
                entry = self.add(("split", self.build(option, then), entry))
            return entry
        if isinstance(node, _Interval):
            return self.build(_interval_union(node), then)
        assert isinstance(node, _Repeat)
        return self.repeat(node, then)

    def repeat(self, node: _Repeat, then: int) -> int:
        entry = then
        if node.high is None:
            loop = self.add(("split", -1, then))
            body = self.build(node.node, loop)
            self.states[loop] = ("split", body, then)
            entry = loop
        else:
            for _ in range(node.high - node.low):
                entry = self.add(("split", self.build(node.node, entry), then))
        for _ in range(node.low):
            entry = self.build(node.node, entry)
        return entry


def _interval_union(node: _Interval) -> object:
    if node.high - node.low > 1000:
        raise RegexError("numeric interval too wide", 0)
    options = []
    for number in range(node.low, node.high + 1):
        text = str(number).zfill(node.width) if node.width else str(number)
        options.append(_Concat(tuple(_Char(c.__eq__) for c in text)))
    return _Union(tuple(options))


class LuceneRegex:
    """A compiled pattern; `fullmatch(value)` is True when the whole value matches."""

    def __init__(self, pattern: str, insensitive: bool = False) -> None:
        try:
            tree = _PatternParser(pattern, insensitive).parse()
        except RecursionError:
            raise RegexError("pattern nested too deeply", 0) from None
        self.nfa = _Nfa()
        accept = self.nfa.add(("match",))
        self.accept = accept
        self.start = self._closure({self.nfa.build(tree, accept)})
        self.cache: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def _closure(self, seeds: set[int]) -> frozenset[int]:
        states = self.nfa.states
        seen: set[int] = set()
        stack = list(seeds)
        while stack:
            index = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            state = states[index]
            if state[0] == "split":
                stack.extend((state[1], state[2]))  # type: ignore[arg-type]
        return frozenset(i for i in seen if states[i][0] in ("char", "match"))

    def _step(self, current: frozenset[int], char: str) -> frozenset[int]:
        states = self.nfa.states
        targets = {
            state[2]
            for i in current
            if (state := states[i])[0] == "char" and state[1](char)  # type: ignore[operator]
        }
        return self._closure(targets)  # type: ignore[arg-type]

    def fullmatch(self, value: str) -> bool:
        current = self.start
        cache = self.cache
        for char in value:
            key = (current, char)
            following = cache.get(key)
            if following is None:
                following = self._step(current, char)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[key] = following
            current = following
            if not current:
                return False
        return self.accept in current
