"""The human summary of a scan or a coverage survey, printed with rich.

One fact per line or row, so the summary is as readable in a log file as on a terminal:
records per source, per event code, rejected input with reasons and locations, alerts per
rule, setup coverage, host facts and throughput.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from relaywatch.detect.coverage import UNRESOLVED, CoverageReport
from relaywatch.detect.run import RuleRun, ScanResult, Unordered
from relaywatch.sources import ReadStats


def sources_table(stats: ReadStats) -> Table:
    table = Table(title="Records per source", title_justify="left")
    for header in ("source", "read", "normalized", "not relevant", "rejected"):
        table.add_column(header, justify="left" if header == "source" else "right")
    for name, tally in stats.by_source.items():
        table.add_row(
            escape(name), str(tally.read), str(tally.normalized), str(tally.not_relevant),
            str(tally.rejected),
        )  # fmt: skip
    return table


def code_line(stats: ReadStats) -> str:
    ordered = sorted(stats.by_code.items(), key=lambda pair: _code_order(pair[0]))
    codes = ", ".join(f"{code}: {count}" for code, count in ordered)
    return f"events per code: {codes or '(none)'}"


def _code_order(code: str) -> tuple[int, str]:
    # Event ids read as numbers (4624 before 10000); anything else after them, as text.
    return (int(code), "") if code.isdigit() else (1 << 62, code)


def no_input_line(stats: ReadStats) -> list[str]:
    """Said loudly when nothing could be used: coverage advice would otherwise blame
    the audit policy for what is really unreadable input."""
    if stats.normalized or not stats.read:
        return []
    return [
        f"NO USABLE INPUT: none of the {stats.read} records read could be used "
        f"({stats.rejected} rejected, {stats.not_relevant} not relevant); "
        "the coverage notes below describe the input, not the audit policy"
    ]


def rejected_lines(stats: ReadStats, unordered: Unordered) -> list[str]:
    lines = stats.summary_lines()
    if unordered.count:
        lines.append(f"  rejected {unordered.count}: no usable @timestamp (cannot be ordered)")
        lines.extend(f"    at {where}: {detail}" for where, detail in unordered.examples)
    return lines


def rules_table(runs: Iterable[RuleRun]) -> Table:
    table = Table(title="Alerts per rule", title_justify="left")
    for header in ("rule", "severity", "matches", "alerts", "not emitted (cap)", "engine errors"):
        table.add_column(header, justify="left" if header in ("rule", "severity") else "right")
    for run in runs:
        table.add_row(
            escape(run.rule.name), run.rule.severity, str(run.matches), str(run.alerts),
            str(run.truncated), str(run.engine_errors),
        )  # fmt: skip
    return table


def engine_error_lines(runs: Iterable[RuleRun]) -> list[str]:
    lines = []
    for run in runs:
        if run.engine_errors:
            lines.append(f"{run.rule.name}: {run.engine_errors} events could not be evaluated")
            lines.extend(f"  {message}" for message in run.error_messages)
    return lines


def coverage_lines(report: CoverageReport, host_lines: list[str]) -> list[str]:
    lines = ["Setup coverage:"]
    lines.extend(f"  {line}" for line in report.lines())
    if host_lines:
        lines.append("Host facts the logs lack:")
        lines.extend(f"  {line}" for line in host_lines)
    verdict = (
        f"{len(report.unresolved)} of {len(report.rules)} rules have UNRESOLVED coverage: "
        "no alert from them does not mean no attack"
        if report.unresolved
        else f"all {len(report.rules)} rules are supported by this data"
    )
    lines.append(verdict)
    return lines


def throughput_line(result: ScanResult) -> str:
    spilled = f", sort spilled {result.spilled_runs} runs to disk" if result.spilled_runs else ""
    duplicates = (
        f" ({result.duplicates} duplicates of the same events dropped: inputs overlap)"
        if result.duplicates
        else ""
    )
    return (
        f"{result.stats.read} records in {result.elapsed:.2f}s "
        f"({result.events_per_second:,.0f} events/s); {result.ordered} ordered by time{spilled}; "
        f"{len(result.alerts)} alert documents{duplicates}"
    )


def print_lines(console: Console, lines: Iterable[str], style: str = "") -> None:
    for line in lines:
        console.print(line, markup=False, style=style or None, highlight=False)


def print_scan_summary(console: Console, result: ScanResult) -> None:
    console.print(sources_table(result.stats))
    print_lines(console, [code_line(result.stats)])
    print_lines(console, rejected_lines(result.stats, result.unordered))
    print_lines(console, no_input_line(result.stats), "bold red")
    console.print(rules_table(result.runs))
    print_lines(console, engine_error_lines(result.runs), "yellow")
    style = "yellow" if any(r.status == UNRESOLVED for r in result.coverage.rules) else ""
    print_lines(console, coverage_lines(result.coverage, result.host_lines), style)
    print_lines(console, [throughput_line(result)])
