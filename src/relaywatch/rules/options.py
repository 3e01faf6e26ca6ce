"""Command-line options that choose rules, shared by `rules`, `scan` and `coverage`.

`--rules PATH` adds rule files or folders to the built-in pack (`--no-builtin` drops the
pack), `--rule-id ID` keeps only the named rules. Options are read into an explicit
`RuleChoice` (STYLE.md §9) before anything is loaded.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from relaywatch.errors import RuleError
from relaywatch.rules import RuleSet, builtin, load_rules, merge


@dataclass(frozen=True, slots=True)
class RuleChoice:
    """Which rules a command runs."""

    paths: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    use_builtin: bool = True

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RuleChoice:
        return cls(tuple(args.rules or ()), tuple(args.rule_id or ()), not args.no_builtin)


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """Add --rules, --no-builtin and --rule-id to a subcommand parser."""
    group = parser.add_argument_group("rule selection")
    group.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="add rules from a file or folder (detection-rules TOML, Kibana NDJSON/JSON); "
        "repeatable",
    )
    group.add_argument(
        "--no-builtin", action="store_true", help="do not load the built-in relay rule pack"
    )
    group.add_argument(
        "--rule-id", action="append", metavar="ID", help="run only this rule; repeatable"
    )


def load_choice(choice: RuleChoice) -> RuleSet:
    """Load the chosen rules; RuleError for an unknown --rule-id (a usage error)."""
    sets: list[RuleSet] = [builtin()] if choice.use_builtin else []
    if choice.paths:
        sets.append(load_rules(choice.paths))
    return merge(sets).select(choice.rule_ids)


def runnable_rules(choice: RuleChoice, loaded: RuleSet | None = None) -> RuleSet:
    """`load_choice` (or the set it already gave, `loaded`), but a usage error
    (RuleError) when no rule is left to run."""
    ruleset = load_choice(choice) if loaded is None else loaded
    if not ruleset.rules:
        where = ", ".join(choice.paths) or "the built-in pack"
        why = "see the problems above" if ruleset.errors else "no rule files were found there"
        if choice.rule_ids and not ruleset.errors:
            why = "no loaded rule has the --rule-id given"
        raise RuleError(f"no runnable rule selected (from {where}): {why}")
    return ruleset
