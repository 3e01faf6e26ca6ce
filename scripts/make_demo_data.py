#!/usr/bin/env python3
"""Generate the `make demo` sample data: examples/demo/*.ndjson and examples/demo/hosts.csv.

The documents are Windows Security events (5145, 4624, 4625) as Elastic Agent's
`windows.forwarded` integration indexes them after the ingest pipeline: field names, value
types and placeholder handling follow research/ecs-mapping.md (current pipeline: "-" values
dropped from `winlog.event_data`, `source.*` moved out of it, 5145 `file.*` built from
`ShareLocalPath` + `RelativeTargetName`). Forwarded events carry no `host.ip` / `host.id`;
hosts.csv supplies them, as an operator would.

Scenarios (all times 2026-03-10, UTC; attacker 10.10.66.6):

1. PetitPotam-style coercion reflected to DC01: `jdoe` opens `\\\\*\\IPC$\\efsrpc` on DC01 from
   the attacker, and 1.2 s later DC01's own machine account DC01$ logs on to DC01 over NTLM
   (type 3) from the same address.
2. SMB machine-account relay on FS01: FS01$ logs on to FS01 over NTLM from the attacker and
   opens `IPC$\\svcctl` and writes under `ADMIN$`.
3. Look-alikes that must not raise the seed rules when the inventory is given:
   - SQL01, a cluster node, reaches its own shares as SQL01$ from the cluster's virtual
     address (one of its own addresses);
   - MGMT01 polls DC01's `lsarpc` pipe every 15 minutes and logs on over NTLM, with a user
     account (svc_mgmt), not a machine account;
   - `helpdesk` opens `efsrpc` on DC01 from WS07 and DC01$ logs on from WS07 7.5 s later,
     outside the rule's 5 s window;
   - DC01 reads its own SYSVOL as DC01$ from its own address.
4. A few hundred ordinary events: Kerberos logons of users and workstations, workstation
   SYSVOL reads, user share access, mistyped passwords.

The output is a pure function of this file (fixed seed, sorted keys), so regenerating gives
identical bytes; tests/alerts/test_demo_data.py checks that.
Usage: `python scripts/make_demo_data.py [--out DIR]`.
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DOMAIN = "CORP"
DNS_DOMAIN = "corp.example"
DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"
ATTACKER_IP = "10.10.66.6"
DAY = datetime(2026, 3, 10, tzinfo=UTC)
SEED = 20260310
ID_NAMESPACE = uuid.UUID("9d3c4f7e-2b1a-4c6d-8e9f-0a1b2c3d4e5f")
PROVIDER = "Microsoft-Windows-Security-Auditing"
PROVIDER_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
# AccessList / descriptions of a named-pipe open (read/write data, EA and attributes).
PIPE_ACCESS = (
    ["1538", "1541", "4416", "4417", "4418", "4419", "4420", "4423", "4424"],
    [
        "READ_CONTROL",
        "SYNCHRONIZE",
        "ReadData (or ListDirectory)",
        "WriteData (or AddFile)",
        "AppendData (or AddSubdirectory or CreatePipeInstance)",
        "ReadEA",
        "WriteEA",
        "ReadAttributes",
        "WriteAttributes",
    ],
    "0x12019f",
)
READ_ACCESS = (
    ["1537", "1538", "1541", "4416", "4419", "4423"],
    [
        "DELETE",
        "READ_CONTROL",
        "SYNCHRONIZE",
        "ReadData (or ListDirectory)",
        "ReadEA",
        "ReadAttributes",
    ],
    "0x130089",
)


@dataclass(frozen=True)
class Host:
    short: str
    ips: tuple[str, ...]
    rid: int
    note: str

    @property
    def fqdn(self) -> str:
        return f"{self.short}.{DNS_DOMAIN}"

    @property
    def account(self) -> str:
        return f"{self.short}$"

    @property
    def host_id(self) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, self.fqdn.lower()))


@dataclass(frozen=True)
class User:
    name: str
    rid: int

    @property
    def sid(self) -> str:
        return f"{DOMAIN_SID}-{self.rid}"


DC01 = Host("DC01", ("10.10.0.10", "fe80::5d2c:1a0:10:10"), 1000, "domain controller")
FS01 = Host("FS01", ("10.10.0.21",), 1105, "file server")
SQL01 = Host(
    "SQL01", ("10.10.0.31", "10.10.0.30"), 1107, "cluster node; 10.10.0.30 is the cluster address"
)
MGMT01 = Host("MGMT01", ("10.10.0.50",), 1110, "management server")
LOGGING_HOSTS = (DC01, FS01, SQL01)
SYSVOL = "C:\\Windows\\SYSVOL\\sysvol"
PROJECTS = "D:\\Shares\\Projects"
WORKSTATIONS = tuple(Host(f"WS{n:02d}", (f"10.10.1.{10 + n}",), 1200 + n, "") for n in range(1, 13))
USERS = tuple(
    User(name, 1300 + n)
    for n, name in enumerate(
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
    )
)
JDOE = User("jdoe", 1401)
SVC_MGMT = User("svc_mgmt", 1402)
HELPDESK = User("helpdesk", 1403)


def _machine(host: Host) -> User:
    return User(host.account, host.rid)


def _ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _common(host: Host, moment: datetime, code: str, task: str, outcome: str) -> dict[str, Any]:
    """Fields every forwarded Security event has after ingest."""
    return {
        "@timestamp": _ms(moment),
        "agent": {
            "id": "4f0b6a52-8e1d-4c3b-9a57-2d6e1f0c7b11",
            "name": "WEC01",
            "type": "filebeat",
            "version": "8.17.0",
        },
        "data_stream": {"dataset": "windows.forwarded", "namespace": "default", "type": "logs"},
        "ecs": {"version": "8.17.0"},
        "event": {
            "code": code,
            "dataset": "windows.forwarded",
            "kind": "event",
            "outcome": outcome,
            "provider": PROVIDER,
        },
        "host": {"name": host.fqdn, "os": {"family": "windows", "type": "windows"}},
        "input": {"type": "winlog"},
        "log": {"level": "information"},
        "tags": ["forwarded"],
        "winlog": {
            "api": "wineventlog",
            "channel": "Security",
            "computer_name": host.fqdn,
            "event_id": code,
            "keywords": ["Audit Success" if outcome == "success" else "Audit Failure"],
            "opcode": "Info",
            "provider_guid": PROVIDER_GUID,
            "provider_name": PROVIDER,
            "task": task,
        },
    }


@dataclass(frozen=True)
class Access:
    """A 5145: `user` from `source_ip` checked access to `share`\\`target` on `host`."""

    host: Host
    when: datetime
    user: User
    source_ip: str
    share: str
    target: str
    local_path: str = ""
    access: tuple[list[str], list[str], str] = PIPE_ACCESS
    logon_id: str = "0x3e7"


@dataclass(frozen=True)
class Logon:
    """A network logon (4624, or 4625 when `failed`) of `user` to `host` from `source_ip`."""

    host: Host
    when: datetime
    user: User
    source_ip: str
    workstation: str
    package: str
    failed: bool = False


def share_access(spec: Access) -> dict[str, Any]:
    """A 5145 "network share object was checked" event."""
    host, moment, user, source_ip = spec.host, spec.when, spec.user, spec.source_ip
    share, target, local_path, logon_id = spec.share, spec.target, spec.local_path, spec.logon_id
    doc = _common(host, moment, "5145", "Detailed File Share", "success")
    doc["event"] |= {
        "action": "network-share-object-access-checked",
        "category": ["network", "file"],
        "type": ["info", "access"],
    }
    codes, names, mask = spec.access
    doc["winlog"]["event_data"] = {
        "AccessList": codes,
        "AccessListDescription": names,
        "AccessMask": [mask],
        "ObjectType": "File",
        "RelativeTargetName": target,
        "ShareName": f"\\\\*\\{share}",
        "SubjectDomainName": DOMAIN,
        "SubjectLogonId": logon_id,
        "SubjectUserName": user.name,
        "SubjectUserSid": user.sid,
    }
    if local_path:
        doc["winlog"]["event_data"]["ShareLocalPath"] = f"\\??\\{local_path}"
    doc["winlog"]["logon"] = {"id": logon_id}
    doc["winlog"]["process"] = {"pid": 4, "thread": {"id": 5100}}
    doc["file"] = _file_fields(share, target, local_path)
    doc["related"] = {"ip": [source_ip], "user": [user.name]}
    doc["source"] = {"ip": source_ip, "port": 49152 + moment.microsecond % 16000}
    doc["user"] = {"domain": DOMAIN, "id": user.sid, "name": user.name}
    return doc


def _file_fields(share: str, target: str, local_path: str) -> dict[str, Any]:
    """The ingest pipeline's 5145 file.* (ShareLocalPath joined with RelativeTargetName)."""
    path = f"{local_path.rstrip(chr(92))}\\{target.lstrip(chr(92))}"
    directory, _, name = path.rpartition("\\")
    fields: dict[str, Any] = {
        "directory": directory,
        "name": name,
        "path": path,
        "target_path": _target_path(share, target),
    }
    if "." in name:
        fields["extension"] = name.rsplit(".", 1)[1]
    return fields


