"""`security_standard` "Object Policy Change and SidListDesc": SDDL and SID descriptions.

For 4670, 4817, 4907 and 4908 the pipeline describes the owner, group, DACL and SACL
of OldSd / NewSd and the SIDs of SidList; for every event it describes RemoteMachineID
and RemoteUserID. The script's quirks are kept, because they are what Elastic stores:
the owner pattern keeps its `O:` prefix (so `O:BA` is stored as is), the group pattern
is anchored at the start of the string, and ACE texts are Java's rendering of a list
(`[Read Permissions, Delete]`, `null` for an unknown name).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from relaywatch.ecs.painless import PipelineError, append_unique, long_decode
from relaywatch.ecs.steps import Processor, codes, needing

Doc = dict[str, Any]

ACCOUNT_SIDS: dict[str, str] = {
    "AO": "Account operators",
    "RU": "Alias to allow previous Windows 2000",
    "AN": "Anonymous logon",
    "AU": "Authenticated users",
    "BA": "Built-in administrators",
    "BG": "Built-in guests",
    "BO": "Backup operators",
    "BU": "Built-in users",
    "CA": "Certificate server administrators",
    "CG": "Creator group",
    "CO": "Creator owner",
    "DA": "Domain administrators",
    "DC": "Domain computers",
    "DD": "Domain controllers",
    "DG": "Domain guests",
    "DU": "Domain users",
    "EA": "Enterprise administrators",
    "ED": "Enterprise domain controllers",
    "WD": "Everyone",
    "PA": "Group Policy administrators",
    "IU": "Interactively logged-on user",
    "LA": "Local administrator",
    "LG": "Local guest",
    "LS": "Local service account",
    "SY": "Local system",
    "NU": "Network logon user",
    "NO": "Network configuration operators",
    "NS": "Network service account",
    "PO": "Printer operators",
    "PS": "Personal self",
    "PU": "Power users",
    "RS": "RAS servers group",
    "RD": "Terminal server users",
    "RE": "Replicator",
    "RC": "Restricted code",
    "SA": "Schema administrators",
    "SO": "Server operators",
    "SU": "Service logon user",
    "S-1-0": "Null Authority",
    "S-1-0-0": "Nobody",
    "S-1-1": "World Authority",
    "S-1-1-0": "Everyone",
    "S-1-16-0": "Untrusted Mandatory Level",
    "S-1-16-12288": "High Mandatory Level",
    "S-1-16-16384": "System Mandatory Level",
    "S-1-16-20480": "Protected Process Mandatory Level",
    "S-1-16-28672": "Secure Process Mandatory Level",
    "S-1-16-4096": "Low Mandatory Level",
    "S-1-16-8192": "Medium Mandatory Level",
    "S-1-16-8448": "Medium Plus Mandatory Level",
    "S-1-2": "Local Authority",
    "S-1-2-0": "Local",
    "S-1-2-1": "Console Logon",
    "S-1-3": "Creator Authority",
    "S-1-3-0": "Creator Owner",
    "S-1-3-1": "Creator Group",
    "S-1-3-2": "Creator Owner Server",
    "S-1-3-3": "Creator Group Server",
    "S-1-3-4": "Owner Rights",
    "S-1-4": "Non-unique Authority",
    "S-1-5": "NT Authority",
    "S-1-5-1": "Dialup",
    "S-1-5-10": "Principal Self",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-12": "Restricted Code",
    "S-1-5-13": "Terminal Server Users",
    "S-1-5-14": "Remote Interactive Logon",
    "S-1-5-15": "This Organization",
    "S-1-5-17": "This Organization",
    "S-1-5-18": "Local System",
    "S-1-5-19": "NT Authority",
    "S-1-5-2": "Network",
    "S-1-5-20": "NT Authority",
    "S-1-5-3": "Batch",
    "S-1-5-32-544": "Administrators",
    "S-1-5-32-545": "Users",
    "S-1-5-32-546": "Guests",
    "S-1-5-32-547": "Power Users",
    "S-1-5-32-548": "Account Operators",
    "S-1-5-32-549": "Server Operators",
    "S-1-5-32-550": "Print Operators",
    "S-1-5-32-551": "Backup Operators",
    "S-1-5-32-552": "Replicators",
    "S-1-5-32-554": "Builtin\\Pre-Windows 2000 Compatible Access",
    "S-1-5-32-555": "Builtin\\Remote Desktop Users",
    "S-1-5-32-556": "Builtin\\Network Configuration Operators",
    "S-1-5-32-557": "Builtin\\Incoming Forest Trust Builders",
    "S-1-5-32-558": "Builtin\\Performance Monitor Users",
    "S-1-5-32-559": "Builtin\\Performance Log Users",
    "S-1-5-32-560": "Builtin\\Windows Authorization Access Group",
    "S-1-5-32-561": "Builtin\\Terminal Server License Servers",
    "S-1-5-32-562": "Builtin\\Distributed COM Users",
    "S-1-5-32-569": "Builtin\\Cryptographic Operators",
    "S-1-5-32-573": "Builtin\\Event Log Readers",
    "S-1-5-32-574": "Builtin\\Certificate Service DCOM Access",
    "S-1-5-32-575": "Builtin\\RDS Remote Access Servers",
    "S-1-5-32-576": "Builtin\\RDS Endpoint Servers",
    "S-1-5-32-577": "Builtin\\RDS Management Servers",
    "S-1-5-32-578": "Builtin\\Hyper-V Administrators",
    "S-1-5-32-579": "Builtin\\Access Control Assistance Operators",
    "S-1-5-32-580": "Builtin\\Remote Management Users",
    "S-1-5-32-582": "Storage Replica Administrators",
    "S-1-5-4": "Interactive",
    "S-1-5-5-X-Y": "Logon Session",
    "S-1-5-6": "Service",
    "S-1-5-64-10": "NTLM Authentication",
    "S-1-5-64-14": "SChannel Authentication",
    "S-1-5-64-21": "Digest Authentication",
    "S-1-5-7": "Anonymous",
    "S-1-5-8": "Proxy",
    "S-1-5-80": "NT Service",
    "S-1-5-80-0": "All Services",
    "S-1-5-83-0": "NT Virtual Machine\\Virtual Machines",
    "S-1-5-9": "Enterprise Domain Controllers",
    "S-1-5-90-0": "Windows Manager\\Windows Manager Group",
}
ACE_TYPES = {
    "A": "Access Allowed",
    "D": "Access Denied",
    "OA": "Object Access Allowed",
    "OD": "Object Access Denied",
    "AU": "System Audit",
    "AL": "System Alarm",
    "OU": "System Object Audit",
    "OL": "System Object Alarm",
    "ML": "System Mandatory Label",
    "SP": "Central Policy ID",
}
DOMAIN_RIDS = {
    "498": "Enterprise Read-only Domain Controllers",
    "500": "Administrator",
    "501": "Guest",
    "502": "KRBTGT",
    "512": "Domain Admins",
    "513": "Domain Users",
    "514": "Domain Guests",
    "515": "Domain Computers",
    "516": "Domain Controllers",
    "517": "Cert Publishers",
    "518": "Schema Admins",
    "519": "Enterprise Admins",
    "520": "Group Policy Creator Owners",
    "521": "Read-only Domain Controllers",
    "522": "Cloneable Domain Controllers",
    "526": "Key Admins",
    "527": "Enterprise Key Admins",
    "553": "RAS and IAS Servers",
    "571": "Allowed RODC Password Replication Group",
    "572": "Denied RODC Password Replication Group",
}
PERMISSIONS = {
    "GA": "Generic All",
    "GR": "Generic Read",
    "GW": "Generic Write",
    "GX": "Generic Execute",
    "RC": "Read Permissions",
    "SD": "Delete",
    "WD": "Modify Permissions",
    "WO": "Modify Owner",
    "RP": "Read All Properties",
    "WP": "Write All Properties",
    "CC": "Create All Child Objects",
    "DC": "Delete All Child Objects",
    "LC": "List Contents",
    "SW": "All Validated",
    "LO": "List Object",
    "DT": "Delete Subtree",
    "CR": "All Extended Rights",
    "FA": "File All Access",
    "FR": "File Generic Read",
    "FX": "FILE GENERIC EXECUTE",
    "FW": "FILE GENERIC WRITE",
    "KA": "KEY ALL ACCESS",
    "KR": "KEY READ",
    "KW": "KEY WRITE",
    "KX": "KEY EXECUTE",
}
# PermsFlags in key order (see docs/ecs.md on params order). "0x4000000" is the
# pipeline's own value for Generic Write (bit 26, not bit 30), kept as it is.
PERMISSION_FLAGS: tuple[tuple[str, str], ...] = (
    ("0x00010000", "Delete"),
    ("0x00020000", "Read Control"),
    ("0x00040000", "Write DACL"),
    ("0x00080000", "Write Owner"),
    ("0x00100000", "Syncronize"),
    ("0x01000000", "Access System Security"),
    ("0x02000000", "Maximum Allowed"),
    ("0x10000000", "Generic All"),
    ("0x20000000", "Generic Execute"),
    ("0x4000000", "Generic Write"),
    ("0x80000000", "Generic Read"),
)
_PRIVILEGED_GRANTEES = ("Administrator", "Guest", "KRBTGT")
_SDDL_CODES = codes("4670 4817 4907 4908")
_RID = re.compile(r"[0-9]{1,5}$")
_OWNER = re.compile(r"^O\:[A-Z]{2}")
_GROUP = re.compile(r"^G\:[A-Z]{2}")
_DACL = re.compile(r"(D:([A-Z]*(\(.*\))*))")
_SACL = re.compile(r"(S:([A-Z]*(\(.*\))*))?$")
_ACE = re.compile(r"\([^*\)]*\)")
_PAIRS = re.compile(r".{1,2}")


def java_string(value: Any) -> str:
    """`String.valueOf` as string concatenation renders it (lists as `[a, b]`)."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    return str(value)


