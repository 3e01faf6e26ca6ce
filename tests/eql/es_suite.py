"""Offline replay of Elasticsearch's EQL QA suite (x-pack/plugin/eql/qa/common).

The suite's files live in ../shared/data/eql-conformance/elasticsearch/ and are read
from there, never copied. This module turns them into what our engine consumes:

* spec files (TOML, `[[queries]]` with `name`, `query`, `expected_event_ids` and an
  optional `join_keys`) become `Spec` objects, one per query;
* data files become the documents Elasticsearch would hold after its `DataLoader`
  indexed them, in the order its EQL search sees them.

What `DataLoader.java` / the index mappings do to a document, and we replay:

* endgame data: `@timestamp = timestamp // 10000 - 11644473600000` (Windows FILETIME
  ticks to epoch milliseconds); the date_nanos index instead reads the same number as
  epoch *nanoseconds* (`@timestamp = timestamp // 1_000_000` here: our engine keeps
  millisecond precision, see the exclusions);
* `event.category` is a mapping alias of `event_type` in every index: copied here;
* extra / missing-events data: `@timestamp` strings are `epoch_millis` or ISO-8601,
  both parsed by the `date` mapping into epoch milliseconds; `//` comment lines are
  stripped before JSON parsing; dotted keys (`"process.pid": 123`) are object paths
  in Elasticsearch and become nested objects; an explicit `null` of a field whose
  mapping sets `null_value` is indexed as that value;
* order: Elasticsearch sorts hits by `(@timestamp, tiebreaker)` and then by index
  order (`_shard_doc`, one shard per index); a stable sort on the first two keys
  reproduces that. The tiebreaker is also the id the expectations are written in.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from tests.shared import SHARED

SUITE_DIR = SHARED / "data" / "eql-conformance" / "elasticsearch"

Doc = dict[str, Any]

# DataLoader.winFileTimeToUnix: 100 ns ticks since 1601-01-01 -> ms since 1970-01-01.
FILETIME_TICKS_PER_MS = 10_000
FILETIME_EPOCH_DIFF_MS = 11_644_473_600_000
NANOS_PER_MS = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MISSING_EVENT_ID = -1  # how the suite writes a missing-event (`![...]`) position


@dataclass(frozen=True, slots=True)
class Spec:
    """One `[[queries]]` entry of a suite file."""

    name: str
    query: str
    # Each inner tuple is one acceptable flattened id list (the suite allows several).
    expected: tuple[tuple[int, ...], ...]
    # Flattened join keys as the suite writes them (strings; null as "null"), if given.
    join_keys: tuple[str, ...] | None
    file: str
    dataset: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """One Elasticsearch test index: where its documents come from and how to load them."""

    name: str
    data_file: str
    mapping_file: str
    tiebreaker: str
    timestamp: Callable[[Doc], Doc]  # the DataLoader transform that sets `@timestamp`


@dataclass(frozen=True, slots=True)
class SuiteFile:
    file: str
    dataset: str


# -- timestamps -------------------------------------------------------------------------


def filetime_to_epoch_ms(doc: Doc) -> Doc:
    """DataLoader.timestampToUnixMillis, for the endgame-140 index."""
    return {**doc, "@timestamp": doc["timestamp"] // FILETIME_TICKS_PER_MS - FILETIME_EPOCH_DIFF_MS}


def nanos_to_epoch_ms(doc: Doc) -> Doc:
    """DataLoader.timestampToUnixNanos (endgame-140-nanos), truncated to milliseconds."""
    millis = doc["timestamp"] // NANOS_PER_MS
    return {**doc, "@timestamp": millis, "timestamp": millis}


def date_to_epoch_ms(value: object) -> int:
    """What a `date` mapping (`strict_date_optional_time||epoch_millis`) stores."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return (moment - EPOCH) // timedelta(milliseconds=1)
    raise ValueError(f"not a date: {value!r}")


def parse_date_timestamp(doc: Doc) -> Doc:
    return {**doc, "@timestamp": date_to_epoch_ms(doc["@timestamp"])}


# -- mapping effects --------------------------------------------------------------------


def expand_dotted_keys(doc: Doc) -> Doc:
    """`{"process.pid": 1}` -> `{"process": {"pid": 1}}`: Elasticsearch's object paths."""
    out: Doc = {}
    for key, value in doc.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def with_category_alias(doc: Doc) -> Doc:
    """`event.category` is a mapping alias of `event_type` in every suite index."""
    if "event_type" not in doc:
        return doc
    event = {**doc.get("event", {}), "category": doc["event_type"]}
    return {**doc, "event": event}


def read_mapping(path: Path) -> Doc:
    """A suite mapping file: JSON after `#` comment lines (DataLoader.readMapping)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    mapping: Doc = json.loads("\n".join(line for line in lines if not line.startswith("#")))
    return mapping


def null_values(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Top-level-path -> `null_value` for every mapped field that declares one."""
    found: dict[str, Any] = {}
    for name, spec in mapping.get("properties", {}).items():
        if "null_value" in spec:
            found[prefix + name] = spec["null_value"]
        found.update(null_values(spec, prefix + name + "."))
    return found


def apply_null_values(doc: Doc, defaults: Mapping[str, Any]) -> Doc:
    """An explicit JSON null of a field with `null_value` is indexed as that value."""
    replaced = {
        key: defaults[key] for key, value in doc.items() if value is None and key in defaults
    }
    return {**doc, **replaced}


# -- data files -------------------------------------------------------------------------


