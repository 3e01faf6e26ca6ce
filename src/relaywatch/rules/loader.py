"""Loading rule files and folders into a `RuleSet`: rules plus every located problem.

Formats are a registry by file suffix (STYLE.md §7). A bad file never stops the others:
its problem goes into `RuleSet.errors` with the file, line and reason. A valid rule whose
query the engine cannot run is reported there too (kind "query" or "unsupported") and left
out of `RuleSet.rules`, so nothing is dropped without a word.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from relaywatch.errors import EqlError, RuleError
from relaywatch.rules.kibana_format import load_json, load_ndjson
from relaywatch.rules.model import Location, Rule
from relaywatch.rules.problems import (
    DUPLICATE,
    QUERY,
    UNSUPPORTED,
    InvalidRuleError,
    RuleProblemError,
)
from relaywatch.rules.toml_format import load_toml

# A loader yields rules, notes about input that is not a rule, and the problems it found
# (yielded, not raised, so one bad line of an export does not end the file).
LoadedItem = Rule | str | RuleError
Loader = Callable[[str, str], Iterable[LoadedItem]]

FORMATS: dict[str, Loader] = {
    ".toml": load_toml,
    ".ndjson": load_ndjson,
    ".jsonl": load_ndjson,
    ".json": load_json,
}

# The rule types and languages the engine runs; anything else loads as "unsupported".
RUNNABLE = {("eql", "eql")}


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Loaded rules, the problems found, and notes about input that is not a rule."""

    rules: tuple[Rule, ...] = ()
    errors: tuple[RuleProblemError, ...] = ()
    notes: tuple[str, ...] = ()
    # False when the EQL engine was not importable, so queries were not compiled.
    queries_checked: bool = True

    def __add__(self, other: RuleSet) -> RuleSet:
        return merge([self, other])

    def get(self, rule_id: str) -> Rule:
        """The rule with this rule_id; RuleError naming the closest ids when unknown."""
        for rule in self.rules:
            if rule.rule_id == rule_id:
                return rule
        ids = [rule.rule_id for rule in self.rules]
        close = difflib.get_close_matches(rule_id, ids, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise RuleError(f"unknown rule id {rule_id!r}{hint}")

    def select(self, rule_ids: Sequence[str]) -> RuleSet:
        """Only the given rules, in the order given; RuleError for an unknown id."""
        if not rule_ids:
            return self
        chosen = tuple(self.get(rule_id) for rule_id in dict.fromkeys(rule_ids))
        return replace(self, rules=chosen)


def merge(sets: Iterable[RuleSet]) -> RuleSet:
    """One RuleSet from several; a rule_id seen twice is a "duplicate" error, first wins."""
    rules: dict[str, Rule] = {}
    errors: list[RuleProblemError] = []
    notes: list[str] = []
    checked = True
    for ruleset in sets:
        errors.extend(ruleset.errors)
        notes.extend(ruleset.notes)
        checked = checked and ruleset.queries_checked
        for rule in ruleset.rules:
            first = rules.setdefault(rule.rule_id, rule)
            if first is not rule:
                reason = f"rule_id {rule.rule_id} already loaded from {first.source}"
                errors.append(RuleProblemError(rule.source, reason, DUPLICATE, rule.rule_id))
    return RuleSet(tuple(rules.values()), tuple(errors), tuple(notes), checked)


def rule_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and rule files (by registered suffix) found under folders, sorted."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() in FORMATS and p.is_file())
            yield from sorted(found)
        else:
            yield path


def load_rules(paths: Iterable[str | Path], check_queries: bool = True) -> RuleSet:
    """Load rule files and folders; see the module docstring for how problems are reported."""
    compiler = _compiler() if check_queries else None
    loaded = [_load_file(path, compiler) for path in rule_files(paths)]
    result = merge(loaded)
    return replace(result, queries_checked=compiler is not None)


@dataclass(slots=True)
class _FileResult:
    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleProblemError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _load_file(path: Path, compiler: Callable[[str], object] | None) -> RuleSet:
    out = _FileResult()
    loader = FORMATS.get(path.suffix.lower())
    where = Location(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        out.errors.append(RuleProblemError(where, f"cannot read rule file: {error}"))
        return RuleSet((), tuple(out.errors))
    if loader is None:
        reason = f"unknown rule file type {path.suffix!r} (known: {', '.join(FORMATS)})"
        out.errors.append(RuleProblemError(where, reason))
    else:
        _collect(loader(str(path), text), out, compiler, where)
    return RuleSet(tuple(out.rules), tuple(out.errors), tuple(out.notes))


def _collect(
    items: Iterable[LoadedItem],
    out: _FileResult,
    compiler: Callable[[str], object] | None,
    where: Location,
) -> None:
    for item in items:
        if isinstance(item, InvalidRuleError):
            out.errors.extend(item.problems)
        elif isinstance(item, RuleProblemError):
            out.errors.append(item)
        elif isinstance(item, RuleError):
            out.errors.append(RuleProblemError(where, str(item)))
        elif isinstance(item, str):
            out.notes.append(item)
        else:
            _accept(item, out, compiler)


def _accept(item: Rule, out: _FileResult, compiler: Callable[[str], object] | None) -> None:
    problem = runnable_problem(item, compiler)
    if problem is None:
        out.rules.append(item)
    else:
        out.errors.append(problem)


def runnable_problem(
    rule: Rule, compiler: Callable[[str], object] | None
) -> RuleProblemError | None:
    """Why the engine cannot run `rule`, located in its file; None when it can."""
    if (rule.type, rule.language) not in RUNNABLE:
        reason = (
            f"rule type {rule.type!r} / language {rule.language!r} is not run by relaywatch"
            " (EQL only)"
        )
        return RuleProblemError(rule.source, reason, UNSUPPORTED, rule.rule_id)
    if compiler is None:
        return None
    try:
        compiler(rule.query)
    except EqlError as error:
        return _query_problem(rule, error)
    return None


def _query_problem(rule: Rule, error: EqlError) -> RuleProblemError:
    # The engine numbers lines within the query; shift them to lines of the rule file.
    line = rule.query_line + error.line - 1 if rule.query_line and error.line else rule.query_line
    where = rule.source.at(line)
    detail = error.render()
    return RuleProblemError(
        where, f"query of {rule.name!r} cannot run: {detail}", QUERY, rule.rule_id
    )


def _compiler() -> Callable[[str], object] | None:
    """`relaywatch.eql.compile` when the engine is installed, else None (queries unchecked)."""
    try:
        from relaywatch import eql  # noqa: PLC0415 - the engine is optional while it lands
    except ImportError:
        return None
    compile_query = getattr(eql, "compile", None)
    return compile_query if callable(compile_query) else None
