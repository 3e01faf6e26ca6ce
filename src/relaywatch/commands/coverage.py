"""`relaywatch coverage PATH...`: can these logs support the rules? (no rule is evaluated)

Reads every input once and prints, per selected rule, whether the telemetry it needs is
there: the audit-policy events named in its setup, the fields it requires, and per host
the host facts (`host.ip`, `host.id`) only an inventory can supply. Missing telemetry is
reported as unresolved, never as clean.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

from rich.console import Console

from relaywatch.alerts import AlertContext
from relaywatch.detect.coverage import CoverageReport
from relaywatch.detect.options import (
    add_input_options,
    add_jobs_option,
    inventory_from,
    jobs_from,
    progress_bar,
)
from relaywatch.detect.report import (
    code_line,
    coverage_lines,
    no_input_line,
    print_lines,
    rejected_lines,
)
from relaywatch.detect.run import ScanOptions, Survey, compile_rules, host_lines, survey
from relaywatch.rules.options import RuleChoice, add_rule_options, runnable_rules

EXIT_OK = 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "coverage",
        help="report whether the logs can support each rule (setup, fields, host facts)",
    )
    add_input_options(parser, ordered=False)
    add_jobs_option(parser)
    add_rule_options(parser)
    parser.add_argument(
        "--format", "-f", default="text", choices=("text", "json"), help="report format"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rules = runnable_rules(RuleChoice.from_args(args)).rules
    options = ScanOptions(
        context=AlertContext.now(), inventory=inventory_from(args), jobs=jobs_from(args)
    )
    with progress_bar(args) as progress:
        chosen = options if progress is None else replace(options, progress=progress)
        compiled = compile_rules(rules)
        state = survey(args.paths, compiled, chosen, keep_order=False)
    report = state.coverage.report()
    hosts = host_lines(state, compiled, options.inventory)
    if args.format == "json":
        json.dump(_as_json(state, report, hosts), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    console = Console(highlight=False, soft_wrap=True)
    print_lines(console, state.stats.summary_lines()[:1])
    print_lines(console, [code_line(state.stats)])
    print_lines(console, rejected_lines(state.stats, state.unordered)[1:])
    print_lines(console, no_input_line(state.stats), "bold red")
    print_lines(console, coverage_lines(report, hosts))
    return EXIT_OK


def _as_json(state: Survey, report: CoverageReport, host_lines: list[str]) -> dict[str, Any]:
    return {"input": state.stats.to_dict(), "rules": report.to_dict(), "hosts": host_lines}
