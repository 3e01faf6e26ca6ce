"""Setup coverage: can the data support each rule at all?

A run that raises no alert is only good news if the rule could have matched. Two things
make that impossible, and both are reported as *unresolved*, never as clean:

- telemetry that is not there: the audit policy named in the rule's setup produces none of
  the event codes the query needs ("no 5145 events: 'Audit Detailed File Share' is probably
  not enabled"), or none of the query's event codes occur at all;
- fields the rule requires (`required_fields`) that the rule's events never carry, and
  host facts missing per host (`host.ip` unknown for HOST: the local-source exclusion of the
  relay rules cannot apply, so its own traffic alerts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from relaywatch.alerts.fieldpath import get_path
from relaywatch.ecs.hosts import document_host
from relaywatch.rules.model import Rule
from relaywatch.rules.setup import query_event_codes

# Facts about the host itself: a log either has them for a host or not, so they are judged
# per host; every other required field is judged over all of the rule's events.
HOST_FIELDS = ("host.ip", "host.id")
SUPPORTED = "supported"
UNRESOLVED = "unresolved"


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
            out.append(f"{rule.status}: {rule.name} ({rule.events} events it reads)")
            out.extend(f"  - {finding}" for finding in rule.findings)
        return out

    def to_dict(self) -> list[dict[str, Any]]:
        return [rule.to_dict() for rule in self.rules]


@dataclass(slots=True)
class _RuleState:
    """What one rule has seen: its events, fields present, and per-host gaps."""

    rule: Rule
    codes: frozenset[str]
    fields: tuple[str, ...]
    host_fields: tuple[str, ...]
    events: int = 0
    present: set[str] = field(default_factory=set)
    host_events: Counter[str] = field(default_factory=Counter)
    host_missing: dict[str, Counter[str]] = field(default_factory=dict)


class Coverage:
    """Observe every document of a run, then `report(codes_seen)`."""

    def __init__(
        self, rules: Sequence[Rule], codes: Mapping[str, frozenset[str]] | None = None
    ) -> None:
        """`codes`: rule_id -> the event codes its compiled query requires (empty = any);
        rules not in it fall back to the quoted codes in the query text."""
        known = codes or {}
        self._states = [_state(rule, known.get(rule.rule_id)) for rule in rules]
        self._by_code: dict[str, list[_RuleState]] = {}
        self._any_code: list[_RuleState] = []
        for state in self._states:
            if not state.codes:
                self._any_code.append(state)
            for code in state.codes:
                self._by_code.setdefault(code, []).append(state)
        self.codes_seen: Counter[str] = Counter()

    def observe(self, doc: Mapping[str, Any]) -> None:
        code = str(get_path(doc, "event.code") or "")
        self.codes_seen[code] += 1
        for state in self._by_code.get(code, ()):
            _observe(state, doc)
        for state in self._any_code:
            _observe(state, doc)

    def report(self) -> CoverageReport:
        return CoverageReport(tuple(self._verdict(state) for state in self._states))

    def _verdict(self, state: _RuleState) -> RuleCoverage:
        findings = _telemetry_findings(state, self.codes_seen)
        if state.events:
            findings += _field_findings(state)
        return RuleCoverage(state.rule.rule_id, state.rule.name, state.events, tuple(findings))


def _state(rule: Rule, codes: frozenset[str] | None) -> _RuleState:
    names = tuple(item.name for item in rule.required_fields)
    return _RuleState(
        rule=rule,
        codes=query_event_codes(rule.query) if codes is None else codes,
        fields=tuple(name for name in names if name not in HOST_FIELDS),
        host_fields=tuple(name for name in names if name in HOST_FIELDS),
    )


def _observe(state: _RuleState, doc: Mapping[str, Any]) -> None:
    state.events += 1
    for name in state.fields:
        if name not in state.present and get_path(doc, name) is not None:
            state.present.add(name)
    if not state.host_fields:
        return
    host = document_host(doc) or "(unnamed host)"
    state.host_events[host] += 1
    for name in state.host_fields:
        if get_path(doc, name) is None:
            state.host_missing.setdefault(name, Counter())[host] += 1


def _telemetry_findings(state: _RuleState, seen: Counter[str]) -> list[str]:
    findings = []
    explained: set[str] = set()
    for req in state.rule.setup_requirements:
        if req.event_codes and not any(seen[code] for code in req.event_codes):
            codes = "/".join(req.event_codes)
            findings.append(
                f"no {codes} events in the input: '{req.name}' is probably not enabled "
                "(or those events were not collected); the rule cannot match this data"
            )
            explained.update(req.event_codes)
    missing = sorted(state.codes - explained)
    if missing and not any(seen[code] for code in state.codes):
        findings.append(
            f"none of the event codes the query reads ({', '.join(missing)}) occur in the input"
        )
    return findings


def _field_findings(state: _RuleState) -> list[str]:
    findings = [
        f"{name} is never present in the {state.events} events this rule reads"
        for name in state.fields
        if name not in state.present
    ]
    for name in state.host_fields:
        for host, count in sorted(state.host_missing.get(name, Counter()).items()):
            findings.append(
                f"{name} unknown for host {host} ({count} of {state.host_events[host]} events): "
                f"checks on {name} cannot apply; give --hosts an inventory row for {host}"
            )
    return findings
