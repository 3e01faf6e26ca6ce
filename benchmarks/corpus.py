"""A reproducible, realistic corpus of Windows Security ECS documents.

Events come in the proportions of a busy domain's Security log (logons, logoffs,
special privileges, process creation, share access, firewall connections, Kerberos),
spread over several hundred hosts, with a few injected relay attacks whose positions
are known. The same seed always gives the same corpus.

    python benchmarks/corpus.py --events 1000000 --output corpus.ndjson
    python benchmarks/corpus.py --events 1000000 --files 8 --host-ip --output corpus-dir/
    python benchmarks/corpus.py --evtx 10 --output evtx-dir/

`--files N` splits the corpus into N files of consecutive time ranges (as rotated shipper
output is); `--host-ip` gives every document its host's address, as Winlogbeat adds it;
`--dressed` gives documents everything else Winlogbeat ships (agent, full event data,
`related`, `message`: see `dress`), around the same events.
`--evtx N` instead links the real Security logs of ../shared/data/datasets N times into a
directory (links, never copies: those files stay outside the repository); `stitch_evtx`
joins logs into one large log for a benchmark's temporary directory.
"""

from __future__ import annotations

import argparse
import os
import random
import uuid
from collections.abc import Iterator, Sequence
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
    count: int,
    seed: int = 7,
    *,
    host_count: int = 400,
    attacks: int = 10,
    host_ip: bool = False,
    dressed: bool = False,
) -> Iterator[dict[str, Any]]:
    """`count` background events (plus 3 per attack), in timestamp order; `dressed`: as
    Winlogbeat ships them (`dress`), with the same events and the same rule fields."""
    events = _events(count, seed, host_count, attacks, host_ip)
    if not dressed:
        yield from events
        return
    rng = random.Random(seed + 1)  # its own generator: the events stay those of `seed`
    for record_id, doc in enumerate(events, start=1):
        yield dress(doc, rng, record_id)


