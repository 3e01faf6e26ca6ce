"""A sequence's shell alert keeps what its members share, as Kibana's intersection does."""

from __future__ import annotations

from typing import Any

import pytest

from relaywatch.alerts.intersection import intersect_all, intersect_pair

CASES = [
    pytest.param({"a": 1}, {"a": 1}, {"a": 1}, id="equal-scalars"),
    pytest.param({"a": 1}, {"a": "1"}, None, id="number-and-text-differ"),
    pytest.param({"a": True}, {"a": 1}, None, id="boolean-and-number-differ"),
    pytest.param({"a": [3, 4, 5]}, {"a": [1, 2, 3, 4]}, {"a": [3, 4]}, id="array-overlap"),
    pytest.param({"a": 1}, {"a": [1, 2]}, {"a": [1]}, id="scalar-as-one-item-array"),
    pytest.param(
        {"a": [1], "b": 2}, {"a": [2], "b": 2}, {"a": [], "b": 2}, id="empty-overlap-kept"
    ),
    pytest.param({"a": None}, {"a": None}, {"a": None}, id="nulls-match"),
    pytest.param({"a": 1}, {"b": 1}, None, id="nothing-shared"),
    pytest.param(
        {"host": {"name": "h", "ip": "1"}},
        {"host": {"name": "h", "ip": "2"}},
        {"host": {"name": "h"}},
        id="nested",
    ),
    pytest.param({"u": {"x": 1}}, {"u": {"x": 2}, "v": 1}, None, id="emptied-object-pruned"),
    pytest.param(
        {"user.name": "a"}, {"user": {"name": "a"}}, {"user": {"name": "a"}}, id="dot-vs-nested"
    ),
    pytest.param({"user.name": "a"}, {"user.name": "a"}, {"user.name": "a"}, id="dotted-in-both"),
    pytest.param(
        {"a": [{"k": 1}]}, {"a": [{"k": 1}]}, {"a": []}, id="objects-in-arrays-never-match"
    ),
]


@pytest.mark.parametrize(("a", "b", "expected"), CASES)
def test_pair(a: dict[str, Any], b: dict[str, Any], expected: dict[str, Any] | None) -> None:
    assert intersect_pair(a, b) == expected


def test_single_document_is_kept_whole() -> None:
    assert intersect_all([{"a": 1, "b": [1]}]) == {"a": 1, "b": [1]}


def test_three_documents_fold_pairwise() -> None:
    docs = [{"a": [1, 2, 3], "b": 1}, {"a": [2, 3], "b": 1}, {"a": [3], "b": 2}]
    assert intersect_all(docs) == {"a": [3]}


def test_no_documents() -> None:
    assert intersect_all([]) is None
