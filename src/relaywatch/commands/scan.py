"""`relaywatch scan PATH...`: run the detection rules over event logs, write Kibana alerts.

Exit status: 0 the scan ran (alerts or not); 1 alerts were raised and `--fail-on-alert` was
given; 2 usage error (bad option, unknown rule id, unreadable inventory, missing input);
3 more input was rejected than `--max-errors` allows (checked before `--fail-on-alert`,
because a scan over broken input is not a result to act on).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TextIO

from rich.console import Console

from relaywatch.alerts import AlertContext
from relaywatch.alerts.output import FORMATS, get_format, write_ndjson
from relaywatch.detect.options import (
    add_input_options,
    add_jobs_option,
    add_memory_option,
    inventory_from,
    jobs_from,
    parse_time,
    positive_int,
    progress_bar,
)
from relaywatch.detect.report import print_lines, print_scan_summary
from relaywatch.detect.run import ScanOptions, ScanResult, run_scan
from relaywatch.errors import RelaywatchError
from relaywatch.rules import RuleSet
from relaywatch.rules.options import RuleChoice, add_rule_options, load_choice, runnable_rules

EXIT_OK = 0
EXIT_ALERTS = 1
EXIT_REJECTED = 3
DEFAULT_OUTPUT = "relaywatch-alerts.ndjson"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="run the rules over event logs and write Kibana-compatible alerts",
        description="Read every input, order all events by time across files, run every "
        "selected rule over the whole input, and write the alerts Kibana would raise.",
    )
    add_input_options(parser)
    add_jobs_option(parser)
    add_memory_option(parser)
    add_rule_options(parser)
    out = parser.add_argument_group("output")
    out.add_argument(
        "--output",
        "-o",
        default=DEFAULT_OUTPUT,
        metavar="FILE",
        help=f"alert documents as NDJSON (default {DEFAULT_OUTPUT})",
    )
    out.add_argument(
        "--format",
        "-f",
        default="table",
        choices=sorted(FORMATS),
        help="what standard output shows (default table, with the summary)",
    )
    out.add_argument(
        "--space",
        default="default",
        type=space_id,
        help="Kibana space id, lower-case a-z 0-9 _ - (default 'default')",
    )
    out.add_argument(
        "--run-time",
        metavar="TIME",
        help="the alerts' @timestamp (ISO-8601; default now), for reproducible output",
    )
    limits = parser.add_argument_group("limits and exit status")
    limits.add_argument(
        "--max-signals",
        type=positive_int,
        metavar="N",
        help="emit at most N matches (events or sequences) per rule (default: no cap)",
    )
    limits.add_argument(
        "--fail-on-alert", action="store_true", help="exit with status 1 when any alert is raised"
    )
    limits.add_argument(
        "--max-errors",
        type=positive_int,
        metavar="N",
        help="exit with status 3 when more than N input records are rejected",
    )
    parser.set_defaults(func=run)


def space_id(text: str) -> str:
    """Kibana space ids are lower-case letters, digits, `_` and `-`: they become part of
    the alerts index name, which Elasticsearch would refuse otherwise."""
    if not _SPACE_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a Kibana space id: {text!r} (use a-z, 0-9, _ and -)")
    return text


_SPACE_ID = re.compile(r"[a-z0-9_-]+")


def run(args: argparse.Namespace) -> int:
    choice = RuleChoice.from_args(args)
    loaded = load_choice(choice)
    _report_rule_problems(loaded)
    ruleset = runnable_rules(choice, loaded)
    options = _options(args)
    # Open the alert file before reading anything: a scan must not be lost at the end
    # because its output path is wrong. `-o -` writes the alerts to standard output.
    with _alert_sink(args.output) as sink:
        with progress_bar(args) as progress:
            result = run_scan(args.paths, ruleset.rules, _with_progress(options, progress))
        write_ndjson(result.alerts, sink)
    if args.output != "-":
        _show(args, result)
    else:
        _summary_only(args, result)
    return exit_status(args, result)


@contextmanager
def _alert_sink(path: str) -> Iterator[TextIO]:
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise RelaywatchError(f"cannot write the alert file {path!r}: {error.strerror}") from None
    with handle:
        yield handle


def _options(args: argparse.Namespace) -> ScanOptions:
    run_time = parse_time(args.run_time, "--run-time") if args.run_time else datetime.now(UTC)
    ingested = None
    if args.ingested:
        moment = parse_time(args.ingested, "--ingested").astimezone(UTC)
        ingested = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return ScanOptions(
        context=AlertContext(run_time=run_time, space_id=args.space),
        inventory=inventory_from(args),
        max_signals=args.max_signals,
        buffer_size=max(args.sort_buffer, 1),
        memory=max(args.sort_memory, 1) << 20,
        jobs=jobs_from(args),
        ingested=ingested,
    )


def _with_progress(options: ScanOptions, progress: Any) -> ScanOptions:
    return options if progress is None else replace(options, progress=progress)


def _report_rule_problems(ruleset: RuleSet) -> None:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in ruleset.errors:
        err.print(f"rule {problem.kind}: {problem}", markup=False, style="yellow")


def _show(args: argparse.Namespace, result: ScanResult) -> None:
    get_format(args.format).write(result.alerts, sys.stdout)
    sys.stdout.flush()
    # With a table the summary belongs on screen too; with data formats it goes to stderr
    # so that stdout stays machine-readable.
    to_stdout = args.format == "table"
    width = None if (sys.stdout if to_stdout else sys.stderr).isatty() else 200
    console = Console(stderr=not to_stdout, highlight=False, soft_wrap=True, width=width)
    print_scan_summary(console, result)
    print_lines(console, [f"alerts written to {args.output}"])


def _summary_only(args: argparse.Namespace, result: ScanResult) -> None:
    """With `-o -` standard output holds the alert NDJSON; the summary goes to stderr."""
    width = None if sys.stderr.isatty() else 200
    console = Console(stderr=True, highlight=False, soft_wrap=True, width=width)
    print_scan_summary(console, result)


def exit_status(args: argparse.Namespace, result: ScanResult) -> int:
    if args.max_errors is not None and result.rejected > args.max_errors:
        return EXIT_REJECTED
    if args.fail_on_alert and result.alerts:
        return EXIT_ALERTS
    return EXIT_OK
