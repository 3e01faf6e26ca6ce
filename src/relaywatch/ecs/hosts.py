"""Host facts a Security log does not contain: an operator inventory of host.ip / host.id.

Both seed rules exclude a host's own traffic with
`not endswith(string(source.ip), string(host.ip))`. A Security .evtx has no host.ip
(Winlogbeat takes it from the collecting machine, and forwarded events have none),
and under Elasticsearch semantics the clause is TRUE when host.ip is missing, so the
exclusion silently does nothing. The inventory supplies the values; nothing is ever
guessed (`relaywatch.ecs.hostfacts` only *suggests*, labelled).

Matching (case-insensitive): the document's `host.name` (or `winlog.computer_name`)
is looked up by its full name first; failing that, by its first label (short name),
provided that the inventory has exactly one host with that short name and that, when
both sides are FQDNs, their domains agree.
"""

from __future__ import annotations

import csv
import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relaywatch.errors import RelaywatchError

Doc = dict[str, Any]


class InventoryError(RelaywatchError):
    """A host inventory that cannot be used; lists every bad row with its location."""


@dataclass(frozen=True, slots=True)
class HostEntry:
    """One inventory host: `name` as written (FQDN or short), canonical `ips`, optional `id`."""

    name: str
    ips: tuple[str, ...]
    id: str | None
    source: str
    location: str

    @property
    def short(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """First DNS label, lower-cased: `HFDC01.shire.com` -> `hfdc01`."""
    return name.split(".", 1)[0].lower()


def _domain(name: str) -> str:
    return name.split(".", 1)[1].lower() if "." in name else ""


def canonical_ip(text: str) -> str:
    """An address as Elasticsearch prints an `ip` field (RFC 5952; mapped IPv4 as IPv4)."""
    address = ipaddress.ip_address(text.strip())
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


class HostInventory:
    """Hosts by full and short name; `enrich(doc)` adds host.ip and host.id."""

    def __init__(self, entries: Iterable[HostEntry]) -> None:
        self.entries: tuple[HostEntry, ...] = tuple(entries)
        self._by_name = {entry.name.lower(): entry for entry in self.entries}
        by_short: dict[str, list[HostEntry]] = {}
        for entry in self.entries:
            by_short.setdefault(entry.short, []).append(entry)
        self._by_short = by_short
        self._cache: dict[str, HostEntry | None] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str) -> HostEntry | None:
        """The entry for a host name (FQDN or short), or None; see the module doc."""
        key = name.lower()
        if key not in self._cache:
            self._cache[key] = self._match(key)
        return self._cache[key]

    def _match(self, key: str) -> HostEntry | None:
        exact = self._by_name.get(key)
        if exact is not None:
            return exact
        candidates = self._by_short.get(short_name(key), [])
        if len(candidates) != 1:
            return None  # unknown, or ambiguous between domains: never guess
        entry = candidates[0]
        domain, entry_domain = _domain(key), _domain(entry.name)
        return entry if not domain or not entry_domain or domain == entry_domain else None

    def enrich(self, doc: Doc) -> Doc:
        """Add host.ip (a list) and host.id from the inventory; existing values are kept."""
        name = document_host(doc)
        entry = self.lookup(name) if name else None
        if entry is None:
            return doc
        host = doc.get("host")
        if not isinstance(host, dict):
            host = doc["host"] = {}
        if entry.ips and host.get("ip") is None:
            host["ip"] = list(entry.ips)
        if entry.id is not None and host.get("id") is None:
            host["id"] = entry.id
        return doc


def document_host(doc: Mapping[str, Any]) -> str | None:
    """The host a document is about: host.name, else winlog.computer_name."""
    host = doc.get("host")
    # `type(...) is dict` first: this runs per document and the Mapping ABC check is slow.
    name = host.get("name") if type(host) is dict or isinstance(host, Mapping) else None
    if isinstance(name, str) and name:
        return name
    winlog = doc.get("winlog")
    if type(winlog) is not dict and not isinstance(winlog, Mapping):
        return None
    computer = winlog.get("computer_name")
    return computer if isinstance(computer, str) and computer else None


