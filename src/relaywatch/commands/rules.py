"""`relaywatch rules list | show ID | validate PATH... | export`: inspect and check rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from relaywatch.rules import RuleSet, load_rules
from relaywatch.rules.kibana_format import to_kibana
from relaywatch.rules.model import GuideItem, Pivot, Rule
from relaywatch.rules.options import RuleChoice, add_rule_options, load_choice

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("rules", help="list, show, validate or export detection rules")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, (helptext, func, needs_choice) in ACTIONS.items():
        sub = actions.add_parser(name, help=helptext)
        if needs_choice:
            add_rule_options(sub)
        sub.set_defaults(func=func)
    actions.choices["show"].add_argument("show_id", metavar="ID", help="rule_id to show")
    actions.choices["validate"].add_argument("paths", nargs="+", metavar="PATH")
    actions.choices["export"].add_argument(
        "--output", "-o", metavar="FILE", help="write here instead of standard output"
    )


def _console() -> Console:
    # Piped output is not cut to 80 columns: rule ids and names stay whole for grep.
    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=True, width=width)


def run_list(args: argparse.Namespace) -> int:
    ruleset = load_choice(RuleChoice.from_args(args))
    table = Table("name", "severity", "risk", "kind", "version")
    table.add_column("rule_id", no_wrap=True)
    for rule in ruleset.rules:
        kind = "sequence" if rule.query.lstrip().lower().startswith("sequence") else "event"
        table.add_row(
            escape(rule.name), rule.severity, str(rule.risk_score), kind, str(rule.version),
            rule.rule_id,
        )  # fmt: skip
    console = _console()
    console.print(table)
    _print_problems(ruleset)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    rule = load_choice(RuleChoice.from_args(args)).get(args.show_id)
    console = _console()
    for line in describe(rule):
        console.print(line, markup=False)
    return EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.paths)
    console = _console()
    _print_problems(ruleset)
    checked = "" if ruleset.queries_checked else " (queries not compiled: engine unavailable)"
    console.print(
        f"{len(ruleset.rules)} rules valid, {len(ruleset.errors)} problems{checked}", markup=False
    )
    return EXIT_PROBLEMS if ruleset.errors else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    ruleset = load_choice(RuleChoice.from_args(args))
    lines = [orjson.dumps(to_kibana(rule)) for rule in ruleset.rules]
    lines.append(orjson.dumps({"exported_count": len(lines), "missing_rules": []}))
    payload = b"\n".join(lines) + b"\n"
    if args.output:
        with open(args.output, "wb") as handle:
            handle.write(payload)
    else:
        sys.stdout.buffer.write(payload)
    return EXIT_OK


def _print_problems(ruleset: RuleSet) -> None:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in ruleset.errors:
        err.print(f"{problem.kind}: {problem}", markup=False)
    for note in ruleset.notes:
        err.print(f"note: {note}", markup=False)


def describe(rule: Rule) -> list[str]:
    """The rule as readable text: metadata, query, setup, guide and pivots."""
    out = [
        f"{rule.name}",
        f"  rule_id {rule.rule_id}  uuid {rule.uuid}  version {rule.version}",
        f"  severity {rule.severity}  risk {rule.risk_score}  type {rule.type}",
        f"  from {rule.from_}  interval {rule.interval}  max_signals {rule.max_signals}"
        f"  timestamp_override {rule.timestamp_override or '-'}",
        f"  index {', '.join(rule.index)}",
        f"  source {rule.source}",
        f"  tags {', '.join(rule.tags)}",
        "",
        rule.description.strip(),
        "",
        "Query:",
        *(f"  {line}" for line in rule.query.strip().splitlines()),
        "",
        "MITRE ATT&CK:",
        *_threat_lines(rule),
        "",
        "Setup requirements:",
        *_setup_lines(rule),
    ]
    out += _section("Investigation steps", rule.guide.steps, rule.pivots)
    out += _section("False positives", rule.guide.false_positives, rule.pivots)
    out += _section("Response", rule.guide.response, rule.pivots)
    return out


def _threat_lines(rule: Rule) -> list[str]:
    lines: list[str] = []
    for threat in rule.threat:
        lines.append(f"  {threat.tactic_id} {threat.tactic_name}")
        for tech in threat.technique:
            lines.append(f"    {tech.id} {tech.name}")
            lines += [f"      {sub.id} {sub.name}" for sub in tech.subtechnique]
    return lines or ["  (none)"]


def _setup_lines(rule: Rule) -> list[str]:
    lines = [
        f"  {req.name} (events {', '.join(req.event_codes) or 'n/a'})  [{req.location}]"
        for req in rule.setup_requirements
    ]
    return lines or ["  (none named)"]


def _section(title: str, items: tuple[GuideItem, ...], pivots: tuple[Pivot, ...]) -> list[str]:
    if not items:
        return []
    lines = ["", f"{title}:"]
    for number, item in enumerate(items, start=1):
        lines.append(f"  {number}. {item.text}  [{item.location}]")
        lines += [f"     {label + ': ' if label else ''}{text}" for label, text in item.details]
        lines += [f"     pivot: {_pivot_text(pivots[index])}" for index in item.pivots]
    return lines


def _pivot_text(pivot: Pivot) -> str:
    groups = [
        " AND ".join(f"{'NOT ' if p.excluded else ''}{p.field}: {p.value}" for p in group)
        for group in pivot.providers
    ]
    window = f"{pivot.relative_from}..{pivot.relative_to}"
    return f"{pivot.label} ({' OR '.join(f'({g})' for g in groups)}) {window}"


Action = Callable[[argparse.Namespace], int]
ACTIONS: dict[str, tuple[str, Action, bool]] = {
    "list": ("list the selected rules", run_list, True),
    "show": ("show one rule: metadata, query, setup, investigation guide", run_show, True),
    "validate": ("check rule files; exit 1 when any problem is found", run_validate, False),
    "export": ("write the selected rules as a Kibana rules export (NDJSON)", run_export, True),
}
