"""Setup coverage: can the data support each rule at all?

A run that raises no alert is only good news if the rule could have matched. Three things
make that impossible, and each is reported as *unresolved*, never as clean:

- telemetry that is not there: the audit policy named in the rule's setup produces none of
  the event codes the query needs ("no 5145 events: 'Audit Detailed File Share' is probably
  not enabled"), or no event in the input can even be tried by a stage of the query (the
  engine's own router decides, from `event.category` and `event.code`, as in a scan);
- fields the rule requires (`required_fields`) that its events never carry;
- host facts missing per host (`host.ip` unknown for HOST: the local-source exclusion of the
  relay rules cannot apply, so a host's own traffic alerts).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from relaywatch import eql
from relaywatch.alerts.fieldpath import get_path
from relaywatch.ecs.hostfacts import HOST_FACTS, host_of
from relaywatch.eql import ast
from relaywatch.eql.routing import RouteCache, Router
from relaywatch.rules.model import Rule

# Facts about the host itself: a log either has them for a host or not, so they are judged
# per host; every other required field is judged over all of the rule's events.
HOST_FIELDS = HOST_FACTS
SUPPORTED = "supported"
UNRESOLVED = "unresolved"
HOSTS_NAMED = 5

# The rules (by index) an event reaches, each with the stages it can be tried by.
Route = tuple[tuple[int, tuple[int, ...]], ...]


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """The verdict for one rule and the reasons when the data cannot support it."""

    rule_id: str
    name: str
    events: int
    findings: tuple[str, ...]

    @property
    def status(self) -> str:
        return UNRESOLVED if self.findings else SUPPORTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "name": self.name,
            "status": self.status,
            "events": self.events,
            "findings": list(self.findings),
        }


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Coverage of every rule, in rule order."""

    rules: tuple[RuleCoverage, ...]

    @property
    def unresolved(self) -> tuple[RuleCoverage, ...]:
        return tuple(rule for rule in self.rules if rule.findings)

    def lines(self) -> list[str]:
        out = []
        for rule in self.rules:
            out.append(f"{rule.status}: {rule.name} ({rule.events} events it can read)")
            out.extend(f"  - {finding}" for finding in rule.findings)
        return out

    def to_dict(self) -> list[dict[str, Any]]:
        return [rule.to_dict() for rule in self.rules]


