"""Alert documents: one per event, N+1 per sequence, with Kibana's fields and ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from relaywatch.alerts import build_alerts
from relaywatch.alerts.identity import (
    Ancestor,
    building_block_ids,
    shell_alert_id,
    single_alert_id,
    source_ref,
)
from tests.alerts.fakes import FakeResult, context, logon_event, pipe_event, record, rule

RULE = rule()


def _single() -> dict[str, Any]:
    [alert] = build_alerts(
        RULE, FakeResult([pipe_event()]), [record(pipe_event(), 5001)], context()
    )
    return alert


def _sequence(**options: Any) -> list[dict[str, Any]]:
    events = [pipe_event(), logon_event()]
    records = [record(events[0], 5001), record(events[1], 5002)]
    return build_alerts(RULE, FakeResult(list(events)), records, context(**options))


def _parts(**options: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(first building block, second building block, shell)."""
    shell, first, second = _sequence(**options)
    return first, second, shell


def test_single_event_gives_one_alert_with_kibana_id() -> None:
    alert = _single()
    ref = source_ref(record(pipe_event(), 5001), "logs-windows.forwarded-default")
    assert alert["kibana.alert.uuid"] == single_alert_id(ref, "default", RULE.uuid)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("@timestamp", "2026-03-01T12:00:00.250Z"),
        ("event.kind", "signal"),
        ("kibana.space_ids", ["default"]),
        ("kibana.alert.original_time", "2026-02-27T09:15:02.447Z"),
        ("kibana.alert.status", "active"),
        ("kibana.alert.workflow_status", "open"),
        ("kibana.alert.depth", 1),
        ("kibana.alert.severity", "high"),
        ("kibana.alert.risk_score", 73),
        ("kibana.alert.rule.name", "Relay Test Rule"),
        ("kibana.alert.rule.rule_id", "00000000-1111-2222-3333-444444444444"),
        ("kibana.alert.rule.severity", "high"),
        ("kibana.alert.rule.risk_score", 73),
        ("kibana.alert.rule.version", 4),
        ("kibana.alert.rule.from", "now-9m"),
        ("kibana.alert.rule.to", "now"),
        ("kibana.alert.rule.interval", "5m"),
        ("kibana.alert.rule.type", "eql"),
        ("kibana.alert.rule.rule_type_id", "siem.eqlRule"),
        ("kibana.alert.rule.timestamp_override", "event.ingested"),
        ("kibana.alert.rule.indices", ["logs-system.security*", "winlogbeat-*"]),
        ("kibana.alert.rule.tags", ["OS: Windows", "Tactic: Credential Access"]),
        ("kibana.alert.rule.references", ["https://example.test/ref"]),
        ("kibana.alert.rule.created_at", "2025-06-18T00:00:00.000Z"),
        ("kibana.alert.rule.updated_at", "2026-04-22T00:00:00.000Z"),
        ("kibana.alert.original_event.code", "5145"),
        ("kibana.alert.original_event.kind", "event"),
        ("kibana.alert.original_event.category", ["network", "file"]),
        ("kibana.alert.workflow_tags", []),
    ],
)
def test_single_alert_field(field: str, expected: Any) -> None:
    assert _single()[field] == expected


def test_rule_uuid_is_copied() -> None:
    assert _single()["kibana.alert.rule.uuid"] == RULE.uuid


def test_rule_parameters_are_snake_case_copies() -> None:
    params = _single()["kibana.alert.rule.parameters"]
    assert (params["rule_id"], params["risk_score"], params["from"], params["max_signals"]) == (
        RULE.rule_id,
        73,
        "now-9m",
        100,
    )
    assert params["query"] == RULE.query


def test_single_alert_reason() -> None:
    assert _single()["kibana.alert.reason"] == (
        "network, file event with file efsrpc, source 10.20.30.40 by mallory "
        "on DC01.corp.example created high alert Relay Test Rule."
    )


def test_single_alert_ancestor_is_the_source_event() -> None:
    ref = source_ref(record(pipe_event(), 5001), "logs-windows.forwarded-default")
    assert _single()["kibana.alert.ancestors"] == [
        {"id": ref.id, "type": "event", "index": ref.index, "depth": 0}
    ]


