"""Output formats for alerts, registered by name (STYLE.md §7).

- `ndjson`: one alert document per line, in build order: the file `scan --output` writes,
  loadable with any NDJSON importer (each alert's `_id` is its `kibana.alert.uuid`);
- `bulk`: Elasticsearch `_bulk` body (`create` action + document) targeting
  `.alerts-security.alerts-<space>`: `curl -H 'Content-Type: application/x-ndjson'
  -XPOST host:9200/_bulk --data-binary @alerts.bulk`. `create` refuses an id that exists,
  as Kibana's own writes do, so re-loading the same alerts adds nothing;
- `json`: one indented JSON array;
- `csv`: one row per alert (building blocks included, marked by `kind`);
- `table`: the readable terminal table (building blocks folded into their sequence);
- `investigate`: per alert, the investigation guide's pivot queries filled in from the alert
  (KQL for Kibana, EQL for `relaywatch query`, the time range), from `relaywatch.investigate`.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from relaywatch.alerts.context import ALERTS_INDEX_PREFIX
from relaywatch.alerts.summary import AlertRow, alert_rows
from relaywatch.errors import RelaywatchError

Alert = Mapping[str, Any]
Writer = Callable[[Sequence[Alert], IO[str]], None]

SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
UNBROKEN_COLUMNS = frozenset({"time", "severity", "host", "source_ip"})
MIN_WIDTHS = {"rule": 18, "account": 10, "object": 10}
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Time", "time"),
    ("Severity", "severity"),
    ("Rule", "rule"),
    ("Host", "host"),
    ("Source IP", "source_ip"),
    ("Account", "account"),
    ("Pipe / share", "object"),
)


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str
    description: str
    write: Writer


def write_ndjson(alerts: Sequence[Alert], stream: IO[str]) -> None:
    for alert in alerts:
        stream.write(orjson.dumps(alert).decode("utf-8") + "\n")


def write_bulk(alerts: Sequence[Alert], stream: IO[str]) -> None:
    for alert in alerts:
        spaces = alert.get("kibana.space_ids") or ["default"]
        action = {
            "create": {
                "_index": f"{ALERTS_INDEX_PREFIX}{spaces[0]}",
                "_id": alert["kibana.alert.uuid"],
            }
        }
        stream.write(orjson.dumps(action).decode("utf-8") + "\n")
        stream.write(orjson.dumps(alert).decode("utf-8") + "\n")


def write_json(alerts: Sequence[Alert], stream: IO[str]) -> None:
    stream.write(json.dumps(list(alerts), indent=2, ensure_ascii=False) + "\n")


def write_csv(alerts: Sequence[Alert], stream: IO[str]) -> None:
    names = [field.name for field in dataclasses.fields(AlertRow)]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    for row in alert_rows(alerts, building_blocks=True):
        writer.writerow([getattr(row, name) for name in names])


def alert_table(alerts: Sequence[Alert]) -> Table:
    """The rich table of alerts, one row per alert or sequence."""
    # Sorted by event time: the order an analyst reconstructs an attack in.
    rows = sorted(alert_rows(alerts), key=lambda row: row.time)
    table = Table(title=f"{len(rows)} alert{'s' if len(rows) != 1 else ''}", show_lines=False)
    for header, name in TABLE_COLUMNS:
        # Values an analyst copies (time, host, address) never break mid-value; the rule
        # name and the object path wrap first when the terminal is narrow.
        whole = name in UNBROKEN_COLUMNS
        table.add_column(
            header,
            overflow="ellipsis" if whole else "fold",
            no_wrap=whole,
            min_width=MIN_WIDTHS.get(name),
        )
    for row in rows:
        cells = [Text(getattr(row, name)) for _, name in TABLE_COLUMNS]
        cells[1].stylize(SEVERITY_STYLES.get(row.severity, ""))
        table.add_row(*cells)
    return table


def write_table(alerts: Sequence[Alert], stream: IO[str]) -> None:
    console = Console(file=stream, width=200 if not stream.isatty() else None)
    console.print(alert_table(alerts))


def write_investigations(alerts: Sequence[Alert], stream: IO[str]) -> None:
    """Per alert (building blocks folded), the guide's pivot queries ready to run."""
    by_id = {str(alert.get("kibana.alert.uuid")): alert for alert in alerts}
    for row in sorted(alert_rows(alerts), key=lambda row: row.time):
        stream.write(f"## {row.time}  {row.severity}  {row.rule}\n{row.reason}\n")
        extension = by_id[row.id].get("relaywatch") or {}
        for pivot in extension.get("investigate", []):
            stream.write(_pivot_text(pivot))
        stream.write("\n")


def _pivot_text(pivot: Mapping[str, Any]) -> str:
    span = pivot.get("time_range") or {}
    lines = [
        f"- {pivot.get('label') or '(unlabelled pivot)'}  [{span.get('from')} .. {span.get('to')}]"
    ]
    if pivot.get("kql"):
        lines.append(f"    KQL: {pivot['kql']}")
        lines.append(f"    EQL: {pivot['eql']}")
    if pivot.get("unresolved"):
        lines.append(
            f"    not filled (field missing on the alert): {', '.join(pivot['unresolved'])}"
        )
    lines.extend(f"    note: {note}" for note in pivot.get("substituted") or ())
    return "\n".join(lines) + "\n"


FORMATS: dict[str, OutputFormat] = {
    fmt.name: fmt
    for fmt in (
        OutputFormat("ndjson", "one alert document per line", write_ndjson),
        OutputFormat(
            "bulk", "Elasticsearch _bulk body for .alerts-security.alerts-<space>", write_bulk
        ),
        OutputFormat("json", "a JSON array of alert documents", write_json),
        OutputFormat("csv", "one summary row per alert", write_csv),
        OutputFormat("table", "readable table for the terminal", write_table),
        OutputFormat(
            "investigate", "per alert, the guide's pivot queries filled in", write_investigations
        ),
    )
}


def get_format(name: str) -> OutputFormat:
    """The registered format `name`; a RelaywatchError naming the closest one otherwise."""
    found = FORMATS.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, FORMATS, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise RelaywatchError(
        f"unknown output format '{name}'{hint}; choose one of {', '.join(FORMATS)}"
    )
