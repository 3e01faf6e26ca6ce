"""The same events seen twice give the same alerts once."""

from __future__ import annotations

from relaywatch.alerts import build_alerts
from relaywatch.alerts.dedupe import new_alerts
from tests.alerts.fakes import FakeResult, context, logon_event, pipe_event, record, rule


def test_the_same_record_from_two_files_alerts_once() -> None:
    doc = pipe_event()
    from_evtx = build_alerts(
        rule(), FakeResult([doc]), [record(doc, 5001, source="a.evtx")], context()
    )
    from_export = build_alerts(
        rule(), FakeResult([doc]), [record(doc, 3, source="a.ndjson")], context()
    )
    seen: set[str] = set()
    assert new_alerts(from_evtx, seen) == from_evtx
    assert new_alerts(from_export, seen) == []


def test_different_events_are_kept() -> None:
    seen: set[str] = set()
    first = build_alerts(rule(), FakeResult([pipe_event()]), [record(pipe_event(), 1)], context())
    other = build_alerts(rule(), FakeResult([logon_event()]), [record(logon_event(), 2)], context())
    assert len(new_alerts(first + other, seen)) == 2
    assert len(seen) == 2
