"""Small raw Winlogbeat documents for unit tests, written as Winlogbeat ships them."""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]
INGESTED = "2026-01-02T03:04:05.000Z"


def security(code: str, outcome: str = "success", **event_data: str) -> Doc:
    """A raw Security-channel document with the given EventData (all strings)."""
    return {
        "@timestamp": "2024-05-01T10:00:00.1234567Z",
        "event": {
            "code": code,
            "kind": "event",
            "outcome": outcome,
            "provider": "Microsoft-Windows-Security-Auditing",
        },
        "host": {"name": "SRV01.corp.example"},
        "log": {"level": "information"},
        "winlog": {
            "api": "wineventlog",
            "channel": "Security",
            "computer_name": "SRV01.corp.example",
            "event_id": code,
            "provider_name": "Microsoft-Windows-Security-Auditing",
            "record_id": 42,
            "event_data": dict(event_data),
        },
    }