def _doubled(text: str) -> str:
    return text.replace("\\", "\\\\")


def _target_path(share: str, target: str) -> str:
    """`file.target_path`: the pipeline renders "{{ShareName}}\\{{RelativeTargetName}}" with
    mustache, which doubles every backslash inside the values (research/ecs-mapping.md §2.4)."""
    share_name = "\\\\*\\" + share
    return _doubled(share_name) + "\\" + _doubled(target)


def logon(spec: Logon) -> dict[str, Any]:
    """A 4624 (or, failed, 4625) network logon to `host`."""
    host, moment, user, source_ip = spec.host, spec.when, spec.user, spec.source_ip
    failed, package, workstation = spec.failed, spec.package, spec.workstation
    code = "4625" if failed else "4624"
    doc = _common(host, moment, code, "Logon", "failure" if failed else "success")
    doc["event"] |= {
        "action": "logon-failed" if failed else "logged-in",
        "category": ["authentication"],
        "type": ["start"],
    }
    ntlm = package == "NTLM"
    data: dict[str, Any] = {
        "AuthenticationPackageName": package,
        "KeyLength": "128" if ntlm and not failed else "0",
        "LogonProcessName": "NtLmSsp " if ntlm else "Kerberos",
        "LogonType": "3",
        "SubjectLogonId": "0x0",
        "SubjectUserSid": "S-1-0-0",
        "TargetDomainName": DOMAIN,
        "TargetUserName": user.name,
        "TargetUserSid": "S-1-0-0" if failed else user.sid,
    }
    if failed:
        data |= {"FailureReason": "%%2313", "Status": "0xc000006d", "SubStatus": "0xc000006a"}
    else:
        logon_id = f"0x{(moment.hour * 3600 + moment.minute * 60 + moment.second) * 97:x}"
        data |= {
            "ElevatedToken": "%%1842",
            "ImpersonationLevel": "%%1833",
            "TargetLinkedLogonId": "0x0",
            "TargetLogonId": logon_id,
            "VirtualAccount": "%%1843",
        }
        if ntlm:
            data["LmPackageName"] = "NTLM V2"
        else:
            data["LogonGuid"] = "{" + str(uuid.uuid5(ID_NAMESPACE, _ms(moment) + user.name)) + "}"
    doc["winlog"]["event_data"] = data
    doc["winlog"]["logon"] = {"id": "0x0", "type": "Network"}
    if failed:
        doc["winlog"]["logon"]["failure"] = {
            "reason": "Unknown user name or bad password.",
            "status": "This is either due to a bad username or authentication information",
            "sub_status": "User logon with misspelled or bad password",
        }
    doc["winlog"]["process"] = {"pid": 652, "thread": {"id": 2210}}
    if not failed:
        doc["winlog"]["version"] = 2  # 4625 is version 0, which Winlogbeat omits
    doc["process"] = {"pid": 0}
    doc["related"] = {"ip": [source_ip], "user": [user.name]}
    doc["source"] = {"domain": workstation, "ip": source_ip, "port": 50000 + moment.second * 97}
    doc["user"] = {"domain": DOMAIN, "id": data["TargetUserSid"], "name": user.name}
    return doc


