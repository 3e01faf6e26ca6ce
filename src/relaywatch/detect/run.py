"""The scan: read every input, order all events by time, run every rule, build alerts.

Scan mode covers the whole input: there is no look-back window (Kibana's `from`/`interval`
only schedule a live rule) and no alert cap unless `max_signals` is given, in which case it
caps the matches (events or sequences) per rule, as Kibana's `max_signals` caps one run.
Every rule is streamed through its own `eql.Matcher`, all fed through one shared router
(`eql.MatcherSet`), over the one merged order (`relaywatch.detect.order`), so a sequence
can start in one file and end in another. Inputs are read by `relaywatch.detect.parallel`
(`jobs` processes, with the result of a sequential read).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from relaywatch import eql
from relaywatch.alerts import AlertContext, build_alerts
from relaywatch.alerts.build import Alert
from relaywatch.alerts.dedupe import new_alerts
from relaywatch.detect.coverage import HOST_FIELDS, CoverageReport, rule_fields
from relaywatch.detect.order import DEFAULT_BUFFER, DEFAULT_MEMORY, Deferred
from relaywatch.detect.parallel import gather
from relaywatch.detect.split import PART_BYTES
from relaywatch.detect.survey import ReadPlan, Survey, Unordered, new_survey
from relaywatch.ecs.hosts import HostInventory
from relaywatch.errors import EqlError
from relaywatch.rules.model import Rule
from relaywatch.sources import ReadOptions, ReadStats
from relaywatch.sources.paths import expand

Progress = Callable[[int], None]

__all__ = [
    "Progress",
    "RuleRun",
    "ScanOptions",
    "ScanResult",
    "Survey",
    "Unordered",
    "compile_rules",
    "host_lines",
    "query_relevance",
    "relevance",
    "relevant_options",
    "run_scan",
    "survey",
]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything a scan needs besides inputs and rules, passed explicitly (STYLE.md §9).

    `memory` (bytes) and `buffer_size` (records) bound what the time order holds before it
    spills sorted runs to `spill_dir`; `jobs` is the number of processes reading inputs
    (1: all in this process; results are the same either way), reading NDJSON files larger
    than twice `part_bytes` in parts of about that size.
    """

    context: AlertContext
    inventory: HostInventory | None = None
    max_signals: int | None = None
    buffer_size: int = DEFAULT_BUFFER
    memory: int = DEFAULT_MEMORY
    spill_dir: str | None = None
    jobs: int = 1
    part_bytes: int = PART_BYTES
    ingested: str | None = None
    progress: Progress | None = None


@dataclass(slots=True)
class RuleRun:
    """One rule's run: its matches, alerts, and what the engine could not evaluate."""

    rule: Rule
    matches: int = 0
    alerts: int = 0
    truncated: int = 0
    engine_errors: int = 0
    error_messages: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ScanResult:
    """What a scan produced and the full account of its input.

    `ordered`: records with a usable @timestamp (all of them take part in the time order);
    `held`: those a condition of some rule's filter accepts, which the order holds and the
    matchers see (`relaywatch.detect.survey.StageCheck`)."""

    alerts: list[Alert]
    runs: list[RuleRun]
    stats: ReadStats
    coverage: CoverageReport
    host_lines: list[str]
    unordered: Unordered
    elapsed: float
    ordered: int = 0
    held: int = 0
    spilled_runs: int = 0
    duplicates: int = 0  # alert documents dropped because an identical id was already built

    @property
    def rejected(self) -> int:
        """Bad input: records the readers rejected plus records that could not be ordered."""
        return self.stats.rejected + self.unordered.count

    @property
    def events_per_second(self) -> float:
        return self.stats.read / self.elapsed if self.elapsed > 0 else 0.0


def compile_rules(rules: Sequence[Rule]) -> list[tuple[Rule, eql.Query]]:
    """Each rule with its compiled query; the loader has already rejected the ones that fail."""
    compiled = []
    for rule in rules:
        try:
            compiled.append((rule, eql.compile(rule.query)))
        except EqlError as error:  # only when a RuleSet was loaded without checking queries
            raise EqlError(f"{rule.source}: {error.render()}") from error
    return compiled


# What an event needs for some rule to take it: (codes, categories), see `relevance`.
Relevance = tuple[frozenset[str], frozenset[str]]


def query_relevance(query: eql.Query) -> Relevance | None:
    """What an event needs for some stage of `query` to take it: one of the codes a stage
    pins, or, for a stage that pins no code, that stage's category (`process where ...`);
    None when a stage pins neither (`any where` without a code): any event might match."""
    codes: set[str] = set()
    categories: set[str] = set()
    for stage in [*query.filters, *([query.until] if query.until else [])]:
        if stage.codes is not None:
            codes |= stage.codes
        elif stage.category is not None:
            categories.add(stage.category)
        else:
            return None
    return frozenset(codes), frozenset(categories)


def relevance(compiled: Sequence[tuple[Rule, eql.Query]]) -> Relevance | None:
    """What any of the rules can take; None (read everything) as soon as one takes any event."""
    codes: set[str] = set()
    categories: set[str] = set()
    for _, query in compiled:
        wanted = query_relevance(query)
        if wanted is None:
            return None
        codes |= wanted[0]
        categories |= wanted[1]
    return frozenset(codes), frozenset(categories)


