"""One error family for everything a user can get wrong (STYLE.md §3).

Every error about user input names where it happened: a file, a line and column,
or a record number, so that the message alone is enough to find the culprit.
"""

from __future__ import annotations

EXCERPT_WIDTH = 100


class RelaywatchError(Exception):
    """Base class of every error relaywatch raises on bad input."""


class EqlError(RelaywatchError):
    """An EQL query that cannot be parsed or compiled.

    Carries the query text and the 1-based line and column of the offending token,
    and renders a caret excerpt the way a compiler would.
    """

    kind = "EQL error"

    def __init__(self, message: str, text: str = "", line: int = 0, column: int = 0) -> None:
        self.message = message
        self.text = text
        self.line = line
        self.column = column
        super().__init__(self.render())

    def render(self) -> str:
        if not self.text or self.line <= 0:
            return f"{self.kind}: {self.message}"
        lines = self.text.splitlines() or [""]
        # A query that ends early points one past its last character: keep the caret visible.
        # Tabs become single spaces so that the caret lines up under the excerpt.
        shown = lines[min(self.line, len(lines)) - 1].replace("\t", " ")
        offset = max(self.column - 1, 0)
        # Long lines are cut to a window around the column, marked with ellipses.
        start = max(offset - EXCERPT_WIDTH // 2, 0)
        excerpt = shown[start : start + EXCERPT_WIDTH]
        prefix = "..." if start else ""
        suffix = "..." if start + EXCERPT_WIDTH < len(shown) else ""
        caret = " " * (offset - start + len(prefix)) + "^"
        return (
            f"{self.kind} at line {self.line}, column {self.column}: {self.message}\n"
            f"  {prefix}{excerpt}{suffix}\n  {caret}"
        )


class EqlSyntaxError(EqlError):
    """The query text is not valid EQL."""

    kind = "EQL syntax error"


class EqlCompileError(EqlError):
    """The query parses but cannot run: unknown function, wrong arity, type mismatch."""

    kind = "EQL compile error"


class EqlRuntimeError(RelaywatchError):
    """A query failed on a document, as Elasticsearch fails a search (e.g. number("x"))."""


class RuleError(RelaywatchError):
    """A rule file that cannot be loaded; names the file and, when known, the line."""


class SourceError(RelaywatchError):
    """An input that cannot be read at all (as opposed to a single bad record, which is skipped)."""
