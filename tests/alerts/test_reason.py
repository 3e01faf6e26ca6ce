"""`kibana.alert.reason` is worded as Kibana's `buildReasonMessageUtil` words it."""

from __future__ import annotations

from typing import Any

import pytest

from relaywatch.alerts.reason import build_reason, template_value

FULL: dict[str, Any] = {
    "event": {"category": ["network"]},
    "process": {"name": "svc.exe", "parent": {"name": "init.exe"}},
    "file": {"name": "spoolss"},
    "source": {"ip": "192.0.2.7", "port": "445"},
    "destination": {"ip": "198.51.100.9", "port": "135"},
    "user": {"name": "alice"},
    "host": {"name": "srv1"},
}


def _without(*paths: str, **replace: Any) -> dict[str, Any]:
    doc = {key: dict(value) for key, value in FULL.items()}
    for path in paths:
        top, leaf = path.split(".", 1)
        doc[top].pop(leaf)
    for path, value in replace.items():
        top, leaf = path.split("__", 1)
        doc[top][leaf] = value
    return doc


CASES = [
    pytest.param(
        FULL,
        "network event with process svc.exe, parent process init.exe, file spoolss, "
        "source 192.0.2.7:445, destination 198.51.100.9:135, by alice on srv1 "
        "created high alert R.",
        id="every-field",
    ),
    pytest.param(
        _without("source.port"),
        "network event with process svc.exe, parent process init.exe, file spoolss, "
        "source 192.0.2.7 destination 198.51.100.9:135, by alice on srv1 created high alert R.",
        id="source-without-port-has-no-comma",
    ),
    pytest.param(
        _without(source__port=445),
        "network event with process svc.exe, parent process init.exe, file spoolss, "
        "source 192.0.2.7 destination 198.51.100.9:135, by alice on srv1 created high alert R.",
        id="numeric-port-is-not-shown",
    ),
    pytest.param(
        {"event": {"category": ["network", "file"]}, "user": {"name": "alice"}},
        "network, file event by alice created high alert R.",
        id="no-field-of-interest-no-with",
    ),
    pytest.param(
        {"user": {"name": "-"}, "host": {"name": ["-"]}, "source": {"ip": "192.0.2.7"}},
        "event with source 192.0.2.7 created high alert R.",
        id="dash-placeholders-dropped",
    ),
    pytest.param(
        {"event": {"category": []}, "source": {"ip": ""}},
        "event created high alert R.",
        id="empty-values-dropped",
    ),
    pytest.param(
        {"source.ip": "192.0.2.7", "host": {"name": ["a", "b"]}},
        "event with source 192.0.2.7 on a, b created high alert R.",
        id="dotted-keys-and-arrays",
    ),
]


def test_reason_of_a_real_kibana_shell_alert() -> None:
    # The shared fields and reason of a Kibana 9.0.1 sequence alert (see test_identity.py).
    shared = {
        "event": {"category": ["authentication"]},
        "source": {"ip": "192.168.4.101", "domain": "WORKSTATION"},
        "user": {"name": "denny", "domain": "."},
        "host": {"name": "desktop-niu0ucp"},
    }
    rule = "Multiple Logon Failure from the same Source Address"
    assert build_reason(rule, "medium", shared) == (
        "authentication event with source 192.168.4.101 by denny on desktop-niu0ucp "
        "created medium alert Multiple Logon Failure from the same Source Address."
    )


@pytest.mark.parametrize(("doc", "expected"), CASES)
def test_reason_wording(doc: dict[str, Any], expected: str) -> None:
    assert build_reason("R", "high", doc) == expected


def test_no_document_gives_empty_reason() -> None:
    assert build_reason("R", "high", None) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [("x", "x"), (["a", 2], "a, 2"), (7, None), (True, None), ({"a": 1}, None), ("-", None)],
)
def test_template_value(value: Any, shown: str | None) -> None:
    assert template_value(value) == shown
