"""Per-host account of the host facts rules need and the logs lack.

A run feeds every document to `HostFacts.observe`; `reports()` then says, per host,
how many documents lack `host.ip` / `host.id` (fields the seed rules read, and which
only an inventory can supply). It never fills a value. What the logs do reveal is
offered as a labelled *suggestion*: a host's own addresses show up as the source of
Kerberos network logons of its own machine account (`HOST$` from `source.ip` on
HOST), the evidence hosts.csv cites. Suggestions are for the operator to confirm
and put into the inventory; relaywatch never applies them.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from relaywatch.ecs.hosts import canonical_ip, document_host, short_name
from relaywatch.eql.fields import make_getter

# The host facts the relay rules read and only an inventory can supply.
HOST_FACTS = ("host.ip", "host.id")
SUGGESTION_LABEL = "inferred from the logs, not applied"
# What counts as no value for a host fact (here and in setup coverage).
NO_VALUE: tuple[Any, ...] = (None, [], "")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A value the logs point to, with the evidence; never applied automatically."""

    host: str
    field: str
    value: str
    evidence: str
    label: str = SUGGESTION_LABEL


@dataclass(frozen=True, slots=True)
class HostReport:
    """One host: documents seen, documents lacking each field, suggestions."""

    host: str
    documents: int
    missing: tuple[tuple[str, int], ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def missing_fields(self) -> tuple[str, ...]:
        return tuple(field for field, count in self.missing if count)


def _get(doc: Mapping[str, Any], dotted: tuple[str, ...]) -> Any:
    value: Any = doc
    for part in dotted:
        # `type(...) is dict` first: the ABC check behind isinstance(x, Mapping) is slow,
        # and this runs for every document of a scan.
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


# The engine's getters: a fact counts as present when a rule would read it (an array of
# host objects included), here and in setup coverage.
_FACT_GETTERS = tuple(make_getter(tuple(field.split("."))) for field in HOST_FACTS)


def host_of(doc: dict[str, Any]) -> tuple[str | None, tuple[bool, ...]]:
    """The host a document is about and, in `HOST_FACTS` order, which facts it lacks.

    Worked out once per document of a scan and handed to both observers that need it
    (`HostFacts.observe_host`, `Coverage.observe_host`)."""
    return document_host(doc), tuple([get(doc) in NO_VALUE for get in _FACT_GETTERS])


class HostFacts:
    """Collects, per host, which `HOST_FACTS` are missing and self-address evidence."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._documents: Counter[str] = Counter()
        self._missing: dict[str, Counter[str]] = {}
        self._self_logons: dict[str, Counter[str]] = {}
        # Documents per (host name as written, which fields it lacks), folded into the
        # tables above when they are read: one count per document instead of several.
        self._tally: Counter[tuple[str, tuple[bool, ...]]] = Counter()

    def observe(self, doc: dict[str, Any]) -> None:
        """Account for one ECS document (cheap: a few dict lookups)."""
        self.observe_host(doc, *host_of(doc))

    def observe_host(self, doc: dict[str, Any], name: str | None, lacks: tuple[bool, ...]) -> None:
        """`observe`, given what `host_of(doc)` says."""
        if name is None:
            return
        self._tally[name, lacks] += 1
        address = _self_logon_address(doc, name)
        if address is not None:
            self._self_logons.setdefault(name.lower(), Counter())[address] += 1

    def _fold(self) -> None:
        # The tally keeps first-seen order, so the first spelling of a name still wins.
        for (name, lacks), count in self._tally.items():
            key = name.lower()
            self._names.setdefault(key, name)
            self._documents[key] += count
            missing = self._missing.get(key)
            if missing is None:
                missing = self._missing[key] = Counter()
            for field, lacking in zip(HOST_FACTS, lacks, strict=True):
                if lacking:
                    missing[field] += count
        self._tally.clear()

    def observe_all(self, docs: Iterable[dict[str, Any]]) -> None:
        for doc in docs:
            self.observe(doc)

    def reports(self) -> list[HostReport]:
        """Every host seen, in name order."""
        self._fold()
        return [self._report(key) for key in sorted(self._documents)]

    def _report(self, key: str) -> HostReport:
        missing = self._missing.get(key, Counter())
        fields = tuple((field, missing[field]) for field in HOST_FACTS)
        suggestions: tuple[Suggestion, ...] = ()
        if missing["host.ip"]:
            suggestions = self._suggest_ips(key)
        return HostReport(self._names[key], self._documents[key], fields, suggestions)

    def _suggest_ips(self, key: str) -> tuple[Suggestion, ...]:
        account = short_name(self._names[key]).upper() + "$"
        return tuple(
            Suggestion(
                self._names[key],
                "host.ip",
                address,
                f"{count} Kerberos network logon(s) of {account} from this address",
            )
            for address, count in sorted(self._self_logons.get(key, Counter()).items())
        )

    def merge(self, other: HostFacts) -> None:
        """Add another collector's observations (e.g. a worker's): the counters are sums
        and the first spelling of a host name seen wins, as in one read, so it is exact."""
        self._fold()
        other._fold()
        for key, name in other._names.items():
            self._names.setdefault(key, name)
        self._documents.update(other._documents)
        for table, theirs in (
            (self._missing, other._missing),
            (self._self_logons, other._self_logons),
        ):
            for key, counts in theirs.items():
                table.setdefault(key, Counter()).update(counts)

    def render(
        self,
        needed_by: Mapping[str, Sequence[str]] | None = None,
        inventory_size: int | None = None,
    ) -> list[str]:
        """The missing host facts grouped by field: which rules read it, which hosts lack
        it (with how many of their events), the fix, then any labelled suggestions.

        `needed_by` maps a field to the names of the loaded rules that read it; when
        given, fields no loaded rule reads are left out of the summary. `inventory_size`
        (entries of the inventory the run used, if any) makes the fix say that the given
        inventory has no matching entry, rather than ask for one.
        """
        groups: dict[str, list[HostReport]] = {}
        for report in self.reports():
            for field, count in report.missing:
                if count and (needed_by is None or needed_by.get(field)):
                    groups.setdefault(field, []).append(report)
        lines: list[str] = []
        for field, reports in groups.items():
            rules = (needed_by or {}).get(field, ())
            lines.extend(_render_field(field, reports, rules, _fix(field, inventory_size)))
        return lines


MAX_HOSTS_LISTED = 25


def _fix(field: str, inventory_size: int | None) -> str:
    if inventory_size is None:
        return f"Fix: give --hosts an inventory (CSV name,ips[,id] or YAML) with {field} for them."
    return (
        f"Fix: the inventory given ({inventory_size} entries) has no {field} for these hosts: "
        "add rows (or the column) for them; names match as FQDN or short name"
    )


def _render_field(
    field: str, reports: list[HostReport], rules: Sequence[str], fix: str
) -> list[str]:
    reading = f"; read by {len(rules)} rule(s): {', '.join(rules)}" if rules else ""
    shown = [f"{r.host} ({dict(r.missing)[field]}/{r.documents} events)" for r in reports]
    more = len(shown) - MAX_HOSTS_LISTED
    listed = ", ".join(shown[:MAX_HOSTS_LISTED]) + (f", ... and {more} more" if more > 0 else "")
    lines = [
        f"{field} missing for {len(reports)} host(s){reading}",
        f"  {listed}",
        f"  {fix}",
    ]
    lines.extend(
        f"  suggestion ({s.label}): {r.host} {s.field} {s.value} - {s.evidence}"
        for r in reports
        for s in r.suggestions
        if s.field == field
    )
    return lines


def _self_logon_address(doc: Mapping[str, Any], host_key: str) -> str | None:
    """source.ip of a Kerberos network logon (4624) by the host's own machine account."""
    event = doc.get("event")
    if type(event) is not dict and not isinstance(event, Mapping):
        return None
    if event.get("code") != "4624":
        return None  # the common case: no further look-up
    winlog = doc.get("winlog")
    if not isinstance(winlog, Mapping):
        return None
    event_data = winlog.get("event_data")
    logon = winlog.get("logon")
    if not isinstance(event_data, Mapping) or not isinstance(logon, Mapping):
        return None
    if logon.get("type") != "Network" or event_data.get("AuthenticationPackageName") != "Kerberos":
        return None
    target = event_data.get("TargetUserName")
    if not isinstance(target, str) or target.lower() != short_name(host_key) + "$":
        return None
    return _usable_address(_get(doc, ("source", "ip")))


def _usable_address(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    # A host logs on to itself from a handful of addresses, thousands of times.
    known = _USABLE.get(value, _UNKNOWN)
    if known is _UNKNOWN:
        if len(_USABLE) >= _USABLE_MAX:
            _USABLE.clear()
        known = _USABLE[value] = _parse_usable(value)
    return known


_UNKNOWN = ""  # never a parsed address
_USABLE: dict[str, str | None] = {}
_USABLE_MAX = 4096


def _parse_usable(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(canonical_ip(value))
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return None  # says nothing about the host's interface addresses
    return str(address)