def test_source_fields_are_kept_and_event_kind_replaced() -> None:
    alert = _single()
    assert alert["source"] == {"ip": "10.20.30.40", "port": 49822}
    assert alert["winlog"]["event_data"]["RelativeTargetName"] == "efsrpc"
    assert "kind" not in alert["event"]
    assert alert["event"]["code"] == "5145"


def test_data_stream_fields_are_copied_as_kibana_does() -> None:
    stream = {"type": "logs", "dataset": "windows.forwarded", "namespace": "default"}
    doc = pipe_event(data_stream=stream)
    [alert] = build_alerts(RULE, FakeResult([doc]), [record(doc, 1)], context())
    assert alert["data_stream"] == stream
    assert alert["kibana.alert.original_data_stream.dataset"] == "windows.forwarded"
    assert alert["kibana.alert.original_data_stream.namespace"] == "default"
    assert alert["kibana.alert.original_data_stream.type"] == "logs"


def test_non_building_block_rule_has_no_building_block_type() -> None:
    assert "kibana.alert.building_block_type" not in _single()


def test_building_block_rule_marks_its_alerts() -> None:
    bb_rule = rule(building_block_type="default")
    [alert] = build_alerts(
        bb_rule, FakeResult([pipe_event()]), [record(pipe_event(), 1)], context()
    )
    assert alert["kibana.alert.building_block_type"] == "default"


def test_sequence_gives_shell_then_building_blocks_as_kibana_orders_them() -> None:
    alerts = _sequence()
    assert len(alerts) == 3
    assert [a.get("kibana.alert.group.index") for a in alerts] == [None, 0, 1]
    assert [a.get("kibana.alert.building_block_type") for a in alerts] == [
        None,
        "default",
        "default",
    ]


def test_sequence_ids_follow_kibana_formulas() -> None:
    first, second, shell = _parts()
    refs = [
        source_ref(record(pipe_event(), 5001), "logs-windows.forwarded-default"),
        source_ref(record(logon_event(), 5002), "logs-windows.forwarded-default"),
    ]
    chains = [[Ancestor(ref.id, ref.index)] for ref in refs]
    ids = building_block_ids(chains, RULE.uuid)
    assert [first["kibana.alert.uuid"], second["kibana.alert.uuid"]] == ids
    blocks = [Ancestor(i, "", "signal", 1, RULE.uuid) for i in ids]
    expected_shell = shell_alert_id([chains[0][0], blocks[0], chains[1][0], blocks[1]], RULE.uuid)
    assert shell["kibana.alert.uuid"] == expected_shell


def test_group_id_links_blocks_to_shell() -> None:
    first, second, shell = _parts()
    assert shell["kibana.alert.group.id"] == shell["kibana.alert.uuid"]
    assert (
        first["kibana.alert.group.id"]
        == second["kibana.alert.group.id"]
        == shell["kibana.alert.uuid"]
    )


def test_shell_ancestors_are_events_and_blocks() -> None:
    first, _, shell = _parts()
    types = [(a["type"], a["depth"], a["index"]) for a in shell["kibana.alert.ancestors"]]
    assert types == [
        ("event", 0, "logs-windows.forwarded-default"),
        ("signal", 1, ""),
        ("event", 0, "logs-windows.forwarded-default"),
        ("signal", 1, ""),
    ]
    assert shell["kibana.alert.ancestors"][1]["id"] == first["kibana.alert.uuid"]
    assert shell["kibana.alert.ancestors"][1]["rule"] == RULE.uuid
    assert shell["kibana.alert.depth"] == 2


def test_shell_keeps_only_shared_source_fields() -> None:
    shell = _parts()[2]
    assert shell["host"]["name"] == "DC01.corp.example"
    assert shell["source"] == {"ip": "10.20.30.40"}
    assert shell["user"] == {"domain": "CORP"}
    assert "file" not in shell
    assert shell["event"]["category"] == []