# -- loading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    location: str
    name: Any
    ips: Any
    id: Any
    source: Any


def load_inventory(path: str | Path) -> HostInventory:
    """Read a CSV (`name,ips[,id][,source]`, ips `;`-separated) or YAML inventory.

    YAML: `hosts: [{name: ..., ips: [...], id: ...}]` (a bare list also works).
    Raises `InventoryError` naming every bad row (`file:line`) at once.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise InventoryError(f"{file}: cannot read host inventory: {problem}") from None
    rows = (
        _yaml_rows(file, text)
        if file.suffix.lower() in (".yaml", ".yml")
        else _csv_rows(file, text)
    )
    entries, problems = _entries(rows)
    if problems:
        raise InventoryError("host inventory has errors:\n  " + "\n  ".join(problems))
    return HostInventory(entries)


def _csv_rows(file: Path, text: str) -> Iterator[_Row]:
    reader = csv.DictReader(text.splitlines())
    fields = {name.strip().lower() for name in reader.fieldnames or ()}
    if "name" not in fields:
        raise InventoryError(
            f"{file}:1: CSV header must have a 'name' column (got {sorted(fields)})"
        )
    for row in reader:
        extra = row.get(None)  # DictReader puts surplus cells under the None key
        if extra:
            # `IEWIN7,1.1.1.1,10.0.2.15` would silently lose an address: the host's own
            # traffic would then raise alerts. Refuse the row instead.
            raise InventoryError(
                f"{file}:{reader.line_num}: row has {len(extra)} more field(s) than the header; "
                "separate several addresses with ';' (name,ips: HOST,10.0.0.1;10.0.0.2)"
            )
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        ips = [part for part in cells.get("ips", "").split(";") if part.strip()]
        yield _Row(
            f"{file}:{reader.line_num}",
            cells.get("name"),
            ips,
            cells.get("id") or None,
            cells.get("source", ""),
        )


def _yaml_rows(file: Path, text: str) -> Iterator[_Row]:
    import yaml  # noqa: PLC0415 - only for YAML inventories: it costs every start 15 ms

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InventoryError(f"{file}{line}: invalid YAML: {problem}") from None
    hosts = data.get("hosts") if isinstance(data, dict) else data
    if not isinstance(hosts, list):
        raise InventoryError(f"{file}: expected 'hosts:' with a list of hosts")
    for index, item in enumerate(hosts, start=1):
        location = f"{file}: hosts[{index}]"
        if not isinstance(item, dict):
            yield _Row(location, None, None, None, None)
            continue
        ips = item.get("ips", [])
        yield _Row(
            location,
            item.get("name"),
            [ips] if isinstance(ips, str) else ips,
            item.get("id"),
            item.get("source", ""),
        )


def _entries(rows: Iterable[_Row]) -> tuple[list[HostEntry], list[str]]:
    entries: list[HostEntry] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for row in rows:
        entry = _entry(row, problems)
        if entry is None:
            continue
        first = seen.setdefault(entry.name.lower(), row.location)
        if first != row.location:
            problems.append(f"{row.location}: host {entry.name!r} already listed at {first}")
            continue
        entries.append(entry)
    return entries, problems


def _entry(row: _Row, problems: list[str]) -> HostEntry | None:
    if not isinstance(row.name, str) or not row.name.strip():
        problems.append(f"{row.location}: missing host name")
        return None
    if not isinstance(row.ips, list):
        problems.append(f"{row.location}: 'ips' must be a list of addresses")
        return None
    ips: list[str] = []
    for value in row.ips:
        try:
            ips.append(canonical_ip(str(value)))
        except ValueError:
            problems.append(f"{row.location}: {value!r} is not an IP address")
    host_id = None if row.id is None else str(row.id).strip() or None
    if not row.ips and host_id is None:
        problems.append(f"{row.location}: host {row.name.strip()!r} has neither ips nor id")
        return None
    return HostEntry(
        row.name.strip(), tuple(dict.fromkeys(ips)), host_id, str(row.source or ""), row.location
    )
