"""`security_standard` steps for processes, renamed accounts, directory objects and files.

Last part of elastic/integrations `security_standard.yml`, in pipeline order. The
file.* step follows the newest version (PR #18348: file.path joined from
ShareLocalPath and RelativeTargetName, file.name its basename); `docs/ecs.md`
records how older pipelines differ.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from typing import Any

from relaywatch.ecs import sddl, tables
from relaywatch.ecs.painless import append_unique, child, java_split, long_decode, mustache
from relaywatch.ecs.security_lookups import text
from relaywatch.ecs.steps import Processor, codes, needing

Doc = dict[str, Any]

_WHITESPACE = re.compile(r"\s+")
_SUBJECT_RELATED_CODES = codes("4624 4648 4797 5379 5380 5381 5382")
_TARGET_RELATED_CODES = codes("4688 4720 4722 4723 4724 4725 4726 4738 4740 4767 4797 4798")
_PRIVILEGE_CODES = codes("4672 4673 4674 4741 4742 4743")
_REGISTRY_OBJECT_CODES = codes("4656 4658 4660 4661 4662 4663")
_FILE_SHARE_CODES = codes("5140 5142 5145")


def process_creation(doc: Doc, code: str, event_data: Doc) -> None:
    """Process Event 4688: new process, parent, command line split as the script does."""
    process = child(doc, "process")
    if event_data.get("NewProcessId") is not None:
        value = event_data.pop("NewProcessId")
        process["pid"] = long_decode(value) if isinstance(value, str) else value
    if event_data.get("NewProcessName") is not None:
        process["executable"] = event_data.pop("NewProcessName")
    if event_data.get("ParentProcessName") is not None:
        child(process, "parent")["executable"] = event_data.pop("ParentProcessName")
    _names(process)
    parent_pid = event_data.get("ProcessId")
    if parent_pid is not None:
        pid = long_decode(parent_pid) if isinstance(parent_pid, str) else parent_pid
        child(process, "parent")["pid"] = pid
    command_line = text(event_data, "CommandLine")
    if command_line is not None:
        args = command_line_args(command_line)
        process.update(args=args, command_line=command_line, args_count=len(args))
    target = event_data.get("TargetUserName")
    if target is not None and target != "-":
        append_unique(doc, "related", "user", target)


def _names(process: Doc) -> None:
    for holder in (process, process.get("parent")):
        if isinstance(holder, dict) and holder.get("name") is None:
            executable = holder.get("executable")
            if isinstance(executable, str):
                holder["name"] = executable.split("\\")[-1]


def command_line_args(line: str) -> list[str]:
    """The 4688 script's argument split: whitespace outside double quotes, quotes kept."""
    args: list[str] = []
    start, in_quote, last = 0, False, len(line) - 1
    for i, char in enumerate(line):
        if char == '"':
            in_quote = not in_quote
        if char.isspace() and not in_quote:
            args.append(line[start:i])
            start = i + 1
        if i == last:
            args.append(line[start : i + 1])
    return args


def related_users(doc: Doc, code: str, event_data: Doc) -> None:
    """The two `append related.user` processors (mustache-rendered values)."""
    for codes_, field in (
        (_SUBJECT_RELATED_CODES, "SubjectUserName"),
        (_TARGET_RELATED_CODES, "TargetUserName"),
    ):
        value = event_data.get(field)
        if code in codes_ and value is not None and value != "-":
            append_unique(doc, "related", "user", mustache(value))


def privileges(doc: Doc, code: str, event_data: Doc) -> None:
    privilege_list = text(event_data, "PrivilegeList")
    if code in _PRIVILEGE_CODES and privilege_list is not None:
        event_data["PrivilegeList"] = java_split(privilege_list, _WHITESPACE)


def renamed_accounts(doc: Doc, code: str, event_data: Doc) -> None:
    """OldTargetUserName -> user.target.name, NewTargetUserName -> user.changes.name."""
    old, new = event_data.get("OldTargetUserName"), event_data.get("NewTargetUserName")
    if old not in (None, ""):
        child(child(doc, "user"), "target")["name"] = old
    if new not in (None, ""):
        child(child(doc, "user"), "changes")["name"] = new
    for value in (new, old):
        if value is not None and value != "-":
            append_unique(doc, "related", "user", mustache(value))


def directory_object(doc: Doc, code: str, event_data: Doc) -> None:
    """5136: event.reason from OperationType; the CN of ObjectDN by ObjectClass."""
    if event_data.get("OperationType") is not None:
        child(doc, "event")["reason"] = event_data["OperationType"]
    object_dn = event_data.get("ObjectDN")
    if object_dn is None:
        return
    name = _common_name(str(object_dn))
    if not name:
        return
    object_class = str(event_data.get("ObjectClass") or "").lower()
    if "user" in object_class:
        child(child(doc, "user"), "target")["name"] = name
        append_unique(doc, "related", "user", name)
    elif "group" in object_class:
        child(doc, "group")["name"] = name
        append_unique(doc, "related", "user", name)
    elif "computer" in object_class and doc.get("host", {}).get("name") is None:
        child(doc, "host")["name"] = name