def strip_line_comments(text: str) -> str:
    """The `.data` files carry whole-line `//` comments, which JSON does not allow."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def read_documents(path: Path) -> list[Doc]:
    documents: list[Doc] = json.loads(strip_line_comments(path.read_text(encoding="utf-8")))
    return documents


@cache
def mapped_null_values(mapping_file: str) -> dict[str, Any]:
    return null_values(read_mapping(SUITE_DIR / mapping_file))


def index_document(dataset: Dataset, doc: Doc) -> Doc:
    """The document as the index holds it: DataLoader transform, then mapping effects."""
    doc = apply_null_values(doc, mapped_null_values(dataset.mapping_file))
    return expand_dotted_keys(with_category_alias(dataset.timestamp(doc)))


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "endgame-140",
            "test_data.json",
            "data/endgame-140.mapping",
            "serial_event_id",
            filetime_to_epoch_ms,
        ),
        Dataset(
            "endgame-140-nanos",
            "test_data.json",
            "data/endgame-140.mapping",
            "serial_event_id",
            nanos_to_epoch_ms,
        ),
        Dataset("extra", "data/extra.data", "data/extra.mapping", "sequence", parse_date_timestamp),
        Dataset(
            "missing-events",
            "data/missing-events.data",
            "data/missing-events.mapping",
            "sequence",
            parse_date_timestamp,
        ),
    )
}

# Which index each spec file runs against (EqlSpecTestCase, EqlDateNanosSpecTestCase,
# EqlExtraSpecTestCase, EqlMissingEventsSpecTestCase).
SUITE_FILES = (
    SuiteFile("test_queries.toml", "endgame-140"),
    SuiteFile("additional_test_queries.toml", "endgame-140"),
    SuiteFile("test_queries_date.toml", "endgame-140"),
    SuiteFile("test_queries_date_nanos.toml", "endgame-140-nanos"),
    SuiteFile("test_extra.toml", "extra"),
    SuiteFile("test_missing_events.toml", "missing-events"),
)


def sort_key(tiebreaker: str) -> Callable[[Doc], tuple[int, int]]:
    def key(doc: Doc) -> tuple[int, int]:
        return (doc["@timestamp"], doc[tiebreaker])

    return key


@cache
def _indexed_json(name: str) -> str:
    dataset = DATASETS[name]
    documents = [
        index_document(dataset, doc) for doc in read_documents(SUITE_DIR / dataset.data_file)
    ]
    documents.sort(key=sort_key(dataset.tiebreaker))  # stable: ties keep index order
    return json.dumps(documents)


def indexed_documents(name: str) -> list[Doc]:
    """The documents of one index, transformed and ordered; a fresh copy per call."""
    documents: list[Doc] = json.loads(_indexed_json(name))
    return documents


# -- spec files -------------------------------------------------------------------------

_JOIN_KEYS = re.compile(r"(join_keys\s*=\s*\[)([^\]]*)(\])")
_BARE_NULL = re.compile(r'(?<!")\bnull\b(?!")')


def quote_null_join_keys(text: str) -> str:
    """`join_keys = [null]` is not TOML; write the bare nulls as the string "null".

    Elasticsearch's harness compares join keys as strings, where a null key prints
    as "null", so quoting keeps the comparison it makes.
    """

    def fix(match: re.Match[str]) -> str:
        return match.group(1) + _BARE_NULL.sub('"null"', match.group(2)) + match.group(3)

    return _JOIN_KEYS.sub(fix, text)


def expected_answers(raw: list[Any]) -> tuple[tuple[int, ...], ...]:
    """EqlSpecLoader: a flat id list, or a list of lists meaning "any of these"."""
    if raw and all(isinstance(item, list) for item in raw):
        return tuple(tuple(answer) for answer in raw)
    if all(isinstance(item, int) for item in raw):
        return (tuple(raw),)
    raise ValueError(f"invalid expected_event_ids: {raw!r}")


def read_specs(suite: SuiteFile) -> list[Spec]:
    text = quote_null_join_keys((SUITE_DIR / suite.file).read_text(encoding="utf-8"))
    return [to_spec(entry, suite) for entry in tomllib.loads(text)["queries"]]


def to_spec(entry: Mapping[str, Any], suite: SuiteFile) -> Spec:
    keys = entry.get("join_keys")
    return Spec(
        name=entry["name"].strip(),
        query=entry["query"].strip(),
        expected=expected_answers(entry["expected_event_ids"]),
        join_keys=None if keys is None else tuple(keys),
        file=suite.file,
        dataset=suite.dataset,
    )


def all_specs() -> list[Spec]:
    """Every query of every suite file; [] when ../shared is absent (parametrize skips)."""
    if not SUITE_DIR.exists():
        return []
    return [spec for suite in SUITE_FILES for spec in read_specs(suite)]


# -- comparing answers ------------------------------------------------------------------

ES_QA_SIZE = 50  # BaseEqlSpecTestCase.requestSize()
T = TypeVar("T")


def limit_like_es(results: list[T], position: str) -> list[T]:
    """Apply the request `size` as Elasticsearch does for `result_position` head or tail.

    The QA harness picks the position at random and expects the same answer either way.
    """
    return results[:ES_QA_SIZE] if position == "head" else results[-ES_QA_SIZE:]


def flat_ids(events_per_result: Iterable[list[Doc | None]], tiebreaker: str) -> list[int]:
    """The ids of all returned events, in order; a missing-event position counts as -1."""
    return [
        MISSING_EVENT_ID if event is None else int(event[tiebreaker])
        for events in events_per_result
        for event in events
    ]


def join_key_text(value: object) -> str:
    """A join key as the suite writes it: Java `toString()` of the value, null as "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
