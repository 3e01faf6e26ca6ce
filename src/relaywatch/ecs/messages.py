"""Part of the msobjs.dll message table the pipeline uses to decode `%%NNNN` codes.

The "Decode message table" script of `security_standard.yml` (elastic/integrations)
replaces codes in FailureReason, AccessList, AccessMask, AuditPolicyChanges,
Direction and LayerName by their descriptions, and falls back to the bare code when
a code is not in its table. The whole `descriptions` table of the pipeline (read at
0061d8d4) is here, written as ranges: most object types have 16 access bits, the
unnamed ones "Undefined Access (no effect) Bit N".
"""

from __future__ import annotations

from relaywatch.ecs.tables import SECURITY_TASK_NAMES

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

_CRYPTO = {
    2432: "Not Available.",
    2436: "Random number generator failure.",
    2437: "Random number generation failed FIPS-140 pre-hash check.",
    2438: "Failed to zero secret data.",
    2439: "Key failed pair wise consistency check.",
    2448: "Failed to unprotect persistent cryptographic key.",
    2449: "Key export checks failed.",
    2450: "Validation of public key failed.",
    2451: "Signature verification failed.",
    2456: "Open key file.",
    2457: "Delete key file.",
    2458: "Read persisted key from file.",
    2459: "Write persisted key to file.",
    2464: "Export of persistent cryptographic key.",
    2465: "Import of persistent cryptographic key.",
}
_CRYPTO_OPERATIONS = (
    "Open Key.",
    "Create Key.",
    "Delete Key.",
    "Encrypt.",
    "Decrypt.",
    "Sign hash.",
    "Secret agreement.",
    "Domain settings",
    "Local settings",
    "Add provider.",
    "Remove provider.",
    "Add context.",
    "Remove context.",
    "Add function.",
    "Remove function.",
    "Add function provider.",
    "Remove function provider.",
    "Add function property.",
    "Remove function property.",
    "Machine key.",
    "User key.",
    "Key Derivation.",
)
_SAM_USER = (
    "ReadGeneralInformation",
    "ReadPreferences",
    "WritePreferences",
    "ReadLogon",
    "ReadAccount",
    "WriteAccount",
    "ChangePassword (with knowledge of old password)",
    "SetPassword (without knowledge of old password)",
    "ListGroups",
    "ReadGroupMembership",
    "ChangeGroupMembership",
)
_LSA_POLICY = (
    "View non-sensitive policy information",
    "View system audit requirements",
    "Get sensitive policy information",
    "Modify domain trust relationships",
    "Create special accounts (for assignment of user rights)",
    "Create a secret object",
    "Create a privilege",
    "Set default quota limits",
    "Change system audit requirements",
    "Administer audit log attributes",
    "Enable/Disable LSA",
    "Lookup Names/SIDs",
)
_LSA_TRUST = (
    "Query trusted domain name/SID",
    "Retrieve the controllers in the trusted domain",
    "Change the controllers in the trusted domain",
    "Query the Posix ID offset assigned to the trusted domain",
    "Change the Posix ID offset assigned to the trusted domain",
)
_LSA_ACCOUNT = (
    "Query account information",
    "Change privileges assigned to account",
    "Change quotas assigned to account",
    "Change logon capabilities assigned to account",
    "Change the Posix ID offset assigned to the accounted domain",
)
_WINDOW_STATION = (
    "Enumerate desktops",
    "Read attributes",
    "Access Clipboard",
    "Create desktop",
    "Write attributes",
    "Access global atoms",
    "Exit windows",
    "Unused Access Flag",
    "Include this windowstation in enumerations",
    "Read screen",
)
_DESKTOP = (
    "Read Objects",
    "Create window",
    "Create menu",
    "Hook control",
    "Journal (record)",
    "Journal (playback)",
    "Include this desktop in enumerations",
    "Write objects",
    "Switch to this desktop",
)
_SERVICE_MANAGER = (
    "Connect to service controller",
    "Create a new service",
    "Enumerate services",
    "Lock service database for exclusive access",
    "Query service database lock state",
    "Set last-known-good state of service database",
)
_SERVICE = (
    "Query service configuration information",
    "Set service configuration information",
    "Query status of service",
    "Enumerate dependencies of service",
    "Start the service",
    "Stop the service",
    "Pause or continue the service",
    "Query information from service",
    "Issue service-specific control commands",
)
_DDE_SHARE = tuple(
    f"DDE Share {name}"
    for name in (
        "Read",
        "Write",
        "Initiate Static",
        "Initiate Link",
        "Request",
        "Advise",
        "Poke",
        "Execute",
        "Add Items",
        "List Items",
    )
)
_DIRECTORY_OBJECT = (
    "Create Child",
    "Delete Child",
    "List Contents",
    "Write Self",
    "Read Property",
    "Write Property",
    "Delete Tree",
    "List Object",
    "Control Access",
)
_AUDIT_API = (
    "Audit Set System Policy",
    "Audit Query System Policy",
    "Audit Set Per User Policy",
    "Audit Query Per User Policy",
    "Audit Enumerate Users",
    "Audit Set Options",
    "Audit Query Options",
)
_IPSEC = (
    "Kerberos",
    "Preshared key",
    "Unknown authentication",
    "DES",
    "3DES",
    "MD5",
    "SHA1",
    "Local computer",
    "Remote computer",
    "No state",
    "Sent first (SA) payload",
    "Sent second (KE) payload",
    "Sent third (ID) payload",
    "Initiator",
    "Responder",
    "No state",
    "Sent first (SA) payload",
    "Sent final payload",
    "Complete",
    "Unknown",
    "Transport",
    "Tunnel",
    "IKE/AuthIP DoS prevention mode started",
    "IKE/AuthIP DoS prevention mode stopped",
    "Enabled",
    "Not enabled",
    "No state",
    "Sent first (EM attributes) payload",
    "Sent second (SSPI) payload",
    "Sent third (hash) payload",
    "IKEv1",
    "AuthIP",
    "Anonymous",
    "NTLM V2",
    "CGA",
    "Certificate",
    "SSL",
    "None",
    "DH group 1",
    "DH group 2",
    "DH group 14",
    "DH group ECP 256",
    "DH group ECP 384",
    "AES-128",
    "AES-192",
    "AES-256",
    "Certificate ECDSA P256",
    "Certificate ECDSA P384",
    "SSL ECDSA P256",
    "SSL ECDSA P384",
    "SHA 256",
    "SHA 384",
    "IKEv2",
    "EAP payload sent",
    "Authentication payload sent",
    "EAP",
    "DH group 24",
)
_AUDIT_CATEGORIES = (
    "System",
    "Logon/Logoff",
    "Object Access",
    "Privilege Use",
    "Detailed Tracking",
    "Policy Change",
    "Account Management",
    "DS Access",
    "Account Logon",
)
_AUDIT_CHANGES = tuple(
    f"{kind} {change}"
    for kind in ("Success", "Failure")
    for change in (
        "removed",
        "Added",
        "include removed",
        "include added",
        "exclude removed",
        "exclude added",
    )
)
# 8448-8459 run Success removed/Added, Failure removed/Added, then the include/exclude
# pairs of both: reorder the product above into the message file's order.
_AUDIT_CHANGES = (
    _AUDIT_CHANGES[0],
    _AUDIT_CHANGES[1],
    _AUDIT_CHANGES[6],
    _AUDIT_CHANGES[7],
    *_AUDIT_CHANGES[2:6],
    *_AUDIT_CHANGES[8:12],
)
_WFP = {
    14592: "Inbound",
    14593: "Outbound",
    14594: "Forward",
    14595: "Bidirectional",
    14596: "IP Packet",
    14597: "Transport",
    14598: "Forward",
    14599: "Stream",
    14600: "Datagram Data",
    14601: "ICMP Error",
    14602: "MAC 802.3",
    14603: "MAC Native",
    14604: "vSwitch",
    14608: "Resource Assignment",
    14609: "Listen",
    14610: "Receive/Accept",
    14611: "Connect",
    14612: "Flow Established",
    14614: "Resource Release",
    14615: "Endpoint Closure",
    14616: "Connect Redirect",
    14617: "Bind Redirect",
    14624: "Stream Packet",
    14640: "ICMP Echo-Request",
    14641: "vSwitch Ingress",
    14642: "vSwitch Egress",
    14672: "<Binary>",
    14673: "[NULL]",
    14674: "Value Added",
    14675: "Value Deleted",
    14676: "Active Directory Domain Services",
    14677: "Active Directory Lightweight Directory Services",
    14678: "Yes",
    14679: "No",
    14680: "Value Added With Expiration Time",
    14681: "Value Deleted With Expiration Time",
    14688: "Value Auto Deleted With Expiration Time",
}
_FILTER_AND_CIPHERS = (
    "Add",
    "Delete",
    "Boot-time",
    "Persistent",
    "Not persistent",
    "Block",
    "Permit",
    "Callout",
    "MD5",
    "SHA-1",
    "SHA-256",
    "AES-GCM 128",
    "AES-GCM 192",
    "AES-GCM 256",
    "DES",
    "3DES",
    "AES-128",
    "AES-192",
    "AES-256",
    "Transport",
    "Tunnel",
    "Responder",
    "Initiator",
    "AES-GMAC 128",
    "AES-GMAC 192",
    "AES-GMAC 256",
)
_WMI = (
    "Enable WMI Account",
    "Execute Method",
    "Full Write",
    "Partial Write",
    "Provider Write",
    "Remote Access",
    "Subscribe",
    "Publish",
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
    **{str(code): text for code, text in _CRYPTO.items()},
    **_named(2480, _CRYPTO_OPERATIONS),
    **_block(5424, ("AddMember", "RemoveMember", "ListMembers", "ReadInformation", "WriteAccount")),
    **_block(5440, _SAM_USER),
    **_named(5632, _LSA_POLICY),
    **_block(5648, ("Change secret value", "Query secret value")),
    **_block(5664, _LSA_TRUST),
    **_block(5680, _LSA_ACCOUNT),
    **_block(5696, ("KeyedEvent Wait", "KeyedEvent Wake")),
    **_named(6656, _WINDOW_STATION),
    **_named(6672, _DESKTOP),
    "6912": "Administer print server",
    "6913": "Enumerate printers",
    "6930": "Full Control",
    "6931": "Print",
    "6948": "Administer Document",
    **_named(7168, _SERVICE_MANAGER),
    **_named(7184, _SERVICE),
    **_named(7424, _DDE_SHARE),
    **_block(7680, _DIRECTORY_OBJECT),
    **_named(7936, _AUDIT_API),
    **_named(8064, ("Port sharing (read)", "Port sharing (write)")),
    **_named(8096, ("Default credentials", "Credentials manager", "Fresh credentials")),
    **_named(8192, _IPSEC),
    **_named(8272, _AUDIT_CATEGORIES),
    **_named(8448, _AUDIT_CHANGES),
    # Audit subcategory names, the same as the Security-Auditing task names, except
    # that this table has no trailing blank after "Filtering Platform Connection".
    **{str(code): name for code, name in SECURITY_TASK_NAMES.items()},
    **{str(code): text for code, text in _WFP.items()},
    **_named(16384, _FILTER_AND_CIPHERS),
    "16416": "AuthNoEncap Transport",
    **_named(16896, _WMI),
}

# The script's `reversed_descriptions` (description -> codes) resolves an AccessMask
# entry written as a description; only descriptions with a single code are kept,
# because the order of the pipeline's multi-code lists is not reproducible.
_BY_TEXT: dict[str, list[str]] = {}
for _code, _text in DESCRIPTIONS.items():
    _BY_TEXT.setdefault(_text, []).append(_code)
REVERSED: dict[str, str] = {text: codes[0] for text, codes in _BY_TEXT.items() if len(codes) == 1}