def at(hour: int, minute: int, second: float) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


Spec = Access | Logon


def attack_events() -> list[Spec]:
    """Scenarios 1 and 2: what the seed rules must report."""
    t0 = at(9, 12, 40.117)
    r0 = at(9, 31, 5.402)
    dc01, fs01 = _machine(DC01), _machine(FS01)
    return [
        Access(DC01, t0, JDOE, ATTACKER_IP, "IPC$", "efsrpc", logon_id="0x8c41f2"),
        Logon(DC01, t0 + timedelta(seconds=1.2), dc01, ATTACKER_IP, "KALI", "NTLM"),
        Logon(FS01, r0, fs01, ATTACKER_IP, "KALI", "NTLM"),
        Access(FS01, r0 + _ms_delta(310), fs01, ATTACKER_IP, "IPC$", "svcctl", logon_id="0x9a2b07"),
        Access(
            FS01,
            r0 + _ms_delta(880),
            fs01,
            ATTACKER_IP,
            "ADMIN$",
            "Temp\\rlx.exe",
            local_path="C:\\Windows",
            logon_id="0x9a2b07",
        ),
    ]


def lookalike_events() -> list[Spec]:
    """Scenario 3: the benign patterns that resemble the attacks."""
    sql01, dc01 = _machine(SQL01), _machine(DC01)
    cluster_ip, mgmt_ip = SQL01.ips[1], MGMT01.ips[0]
    events: list[Spec] = [
        Logon(SQL01, at(8, 45, 12.031), sql01, cluster_ip, "SQL01", "NTLM"),
        Access(SQL01, at(8, 45, 12.204), sql01, cluster_ip, "IPC$", "srvsvc"),
        Access(DC01, at(10, 2, 3.550), HELPDESK, "10.10.1.17", "IPC$", "efsrpc"),
        Logon(DC01, at(10, 2, 11.050), dc01, "10.10.1.17", "WS07", "NTLM"),
    ]
    for n in range(8):
        poll = at(8, 0, 30.25) + timedelta(minutes=15 * n)
        events.append(Access(DC01, poll, SVC_MGMT, mgmt_ip, "IPC$", "lsarpc"))
        events.append(Logon(DC01, poll + _ms_delta(400), SVC_MGMT, mgmt_ip, "MGMT01", "NTLM"))
    for minute in (5, 47, 93):
        moment = at(8, minute, 7.125)
        target = f"{DNS_DOMAIN}\\Policies\\gpt.ini"
        events.append(
            Access(DC01, moment, dc01, DC01.ips[0], "SYSVOL", target, SYSVOL, READ_ACCESS)
        )
    return events


