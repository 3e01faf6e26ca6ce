"""Flat Windows-event JSON (NXLog, SIEM exports, the OTRF datasets)."""

from __future__ import annotations

from pathlib import Path

from tests.sources.helpers import ndjson, run, write


def _flat(record: int, code: int = 5145) -> dict[str, object]:
    return {
        "EventID": code,
        "Hostname": "MORDORDC.theshire.local",
        "Channel": "Security",
        "SourceName": "Microsoft-Windows-Security-Auditing",
        "RecordNumber": record,
        "Keywords": -9214364837600034816,
        # Host-local time (UTC-4 here) to the second; the collector received it two
        # seconds later and the pipeline stamped @timestamp shortly after that.
        "EventTime": "2020-08-06 02:26:45",
        "EventReceivedTime": "2020-08-06 02:26:47",
        "@timestamp": "2020-08-06T06:26:47.374Z",
        "SubjectUserName": "MORDORDC$",
        "IpAddress": "fe80::3816:b2ee:1b9b:324b",
        "ShareName": "\\\\*\\SYSVOL",
    }


def test_flat_events_are_normalized_with_the_event_time_in_utc(tmp_path: Path) -> None:
    records, skips, _ = run([write(tmp_path / "otrf.json", ndjson(_flat(1), _flat(2)))])
    assert skips == []
    doc = records[0].doc
    assert doc["@timestamp"] == "2020-08-06T06:26:45.000Z"  # EventTime, not pipeline time
    assert doc["event"]["code"] == "5145"
    assert doc["source"]["ip"] == "fe80::3816:b2ee:1b9b:324b"
    assert [r.provenance.position for r in records] == [1, 2]


def test_flat_events_of_other_codes_are_skipped_before_conversion(tmp_path: Path) -> None:
    data = ndjson(_flat(1, code=10), _flat(2))
    records, _skips, stats = run(
        [write(tmp_path / "otrf.json", data)], relevant_codes=frozenset({"5145"})
    )
    assert len(records) == 1 and stats.not_relevant == 1 and stats.rejected == 0