def relevant_options(wanted: Relevance | None, ingested: str | None) -> ReadOptions:
    """Read options that skip every record outside `wanted` (None: skip nothing)."""
    if wanted is None:
        return ReadOptions(ingested=ingested)
    codes, categories = wanted
    return ReadOptions(relevant_codes=codes, relevant_categories=categories, ingested=ingested)


def survey(
    paths: Sequence[str],
    compiled: Sequence[tuple[Rule, eql.Query]],
    options: ScanOptions,
    keep_order: bool = True,
) -> Survey:
    """Read every input once: account, check coverage, and (for a scan) order the records."""
    plan = ReadPlan(
        rules=tuple(rule for rule, _ in compiled),
        options=relevant_options(relevance(compiled), options.ingested),
        inventory=options.inventory,
        keep_order=keep_order,
        memory=options.memory,
        buffer_size=options.buffer_size,
        spill_dir=options.spill_dir,
    )
    state = new_survey(compiled, plan)
    inputs = expand(list(paths))
    gather(
        inputs, plan, state, options.jobs, progress=options.progress, part_bytes=options.part_bytes
    )
    return state


def run_scan(paths: Sequence[str], rules: Sequence[Rule], options: ScanOptions) -> ScanResult:
    """Scan `paths` with `rules`; see the module docstring."""
    started = time.perf_counter()
    compiled = compile_rules(rules)
    state = survey(paths, compiled, options)
    assert state.order is not None
    runs = [RuleRun(rule) for rule, _ in compiled]
    spilled = state.order.spilled_runs
    built = _evaluate(compiled, runs, state.order.deferred(), options)
    # The same event read twice (a live log and its shadow copy, overlapping exports)
    # gives the same deterministic alert ids; Kibana writes an id once, and so do we.
    alerts = [dict(alert) for alert in new_alerts(built, set())]
    return ScanResult(
        alerts=alerts,
        duplicates=len(built) - len(alerts),
        runs=runs,
        stats=state.stats,
        coverage=state.coverage.report(),
        host_lines=host_lines(state, compiled, options.inventory),
        unordered=state.unordered,
        elapsed=time.perf_counter() - started,
        ordered=state.timed,
        held=state.order.count,
        spilled_runs=spilled,
    )


def host_lines(
    state: Survey,
    compiled: Sequence[tuple[Rule, eql.Query]],
    inventory: HostInventory | None = None,
) -> list[str]:
    """Per-host gaps in host facts, naming the rules that read each missing field."""
    needed_by = {
        name: [rule.name for rule, query in compiled if name in rule_fields(rule, query)]
        for name in HOST_FIELDS
    }
    size = None if inventory is None else len(inventory.entries)
    return state.hosts.render(needed_by, inventory_size=size)


def _evaluate(
    compiled: Sequence[tuple[Rule, eql.Query]],
    runs: list[RuleRun],
    ordered: Iterable[tuple[int, int, eql.Verdicts | None, memoryview]],
    options: ScanOptions,
) -> list[Alert]:
    matchers = eql.MatcherSet([query for _, query in compiled])
    feed, feed_verdicts = matchers.feed, matchers.feed_verdicts
    alerts: list[Alert] = []
    for timestamp, _, verdicts, body in ordered:
        # The conditions and join keys were evaluated where the record was read
        # (`survey.StageCheck`): most events are held by a sequence and never decoded.
        event = Deferred(body)
        if verdicts is None:
            found = feed(event.load(), timestamp, event)
        else:
            found = feed_verdicts(event, verdicts, timestamp, event, event.load)
        if found:
            _add_alerts(alerts, runs, found, options)
    _add_alerts(alerts, runs, matchers.finish(), options)
    for run, matcher in zip(runs, matchers.matchers, strict=True):
        run.engine_errors = matcher.errors
        run.error_messages = list(matcher.error_messages)
    return alerts


def _add_alerts(
    alerts: list[Alert],
    runs: list[RuleRun],
    found: Sequence[tuple[int, eql.Result]],
    options: ScanOptions,
) -> None:
    for index, result in found:
        alerts.extend(_alerts(runs[index], [result], options))


def _alerts(run: RuleRun, results: Sequence[eql.Result], options: ScanOptions) -> list[Alert]:
    out: list[Alert] = []
    for found in results:
        if options.max_signals is not None and run.matches >= options.max_signals:
            run.truncated += 1
            continue
        run.matches += 1
        result = _decoded(found)
        built = build_alerts(run.rule, result, result.tags, options.context)
        run.alerts += len(built)
        out.extend(built)
    return out


def _decoded(result: eql.Result) -> eql.Result:
    """The match with its events decoded (`order.Deferred`) and its tags as records."""
    return eql.Result(
        [event.load() if isinstance(event, Deferred) else event for event in result.events],
        result.join_keys,
        [tag.record if isinstance(tag, Deferred) else tag for tag in result.tags],
    )
