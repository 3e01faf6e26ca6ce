"""Each alert carries the rule's pivot queries, filled in from its own fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from relaywatch.alerts import build_alerts
from relaywatch.alerts.pivots import fill_pivot, rule_run_time
from relaywatch.alerts.timefmt import iso_millis
from tests.alerts.fakes import (
    FakeResult,
    context,
    logon_event,
    pipe_event,
    pivot,
    record,
    rule,
)

ANCHOR = datetime(2026, 2, 27, 9, 15, 2, 447000, tzinfo=UTC)
ALERT: dict[str, Any] = {
    "host": {"name": "DC01", "ip": ["10.0.0.1", "fe80::1"]},
    "source": {"ip": "10.20.30.40"},
    "user.name": "DC01$",
}


def test_templates_are_filled_from_the_alert() -> None:
    filled = fill_pivot(
        pivot("p", (("event.code", "4624"), ("source.ip", "{{source.ip}}"))), ALERT, ANCHOR
    )
    assert filled.kql == '(event.code: "4624" and source.ip: "10.20.30.40")'
    assert filled.eql == 'any where (event.code == "4624" and source.ip == "10.20.30.40")'
    assert filled.unresolved == ()


def test_or_groups_and_multi_valued_fields() -> None:
    filled = fill_pivot(
        pivot("p", (("host.ip", "{{host.ip}}"),), (("user.name", "{{user.name}}"),)), ALERT, ANCHOR
    )
    assert filled.kql == '(host.ip: ("10.0.0.1" or "fe80::1")) or (user.name: "DC01$")'
    assert filled.eql == 'any where (host.ip in ("10.0.0.1", "fe80::1")) or (user.name == "DC01$")'


def test_group_with_a_missing_field_is_left_out_and_reported() -> None:
    filled = fill_pivot(
        pivot("p", (("user.id", "{{user.id}}"),), (("source.ip", "{{source.ip}}"),)), ALERT, ANCHOR
    )
    assert filled.kql == '(source.ip: "10.20.30.40")'
    assert filled.unresolved == ("user.id",)


def test_nothing_resolvable_gives_no_query() -> None:
    filled = fill_pivot(pivot("p", (("user.id", "{{user.id}}"),)), ALERT, ANCHOR)
    assert (filled.kql, filled.eql) == (None, None)


def test_missing_host_id_falls_back_to_the_host_name_and_says_so() -> None:
    filled = fill_pivot(pivot("p", (("host.id", "{{host.id}}"),)), ALERT, ANCHOR)
    assert filled.kql is not None and filled.kql.startswith("(host.name: ")
    assert filled.unresolved == ()
    assert filled.substituted == ("host.id unknown (add an id column to --hosts): host.name used",)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("now", "2026-02-27T09:15:02.447Z"),
        ("now-1h", "2026-02-27T08:15:02.447Z"),
        ("now-48h/h", "2026-02-25T09:00:00.000Z"),
        ("now+5m", "2026-02-27T09:20:02.447Z"),
        ("now-1d/d", "2026-02-26T00:00:00.000Z"),
        ("yesterday", None),
    ],
)
def test_time_range_is_anchored_at_the_event(expression: str, expected: str | None) -> None:
    filled = fill_pivot(pivot("p", (("a", "b"),), start=expression), ALERT, ANCHOR)
    assert filled.start == expected


def test_alert_carries_filled_pivots_anchored_one_interval_after_its_event() -> None:
    [alert] = build_alerts(rule(), FakeResult([pipe_event()]), [record(pipe_event(), 1)], context())
    [query] = alert["relaywatch"]["investigate"]
    assert query["label"] == "Logons from this source"
    assert query["kql"] == (
        '(event.code: "4624" and host.name: "DC01.corp.example" and source.ip: "10.20.30.40")'
    )
    # The event is at 09:15:02.447 and the rule runs every 5m: "now" is 09:20:02.447.
    assert query["time_range"] == {
        "from": "2026-02-27T08:20:02.447Z",
        "to": "2026-02-27T09:20:02.447Z",
    }


def test_sequence_pivots_are_anchored_after_its_last_event() -> None:
    events: list[Any] = [pipe_event(), logon_event()]
    records = [record(events[0], 1), record(events[1], 2)]
    shell = build_alerts(rule(interval="1m"), FakeResult(events), records, context())[0]
    assert shell["relaywatch"]["investigate"][0]["time_range"]["to"] == "2026-02-27T09:16:03.001Z"


@pytest.mark.parametrize(
    ("interval", "expected"),
    [("5m", "2026-02-27T09:20:02.447Z"), ("30s", "2026-02-27T09:15:32.447Z"), ("soon", None)],
)
def test_rule_run_time(interval: str, expected: str | None) -> None:
    moment = rule_run_time(ANCHOR, interval)
    assert iso_millis(moment) == (expected or iso_millis(ANCHOR))
