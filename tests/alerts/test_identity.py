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


# A real Kibana 9.0.1 shell alert (rule "Multiple Logon Failure from the same Source Address",
# a 10-event sequence), as dumped from `.internal.alerts-security.alerts-default-000001` in a
# public repository: its `kibana.alert.ancestors` list the ten events and ten building blocks.
REAL_RULE = "0945c418-c530-45ea-b998-02350c260c5b"
REAL_INDEX = ".ds-logs-system.security-default-2025.05.30-000002"
REAL_EVENTS = [f"AZcvdRS9iYAeD95vW3W{letter}" for letter in "LMNOPQRSTU"]
REAL_BLOCK_IDS = [
    "5a630b9d49ee43c356b485e947ee4b431513d3a284354b6fcae9cc5e57d0d61f",
    "8af33ff57cb1050c6334494cc334917700d78681743a1083334fcf35bd987b11",
    "4a0832eb41f37735211036abfcba23e412959084fe482a53bd217dec835afe9c",
    "d7d897fd15b95a780c60d503550b279f5c3c634e73c604786df15fcdbab41aef",
    "fe9349f6282ded70b9f2be636db22ed005d55c2c3b894ffcf967d681e24b7186",
    "c76ff77fbc9e8faae91eb171c68ff7f2c1b175075d9e22d83a0d6fc194297254",
    "a7a1dfe87281a52f01dd46fbfcc99efe81fb38cbfbc491ff8f1d8fc6f810dfc8",
    "f4cea659202a5c5057748bb2a3e8a543d8bc660e606f80eca2b1d36eae2aee8a",
    "398b9778f9a79cfdae8365a4db3484053e53ce281889d99377b90dd342fcf22c",
    "22b271ad8d48aa30470c60d38fffea9007072d8a19d068abd9e71d1dd2b3707c",
]
REAL_SHELL_ID = "10da92e0b4351ac7b6a3460814f87d13204b7dad67818290dadffdbfff7482b1"


def test_ids_of_a_real_kibana_sequence_alert() -> None:
    chains = [[Ancestor(event, REAL_INDEX)] for event in REAL_EVENTS]
    assert building_block_ids(chains, REAL_RULE) == REAL_BLOCK_IDS
    ancestors = []
    for chain, block in zip(chains, REAL_BLOCK_IDS, strict=True):
        ancestors += [chain[0], Ancestor(block, "", "signal", 1, REAL_RULE)]
    assert shell_alert_id(ancestors, REAL_RULE) == REAL_SHELL_ID


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
