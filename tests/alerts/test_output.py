"""Alerts written in every registered format, and the rows an analyst reads."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from relaywatch.alerts import build_alerts
from relaywatch.alerts.output import FORMATS, get_format
from relaywatch.alerts.summary import alert_rows
from relaywatch.errors import RelaywatchError
from tests.alerts.fakes import FakeResult, context, logon_event, pipe_event, record, rule


def _alerts() -> list[dict[str, Any]]:
    seq = build_alerts(
        rule(),
        FakeResult([pipe_event(), logon_event()]),
        [record(pipe_event(), 5001), record(logon_event(), 5002)],
        context(),
    )
    single = build_alerts(
        rule(name="Single Rule"),
        FakeResult([pipe_event()]),
        [record(pipe_event(), 5001)],
        context(),
    )
    return seq + single


def _written(name: str) -> str:
    stream = io.StringIO()
    get_format(name).write(_alerts(), stream)
    return stream.getvalue()


def test_ndjson_is_one_alert_per_line() -> None:
    lines = _written("ndjson").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(json.dumps(_alerts()))


def test_bulk_pairs_create_actions_with_alert_ids() -> None:
    lines = [json.loads(line) for line in _written("bulk").splitlines()]
    actions, docs = lines[0::2], lines[1::2]
    assert [a["create"]["_id"] for a in actions] == [d["kibana.alert.uuid"] for d in docs]
    assert {a["create"]["_index"] for a in actions} == {".alerts-security.alerts-default"}


def test_json_is_an_array() -> None:
    assert len(json.loads(_written("json"))) == 4


def test_csv_has_a_row_per_alert_including_building_blocks() -> None:
    rows = list(csv.DictReader(io.StringIO(_written("csv"))))
    assert [row["kind"] for row in rows] == [
        "sequence",
        "building-block",
        "building-block",
        "alert",
    ]
    assert rows[0]["account"] == "mallory -> DC01$"


def test_table_shows_sequence_and_single_alert() -> None:
    text = _written("table")
    assert "2 alerts" in text
    assert "Relay Test Rule" in text
    assert "Single Rule" in text
    assert "10.20.30.40" in text


def test_sequence_row_gathers_stage_details() -> None:
    row = alert_rows(_alerts())[0]
    assert (row.kind, row.host, row.source_ip, row.account, row.object) == (
        "sequence",
        "DC01.corp.example",
        "10.20.30.40",
        "mallory -> DC01$",
        "\\\\*\\IPC$\\efsrpc",
    )
    assert row.time == "2026-02-27T09:15:02.447Z"


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"ndjson", "bulk", "json", "csv", "table", "investigate"}


def test_investigate_lists_each_alerts_filled_pivots() -> None:
    text = _written("investigate")
    assert text.count("- Logons from this source") == 2
    assert 'KQL: (event.code: "4624" and host.name: "DC01.corp.example"' in text
    assert "EQL: any where" in text


def test_unknown_format_suggests_the_closest() -> None:
    with pytest.raises(RelaywatchError, match="did you mean 'ndjson'"):
        get_format("ndjsn")
