"""Part of the msobjs.dll message table the pipeline uses to decode `%%NNNN` codes.

The "Decode message table" script of `security_standard.yml` (elastic/integrations)
replaces codes in FailureReason, AccessList, AccessMask, AuditPolicyChanges,
Direction and LayerName by their descriptions, and falls back to the bare code when
a code is not in its table. This module holds the generic, file, registry, process,
thread, token, SAM, logon-failure and account-control ranges (the codes Security
events about logons and share access carry); codes outside it fall back to the bare
code exactly as the pipeline does for codes it does not know. `docs/ecs.md` records
which ranges are missing.
"""

from __future__ import annotations

_UNDEFINED = "Undefined Access (no effect) Bit {}"


def _block(base: int, names: tuple[str, ...], skip: tuple[int, ...] = ()) -> dict[str, str]:
    """One object type's 16 access bits: named bits first, the rest 'Undefined'."""
    out = {str(base + bit): name for bit, name in enumerate(names)}
    for bit in range(len(names), 16):
        if bit not in skip:
            out[str(base + bit)] = _UNDEFINED.format(bit)
    return out


def _named(base: int, names: tuple[str, ...]) -> dict[str, str]:
    return {str(base + i): name for i, name in enumerate(names)}


_PRIVILEGES = (
    "Assign Primary Token Privilege",
    "Lock Memory Privilege",
    "Increase Memory Quota Privilege",
    "Unsolicited Input Privilege",
    "Trusted Computer Base Privilege",
    "Security Privilege",
    "Take Ownership Privilege",
    "Load/Unload Driver Privilege",
    "Profile System Privilege",
    "Set System Time Privilege",
    "Profile Single Process Privilege",
    "Increment Base Priority Privilege",
    "Create Pagefile Privilege",
    "Create Permanent Object Privilege",
    "Backup Privilege",
    "Restore From Backup Privilege",
    "Shutdown System Privilege",
    "Debug Privilege",
    "View or Change Audit Log Privilege",
    "Change Hardware Environment Privilege",
    "Change Notify (and Traverse) Privilege",
    "Remotely Shut System Down Privilege",
)

_MISC_1792 = (
    "<value changed",
    "<value not set>",
    "<never>",
    "Enabled",
    "Disabled",
    "All",
    "None",
    "Audit Policy query/set API Operation",
    "<Value change auditing for this registry type is not supported>",
    "Granted by",
    "Denied by",
    "Denied by Integrity Policy check",
    "Granted by Ownership",
    "Not granted",
    "Granted by NULL DACL",
    "Denied by Empty DACL",
    "Granted by NULL Security Descriptor",
    "Unknown or unchecked",
    "Not granted due to missing",
    "Granted by ACE on parent folder",
    "Denied by ACE on parent folder",
    "Granted by Central Access Rule",
    "NOT Granted by Central Access Rule",
    "Granted by parent folder's Central Access Rule",
    "NOT Granted by parent folder's Central Access Rule",
    "Unknown Type",
    "String",
    "Unsigned 64-bit Integer",
    "64-bit Integer",
    "FQBN",
    "Blob",
    "Sid",
    "Boolean",
    "TRUE",
    "FALSE",
    "Invalid",
    "an ACE too long to display",
    "a Security Descriptor too long to display",
    "Not granted to AppContainers",
    "...",
    "Identification",
    "Impersonation",
)
_MISC_1840 = (
    "Delegation",
    "Denied by Process Trust Label ACE",
    "Yes",
    "No",
    "System",
    "Not Available",
    "Default",
    "DisallowMmConfig",
    "Off",
    "Auto",
)
_REG_TYPES = (
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ (New lines are replaced with *. A * is replaced with **)",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
)
_UAC_BITS = (
    "Home Directory Required",
    "Password Not Required",
    "Temp Duplicate Account",
    "Normal Account",
    "MNS Logon Account",
    "Interdomain Trust Account",
    "Workstation Trust Account",
    "Server Trust Account",
    "Don't Expire Password",
    None,
    "Encrypted Text Password Allowed",
    "Smartcard Required",
    "Trusted For Delegation",
    "Not Delegated",
    "Use DES Key Only",
    "Don't Require Preauth",
    "Password Expired",
    "Trusted To Authenticate For Delegation",
    "Exclude Authorization Information",
    "Undefined UserAccountControl Bit 20",
    "Protect Kerberos Service Tickets with AES Keys",
    *(f"Undefined UserAccountControl Bit {bit}" for bit in range(22, 32)),
)


def _uac_messages() -> dict[str, str]:
    # 2048 + bit: the flag was cleared; 2080 + bit: it was set. Bit 0 and bit 10 have
    # their own wording (account enabled/disabled, unlocked/locked).
    out = {"2048": "Account Enabled", "2080": "Account Disabled"}
    out |= {"2058": "Account Unlocked", "2090": "Account Locked"}
    for bit, name in enumerate(_UAC_BITS, start=1):
        if name is not None:
            out[str(2048 + bit)] = f"{name}' - Disabled"
            out[str(2080 + bit)] = f"{name}' - Enabled"
    return out


