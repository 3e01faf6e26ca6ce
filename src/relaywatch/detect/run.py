"""The scan: read every input, order all events by time, run every rule, build alerts.

Scan mode covers the whole input: there is no look-back window (Kibana's `from`/`interval`
only schedule a live rule) and no alert cap unless `max_signals` is given, in which case it
caps the matches (events or sequences) per rule, as Kibana's `max_signals` caps one run.
Every rule is streamed through its own `eql.Matcher` over the one merged order
(`relaywatch.detect.order`), so a sequence can start in one file and end in another.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from relaywatch import eql
from relaywatch.alerts import AlertContext, build_alerts
from relaywatch.alerts.build import Alert
from relaywatch.detect.coverage import HOST_FIELDS, Coverage, CoverageReport, rule_fields
from relaywatch.detect.order import DEFAULT_BUFFER, TimeOrder
from relaywatch.ecs.hostfacts import HostFacts
from relaywatch.ecs.hosts import HostInventory
from relaywatch.errors import EqlError, EqlRuntimeError
from relaywatch.records import Provenance, Record
from relaywatch.rules.model import Rule
from relaywatch.sources import ReadOptions, ReadStats, read

PROGRESS_EVERY = 2_000
EXAMPLES_KEPT = 5

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything a scan needs besides inputs and rules, passed explicitly (STYLE.md §9)."""

    context: AlertContext
    inventory: HostInventory | None = None
    max_signals: int | None = None
    buffer_size: int = DEFAULT_BUFFER
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
class Unordered:
    """Records left out of the time order because their @timestamp is missing or bad."""

    count: int = 0
    examples: list[tuple[Provenance, str]] = field(default_factory=list)

    def add(self, where: Provenance, reason: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append((where, reason))


@dataclass(slots=True)
class ScanResult:
    """What a scan produced and the full account of its input."""

    alerts: list[Alert]
    runs: list[RuleRun]
    stats: ReadStats
    coverage: CoverageReport
    host_lines: list[str]
    unordered: Unordered
    elapsed: float
    ordered: int = 0
    spilled_runs: int = 0

    @property
    def rejected(self) -> int:
        """Bad input: records the readers rejected plus records that could not be ordered."""
        return self.stats.rejected + self.unordered.count

    @property
    def events_per_second(self) -> float:
        return self.stats.read / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(slots=True)
class Survey:
    """The reading half of a run, shared by `scan` and `coverage`."""

    stats: ReadStats
    coverage: Coverage
    hosts: HostFacts
    order: TimeOrder | None
    unordered: Unordered = field(default_factory=Unordered)


def compile_rules(rules: Sequence[Rule]) -> list[tuple[Rule, eql.Query]]:
    """Each rule with its compiled query; the loader has already rejected the ones that fail."""
    compiled = []
    for rule in rules:
        try:
            compiled.append((rule, eql.compile(rule.query)))
        except EqlError as error:  # only when a RuleSet was loaded without checking queries
            raise EqlError(f"{rule.source}: {error.render()}") from error
    return compiled


def required_codes(query: eql.Query) -> frozenset[str] | None:
    """The event codes a query can match, or None when any event might (no code pinned)."""
    filters = [*query.filters, *([query.until] if query.until else [])]
    if any(flt.codes is None for flt in filters):
        return None
    return frozenset(code for flt in filters for code in (flt.codes or ()))


def relevant_codes(compiled: Sequence[tuple[Rule, eql.Query]]) -> frozenset[str] | None:
    """Codes any rule can match; None (read everything) as soon as one rule pins none."""
    codes: set[str] = set()
    for _, query in compiled:
        wanted = required_codes(query)
        if wanted is None:
            return None
        codes |= wanted
    return frozenset(codes)


def survey(
    paths: Sequence[str],
    compiled: Sequence[tuple[Rule, eql.Query]],
    options: ScanOptions,
    keep_order: bool = True,
) -> Survey:
    """Read every input once: account, check coverage, and (for a scan) order the records."""
    read_options = ReadOptions(relevant_codes=relevant_codes(compiled), ingested=options.ingested)
    state = Survey(
        stats=ReadStats(read_options.locations_per_reason),
        coverage=Coverage(compiled),
        hosts=HostFacts(),
        order=TimeOrder(options.buffer_size) if keep_order else None,
    )
    for count, item in enumerate(state.stats.track(read(list(paths), read_options)), start=1):
        if options.progress is not None and count % PROGRESS_EVERY == 0:
            options.progress(count)
        if isinstance(item, Record):
            _take(state, item, options.inventory)
    if options.progress is not None:
        options.progress(state.stats.read)
    return state


def _take(state: Survey, record: Record, inventory: HostInventory | None) -> None:
    doc = inventory.enrich(record.doc) if inventory is not None else record.doc
    state.coverage.observe(doc)
    state.hosts.observe(doc)
    if state.order is None:
        return
    try:
        when = eql.timestamp_ms(doc.get("@timestamp"))
    except EqlRuntimeError as error:
        # Elasticsearch orders (and windows) EQL results by @timestamp; a document without
        # a usable one cannot take part, so it is counted as rejected with its location.
        state.unordered.add(record.provenance, f"no usable @timestamp: {error}")
        return
    state.order.add(when, record)


def run_scan(paths: Sequence[str], rules: Sequence[Rule], options: ScanOptions) -> ScanResult:
    """Scan `paths` with `rules`; see the module docstring."""
    started = time.perf_counter()
    compiled = compile_rules(rules)
    state = survey(paths, compiled, options)
    assert state.order is not None
    runs = [RuleRun(rule) for rule, _ in compiled]
    spilled = state.order.spilled_runs
    alerts = _evaluate(compiled, runs, state.order, options)
    return ScanResult(
        alerts=alerts,
        runs=runs,
        stats=state.stats,
        coverage=state.coverage.report(),
        host_lines=host_lines(state, compiled),
        unordered=state.unordered,
        elapsed=time.perf_counter() - started,
        ordered=state.order.count,
        spilled_runs=spilled,
    )


def host_lines(state: Survey, compiled: Sequence[tuple[Rule, eql.Query]]) -> list[str]:
    """Per-host gaps in host facts, naming the rules that read each missing field."""
    needed_by = {
        name: [rule.name for rule, query in compiled if name in rule_fields(rule, query)]
        for name in HOST_FIELDS
    }
    return state.hosts.render(needed_by)


def _evaluate(
    compiled: Sequence[tuple[Rule, eql.Query]],
    runs: list[RuleRun],
    ordered: Iterable[tuple[int, int, Record]],
    options: ScanOptions,
) -> list[Alert]:
    matchers = [query.matcher() for _, query in compiled]
    alerts: list[Alert] = []
    for timestamp, _, record in ordered:
        for run, matcher in zip(runs, matchers, strict=True):
            found = matcher.feed(record.doc, timestamp, record)
            if found:
                alerts.extend(_alerts(run, found, options))
    for run, matcher in zip(runs, matchers, strict=True):
        alerts.extend(_alerts(run, matcher.finish(), options))
        run.engine_errors = matcher.errors
        run.error_messages = list(matcher.error_messages)
    return alerts


def _alerts(run: RuleRun, results: Sequence[eql.Result], options: ScanOptions) -> list[Alert]:
    out: list[Alert] = []
    for result in results:
        if options.max_signals is not None and run.matches >= options.max_signals:
            run.truncated += 1
            continue
        run.matches += 1
        built = build_alerts(run.rule, result, result.tags, options.context)
        run.alerts += len(built)
        out.extend(built)
    return out