def background_events(rng: random.Random) -> list[Spec]:
    """Scenario 4: ordinary traffic over two hours."""
    start = at(8, 0, 0)
    return [_ordinary(rng, start + _ms_delta(rng.randrange(2 * 3600 * 1000))) for _ in range(300)]


def _ordinary(rng: random.Random, moment: datetime) -> Spec:
    ws, user = rng.choice(WORKSTATIONS), rng.choice(USERS)
    kinds = ["user_logon", "ws_logon", "sysvol", "share", "typo"]
    kind = rng.choices(kinds, [40, 20, 20, 15, 5])[0]
    source = ws.ips[0]
    if kind == "user_logon":
        return Logon(rng.choice(LOGGING_HOSTS), moment, user, source, ws.short, "Kerberos")
    if kind == "ws_logon":
        return Logon(DC01, moment, _machine(ws), source, ws.short, "Kerberos")
    if kind == "sysvol":
        target = f"{DNS_DOMAIN}\\Policies\\{{31B2F340-016D-11D2-945F-00C04FB984F9}}\\gpt.ini"
        return Access(DC01, moment, _machine(ws), source, "SYSVOL", target, SYSVOL, READ_ACCESS)
    if kind == "share":
        target = f"{user.name}\\notes-{rng.randrange(100)}.docx"
        return Access(FS01, moment, user, source, "Projects", target, PROJECTS, READ_ACCESS)
    return Logon(FS01, moment, user, source, ws.short, "NTLM", failed=True)


def _ms_delta(milliseconds: int) -> timedelta:
    return timedelta(milliseconds=milliseconds)


def render(spec: Spec) -> dict[str, Any]:
    return share_access(spec) if isinstance(spec, Access) else logon(spec)


def _finish(host: Host, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order one host's log, number its records and stamp the ingest time."""
    docs.sort(key=lambda doc: doc["@timestamp"])
    for number, doc in enumerate(docs, start=48211 + host.rid):
        doc["winlog"]["record_id"] = str(number)
        moment = datetime.fromisoformat(doc["@timestamp"].replace("Z", "+00:00"))
        # Fleet's final pipeline stamps whole seconds; forwarding adds a little delay.
        doc["event"]["ingested"] = (moment + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return docs


def build() -> dict[str, str]:
    """File name -> content of every generated file."""
    rng = random.Random(SEED)
    per_host: dict[str, list[dict[str, Any]]] = {host.short: [] for host in LOGGING_HOSTS}
    for spec in attack_events() + lookalike_events() + background_events(rng):
        per_host[spec.host.short].append(render(spec))
    files = {}
    for host in LOGGING_HOSTS:
        lines = (
            json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            for doc in _finish(host, per_host[host.short])
        )
        files[f"{host.short.lower()}-security.ndjson"] = "".join(f"{line}\n" for line in lines)
    files["hosts.csv"] = _inventory()
    return files


def _inventory() -> str:
    rows = ["name,ips,id,source"]
    for host in (DC01, FS01, SQL01, MGMT01):
        rows.append(f"{host.fqdn},{';'.join(host.ips)},{host.host_id},demo: {host.note}")
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "examples" / "demo")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (args.out / name).write_text(content, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
