"""Elasticsearch's EQL QA suite, replayed: same query, same documents, same answer.

Each query of the suite files (see `es_suite.SUITE_FILES`) runs through `eql.compile`
and `Query.run` over its index's documents in Elasticsearch's order, and must return
the events Elasticsearch returns: the flattened id list (`-1` for a missing-event
position) and, where the suite gives them, the join keys. Queries listed in
`es_exclusions` are either expected to be rejected, as Elasticsearch rejects them, or
are not run, with the reason given there.
"""

from __future__ import annotations

import pytest

from relaywatch import eql
from relaywatch.errors import EqlError
from tests.eql.es_exclusions import OUT_OF_SCOPE, REJECTED
from tests.eql.es_suite import (
    DATASETS,
    MISSING_EVENT_ID,
    Spec,
    all_specs,
    flat_ids,
    indexed_documents,
    join_key_text,
    limit_like_es,
)

SPECS = all_specs()
IN_SCOPE = [spec for spec in SPECS if spec.name not in REJECTED | OUT_OF_SCOPE]
REJECTED_SPECS = [spec for spec in SPECS if spec.name in REJECTED]


def spec_id(spec: Spec) -> str:
    return spec.name


def run_spec(spec: Spec) -> list[eql.Result]:
    return list(eql.compile(spec.query).run(indexed_documents(spec.dataset)))


def describe(spec: Spec, actual: object, expected: object, what: str = "ids") -> str:
    return (
        f"{spec.file} [{spec.name}] on index {spec.dataset}\n"
        f"query:\n{spec.query}\n"
        f"expected {what}: {expected}\n"
        f"actual   {what}: {actual}\n"
        f"parsed: {eql.parse(spec.query)}"
    )


@pytest.mark.parametrize("spec", IN_SCOPE, ids=spec_id)
def test_same_events_as_elasticsearch(spec: Spec) -> None:
    results = run_spec(spec)
    expected = [list(answer) for answer in spec.expected]
    shown = expected[0] if len(expected) == 1 else expected
    # The QA harness draws result_position at random: both ends must give the answer.
    for position in ("tail", "head"):
        limited = limit_like_es(results, position)
        tiebreaker = DATASETS[spec.dataset].tiebreaker
        actual = flat_ids((result.events for result in limited), tiebreaker)
        assert actual in expected, describe(spec, actual, shown) + f"\n(result_position {position})"


@pytest.mark.parametrize("spec", IN_SCOPE, ids=spec_id)
def test_streaming_matcher_tags_the_same_events(spec: Spec) -> None:
    """`scan` feeds events one by one with their time and a tag (its Record); the tags
    of the results must name the same events, in the same order, as `run` returns."""
    matcher = eql.compile(spec.query).matcher()
    tiebreaker = DATASETS[spec.dataset].tiebreaker
    results: list[eql.Result] = []
    for doc in indexed_documents(spec.dataset):
        results += matcher.feed(doc, doc["@timestamp"], doc[tiebreaker])
    results += matcher.finish()
    limited = limit_like_es(results, "tail")
    actual = [MISSING_EVENT_ID if tag is None else tag for r in limited for tag in r.tags]
    expected = [list(answer) for answer in spec.expected]
    assert actual in expected, describe(spec, actual, expected, "tags")


@pytest.mark.parametrize(
    "spec", [spec for spec in IN_SCOPE if spec.join_keys is not None], ids=spec_id
)
def test_same_join_keys_as_elasticsearch(spec: Spec) -> None:
    results = limit_like_es(run_spec(spec), "tail")
    actual = [join_key_text(key) for result in results for key in result.join_keys]
    assert spec.join_keys is not None
    assert actual == list(spec.join_keys), describe(spec, actual, list(spec.join_keys), "keys")


@pytest.mark.parametrize("spec", REJECTED_SPECS, ids=spec_id)
def test_rejected_like_elasticsearch(spec: Spec) -> None:
    with pytest.raises(EqlError) as caught:
        eql.compile(spec.query)
    # The user is shown where: a line, a column and a caret under the query text.
    assert caught.value.line >= 1 and caught.value.column >= 1, str(caught.value)
    assert "^" in str(caught.value), str(caught.value)