def translate_sid(sid: str) -> str | None:
    if sid in ACCOUNT_SIDS:
        return ACCOUNT_SIDS[sid]
    if sid.startswith("S-1-5-21"):
        rid = _RID.search(sid)
        if rid is not None:
            return DOMAIN_RIDS.get(rid.group(0))  # null for an ordinary account's RID
    return sid


def _permission_mask(mask: str) -> list[str | None]:
    value = long_decode(mask)
    names: list[str | None] = [
        name for flag, name in PERMISSION_FLAGS if value & long_decode(flag) == long_decode(flag)
    ]
    return names or [mask]


def _ace(text: str) -> tuple[str | None, str | None, list[str | None] | None]:
    parts = text.split(";")
    grantee = translate_sid(parts[5]) if len(parts) >= 6 else None
    ace_type = ACE_TYPES.get(parts[0])
    perms: list[str | None] | None = None
    if len(parts) >= 3:
        rights = parts[2]
        if rights.startswith("0x"):
            perms = _permission_mask(rights)
        else:
            perms = [PERMISSIONS.get(pair) for pair in _PAIRS.findall(rights)]
    return grantee, ace_type, perms


def _put_aces(fields: Doc, users: list[str], key: str, aces: list[str]) -> None:
    for index, ace in enumerate(aces):
        grantee, ace_type, perms = _ace(ace.replace("(", "").replace(")", ""))
        fields[f"{key}{index}"] = (
            f"{java_string(grantee)} :{java_string(ace_type)} ({java_string(perms)})"
        )
        if grantee in _PRIVILEGED_GRANTEES:
            users.append(grantee)


