"""Small ECS scenarios for scan tests: a reflected NTLM relay and benign look-alikes.

Documents are built the way the ingest pipeline leaves 5145 and 4624 events (only the fields
the relay rules and the alert builder read), so a test states its events in a few lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Doc = dict[str, Any]
DC = "DC01.corp.local"
ATTACKER = "10.0.0.66"
DC_IP = "10.0.0.10"


def _base(time: str, code: str, record_id: int, host: str) -> Doc:
    return {
        "@timestamp": time,
        "event": {"code": code, "kind": "event", "module": "system", "provider":
                  "Microsoft-Windows-Security-Auditing"},
        "host": {"name": host, "os": {"type": "windows", "family": "windows"}},
        "winlog": {"computer_name": host, "channel": "Security", "record_id": record_id,
                   "event_id": code},
    }  # fmt: skip


def share_access(
    time: str, record_id: int, user: str, pipe: str, source: str, *, host: str = DC
) -> Doc:
    doc = _base(time, "5145", record_id, host)
    doc["event"].update(
        {"category": ["network", "file"], "type": ["info", "access"],
         "action": "network-share-object-access-checked", "outcome": "success"}
    )  # fmt: skip
    doc["user"] = {"name": user, "domain": "CORP"}
    doc["source"] = {"ip": source, "port": 50000}
    doc["file"] = {"name": pipe, "path": f"\\\\*\\IPC$\\{pipe}"}
    doc["winlog"]["event_data"] = {"ShareName": "\\\\*\\IPC$", "RelativeTargetName": pipe}
    return doc


def logon(time: str, record_id: int, user: str, source: str, *, package: str = "NTLM",
          code: str = "4624", host: str = DC) -> Doc:  # fmt: skip
    doc = _base(time, code, record_id, host)
    outcome = "success" if code == "4624" else "failure"
    doc["event"].update(
        {"category": ["authentication"], "type": ["start"], "action": "logged-in",
         "outcome": outcome}
    )  # fmt: skip
    doc["user"] = {"name": user, "domain": "CORP"}
    doc["source"] = {"ip": source, "port": 50001}
    doc["winlog"]["logon"] = {"type": "Network", "id": "0x1234"}
    doc["winlog"]["event_data"] = {"AuthenticationPackageName": package, "TargetUserName": user,
                                   "LogonType": "3"}  # fmt: skip
    return doc


def reflection(start_second: int = 0) -> list[Doc]:
    """Coercion of DC01 over lsarpc by a user, then DC01$ logging on over NTLM 2s later."""
    second = f"{start_second:02d}"
    later = f"{start_second + 2:02d}"
    return [
        share_access(f"2026-03-01T10:00:{second}.000Z", 100, "mallory", "lsarpc", ATTACKER),
        logon(f"2026-03-01T10:00:{later}.000Z", 101, "DC01$", ATTACKER),
    ]


def write_ndjson(path: Path, docs: Iterable[Doc]) -> Path:
    path.write_text("".join(json.dumps(doc) + "\n" for doc in docs), encoding="utf-8")
    return path
