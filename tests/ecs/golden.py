"""Elastic's golden ECS fixtures (../shared/data/ecs-fixtures) as comparison cases.

Each case pairs pipeline input with Elastic's expected output and names the
*model differences* allowed for it, each with its reason (docs/ecs.md, "Golden
fixtures"). A difference applies only to the fields it names and only in the shape
it describes; anything else must match value for value.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.shared import SHARED

Doc = dict[str, Any]
FIXTURES = SHARED / "data" / "ecs-fixtures"
_ABSENT = "<absent>"
_PLACEHOLDERS = ("-", "{00000000-0000-0000-0000-000000000000}")


@dataclass(frozen=True, slots=True)
class Allowed:
    """Fields (glob patterns) that may differ from the expected file, and why."""

    patterns: tuple[str, ...]
    reason: str
    applies: Callable[[Any, Any], bool]  # (actual, expected) -> is this the known difference

    def covers(self, field: str, actual: Any, expected: Any) -> bool:
        matched = any(fnmatch.fnmatchcase(field, p) for p in self.patterns)
        return matched and self.applies(actual, expected)


STACK_FIELDS = Allowed(
    ("event.ingested", "event.module", "event.dataset", "data_stream.*"),
    "added by Agent/Fleet/the data stream (windows.forwarded); pipeline tests strip "
    "event.ingested, and the Beats module golden names its own module",
    lambda actual, expected: actual != _ABSENT,
)
ECS_VERSION = Allowed(
    ("ecs.version",),
    "ecs.version is the package's constant: 8.17.0 (forwarded) vs the fixture's package",
    lambda actual, expected: _ABSENT not in (actual, expected),
)
HOST_OS = Allowed(
    ("host.os.type", "host.os.family"),
    "the windows.forwarded pipeline sets host.os.*; system.security and the Beats module do not",
    lambda actual, expected: actual == "windows" and expected == _ABSENT,
)
PLACEHOLDERS = Allowed(
    ("winlog.event_data.*", "process.executable", "process.name", "source.domain"),
    "the current pipeline drops '-' and zero-GUID event_data values before mapping; "
    "the fixture predates that step (ecs 8.11 / Beats module era)",
    lambda actual, expected: actual == _ABSENT and expected in _PLACEHOLDERS,
)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    inputs: Callable[[], list[Doc]]
    expected: Callable[[], list[Doc]]
    allowed: tuple[Allowed, ...]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def flatten(doc: Doc, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def unexplained(actual: Doc, expected: Doc, allowed: tuple[Allowed, ...]) -> list[str]:
    """Fields that differ and are not a listed model difference, one line each."""
    got, want = flatten(actual), flatten(expected)
    problems = []
    for field in sorted(set(got) | set(want)):
        a, e = got.get(field, _ABSENT), want.get(field, _ABSENT)
        if a != e and not any(rule.covers(field, a, e) for rule in allowed):
            problems.append(f"{field}: expected {e!r}, got {a!r}")
    return problems


# -- Beats module goldens: raw input rebuilt from the output ----------------------------

_PIPELINE_EVENT_DATA = (
    "StatusDescription",
    "TicketOptionsDescription",
    "TicketEncryptionTypeDescription",
)


def raw_from_beats_golden(doc: Doc) -> Doc:
    """Undo what the pipeline added to a Beats-module golden, giving Winlogbeat's input.

    The .evtx files behind security-windows2012_4768/4769 are not available, only
    the pipeline output. The pipeline's additions are well defined (categorisation,
    user/related/service/source, descriptions, logon texts, string record_id), so
    they are removed here and IpAddress/IpPort put back from source.*. The 4776 pair,
    for which the raw golden exists, checks that this inverse is exact.
    """
    raw: Doc = json.loads(json.dumps(doc))
    for key in ("related", "user", "service", "source", "ecs"):
        raw.pop(key, None)
    event, winlog = raw["event"], raw["winlog"]
    for key in ("category", "type", "ingested", "module"):
        event.pop(key, None)
    event["action"] = winlog["task"]
    winlog.pop("logon", None)
    winlog["record_id"] = int(winlog["record_id"])
    event_data = winlog["event_data"]
    for key in _PIPELINE_EVENT_DATA:
        event_data.pop(key, None)
    source = doc.get("source", {})
    if "ip" in source:
        event_data["IpAddress"] = source["ip"]
    if "port" in source:
        event_data["IpPort"] = str(source["port"])
    return raw


_PIPELINE_TESTS = "elastic__integrations__packages__{}___dev__test__pipeline__test-security-"
_LOGON_INPUT = (
    _PIPELINE_TESTS.format("windows__data_stream__forwarded") + "windows2012r2-logon.json"
)
_LOGON_EXPECTED = (
    _PIPELINE_TESTS.format("system__data_stream__security")
    + "windows2012r2-logon.json-expected.json"
)
_FORWARDED_5145 = _PIPELINE_TESTS.format("windows__data_stream__forwarded") + "5145.json"
_BEATS = "elastic__beats__x-pack__winlogbeat__module__security__test__testdata__"
_BEATS_INGEST = _BEATS + "ingest__security-windows2012_{}.golden.json"
_BEATS_RAW_4776 = _BEATS + "collection__security-windows2012_4776.evtx.golden.json"

# Every fixture file the cases read; the folder must hold exactly these.
FIXTURE_FILES = frozenset(
    (
        _LOGON_INPUT,
        _LOGON_EXPECTED,
        _FORWARDED_5145,
        _FORWARDED_5145 + "-expected.json",
        _BEATS_RAW_4776,
        *(_BEATS_INGEST.format(code) for code in ("4768", "4769", "4776")),
    )
)


def beats_ingest(code: str) -> list[Doc]:
    docs: list[Doc] = load(_BEATS_INGEST.format(code))
    return docs


def beats_collection_4776() -> list[Doc]:
    docs: list[Doc] = load(_BEATS_RAW_4776)
    return docs


_BEATS_ALLOWED = (STACK_FIELDS, ECS_VERSION, HOST_OS, PLACEHOLDERS)

CASES: tuple[Case, ...] = (
    Case(
        "windows2012r2-logon (4624 x17, 4625)",
        lambda: list(load(_LOGON_INPUT)["events"]),
        lambda: list(load(_LOGON_EXPECTED)["expected"]),
        (STACK_FIELDS, ECS_VERSION, HOST_OS, PLACEHOLDERS),
    ),
    Case(
        "forwarded 5145 (file share, newest file.* logic)",
        lambda: list(load(_FORWARDED_5145)["events"]),
        lambda: list(load(_FORWARDED_5145 + "-expected.json")["expected"]),
        (STACK_FIELDS,),
    ),
    Case(
        "beats 4776 (raw golden -> ingest golden)",
        beats_collection_4776,
        lambda: beats_ingest("4776"),
        _BEATS_ALLOWED,
    ),
    Case(
        "beats 4768 (input rebuilt from output)",
        lambda: [raw_from_beats_golden(d) for d in beats_ingest("4768")],
        lambda: beats_ingest("4768"),
        _BEATS_ALLOWED,
    ),
    Case(
        "beats 4769 (input rebuilt from output)",
        lambda: [raw_from_beats_golden(d) for d in beats_ingest("4769")],
        lambda: beats_ingest("4769"),
        _BEATS_ALLOWED,
    ),
)


def pairs(case: Case) -> Iterator[tuple[Doc, Doc]]:
    inputs, expected = case.inputs(), case.expected()
    assert len(inputs) == len(expected), (
        f"{case.name}: {len(inputs)} inputs, {len(expected)} expected"
    )
    yield from zip(inputs, expected, strict=True)