def _events(
    count: int, seed: int, host_count: int, attacks: int, host_ip: bool
) -> Iterator[dict[str, Any]]:
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
    target: Path,
    events: int,
    seed: int = 7,
    *,
    files: int = 1,
    host_ip: bool = False,
    dressed: bool = False,
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
        for index, doc in enumerate(generate(events, seed, host_ip=host_ip, dressed=dressed)):
            outs[min(index // per_file, last)].write(orjson.dumps(doc) + b"\n")
    finally:
        for out in outs:
            out.close()
    return paths


# --- Winlogbeat's dress: what a shipped document carries beyond the fields the rules read ---

PROVIDER = "Microsoft-Windows-Security-Auditing"
PROVIDER_GUID = "{54849625-5478-4994-a5ba-3e3b0328c30d}"
AGENT_VERSION = "8.17.0"
DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"
# event.code -> (event.action, event.type, winlog.task)
ACTIONS: dict[str, tuple[str, list[str], str]] = {
    "4624": ("logged-in", ["start"], "Logon"),
    "4625": ("logon-failed", ["start"], "Logon"),
    "4634": ("logged-out", ["end"], "Logoff"),
    "4672": ("logged-in-special", ["admin"], "Special Logon"),
    "4688": ("created-process", ["start"], "Process Creation"),
    "4768": (
        "kerberos-authentication-ticket-requested",
        ["start"],
        "Kerberos Authentication Service",
    ),
    "4769": ("kerberos-service-ticket-requested", ["start"], "Kerberos Service Ticket Operations"),
    "5140": ("network-share-object-accessed", ["access"], "File Share"),
    "5145": ("network-share-object-access-checked", ["access"], "Detailed File Share"),
    "5156": (
        "windows-firewall-connection-allowed",
        ["allowed", "connection"],
        "Filtering Platform Connection",
    ),
}
MESSAGE_FIELDS = 4
ACCESS_LIST = "%%1538\n\t\t\t\t%%1541\n\t\t\t\t%%4416\n\t\t\t\t%%4417\n\t\t\t\t%%4418"
LOGON_TYPES = {"Interactive": "2", "Network": "3", "Service": "5"}


def dress(doc: dict[str, Any], rng: random.Random, record_id: int) -> dict[str, Any]:
    """Add what Winlogbeat and the ingest pipeline put around the fields the rules read:
    agent and ECS metadata, the full event data of the code, `related`, `message`.

    `relaywatch convert` makes 1.4-1.5 KB documents of the real logs in ../shared, before
    the rendered `message` Winlogbeat adds (often 1-2 KB on its own); these average about
    1.9 KB. The bare events (the rules' fields) are a fifth of that: a benchmark on them
    alone understates the parsing every reader of real data pays (docs/performance.md)."""
    code = doc["event"]["code"]
    host = doc["host"]
    short = host["name"].split(".")[0].upper()
    action, kind, task = ACTIONS[code]
    created = doc["@timestamp"]
    doc["agent"] = {"name": short, "id": _guid(rng), "type": "winlogbeat",
                    "ephemeral_id": _guid(rng), "version": AGENT_VERSION}  # fmt: skip
    doc["ecs"] = {"version": AGENT_VERSION}
    doc["log"] = {"level": "information"}
    doc["event"] |= {"type": kind, "provider": PROVIDER, "action": action,
                     "outcome": "failure" if code == "4625" else "success",
                     "created": created, "ingested": created}  # fmt: skip
    host |= {"hostname": short, "architecture": "x86_64", "id": _guid(rng, seed=host["name"])}
    host["os"] |= {"name": "Windows Server 2022 Datacenter", "kernel": "10.0.20348.2849",
                   "build": "20348.2849", "platform": "windows", "version": "10.0"}  # fmt: skip
    data = _event_data(code, doc, rng, short)
    winlog = doc["winlog"]
    winlog |= {"provider_name": PROVIDER, "provider_guid": PROVIDER_GUID,
               "record_id": str(record_id), "api": "wineventlog", "opcode": "Info",
               "task": task, "keywords": ["Audit Failure" if code == "4625" else "Audit Success"],
               "process": {"pid": 724, "thread": {"id": rng.randint(1000, 9000)}}}  # fmt: skip
    winlog["event_data"] = data | winlog.get("event_data", {})
    users = sorted({value for key, value in data.items() if key.endswith("UserName")} - {"-"})
    addresses = [doc["source"]["ip"]] if "source" in doc else []
    doc["related"] = {"user": users, "ip": addresses} if addresses else {"user": users}
    doc["message"] = _message(action, winlog["event_data"])
    return doc


def _guid(rng: random.Random, seed: str | None = None) -> str:
    source = random.Random(seed) if seed is not None else rng
    return str(uuid.UUID(int=source.getrandbits(128), version=4))


def _event_data(code: str, doc: dict[str, Any], rng: random.Random, short: str) -> dict[str, str]:
    user = doc.get("user", {}).get("name", "-")
    address = doc.get("source", {}).get("ip", "-")
    subject = {"SubjectUserSid": "S-1-5-18", "SubjectUserName": f"{short}$",
               "SubjectDomainName": "CORP", "SubjectLogonId": "0x3e7"}  # fmt: skip
    target = {"TargetUserSid": f"{DOMAIN_SID}-{rng.randint(1100, 9999)}",
              "TargetUserName": user, "TargetDomainName": "CORP",
              "TargetLogonId": hex(rng.getrandbits(32))}  # fmt: skip
    if code in ("4624", "4625"):
        logon = doc["winlog"].get("logon", {}).get("type", "Network")
        package = doc["winlog"].get("event_data", {}).get("AuthenticationPackageName", "Kerberos")
        return subject | target | {
            "LogonType": LOGON_TYPES.get(logon, "3"), "LogonProcessName": "NtLmSsp"
            if package == "NTLM" else "Kerberos", "WorkstationName": short,
            "LogonGuid": "{" + _guid(rng) + "}", "TransmittedServices": "-",
            "LmPackageName": "NTLM V2" if package == "NTLM" else "-",
            "KeyLength": "128" if package == "NTLM" else "0", "ProcessId": "0x0",
            "ProcessName": "-", "IpAddress": address, "IpPort": str(rng.randint(49152, 65535)),
            "ImpersonationLevel": "%%1833", "RestrictedAdminMode": "-",
            "VirtualAccount": "%%1843", "TargetLinkedLogonId": "0x0", "ElevatedToken": "%%1842",
        }  # fmt: skip
    if code == "4634":
        return target | {"LogonType": "3"}
    if code == "4672":
        return subject | {"PrivilegeList": "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\t"
                          "SeRestorePrivilege\n\t\t\tSeDebugPrivilege"}  # fmt: skip
    if code == "4688":
        name = doc.get("process", {}).get("name", "svchost.exe")
        return subject | {"NewProcessId": hex(rng.randint(256, 65535)),
                          "NewProcessName": f"C:\\Windows\\System32\\{name}",
                          "TokenElevationType": "%%1936", "ProcessId": "0x2d4",
                          "CommandLine": f"C:\\Windows\\System32\\{name} -k netsvcs -p",
                          "ParentProcessName": "C:\\Windows\\System32\\services.exe",
                          "MandatoryLabel": "S-1-16-16384"}  # fmt: skip
    if code in ("4768", "4769"):
        return target | {"ServiceName": "krbtgt" if code == "4768" else f"{short}$",
                         "ServiceSid": f"{DOMAIN_SID}-502", "TicketOptions": "0x40810010",
                         "Status": "0x0", "TicketEncryptionType": "0x12", "PreAuthType": "2",
                         "IpAddress": "::ffff:10.1.0.5", "IpPort": "0"}  # fmt: skip
    if code in ("5140", "5145"):
        name = doc.get("file", {}).get("name", "-")
        share = "\\\\*\\IPC$" if name in PIPES or name == "IPC$" else "\\\\*\\SYSVOL"
        return subject | {"SubjectUserName": user, "ObjectType": "File",
                          "IpAddress": address, "IpPort": str(rng.randint(49152, 65535)),
                          "ShareName": share, "ShareLocalPath": "" if "IPC" in share
                          else "\\??\\C:\\Windows\\SYSVOL\\sysvol", "RelativeTargetName": name,
                          "AccessMask": "0x12019f", "AccessList": ACCESS_LIST,
                          "AccessReason": "-"}  # fmt: skip
    return {"ProcessID": "1068", "Application": "\\device\\harddiskvolume2\\windows\\system32\\"
            "svchost.exe", "Direction": "%%14593", "SourceAddress": "10.1.0.5",
            "SourcePort": str(rng.randint(49152, 65535)), "DestAddress": "10.1.0.1",
            "DestPort": "443", "Protocol": "6", "FilterRTID": "0", "LayerName": "%%14611",
            "LayerRTID": "48", "RemoteUserID": "S-1-0-0", "RemoteMachineID": "S-1-0-0"}  # fmt: skip


def _message(action: str, data: dict[str, str]) -> str:
    """A rendered message (ours: the action, then the first fields; Windows' own messages
    repeat every field with its explanation and are longer)."""
    lines = [f"{action.replace('-', ' ').capitalize()}.", ""]
    lines += [f"\t{name}:\t{value}" for name, value in list(data.items())[:MESSAGE_FIELDS]]
    return "\n".join(lines)


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


def stitch_evtx(path: Path, logs: Sequence[Path | str]) -> Path:
    """One large `.evtx` log at `path`: every whole chunk of `logs`, in order, behind the
    first log's file header (the parser reads every chunk after a header). A temporary
    benchmark file, never kept in the repository."""
    with path.open("wb") as out:
        for number, log in enumerate(logs):
            data = Path(log).read_bytes()
            if number == 0:
                out.write(data[:EVTX_HEADER])
            for start in range(EVTX_HEADER, len(data) - EVTX_CHUNK + 1, EVTX_CHUNK):
                out.write(data[start : start + EVTX_CHUNK])
    return path


EVTX_HEADER = 4096
EVTX_CHUNK = 65536


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", type=int, default=1, help="split into N files (a directory)")
    parser.add_argument("--host-ip", action="store_true", help="give documents host.ip")
    parser.add_argument("--dressed", action="store_true", help="documents as Winlogbeat ships them")
    parser.add_argument("--evtx", type=int, metavar="N", help="link the real .evtx logs N times")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if args.evtx:
        link_evtx(args.output, args.evtx)
        return
    write_ndjson(
        args.output, args.events, args.seed, files=args.files, host_ip=args.host_ip,
        dressed=args.dressed,
    )  # fmt: skip


if __name__ == "__main__":
    main()