_LOGON_FAILURES = (
    "An Error occured during Logon.",
    "The specified user account has expired.",
    "The NetLogon component is not active.",
    "Account locked out.",
    "The user has not been granted the requested logon type at this machine.",
    "The specified account's password has expired.",
    "Account currently disabled.",
    "Account logon time restriction violation.",
    "User not allowed to logon at this computer.",
    "Unknown user name or bad password.",
    "Domain sid inconsistent.",
    "Smartcard logon is required and was not used.",
)

DESCRIPTIONS: dict[str, str] = {
    "279": _UNDEFINED.format(7),
    **_named(
        1536,
        (
            "Unused message ID",
            "DELETE",
            "READ_CONTROL",
            "WRITE_DAC",
            "WRITE_OWNER",
            "SYNCHRONIZE",
            "ACCESS_SYS_SEC",
            "MAX_ALLOWED",
        ),
    ),
    **{str(1552 + bit): f"Unknown specific access (bit {bit})" for bit in range(16)},
    "1601": "Not used",
    **_named(1603, _PRIVILEGES),
    **_named(1792, _MISC_1792),
    **_named(1840, _MISC_1840),
    **_named(1872, _REG_TYPES),
    **_named(
        1904,
        (
            "New registry value created",
            "Existing registry value modified",
            "Registry value deleted",
        ),
    ),
    **_named(1920, ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")),
    **_named(
        1936,
        (
            "TokenElevationTypeDefault (1)",
            "TokenElevationTypeFull (2)",
            "TokenElevationTypeLimited (3)",
        ),
    ),
    **_uac_messages(),
    **_named(2304, _LOGON_FAILURES),
    **_block(4352, tuple(f"Device Access Bit {bit}" for bit in range(9))),
    **_block(
        4368, ("Query directory", "Traverse", "Create object in directory", "Create sub-directory")
    ),
    **_block(4384, ("Query event state", "Modify event state")),
    **_block(
        4416,
        (
            "ReadData (or ListDirectory)",
            "WriteData (or AddFile)",
            "AppendData (or AddSubdirectory or CreatePipeInstance)",
            "ReadEA",
            "WriteEA",
            "Execute/Traverse",
            "DeleteChild",
            "ReadAttributes",
            "WriteAttributes",
        ),
    ),
    **_block(
        4432,
        (
            "Query key value",
            "Set key value",
            "Create sub-key",
            "Enumerate sub-keys",
            "Notify about changes to keys",
            "Create Link",
            _UNDEFINED.format(6),
            _UNDEFINED.format(7),
            "Enable 64(or 32) bit application to open 64 bit key",
            "Enable 64(or 32) bit application to open 32 bit key",
        ),
    ),
    **_block(4448, ("Query mutant state",)),
    **_block(4464, ("Communicate using port",)),
    **_block(
        4480,
        (
            "Force process termination",
            "Create new thread in process",
            "Set process session ID",
            "Perform virtual memory operation",
            "Read from process memory",
            "Write to process memory",
            "Duplicate handle into or out of process",
            "Create a subprocess of process",
            "Set process quotas",
            "Set process information",
            "Query process information",
            "Set process termination port",
        ),
    ),
    **_block(4496, ("Control profile",)),
    **_block(
        4512,
        (
            "Query section state",
            "Map section for write",
            "Map section for read",
            "Map section for execute",
            "Extend size",
        ),
    ),
    **_block(4528, ("Query semaphore state", "Modify semaphore state")),
    **_block(4544, ("Use symbolic link",)),
    **_block(
        4560,
        (
            "Force thread termination",
            "Suspend or resume thread",
            "Send an alert to thread",
            "Get thread context",
            "Set thread context",
            "Set thread information",
            "Query thread information",
            "Assign a token to the thread",
            "Cause thread to directly impersonate another thread",
            "Directly impersonate this thread",
        ),
    ),
    # The pipeline's table has no entry for 4583 (timer, bit 7).
    **_block(4576, ("Query timer state", "Modify timer state"), skip=(7,)),
    **_block(
        4592,
        (
            "AssignAsPrimary",
            "Duplicate",
            "Impersonate",
            "Query",
            "QuerySource",
            "AdjustPrivileges",
            "AdjustGroups",
            "AdjustDefaultDacl",
            "AdjustSessionID",
        ),
    ),
    **_block(4608, ("Create instance of object type",)),
    **_named(4864, ("Query State", "Modify State")),
    **_block(
        5120,
        (
            "Channel read message",
            "Channel write message",
            "Channel query information",
            "Channel set information",
        ),
    ),
    **_block(
        5136,
        (
            "Assign process",
            "Set Attributes",
            "Query Attributes",
            "Terminate Job",
            "Set Security Attributes",
        ),
    ),
    **_block(
        5376,
        (
            "ConnectToServer",
            "ShutdownServer",
            "InitializeServer",
            "CreateDomain",
            "EnumerateDomains",
            "LookupDomain",
        ),
    ),
    **_block(
        5392,
        (
            "ReadPasswordParameters",
            "WritePasswordParameters",
            "ReadOtherParameters",
            "WriteOtherParameters",
            "CreateUser",
            "CreateGlobalGroup",
            "CreateLocalGroup",
            "GetLocalGroupMembership",
            "ListAccounts",
            "LookupIDs",
            "AdministerServer",
        ),
    ),
    **_block(5408, ("ReadInformation", "WriteAccount", "AddMember", "RemoveMember", "ListMembers")),
}
