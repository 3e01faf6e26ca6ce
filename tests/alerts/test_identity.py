"""Alert ids follow Kibana's formulas byte for byte; source identities are stable."""

from __future__ import annotations

import hashlib

import pytest

from relaywatch.alerts.identity import (
    Ancestor,
    SourceRef,
    building_block_ids,
    shell_alert_id,
    single_alert_id,
    source_ref,
    synthetic_id,
)
from tests.alerts.fakes import logon_event, record

# Test vectors published by Kibana itself: `build_alert_group_from_sequence.test.ts` builds a
# two-event sequence from events "d5e8eb51-..." and "619389b2-..." in index
# "myFakeSignalIndex" for rule uuid `sampleRuleGuid`, and asserts these building-block and
# shell ids (they appear in the expected `kibana.alert.url` values).
KIBANA_RULE = "04128c15-0d1b-4716-a4c5-46997ac7f3bd"
KIBANA_EVENTS = ("d5e8eb51-a6a0-456d-8a15-4b79bfec3d71", "619389b2-b077-400e-b40b-abde20d675d3")
KIBANA_BLOCK_IDS = [
    "f2db3574eaf8450e3f4d1cf4f416d70b110b035ae0a7a00026242df07f0a6c90",
    "1dbc416333244efbda833832eb83f13ea5d980a33c2f981ca8d2b35d82a045da",
]
KIBANA_SHELL_ID = "1b7d06954e74257140f3bf73f139078483f9658fe829fd806cc307fc0388fb23"


def _kibana_chains() -> list[list[Ancestor]]:
    return [[Ancestor(event, "myFakeSignalIndex")] for event in KIBANA_EVENTS]


def test_building_block_ids_match_kibana_test_vectors() -> None:
    assert building_block_ids(_kibana_chains(), KIBANA_RULE) == KIBANA_BLOCK_IDS


def test_shell_id_matches_kibana_test_vector() -> None:
    chains = _kibana_chains()
    blocks = [Ancestor(i, "", "signal", 1, KIBANA_RULE) for i in KIBANA_BLOCK_IDS]
    ancestors = [chains[0][0], blocks[0], chains[1][0], blocks[1]]
    assert shell_alert_id(ancestors, KIBANA_RULE) == KIBANA_SHELL_ID


def test_single_alert_id_is_sha256_of_index_id_version_and_space_rule() -> None:
    ref = SourceRef("logs-system.security-default", "abc123")
    expected = hashlib.sha256(
        b"logs-system.security-defaultabc123undefineddefault:rule-uuid"
    ).hexdigest()
    assert single_alert_id(ref, "default", "rule-uuid") == expected


def test_single_alert_id_depends_on_space() -> None:
    ref = SourceRef("i", "d")
    assert single_alert_id(ref, "default", "r") != single_alert_id(ref, "soc", "r")


def test_building_block_id_depends_on_every_member() -> None:
    one = building_block_ids([[Ancestor("a", "i")], [Ancestor("b", "i")]], "r")
    other = building_block_ids([[Ancestor("a", "i")], [Ancestor("c", "i")]], "r")
    assert one[0] != other[0]


def test_elasticsearch_id_and_index_are_used_when_known() -> None:
    rec = record(logon_event(), 7, doc_id="Xy12", index=".ds-logs-system.security-default-0001")
    assert source_ref(rec, "fallback") == SourceRef(".ds-logs-system.security-default-0001", "Xy12")


def test_known_id_without_index_takes_the_default_index() -> None:
    assert source_ref(record(logon_event(), 7, doc_id="Xy12"), "fallback").index == "fallback"


def test_data_stream_fields_name_the_index() -> None:
    doc = logon_event(data_stream={"type": "logs", "dataset": "system.security", "namespace": "x"})
    assert source_ref(record(doc, 1), "fallback").index == "logs-system.security-x"


def test_windows_identity_ignores_file_position_and_computer_case() -> None:
    doc = logon_event()
    upper = logon_event(winlog={**doc["winlog"], "computer_name": "dc01.CORP.example"})
    first = source_ref(record(doc, 1, source="a.evtx"), "i")
    second = source_ref(record(upper, 99, source="export.ndjson"), "i")
    assert first == second
    assert first.id == synthetic_id("winlog", "dc01.corp.example", "security", "5002")


def test_record_id_distinguishes_records() -> None:
    doc = logon_event()
    other = logon_event(winlog={**doc["winlog"], "record_id": "5003"})
    assert source_ref(record(doc, 1), "i") != source_ref(record(other, 1), "i")


@pytest.mark.parametrize("missing", ["channel", "record_id"])
def test_without_windows_identity_file_and_position_are_used(missing: str) -> None:
    doc = logon_event()
    winlog = {k: v for k, v in doc["winlog"].items() if k != missing}
    ref = source_ref(record({**doc, "winlog": winlog}, 12, source="x.ndjson"), "i")
    assert ref.id == synthetic_id("file", "x.ndjson", "12")


def test_synthetic_ids_look_like_elasticsearch_auto_ids() -> None:
    value = synthetic_id("file", "x", "1")
    assert len(value) == 20
    assert value.replace("-", "").replace("_", "").isalnum()
