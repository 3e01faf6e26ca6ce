"""Times read from events and written as Kibana writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from relaywatch.alerts import AlertContext
from relaywatch.alerts.timefmt import iso_millis, parse_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-27T09:15:02.4471234Z", "2026-02-27T09:15:02.447Z"),
        ("2026-02-27T09:15:02Z", "2026-02-27T09:15:02.000Z"),
        ("2026-02-27T10:15:02.5+01:00", "2026-02-27T09:15:02.500Z"),
        ("2026-02-27T09:15:02.123", "2026-02-27T09:15:02.123Z"),
        (1772183702447, "2026-02-27T09:15:02.447Z"),
    ],
)
def test_event_times_become_javascript_iso_strings(value: Any, expected: str) -> None:
    moment = parse_time(value)
    assert moment is not None
    assert iso_millis(moment) == expected


@pytest.mark.parametrize("value", ["yesterday", None, True, {"t": 1}, ""])
def test_values_that_are_not_times_give_none(value: Any) -> None:
    assert parse_time(value) is None


def test_context_run_time_is_kept_in_utc() -> None:
    local = datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert AlertContext(run_time=local).run_time == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_context_refuses_a_naive_run_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AlertContext(run_time=datetime(2026, 3, 1))


def test_context_names_the_space_alerts_index() -> None:
    context = AlertContext(run_time=datetime(2026, 3, 1, tzinfo=UTC), space_id="soc")
    assert context.alerts_index == ".alerts-security.alerts-soc"
