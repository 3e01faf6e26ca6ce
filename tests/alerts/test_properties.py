"""Properties that hold for any document, checked on generated ones."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relaywatch.alerts.intersection import intersect_pair
from relaywatch.alerts.reason import build_reason

KEYS = st.sampled_from(["a", "b", "host", "name", "ip", "event", "category"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4))
UNIQUE_LISTS = (
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=3)), max_size=4)
    .map(lambda items: list(dict.fromkeys((type(i), i) for i in items)))
    .map(lambda pairs: [value for _, value in pairs])
)
DOCS = st.recursive(
    st.dictionaries(KEYS, st.one_of(SCALARS, UNIQUE_LISTS), min_size=1, max_size=4),
    lambda children: st.dictionaries(KEYS, children, min_size=1, max_size=3),
    max_leaves=12,
)


@given(DOCS)
def test_a_document_shares_everything_with_its_copy(doc: dict[str, Any]) -> None:
    assert intersect_pair(doc, copy.deepcopy(doc)) == doc


@given(DOCS, DOCS)
def test_intersection_is_symmetric_in_its_fields(a: dict[str, Any], b: dict[str, Any]) -> None:
    left, right = intersect_pair(a, b), intersect_pair(b, a)
    assert (left is None) == (right is None)
    if left is not None and right is not None:
        assert set(left) == set(right)


@given(DOCS)
def test_reason_always_ends_with_the_rule(doc: dict[str, Any]) -> None:
    assert build_reason("R", "low", doc).endswith(" created low alert R.")
