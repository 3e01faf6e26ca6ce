"""EQL text -> tokens, each with its 1-based line and column.

Follows the lexer of Elasticsearch's EQL grammar (`EqlBase.g4`): double-quoted strings
with escapes, triple-quoted raw strings, backquoted field names, `~`-suffixed keywords
and function names (`in~`, `like~`, `startswith~`), and `/* */` and `//` comments.
Single quotes and `?"..."` strings are Endgame syntax that Elasticsearch rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from relaywatch.errors import EqlSyntaxError


class Kind(Enum):
    IDENT = "identifier"
    QUOTED_IDENT = "quoted identifier"
    STRING = "string"
    NUMBER = "number"
    OP = "operator"
    EOF = "end of query"


KEYWORDS = frozenset(
    {
        "and", "any", "by", "false", "in", "in~", "like", "like~", "maxspan", "not", "null",
        "or", "regex", "regex~", "sample", "sequence", "true", "until", "where", "with",
    }
)  # fmt: skip

# Longest operators first so that `<=` wins over `<`.
OPERATORS = ("==", "!=", "<=", ">=", "<", ">", ":", "=", "(", ")", "[", "]", ",", ".", "|",
             "+", "-", "*", "/", "%", "!", "?")  # fmt: skip

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
_IDENT = re.compile(r"[A-Za-z_@][A-Za-z0-9_]*~?")  # `@` only first, for @timestamp
_NUMBER = re.compile(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"\s+")
MAX_QUERY_LENGTH = 1_000_000


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the value: unescaped string, identifier, operator or number text
    line: int
    column: int
    raw: str = ""  # the source text (for error excerpts)


class Lexer:
    """Splits one query into tokens; raises EqlSyntaxError with a position on bad input."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_QUERY_LENGTH:
            raise EqlSyntaxError(f"query longer than {MAX_QUERY_LENGTH} characters", text, 1, 1)
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            self._skip_blank()
            if self.pos >= len(self.text):
                out.append(Token(Kind.EOF, "", self.line, self._column()))
                return out
            out.append(self._next())

    def _column(self) -> int:
        return self.pos - self.line_start + 1

    def _error(self, message: str) -> EqlSyntaxError:
        return EqlSyntaxError(message, self.text, self.line, self._column())

    def _advance(self, count: int) -> str:
        chunk = self.text[self.pos : self.pos + count]
        newlines = chunk.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = self.pos + chunk.rindex("\n") + 1
        self.pos += count
        return chunk

    def _skip_blank(self) -> None:
        text = self.text
        while self.pos < len(text):
            space = _SPACE.match(text, self.pos)
            if space:
                self._advance(space.end() - self.pos)
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance((len(text) if end < 0 else end) - self.pos)
            elif text.startswith("/*", self.pos):
                self._advance(self._comment_end(self.pos) - self.pos)
            else:
                return

    def _comment_end(self, start: int) -> int:
        """End of a `/* */` comment; they nest, as BRACKETED_COMMENT does in EqlBase.g4."""
        depth, index, text = 0, start, self.text
        while index < len(text):
            if text.startswith("/*", index):
                depth += 1
                index += 2
            elif text.startswith("*/", index):
                depth -= 1
                index += 2
                if depth == 0:
                    return index
            else:
                index += 1
        raise self._error("unterminated comment")

    def _next(self) -> Token:
        char = self.text[self.pos]
        line, column, start = self.line, self._column(), self.pos
        if self.text.startswith('"""', self.pos):
            value = self._raw_string()
            return Token(Kind.STRING, value, line, column, self.text[start : self.pos])
        if char == '"':
            value = self._string()
            return Token(Kind.STRING, value, line, column, self.text[start : self.pos])
        if char == "`":
            return Token(Kind.QUOTED_IDENT, self._backquoted(), line, column)
        if char == "'":
            raise self._error("single-quoted strings are not supported; use double quotes")
        number = _NUMBER.match(self.text, self.pos)
        if number and (char.isdigit() or char == "."):
            text = self._advance(number.end() - self.pos)
            return Token(Kind.NUMBER, text, line, column, text)
        ident = _IDENT.match(self.text, self.pos)
        if ident:
            text = self._advance(ident.end() - self.pos)
            return Token(Kind.IDENT, text, line, column, text)
        for op in OPERATORS:
            if self.text.startswith(op, self.pos):
                self._advance(len(op))
                return Token(Kind.OP, op, line, column, op)
        raise self._error(f"unexpected character {char!r}")

    def _raw_string(self) -> str:
        end = self.text.find('"""', self.pos + 3)
        newline = self.text.find("\n", self.pos + 3)
        if end < 0 or 0 <= newline < end:  # raw strings stay on one line (EqlBase.g4)
            raise self._error("unterminated raw string")
        # A raw string may end with extra quotes: """a"""" is the text a".
        while self.text.startswith('"', end + 3):
            end += 1
        value = self.text[self.pos + 3 : end]
        self._advance(end + 3 - self.pos)
        return value

    def _string(self) -> str:
        parts: list[str] = []
        index = self.pos + 1
        text = self.text
        while index < len(text):
            char = text[index]
            if char == '"':
                self._advance(index + 1 - self.pos)
                return "".join(parts)
            if char == "\n":
                break
            if char == "\\":
                escaped, index = self._escape(index)
                parts.append(escaped)
                continue
            parts.append(char)
            index += 1
        raise self._error("unterminated string")

    def _escape(self, index: int) -> tuple[str, int]:
        text = self.text
        code = text[index + 1 : index + 2]
        if code in _ESCAPES:
            return _ESCAPES[code], index + 2
        if code == "u" and text.startswith("{", index + 2):
            end = text.find("}", index + 3)
            digits = text[index + 3 : end] if end > 0 else ""
            if 2 <= len(digits) <= 8 and all(c in "0123456789abcdefABCDEF" for c in digits):
                value = int(digits, 16)
                if value <= 0x10FFFF:
                    return chr(value), end + 1
        self._advance(index - self.pos)
        raise self._error(f"invalid escape sequence '\\{code}'")

    def _backquoted(self) -> str:
        parts: list[str] = []
        index = self.pos + 1
        while index < len(self.text):
            char = self.text[index]
            if char == "`":
                # A doubled backquote stands for one backquote inside the name.
                if self.text.startswith("``", index):
                    parts.append("`")
                    index += 2
                    continue
                self._advance(index + 1 - self.pos)
                return "".join(parts)
            parts.append(char)
            index += 1
        raise self._error("unterminated backquoted identifier")


def tokenize(text: str) -> list[Token]:
    return Lexer(text).tokens()
