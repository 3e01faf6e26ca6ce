"""The QA-suite loader itself: it must read every query and index what ES indexes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.eql import es_suite
from tests.eql.es_exclusions import OUT_OF_SCOPE, REJECTED
from tests.eql.es_suite import (
    DATASETS,
    SUITE_FILES,
    Doc,
    Spec,
    SuiteFile,
    expected_answers,
    flat_ids,
    indexed_documents,
    join_key_text,
    limit_like_es,
    quote_null_join_keys,
    read_specs,
    strip_line_comments,
)
from tests.shared import shared_path


@pytest.fixture(scope="module")
def specs() -> list[Spec]:
    shared_path("data", "eql-conformance", "elasticsearch")
    return es_suite.all_specs()


# Counted by hand in the upstream files (commented-out `#[[queries]]` do not count).
QUERIES_PER_FILE = {
    "test_queries.toml": 133,
    "additional_test_queries.toml": 39,
    "test_queries_date.toml": 4,
    "test_queries_date_nanos.toml": 3,
    "test_extra.toml": 40,
    "test_missing_events.toml": 26,
}


def test_every_suite_file_is_read_in_full(specs: list[Spec]) -> None:
    assert Counter(spec.file for spec in specs) == QUERIES_PER_FILE


def test_query_names_are_unique_so_they_can_be_test_ids(specs: list[Spec]) -> None:
    counts = Counter(spec.name for spec in specs)
    assert [name for name, count in counts.items() if count > 1] == []


def test_every_exclusion_names_a_suite_query(specs: list[Spec]) -> None:
    names = {spec.name for spec in specs}
    assert set(REJECTED) - names == set()
    assert set(OUT_OF_SCOPE) - names == set()
    assert set(REJECTED) & set(OUT_OF_SCOPE) == set()


def test_bare_null_join_keys_become_the_string_null() -> None:
    text = 'join_keys = [null]\nother = null\njoin_keys = ["tag1", null,\n  "null"]'
    assert quote_null_join_keys(text) == (
        'join_keys = ["null"]\nother = null\njoin_keys = ["tag1", "null",\n  "null"]'
    )


def test_extra_suite_parses_with_null_join_keys() -> None:
    shared_path("data", "eql-conformance", "elasticsearch")
    by_name = {spec.name: spec for spec in read_specs(SuiteFile("test_extra.toml", "extra"))}
    assert by_name["sequenceWithOptionalMultivalue_simple"].join_keys == ("null",)
    assert by_name["sequenceWithOptionalMultivalue_multiPlusOptional"].join_keys == (
        "tag1",
        "null",
    )
    assert by_name["optionalMissingFieldNullEquality"].join_keys is None


def test_query_text_is_trimmed_like_the_java_loader(specs: list[Spec]) -> None:
    assert all(spec.query == spec.query.strip() for spec in specs)


@pytest.mark.parametrize(
    ("raw", "answers"),
    [
        ([], ((),)),
        ([1, 2], ((1, 2),)),
        ([[1, 2], [3, 4]], ((1, 2), (3, 4))),
    ],
    ids=["no-match", "one-answer", "any-of"],
)
def test_expected_event_ids_forms(raw: list[object], answers: tuple[tuple[int, ...]]) -> None:
    assert expected_answers(raw) == answers


def test_mixed_expected_event_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="invalid expected_event_ids"):
        expected_answers([1, [2]])


def test_line_comments_are_stripped_even_when_indented() -> None:
    assert strip_line_comments('[\n  //// test5\n {"a": "//x"}\n]') == '[\n {"a": "//x"}\n]'


def test_spec_files_map_to_known_indices() -> None:
    assert {suite.dataset for suite in SUITE_FILES} <= set(DATASETS)


# -- indexed documents ------------------------------------------------------------------


def by_id(name: str) -> dict[int, dict[str, object]]:
    shared_path("data", "eql-conformance", "elasticsearch")
    tiebreaker = DATASETS[name].tiebreaker
    return {doc[tiebreaker]: doc for doc in indexed_documents(name)}


def epoch_ms(text: str) -> int:
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def test_endgame_filetime_becomes_epoch_milliseconds() -> None:
    docs = by_id("endgame-140")
    assert len(docs) == 102
    assert docs[1]["@timestamp"] == 0  # FILETIME 116444736000000000 is the Unix epoch
    assert docs[2]["@timestamp"] == epoch_ms("2017-08-30T20:47:31")
    assert docs[18]["@timestamp"] == epoch_ms("2017-08-30T20:47:33")


def test_event_category_is_an_alias_of_event_type() -> None:
    shared_path("data", "eql-conformance", "elasticsearch")
    for name in DATASETS:
        for doc in indexed_documents(name):
            assert doc["event"]["category"] == doc["event_type"]


def test_documents_come_in_timestamp_then_tiebreaker_order() -> None:
    shared_path("data", "eql-conformance", "elasticsearch")
    for name, dataset in DATASETS.items():
        keys = [(doc["@timestamp"], doc[dataset.tiebreaker]) for doc in indexed_documents(name)]
        assert keys == sorted(keys), name


def test_date_nanos_index_reads_the_ticks_as_nanoseconds() -> None:
    docs = by_id("endgame-140-nanos")
    # 131485996510000000 ns after the epoch: 1974-03-02T19:53:16.510Z
    assert docs[2]["@timestamp"] == epoch_ms("1974-03-02T19:53:16.510")


def test_extra_index_applies_the_mapping() -> None:
    docs = by_id("extra")
    assert len(docs) == 23
    assert docs[1]["@timestamp"] == 1  # "1" is epoch_millis
    assert docs[10]["process"] == {"pid": 123}  # "process.pid" is an object path
    assert docs[18]["process"] == {"entity_id": 512, "pid": 123}
    assert docs[7]["optional_field_default_null"] == "NULL"  # explicit null -> null_value
    assert "optional_field_default_null" not in docs[8]  # absent stays absent
    assert docs[16]["tags_with_null"] == ["tag1", None, "tag2"]  # no null_value: kept


def test_missing_events_index_reads_comments_and_iso_dates() -> None:
    shared_path("data", "eql-conformance", "elasticsearch")
    docs = indexed_documents("missing-events")
    assert len(docs) == 48
    test2 = [doc for doc in docs if doc["event_type"] == "test2"]
    assert test2[0]["@timestamp"] == epoch_ms("2022-05-04T12:00:00")
    assert test2[1]["@timestamp"] - test2[0]["@timestamp"] == 1


def test_each_call_returns_a_fresh_copy() -> None:
    shared_path("data", "eql-conformance", "elasticsearch")
    first = indexed_documents("extra")
    first[0]["tags"] = "changed"
    assert indexed_documents("extra")[0]["tags"] == ["tag1", "tag2"]


# -- answers ----------------------------------------------------------------------------


def test_size_keeps_the_first_or_last_fifty() -> None:
    results = list(range(60))
    assert limit_like_es(results, "head") == list(range(50))
    assert limit_like_es(results, "tail") == list(range(10, 60))
    assert limit_like_es(results[:5], "tail") == results[:5]


def test_flat_ids_mark_missing_events() -> None:
    events: list[list[Doc | None]] = [[{"sequence": 1}, None, {"sequence": 2}], [{"sequence": 4}]]
    assert flat_ids(events, "sequence") == [1, -1, 2, 4]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "null"), (1234, "1234"), ("tag1", "tag1"), (True, "true")],
    ids=["null", "long", "keyword", "boolean"],
)
def test_join_keys_print_like_java(value: object, text: str) -> None:
    assert join_key_text(value) == text
