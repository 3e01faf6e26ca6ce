"""A reproducible, realistic corpus of Windows Security ECS documents.

Events come in the proportions of a busy domain's Security log (logons, logoffs,
special privileges, process creation, share access, firewall connections, Kerberos),
spread over several hundred hosts, with a few injected relay attacks whose positions
are known. The same seed always gives the same corpus.

    python benchmarks/corpus.py --events 1000000 --output corpus.ndjson
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

# (event.code, event.category, weight): roughly a domain controller-heavy estate.
MIX: tuple[tuple[str, list[str], int], ...] = (
    ("4624", ["authentication"], 24),
    ("4634", ["authentication"], 14),
    ("4672", ["iam"], 10),
    ("4688", ["process"], 18),
    ("4625", ["authentication"], 2),
    ("4768", ["authentication"], 2),
    ("4769", ["authentication"], 3),
    ("5140", ["network", "file"], 3),
    ("5145", ["network", "file"], 14),
    ("5156", ["network"], 10),
)
PIPES = ("srvsvc", "wkssvc", "lsarpc", "samr", "spoolss", "netlogon", "winreg", "efsrpc")
SHARE_FILES = ("SYSVOL", "Policies", "desktop.ini", "gpt.ini", "Registry.pol")
START = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Injected:
    """What the corpus plants, so a benchmark can check the alerts it gets."""

    ntlm_relays: int
    smb_relays: int


def hosts(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"host{i:04d}.corp.example",
            "short": f"HOST{i:04d}",
            "ip": f"10.1.{i // 250}.{i % 250 + 1}",
        }
        for i in range(count)
    ]


def event(
    when: datetime, code: str, category: list[str], host: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": {"code": code, "category": category, "kind": "event", "module": "system"},
        "host": {"name": host["name"], "os": {"type": "windows", "family": "windows"}},
        "winlog": {"computer_name": host["name"], "channel": "Security", "event_id": code},
    }
    for key, value in fields.items():
        doc[key] = value
    return doc


def background(rng: random.Random, when: datetime, network: list[dict[str, Any]]) -> dict[str, Any]:
    code, category, _ = rng.choices(MIX, weights=[w for *_, w in MIX])[0]
    host = rng.choice(network)
    peer = rng.choice(network)
    user = rng.choice(("alice", "bob", "svc_backup", "carol", f"{peer['short']}$"))
    doc = event(when, code, category, host, user={"name": user, "domain": "CORP"})
    if category[0] == "authentication":
        doc["source"] = {"ip": peer["ip"]}
        doc["winlog"]["logon"] = {"type": rng.choice(("Network", "Interactive", "Service"))}
        doc["winlog"]["event_data"] = {
            "AuthenticationPackageName": rng.choice(("Kerberos", "NTLM"))
        }
    elif code in ("5140", "5145"):
        doc["source"] = {"ip": peer["ip"]}
        doc["file"] = {"name": rng.choice(PIPES + SHARE_FILES)}
    elif code == "4688":
        doc["process"] = {"name": rng.choice(("svchost.exe", "cmd.exe", "powershell.exe"))}
    return doc


def relay_pair(when: datetime, target: dict[str, Any], attacker_ip: str) -> list[dict[str, Any]]:
    """A coercion on a pipe, then the target's own machine account logging on by NTLM."""
    pipe = event(
        when,
        "5145",
        ["network", "file"],
        target,
        user={"name": "lowpriv"},
        source={"ip": attacker_ip},
        file={"name": "efsrpc"},
    )
    logon = event(
        when + timedelta(seconds=1),
        "4624",
        ["authentication"],
        target,
        user={"name": f"{target['short']}$"},
        source={"ip": attacker_ip},
    )
    logon["winlog"]["logon"] = {"type": "Network"}
    logon["winlog"]["event_data"] = {"AuthenticationPackageName": "NTLM"}
    return [pipe, logon]


def smb_relay(when: datetime, target: dict[str, Any], attacker_ip: str) -> dict[str, Any]:
    """A share access by the host's own machine account from somebody else's address."""
    return event(when, "5145", ["network", "file"], target, user={"name": f"{target['short']}$"},
                 source={"ip": attacker_ip}, file={"name": "IPC$"})  # fmt: skip


def generate(
    count: int, seed: int = 7, host_count: int = 400, attacks: int = 10
) -> Iterator[dict[str, Any]]:
    """`count` background events (plus 3 per attack), in timestamp order."""
    rng = random.Random(seed)
    network = hosts(host_count)
    every = max(count // (attacks + 1), 1)
    when = START
    for index in range(count):
        when += timedelta(milliseconds=rng.randint(1, 40))
        yield background(rng, when, network)
        if index % every == every - 1 and index // every < attacks:
            target = rng.choice(network)
            when += timedelta(milliseconds=10)
            yield from relay_pair(when, target, "192.0.2.66")
            when += timedelta(seconds=2)
            yield smb_relay(when, target, "192.0.2.66")


def injected(attacks: int = 10) -> Injected:
    return Injected(ntlm_relays=attacks, smb_relays=attacks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    with args.output.open("wb") as out:
        for doc in generate(args.events, args.seed):
            out.write(orjson.dumps(doc) + b"\n")


if __name__ == "__main__":
    main()
