"""A reproducible, realistic corpus of Windows Security ECS documents.

Events come in the proportions of a busy domain's Security log (logons, logoffs,
special privileges, process creation, share access, firewall connections, Kerberos),
spread over several hundred hosts, with a few injected relay attacks whose positions
are known. The same seed always gives the same corpus.

    python benchmarks/corpus.py --events 1000000 --output corpus.ndjson
    python benchmarks/corpus.py --events 1000000 --files 8 --host-ip --output corpus-dir/
    python benchmarks/corpus.py --evtx 10 --output evtx-dir/

`--files N` splits the corpus into N files of consecutive time ranges (as rotated shipper
output is); `--host-ip` gives every document its host's address, as Winlogbeat adds it.
`--evtx N` instead links the real Security logs of ../shared/data/datasets N times into a
directory (links, never copies: those files stay outside the repository).
"""

from __future__ import annotations

import argparse
import os
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
SHARED = Path(os.environ.get("RELAYWATCH_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@dataclass(frozen=True, slots=True)
class Injected:
    """What the corpus plants, so a benchmark can check the alerts it gets."""

    ntlm_relays: int
    smb_relays: int


def hosts(count: int, with_ip: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "name": f"host{i:04d}.corp.example",
            "short": f"HOST{i:04d}",
            "ip": f"10.1.{i // 250}.{i % 250 + 1}",
            "with_ip": with_ip,
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
    if host.get("with_ip"):
        doc["host"]["ip"] = [host["ip"]]
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
    count: int, seed: int = 7, host_count: int = 400, attacks: int = 10, host_ip: bool = False
) -> Iterator[dict[str, Any]]:
    """`count` background events (plus 3 per attack), in timestamp order."""
    rng = random.Random(seed)
    network = hosts(host_count, host_ip)
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


def write_ndjson(
    target: Path, events: int, seed: int = 7, files: int = 1, host_ip: bool = False
) -> list[Path]:
    """The corpus as NDJSON: one file `target`, or `files` files of consecutive time
    ranges in the directory `target`. Returns the files in time order."""
    if files <= 1:
        paths = [target]
    else:
        target.mkdir(parents=True, exist_ok=True)
        paths = [target / f"security-{n:03d}.ndjson" for n in range(files)]
    per_file = -(-events // len(paths))
    outs = [path.open("wb") for path in paths]
    try:
        last = len(outs) - 1
        for index, doc in enumerate(generate(events, seed, host_ip=host_ip)):
            outs[min(index // per_file, last)].write(orjson.dumps(doc) + b"\n")
    finally:
        for out in outs:
            out.close()
    return paths


def evtx_sources(shared: Path = SHARED) -> list[Path]:
    """The real Security logs the `.evtx` corpus repeats."""
    return sorted((shared / "data" / "datasets").glob("*/*.evtx"))


def link_evtx(directory: Path, times: int, shared: Path = SHARED) -> list[Path]:
    """The `.evtx` corpus: every real log linked `times` times into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    links = []
    for copy in range(times):
        for number, source in enumerate(evtx_sources(shared)):
            link = directory / f"{copy:03d}-{number:02d}-{source.name}"
            link.symlink_to(source.resolve())
            links.append(link)
    return links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", type=int, default=1, help="split into N files (a directory)")
    parser.add_argument("--host-ip", action="store_true", help="give documents host.ip")
    parser.add_argument("--evtx", type=int, metavar="N", help="link the real .evtx logs N times")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if args.evtx:
        link_evtx(args.output, args.evtx)
        return
    write_ndjson(args.output, args.events, args.seed, args.files, args.host_ip)


if __name__ == "__main__":
    main()