@dataclass(slots=True)
class _RuleState:
    """What one rule has seen: events per stage, fields present, per-host gaps."""

    rule: Rule
    router: Router
    stages: tuple[str, ...]
    stage_codes: tuple[frozenset[str] | None, ...]
    fields: tuple[str, ...]
    host_fields: tuple[str, ...]
    events: int = 0
    per_stage: Counter[int] = field(default_factory=Counter)
    present: set[str] = field(default_factory=set)
    host_events: Counter[str] = field(default_factory=Counter)
    host_missing: dict[str, Counter[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CoverageCounts:
    """The observations of a `Coverage`: codes seen, and per rule (events, events per
    stage, fields present, events per host, events lacking each host field per host)."""

    codes_seen: Counter[str]
    per_rule: tuple[tuple[int, Counter[int], set[str], Counter[str], dict[str, Counter[str]]], ...]


class Coverage:
    """Observe every document of a run, then `report()`."""

    def __init__(self, compiled: Sequence[tuple[Rule, eql.Query]]) -> None:
        self._states = [_state(rule, query) for rule, query in compiled]
        self.codes_seen: Counter[str] = Counter()
        # Which rules (and stages) an event reaches depends on its (category, code) only:
        # one cached look-up for all rules instead of one per rule.
        self._routes: RouteCache[Route] = RouteCache(self._route)
        # Whether any rule judges host fields per host (else hosts are not told apart).
        self._per_host = any(s.host_fields for s in self._states)
        # Documents per (route, host, which of HOST_FIELDS it lacks): nearly every document
        # of a run falls into a few thousand such groups, so a document costs one count
        # here and the per-rule counts are made per group (`_fold`).
        self._tally: Counter[tuple[Route, str, tuple[bool, ...]]] = Counter()

    def observe(self, doc: dict[str, Any]) -> None:
        self.observe_host(doc, *host_of(doc))

    def observe_host(self, doc: dict[str, Any], host: str | None, lacks: tuple[bool, ...]) -> None:
        """`observe`, given what `host_of(doc)` says (a scan works it out once per
        document for this and for host facts)."""
        # Runs for every record a scan reads: the common shapes take the short paths.
        code = _event_code(doc)
        if type(code) is str:
            self.codes_seen[code] += 1
        else:
            for item in _codes(code):
                self.codes_seen[item] += 1
        routes = self._routes.get(doc)
        if not routes:
            return
        if self._per_host:
            self._tally[routes, host or "(unnamed host)", lacks] += 1
        else:
            self._tally[routes, "", ()] += 1
        for index, _ in routes:
            state = self._states[index]
            if len(state.present) < len(state.fields):
                _note_fields(state, doc)

    def _fold(self) -> None:
        for (routes, host, lacks), count in self._tally.items():
            # `lacks` is () when no rule judges host fields (hosts are not told apart).
            missing = {n for n, lacking in zip(HOST_FIELDS, lacks, strict=False) if lacking}
            for index, stages in routes:
                _count(self._states[index], stages, host, missing, count)
        self._tally.clear()

    def _route(self, doc: dict[str, Any]) -> Route:
        return tuple(
            (index, stages)
            for index, state in enumerate(self._states)
            if (stages := state.router.candidates(doc))
        )

    def report(self) -> CoverageReport:
        self._fold()
        return CoverageReport(tuple(self._verdict(state) for state in self._states))

    def counts(self) -> CoverageCounts:
        """What was observed, as plain picklable data (a worker process sends it back)."""
        self._fold()
        return CoverageCounts(
            self.codes_seen,
            tuple(
                (s.events, s.per_stage, s.present, s.host_events, s.host_missing)
                for s in self._states
            ),
        )

    def merge(self, counts: CoverageCounts) -> None:
        """Add what another `Coverage` of the same rules observed. Every count is a sum
        and every set a union, so the report does not depend on who observed what."""
        self.codes_seen.update(counts.codes_seen)
        for state, (events, per_stage, present, host_events, host_missing) in zip(
            self._states, counts.per_rule, strict=True
        ):
            state.events += events
            state.per_stage.update(per_stage)
            state.present |= present
            state.host_events.update(host_events)
            for name, hosts in host_missing.items():
                state.host_missing.setdefault(name, Counter()).update(hosts)

    def _verdict(self, state: _RuleState) -> RuleCoverage:
        findings, explained = _telemetry_findings(state, self.codes_seen)
        findings += _stage_findings(state, explained)
        if not findings:
            findings += _field_findings(state)
        findings += _host_findings(state)
        return RuleCoverage(state.rule.rule_id, state.rule.name, state.events, tuple(findings))


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _state(rule: Rule, query: eql.Query) -> _RuleState:
    filters = list(query.filters)
    names = rule_fields(rule, query)
    return _RuleState(
        rule=rule,
        router=Router(filters),
        stages=tuple(_describe(flt.category, flt.codes) for flt in filters),
        stage_codes=tuple(flt.codes for flt in filters),
        fields=tuple(name for name in names if name not in HOST_FIELDS),
        host_fields=tuple(name for name in names if name in HOST_FIELDS),
    )


def rule_fields(rule: Rule, query: eql.Query) -> tuple[str, ...]:
    """The fields a rule needs: its `required_fields`, else the fields its query reads.

    Kibana's required_fields come from the built package; rules without them (most TOML
    files) are judged on the fields their query reads.
    """
    return tuple(item.name for item in rule.required_fields) or query_fields(query.ast)


def query_fields(node: object) -> tuple[str, ...]:
    """Every field a query reads, in first-seen order (walks the frozen AST)."""
    found: dict[str, None] = {}
    _walk(node, found)
    return tuple(found)


def _walk(node: object, found: dict[str, None]) -> None:
    if isinstance(node, ast.Field):
        found.setdefault(".".join(node.path))
        return
    if isinstance(node, tuple | list):
        for item in node:
            _walk(item, found)
        return
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            _walk(getattr(node, item.name), found)


def _describe(category: str | None, codes: frozenset[str] | None) -> str:
    where = f"{category or 'any'} events"
    return f"{where} with event.code {'/'.join(sorted(codes))}" if codes else where


def _event_code(doc: Mapping[str, Any]) -> Any:
    """`get_path(doc, "event.code")`, without its general walk for a plain nested event."""
    event = doc.get("event")
    if type(event) is dict and "event.code" not in doc:
        return event.get("code")
    return get_path(doc, "event.code")


def _note_fields(state: _RuleState, doc: Mapping[str, Any]) -> None:
    """Record which of the rule's fields the document carries (until all have been seen)."""
    for name in state.fields:
        if name not in state.present and get_path(doc, name) is not None:
            state.present.add(name)


def _count(
    state: _RuleState, stages: Sequence[int], host: str, missing: set[str], count: int
) -> None:
    """Add `count` documents of one host, lacking the `missing` host fields, that reach
    `stages` of the rule."""
    state.events += count
    for stage in stages:
        state.per_stage[stage] += count
    if not state.host_fields:
        return
    state.host_events[host] += count
    for name in state.host_fields:
        if name in missing:
            counts = state.host_missing.get(name)
            if counts is None:
                counts = state.host_missing[name] = Counter()
            counts[host] += count


def _telemetry_findings(state: _RuleState, seen: Counter[str]) -> tuple[list[str], set[str]]:
    findings = []
    explained: set[str] = set()
    for req in state.rule.setup_requirements:
        if req.event_codes and not any(seen[code] for code in req.event_codes):
            codes = "/".join(req.event_codes)
            findings.append(
                f"no {codes} events in the input: '{req.name}' is probably not enabled "
                "(or those events were not collected)"
            )
            explained.update(req.event_codes)
    return findings, explained


def _stage_findings(state: _RuleState, explained: set[str]) -> list[str]:
    findings = []
    for index, description in enumerate(state.stages):
        codes = state.stage_codes[index]
        if state.per_stage[index] or (codes and codes <= explained):
            continue
        label = f"stage {index + 1} of the sequence" if len(state.stages) > 1 else "the query"
        findings.append(f"no event in the input can match {label} ({description})")
    return findings


def _field_findings(state: _RuleState) -> list[str]:
    return [
        f"{name} is never present in the {state.events} events this rule can read"
        for name in state.fields
        if name not in state.present
    ]


def _host_findings(state: _RuleState) -> list[str]:
    findings = []
    for name in state.host_fields:
        missing = state.host_missing.get(name, Counter())
        if not missing:
            continue
        hosts = sorted(missing)
        shown = ", ".join(hosts[:HOSTS_NAMED]) + (" ..." if len(hosts) > HOSTS_NAMED else "")
        findings.append(
            f"{name} unknown for {len(hosts)} host{'s' if len(hosts) != 1 else ''} ({shown}): "
            f"the rule's {name} checks cannot apply there; give --hosts an inventory"
        )
    return findings