def test_shell_reason_uses_shared_fields() -> None:
    assert _parts()[2]["kibana.alert.reason"] == (
        "event with source 10.20.30.40 on DC01.corp.example created high alert Relay Test Rule."
    )


def test_building_block_reason_is_its_own_event() -> None:
    assert _parts()[1]["kibana.alert.reason"] == (
        "authentication event with source 10.20.30.40 by DC01$ on DC01.corp.example "
        "created high alert Relay Test Rule."
    )


def test_shell_original_time_is_its_first_block_timestamp_as_in_kibana() -> None:
    first, _, shell = _parts()
    assert first["kibana.alert.original_time"] == "2026-02-27T09:15:02.447Z"
    assert shell["kibana.alert.original_time"] == shell["@timestamp"]


def test_missing_event_positions_are_skipped() -> None:
    events: list[Any] = [pipe_event(), None, logon_event()]
    records = [record(events[0], 5001), None, record(events[2], 5002)]
    alerts = build_alerts(RULE, FakeResult(events), records, context())
    assert [a.get("kibana.alert.group.index") for a in alerts] == [None, 0, 1]
    assert alerts[0]["kibana.alert.uuid"] == _parts()[2]["kibana.alert.uuid"]


def test_alert_of_the_same_rule_is_not_alerted_again() -> None:
    earlier = _single()
    again = build_alerts(RULE, FakeResult([earlier]), [record(earlier, 1, doc_id="x")], context())
    assert again == []


def test_alert_of_another_rule_becomes_a_signal_ancestor() -> None:
    earlier = _single()
    other = rule(rule_id="99999999-0000-0000-0000-000000000000")
    [alert] = build_alerts(
        other, FakeResult([earlier]), [record(earlier, 1, doc_id="x")], context()
    )
    chain = alert["kibana.alert.ancestors"]
    assert [a["type"] for a in chain] == ["event", "signal"]
    assert chain[1]["rule"] == RULE.uuid
    assert alert["kibana.alert.depth"] == 2


def test_malformed_ancestors_of_an_input_alert_do_not_crash() -> None:
    earlier = {
        **pipe_event(),
        "kibana.alert.uuid": "x",
        "kibana.alert.ancestors": [{"depth": "?"}, 3],
    }
    [alert] = build_alerts(RULE, FakeResult([earlier]), [record(earlier, 1)], context())
    assert [a["depth"] for a in alert["kibana.alert.ancestors"]] == [0, 0, 1]


def test_run_time_only_changes_timestamps() -> None:
    later = _sequence(run_time=datetime(2027, 1, 1, tzinfo=UTC))
    now = _sequence()
    assert [a["kibana.alert.uuid"] for a in later] == [a["kibana.alert.uuid"] for a in now]
    assert later[0]["@timestamp"] == "2027-01-01T00:00:00.000Z"


def test_same_input_gives_identical_bytes() -> None:
    assert orjson.dumps(_sequence()) == orjson.dumps(_sequence())


def test_space_changes_single_ids_and_alert_urls() -> None:
    events = [pipe_event()]
    recs = [record(events[0], 1)]
    [alert] = build_alerts(
        RULE, FakeResult(list(events)), recs, context(space_id="soc", public_base_url="https://k")
    )
    assert alert["kibana.space_ids"] == ["soc"]
    assert alert["kibana.alert.url"] == (
        f"https://k/s/soc/app/security/alerts/redirect/{alert['kibana.alert.uuid']}"
        "?index=.alerts-security.alerts-soc&timestamp=2026-03-01T12:00:00.250Z"
    )


def test_no_url_without_public_base_url() -> None:
    assert all("kibana.alert.url" not in a for a in _sequence())


def test_records_must_line_up_with_events() -> None:
    with pytest.raises(ValueError, match="line up"):
        build_alerts(RULE, FakeResult([pipe_event()]), [], context())


def test_provenance_is_recorded_under_relaywatch() -> None:
    shell = _parts()[2]
    assert [(s["file"], s["position"]) for s in shell["relaywatch"]["source"]] == [
        ("logs/Security.evtx", 5001),
        ("logs/Security.evtx", 5002),
    ]