def _common_name(dn: str) -> str:
    """The value of the first `cn=` with backslash and hex escapes resolved."""
    start = dn.lower().find("cn=")
    if start < 0:
        return ""
    out: list[str] = []
    i, size = start + 3, len(dn)
    while i < size:
        char = dn[i]
        if char == "\\" and i + 1 < size:
            i, decoded = _unescape(dn, i + 1)
            out.append(decoded)
        elif char == ",":
            break
        else:
            out.append(char)
        i += 1
    return "".join(out).strip()


def _unescape(dn: str, i: int) -> tuple[int, str]:
    pair = dn[i : i + 2]
    if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
        return i + 1, chr(int(pair, 16))
    return i, dn[i]


def registry_path(doc: Doc, code: str, event_data: Doc) -> None:
    name = event_data.get("ObjectName")
    if name is None:
        return
    registry_object = event_data.get("ObjectType") == "Key" or (
        isinstance(name, str) and name.upper().startswith("\\REGISTRY\\")
    )
    if code == "4657" or (code in _REGISTRY_OBJECT_CODES and registry_object):
        child(doc, "registry")["path"] = name


def sid_list(doc: Doc, code: str, event_data: Doc) -> None:
    value = text(event_data, "SidList")
    if value is not None:
        event_data["SidList"] = _WHITESPACE.sub(" ", value)


def transport(doc: Doc, code: str, event_data: Doc) -> None:
    network = doc.get("network")
    if not isinstance(network, dict) or network.get("transport") is not None:
        return
    name = tables.IANA_TRANSPORTS.get(str(network.get("iana_number")))
    if name is not None:
        network["transport"] = name


def file_share(doc: Doc, code: str, event_data: Doc) -> None:
    """5140/5142/5145: file.path = share local path + relative target, name = basename."""
    share = _trim_share(text(event_data, "ShareLocalPath") or "")
    relative = text(event_data, "RelativeTargetName") or ""
    relative = relative.removeprefix("\\")
    file = child(doc, "file")
    if relative:
        path = share + "\\" + relative
        cut = path.rfind("\\")
        file.update(path=path, name=path[cut + 1 :], directory=path[:cut])
    else:
        file["directory"] = share
    share_name = event_data.get("ShareName")
    if share_name not in (None, "") and event_data.get("RelativeTargetName") not in (None, ""):
        # A mustache template: values JSON-escaped, hence the doubled backslashes.
        target = mustache(share_name) + "\\" + mustache(event_data["RelativeTargetName"])
        file["target_path"] = target
    name = file.get("name")
    if isinstance(name, str) and "." in name:
        file["extension"] = name[name.rfind(".") + 1 :]


def _trim_share(share: str) -> str:
    for prefix in ("\\??\\", "\\?\\"):
        if share.startswith(prefix):
            share = share[len(prefix) :]
            break
    return share.removesuffix("\\")


_PORT_PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132}


def community_id(doc: Doc, code: str, event_data: Doc) -> None:
    """The `community_id` processor (ignore_missing, ignore_failure): Community ID v1, seed 0.

    Only flows with ports (TCP, UDP, SCTP) are hashed; anything missing or unparsable
    leaves the document unchanged, as the processor's ignore flags do.
    """
    network, source, destination = doc.get("network"), doc.get("source"), doc.get("destination")
    if not (
        isinstance(network, dict) and isinstance(source, dict) and isinstance(destination, dict)
    ):
        return
    protocol = _PORT_PROTOCOLS.get(str(network.get("transport", "")))
    try:
        flow = (
            ipaddress.ip_address(str(source.get("ip"))).packed,
            int(source["port"]),
            ipaddress.ip_address(str(destination.get("ip"))).packed,
            int(destination["port"]),
        )
    except (KeyError, TypeError, ValueError):
        return
    if protocol is None or len(flow[0]) != len(flow[2]):
        return
    network["community_id"] = _community_hash(protocol, *flow)


def _community_hash(protocol: int, src: bytes, sport: int, dst: bytes, dport: int) -> str:
    if (dst, dport) < (src, sport):
        src, sport, dst, dport = dst, dport, src, sport
    data = (
        b"\x00\x00"
        + src
        + dst
        + bytes((protocol, 0))
        + sport.to_bytes(2, "big")
        + dport.to_bytes(2, "big")
    )
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


def direction(doc: Doc, code: str, event_data: Doc) -> None:
    value = event_data.pop("DirectionDescription", None)
    if value is not None:
        child(doc, "network")["direction"] = str(value).lower()


PROCESSORS: tuple[Processor, ...] = (
    Processor(process_creation, codes("4688")),
    Processor(related_users, _SUBJECT_RELATED_CODES | _TARGET_RELATED_CODES),
    Processor(privileges, _PRIVILEGE_CODES, ("PrivilegeList",)),
    needing("OldTargetUserName", "NewTargetUserName")(renamed_accounts),
    Processor(directory_object, codes("5136")),
    Processor(registry_path, _REGISTRY_OBJECT_CODES | {"4657"}, ("ObjectName",)),
    needing("SidList")(sid_list),
    *sddl.PROCESSORS,
    Processor(transport),
    Processor(file_share, _FILE_SHARE_CODES),
    needing("DirectionDescription")(direction),
    Processor(community_id, codes("5152 5156 5157 5158")),
)
