"""What the readers may skip unparsed is derived from the rules, and skipping changes no alert.

A rule stage that pins event codes makes only those codes relevant; a stage that pins a
category and no code (`process where ...`, the HTTP relay rule of the built-in pack) makes
that category relevant, and, for raw events that have no category before conversion,
every code the Security pipeline files under it. Every scan here is compared with the
same scan reading every record (`relevance` forced to None).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from relaywatch import eql
from relaywatch.detect import run as detect_run
from relaywatch.detect import run_scan
from relaywatch.detect.run import ScanResult, query_relevance, relevance, relevant_options
from relaywatch.rules.model import Rule
from tests.detect.conftest import options
from tests.detect.scenario import reflection
from tests.shared import shared_files

HTTP_RELAY = "4682fd2c-cfae-47ed-a543-9bed37657aa6"
DAV = "rundll32.exe C:\\Windows\\System32\\davclnt.dll,DavSetCookie host http://host/print/pipe/x"
DATASETS = [
    path
    for path in shared_files("**/*", "data", "datasets")
    if path.suffix in (".evtx", ".zip", ".gz") and path.stat().st_size < 4 << 20
]


def _relevance(query: str) -> Any:
    return query_relevance(eql.compile(query))


def test_a_stage_pins_its_codes_or_else_its_category() -> None:
    assert _relevance('authentication where event.code in ("4624", "4625")') == (
        frozenset({"4624", "4625"}),
        frozenset(),
    )
    assert _relevance('process where process.name : "x.exe"') == (
        frozenset(),
        frozenset({"process"}),
    )
    both = 'sequence [file where event.code == "5145"] [process where true]'
    assert _relevance(both) == (frozenset({"5145"}), frozenset({"process"}))
    assert _relevance('any where process.name : "x.exe"') is None
    assert _relevance("sequence [process where true] [any where true]") is None


def test_the_pack_reads_three_codes_and_process_events(all_rules: tuple[Rule, ...]) -> None:
    found = relevance(detect_run.compile_rules(all_rules))
    assert found == (frozenset({"4624", "4625", "5145"}), frozenset({"process"}))
    read = relevant_options(found, None)
    # A raw 4688 has no category until the pipeline gives it `process`.
    assert read.raw_codes is not None and {"4624", "4688", "4689"} <= read.raw_codes


def _process_events() -> list[dict[str, Any]]:
    """Three process starts the HTTP relay rule matches, in three shapes, and noise."""
    ecs_4688 = {
        "@timestamp": "2026-03-01T10:00:01.000Z",
        "event": {"code": "4688", "category": ["process"], "type": ["start"]},
        "host": {"name": "ws01", "os": {"type": "windows"}},
        "process": {"name": "rundll32.exe", "args": DAV.split()},
    }
    sysmon = json.loads(json.dumps(ecs_4688))  # Sysmon 1: its code is not a Security one
    sysmon["event"]["code"] = "1"
    sysmon["@timestamp"] = "2026-03-01T10:00:02.000Z"
    raw_winlogbeat = {  # not through the ingest pipeline: no category in the text
        "@timestamp": "2026-03-01T10:00:03.000Z",
        "event": {"code": "4688", "provider": "Microsoft-Windows-Security-Auditing"},
        "host": {"name": "ws01"},
        "winlog": {
            "channel": "Security",
            "provider_name": "Microsoft-Windows-Security-Auditing",
            "computer_name": "ws01",
            "event_id": "4688",
            "record_id": 7,
            "event_data": {"NewProcessName": "C:\\Windows\\System32\\rundll32.exe",
                           "CommandLine": DAV, "NewProcessId": "0x1a0"},
        },
    }  # fmt: skip
    noise = {
        "@timestamp": "2026-03-01T10:00:04.000Z",
        "event": {"code": "4634", "category": ["authentication"]},
        "host": {"name": "ws01"},
        "process": {"name": "process"},  # the name as a value, not as event.category
    }
    return [ecs_4688, sysmon, raw_winlogbeat, noise]


def _scan_both(
    paths: Sequence[str], rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> tuple[ScanResult, ScanResult]:
    skipping = run_scan(paths, rules, options())
    with monkeypatch.context() as patch:
        patch.setattr(detect_run, "relevance", lambda compiled: None)
        everything = run_scan(paths, rules, options())
    assert skipping.alerts == everything.alerts
    assert [(r.matches, r.engine_errors) for r in skipping.runs] == [
        (r.matches, r.engine_errors) for r in everything.runs
    ]
    return skipping, everything


def test_process_events_in_every_shape_are_read(
    tmp_path: Path, all_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mixed.ndjson"
    docs = [*reflection(), *_process_events()]
    path.write_text("".join(json.dumps(doc) + "\n" for doc in docs))
    skipping, everything = _scan_both([str(path)], all_rules, monkeypatch)
    http = [a for a in skipping.alerts if a["kibana.alert.rule.rule_id"] == HTTP_RELAY]
    assert len(http) == 3
    assert skipping.stats.not_relevant == 1  # only the 4634 was skipped
    assert everything.stats.not_relevant == 0


@pytest.mark.parametrize("path", DATASETS, ids=lambda p: p.name[:60])
def test_real_logs_give_the_same_alerts_as_reading_everything(
    path: Path, all_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    skipping, everything = _scan_both([str(path)], all_rules, monkeypatch)
    assert skipping.stats.read == everything.stats.read


@pytest.mark.parametrize("event_id", ["4688", "04688", " 4688", "0x1250", 4688, 4688.0, True])
@pytest.mark.parametrize("wrapped", [False, True], ids=["flat", "evtx-json"])
def test_an_event_id_the_conversion_reads_as_relevant_is_never_skipped(
    tmp_path: Path,
    all_rules: tuple[Rule, ...],
    monkeypatch: pytest.MonkeyPatch,
    event_id: object,
    wrapped: bool,
) -> None:
    """`ecs.to_int` reads " 04688" and "0x1250" as 4688: the readers may not skip them
    as codes other than the relevant ones, nor skip a float they would reject."""
    fields = {"NewProcessName": "C:\\Windows\\System32\\rundll32.exe", "CommandLine": DAV,
              "NewProcessId": "0x1a0"}  # fmt: skip
    provider = "Microsoft-Windows-Security-Auditing"
    if wrapped:
        created = {"#attributes": {"SystemTime": "2026-03-01T10:00:01Z"}}
        system = {"Provider": {"#attributes": {"Name": provider}}, "Channel": "Security",
                  "Computer": "ws01", "EventRecordID": 7, "TimeCreated": created,
                  "EventID": {"#attributes": {"Qualifiers": 0}, "#text": event_id}}  # fmt: skip
        event: dict[str, Any] = {"Event": {"System": system, "EventData": fields}}
    else:
        event = {"EventTime": "2026-03-01T10:00:01Z", "Hostname": "ws01", "EventID": event_id,
                 "SourceName": provider, "Channel": "Security"} | fields  # fmt: skip
    later = json.loads(json.dumps(event).replace("10:00:01", "10:00:02"))
    if wrapped:
        later["Event"]["System"]["EventRecordID"] = 8  # the alert id is the record's
    compact = json.dumps(event, separators=(",", ":"))
    spaced = json.dumps(later, separators=(" , ", " : "))
    path = tmp_path / "events.ndjson"
    path.write_text(f"{compact}\n{spaced}\n")
    skipping, _ = _scan_both([str(path)], all_rules, monkeypatch)
    if type(event_id) is str or type(event_id) is int:  # a float or a boolean is no code
        assert len(skipping.alerts) == 2  # the compact line and the spaced one


def test_a_raw_document_with_a_dotted_category_is_judged_by_it(
    tmp_path: Path, all_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _process_events()[2]
    raw["event"]["code"] = "1"  # not a code the pack reads, but a process event all the same
    raw["event.category"] = ["process"]
    path = tmp_path / "raw.ndjson"
    path.write_text(json.dumps(raw) + "\n")
    skipping, _ = _scan_both([str(path)], all_rules, monkeypatch)
    assert skipping.stats.normalized == 1