@dataclass(frozen=True, slots=True)
class Described:
    """What the script derives from one SDDL string: event_data fields in the order it
    writes them, the grantees it appends to related.user, and the error it stopped at
    (with the fields written before it, as Painless leaves them)."""

    fields: tuple[tuple[str, Any], ...]
    users: tuple[str, ...]
    error: str | None


@functools.lru_cache(maxsize=1024)
def describe(sddl: str, prefix: str) -> Described:
    """Cached per string: a log repeats the same few descriptors thousands of times
    (4907 alone is a fifth of the real logs), and parsing one costs ~20 us."""
    fields: Doc = {}
    users: list[str] = []
    try:
        _describe(fields, users, sddl, prefix)
    except PipelineError as error:
        return Described(tuple(fields.items()), tuple(users), str(error))
    return Described(tuple(fields.items()), tuple(users), None)


def _describe(fields: Doc, users: list[str], sddl: str, prefix: str) -> None:
    owner = _OWNER.search(sddl)
    if owner is not None:
        fields[prefix + "Owner"] = translate_sid(owner.group(0))
    group = _GROUP.search(sddl)
    if group is not None:
        fields[prefix + "Group"] = translate_sid(group.group(0))
    dacl = _DACL.search(sddl)
    if dacl is not None:
        _put_aces(fields, users, prefix + "Dacl", _ACE.findall(dacl.group(1)))
    sacl = _SACL.search(sddl)
    if sacl is not None:
        _put_aces(fields, users, prefix + "Sacl", _ACE.findall(sacl.group(0)))


def _enrich(doc: Doc, event_data: Doc, sddl: str, prefix: str) -> None:
    described = describe(sddl, prefix)
    # Values are strings or None, so the cached ones can be shared between documents.
    event_data.update(described.fields)
    for user in described.users:
        append_unique(doc, "related", "user", user)
    if described.error is not None:
        raise PipelineError(described.error)


def _sid_list(event_data: Doc, sids: str) -> None:
    items = sids.split(" ")
    event_data["SidList"] = items
    cleaned = (s.replace("%", "").replace("{", "").replace("}", "").replace(" ", "") for s in items)
    event_data["SidListDesc"] = [translate_sid(sid) for sid in cleaned]


def remote_ids(doc: Doc, code: str, event_data: Doc) -> None:
    """RemoteMachineID / RemoteUserID -> descriptions (every event that has them)."""
    for source, target in (
        ("RemoteMachineID", "RemoteMachineDescription"),
        ("RemoteUserID", "RemoteUserDescription"),
    ):
        value = event_data.get(source)
        if value is not None:
            # The script stores null for an unknown SID; absent and null are alike to EQL.
            described = ACCOUNT_SIDS.get(value) if isinstance(value, str) else None
            if described is not None:
                event_data[target] = described


def object_policy(doc: Doc, code: str, event_data: Doc) -> None:
    """4670/4817/4907/4908: describe OldSd, NewSd and SidList."""
    for field in ("OldSd", "NewSd"):
        value = event_data.get(field)
        if value is not None:
            if not isinstance(value, str):
                raise PipelineError(f"cannot match a regular expression against {field}")
            _enrich(doc, event_data, value, field)
    sids = event_data.get("SidList")
    if isinstance(sids, str):
        _sid_list(event_data, sids)


PROCESSORS: tuple[Processor, ...] = (
    needing("RemoteMachineID", "RemoteUserID")(remote_ids),
    Processor(object_policy, _SDDL_CODES, ("OldSd", "NewSd", "SidList")),
)
