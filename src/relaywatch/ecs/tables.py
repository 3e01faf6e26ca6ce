"""Lookup tables of the Windows Security pipeline and of Winlogbeat, as data.

Sources (elastic/integrations `security_standard.yml`, elastic/beats
`winlogbeat/sys/winevent/winmeta.go`) are cited per table; `docs/ecs.md` lists what
is partial. Keys are compared exactly as the pipeline compares them (Painless map
lookups are case-sensitive, so `"0x1A"` and `"0x1a"` are different keys).
"""

from __future__ import annotations

# -- Winlogbeat (winmeta.go defaultWinMeta) ------------------------------------------

KEYWORD_BITS: tuple[tuple[int, str], ...] = (
    (0x1000000000000, "Response Time"),
    (0x4000000000000, "WDI Diag"),
    (0x8000000000000, "SQM"),
    (0x10000000000000, "Audit Failure"),
    (0x20000000000000, "Audit Success"),
    (0x40000000000000, "Correlation Hint"),
    (0x80000000000000, "Classic"),
)
AUDIT_FAILURE = 0x10000000000000
AUDIT_SUCCESS = 0x20000000000000

OPCODE_NAMES: dict[int, str] = {
    0: "Info",
    1: "Start",
    2: "Stop",
    3: "DCStart",
    4: "DCStop",
    5: "Extension",
    6: "Reply",
    7: "Resume",
    8: "Suspend",
    9: "Send",
}

# Winlogbeat lower-cases the level name into log.level; 0 is "Log Always", which Event
# Viewer (and winmeta) shows as Information.
LEVEL_NAMES: dict[int, str] = {
    0: "information",
    1: "critical",
    2: "error",
    3: "warning",
    4: "information",
    5: "verbose",
}

# Task (audit subcategory) names of Microsoft-Windows-Security-Auditing, which
# Winlogbeat renders from the publisher metadata into winlog.task and event.action.
# An offline .evtx has only the number; these are the provider's own names.
SECURITY_TASK_NAMES: dict[int, str] = {
    12288: "Security State Change",
    12289: "Security System Extension",
    12290: "System Integrity",
    12291: "IPsec Driver",
    12292: "Other System Events",
    12544: "Logon",
    12545: "Logoff",
    12546: "Account Lockout",
    12547: "IPsec Main Mode",
    12548: "Special Logon",
    12549: "IPsec Quick Mode",
    12550: "IPsec Extended Mode",
    12551: "Other Logon/Logoff Events",
    12552: "Network Policy Server",
    12553: "User / Device Claims",
    12554: "Group Membership",
    12800: "File System",
    12801: "Registry",
    12802: "Kernel Object",
    12803: "SAM",
    12804: "Other Object Access Events",
    12805: "Certification Services",
    12806: "Application Generated",
    12807: "Handle Manipulation",
    12808: "File Share",
    12809: "Filtering Platform Packet Drop",
    12810: "Filtering Platform Connection",
    12811: "Detailed File Share",
    12812: "Removable Storage",
    12813: "Central Policy Staging",
    13056: "Sensitive Privilege Use",
    13057: "Non Sensitive Privilege Use",
    13058: "Other Privilege Use Events",
    13312: "Process Creation",
    13313: "Process Termination",
    13314: "DPAPI Activity",
    13315: "RPC Events",
    13316: "Plug and Play Events",
    13317: "Token Right Adjusted Events",
    13568: "Audit Policy Change",
    13569: "Authentication Policy Change",
    13570: "Authorization Policy Change",
    13571: "MPSSVC Rule-Level Policy Change",
    13572: "Filtering Platform Policy Change",
    13573: "Other Policy Change Events",
    13824: "User Account Management",
    13825: "Computer Account Management",
    13826: "Security Group Management",
    13827: "Distribution Group Management",
    13828: "Application Group Management",
    13829: "Other Account Management Events",
    14080: "Directory Service Access",
    14081: "Directory Service Changes",
    14082: "Directory Service Replication",
    14083: "Detailed Directory Service Replication",
    14336: "Credential Validation",
    14337: "Kerberos Service Ticket Operations",
    14338: "Other Account Logon Events",
    14339: "Kerberos Authentication Service",
}
TASK_NAMES: dict[str, dict[int, str]] = {
    "Microsoft-Windows-Security-Auditing": SECURITY_TASK_NAMES,
}

# -- security_standard.yml -------------------------------------------------------------

LOGON_TYPES: dict[str, str] = {
    "2": "Interactive",
    "3": "Network",
    "4": "Batch",
    "5": "Service",
    "7": "Unlock",
    "8": "NetworkCleartext",
    "9": "NewCredentials",
    "10": "RemoteInteractive",
    "11": "CachedInteractive",
}

# "Set User Account Control" (NewUacValue bits -> NewUACList).
UAC_FLAGS: tuple[tuple[int, str], ...] = (
    (0x00000001, "USER_ACCOUNT_DISABLED"),
    (0x00000002, "USER_HOME_DIRECTORY_REQUIRED"),
    (0x00000004, "USER_PASSWORD_NOT_REQUIRED"),
    (0x00000008, "USER_TEMP_DUPLICATE_ACCOUNT"),
    (0x00000010, "USER_NORMAL_ACCOUNT"),
    (0x00000020, "USER_MNS_LOGON_ACCOUNT"),
    (0x00000040, "USER_INTERDOMAIN_TRUST_ACCOUNT"),
    (0x00000080, "USER_WORKSTATION_TRUST_ACCOUNT"),
    (0x00000100, "USER_SERVER_TRUST_ACCOUNT"),
    (0x00000200, "USER_DONT_EXPIRE_PASSWORD"),
    (0x00000400, "USER_ACCOUNT_AUTO_LOCKED"),
    (0x00000800, "USER_ENCRYPTED_TEXT_PASSWORD_ALLOWED"),
    (0x00001000, "USER_SMARTCARD_REQUIRED"),
    (0x00002000, "USER_TRUSTED_FOR_DELEGATION"),
    (0x00004000, "USER_NOT_DELEGATED"),
    (0x00008000, "USER_USE_DES_KEY_ONLY"),
    (0x00010000, "USER_DONT_REQUIRE_PREAUTH"),
    (0x00020000, "USER_PASSWORD_EXPIRED"),
    (0x00040000, "USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION"),
    (0x00080000, "USER_NO_AUTH_DATA_REQUIRED"),
    (0x00100000, "USER_PARTIAL_SECRETS_ACCOUNT"),
    (0x00200000, "USER_USE_AES_KEYS"),
)

# "Set Kerberos Ticket Options". Listed in ascending bit order, which is the order the
# Elastic goldens show (security-windows2012_4768: Renewable-ok, Name-canonicalize,
# Renewable, Forwardable).
TICKET_OPTIONS: tuple[tuple[int, str], ...] = (
    (0x00000001, "Validate"),
    (0x00000002, "Renew"),
    (0x00000008, "Enc-tkt-in-skey"),
    (0x00000010, "Renewable-ok"),
    (0x00000020, "Disable-transited-check"),
    (0x00010000, "Name-canonicalize"),
    (0x00020000, "Request-anonymous"),
    (0x00040000, "Ok-as-delegate"),
    (0x00080000, "Transited-policy-checked"),
    (0x00100000, "Opt-hardware-auth"),
    (0x00200000, "Pre-authent"),
    (0x00400000, "Initial"),
    (0x00800000, "Renewable"),
    (0x01000000, "Invalid"),
    (0x02000000, "Postdated"),
    (0x04000000, "Allow-postdate"),
    (0x08000000, "Proxy"),
    (0x10000000, "Proxiable"),
    (0x20000000, "Forwarded"),
    (0x40000000, "Forwardable"),
)

# "Set Kerberos Encryption Types": looked up with the lower-cased value.
ENCRYPTION_TYPES: dict[str, str] = {
    "0x1": "DES-CBC-CRC",
    "0x3": "DES-CBC-MD5",
    "0x11": "AES128-CTS-HMAC-SHA1-96",
    "0x12": "AES256-CTS-HMAC-SHA1-96",
    "0x17": "RC4-HMAC",
    "0x18": "RC4-HMAC-EXP",
    "0xffffffff": "FAIL",
}

# "Set Kerberos Ticket Status Codes" (4768-4771); keys verbatim, case-sensitive.
_KDC_NAMES = [
    "KDC_ERR_NONE",
    "KDC_ERR_NAME_EXP",
    "KDC_ERR_SERVICE_EXP",
    "KDC_ERR_BAD_PVNO",
    "KDC_ERR_C_OLD_MAST_KVNO",
    "KDC_ERR_S_OLD_MAST_KVNO",
    "KDC_ERR_C_PRINCIPAL_UNKNOWN",
    "KDC_ERR_S_PRINCIPAL_UNKNOWN",
    "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
    "KDC_ERR_NULL_KEY",
    "KDC_ERR_CANNOT_POSTDATE",
    "KDC_ERR_NEVER_VALID",
    "KDC_ERR_POLICY",
    "KDC_ERR_BADOPTION",
    "KDC_ERR_ETYPE_NOTSUPP",
    "KDC_ERR_SUMTYPE_NOSUPP",
    "KDC_ERR_PADATA_TYPE_NOSUPP",
    "KDC_ERR_TRTYPE_NO_SUPP",
    "KDC_ERR_CLIENT_REVOKED",
    "KDC_ERR_SERVICE_REVOKED",
    "KDC_ERR_TGT_REVOKED",
    "KDC_ERR_CLIENT_NOTYET",
    "KDC_ERR_SERVICE_NOTYET",
    "KDC_ERR_KEY_EXPIRED",
    "KDC_ERR_PREAUTH_FAILED",
    "KDC_ERR_PREAUTH_REQUIRED",
    "KDC_ERR_SERVER_NOMATCH",
    "KDC_ERR_MUST_USE_USER2USER",
]
_KRB_NAMES = [
    "KRB_AP_ERR_BAD_INTEGRITY",
    "KRB_AP_ERR_TKT_EXPIRED",
    "KRB_AP_ERR_TKT_NYV",
    "KRB_AP_ERR_REPEAT",
    "KRB_AP_ERR_NOT_US",
    "KRB_AP_ERR_BADMATCH",
    "KRB_AP_ERR_SKEW",
    "KRB_AP_ERR_BADADDR",
    "KRB_AP_ERR_BADVERSION",
    "KRB_AP_ERR_MSG_TYPE",
    "KRB_AP_ERR_MODIFIED",
    "KRB_AP_ERR_BADORDER",
]
_KRB_NAMES_2 = [
    "KRB_AP_ERR_BADKEYVER",
    "KRB_AP_ERR_NOKEY",
    "KRB_AP_ERR_MUT_FAIL",
    "KRB_AP_ERR_BADDIRECTION",
    "KRB_AP_ERR_METHOD",
    "KRB_AP_ERR_BADSEQ",
    "KRB_AP_ERR_INAPP_CKSUM",
    "KRB_AP_PATH_NOT_ACCEPTED",
    "KRB_ERR_RESPONSE_TOO_BIG",
]
_KRB_NAMES_3 = [
    "KRB_ERR_GENERIC",
    "KRB_ERR_FIELD_TOOLONG",
    "KDC_ERR_CLIENT_NOT_TRUSTED",
    "KDC_ERR_KDC_NOT_TRUSTED",
    "KDC_ERR_INVALID_SIG",
    "KDC_ERR_KEY_TOO_WEAK",
    "KRB_AP_ERR_USER_TO_USER_REQUIRED",
    "KRB_AP_ERR_NO_TGT",
    "KDC_ERR_WRONG_REALM",
]


def _hex_keys(start: int, names: list[str]) -> dict[str, str]:
    # The pipeline spells these keys as "0x" + upper-case hex without padding.
    return {f"0x{start + i:X}": name for i, name in enumerate(names)}


KERBEROS_STATUS: dict[str, str] = {
    **_hex_keys(0x0, _KDC_NAMES),
    **_hex_keys(0x1F, _KRB_NAMES),
    **_hex_keys(0x2C, _KRB_NAMES_2),
    **_hex_keys(0x3C, _KRB_NAMES_3),
}

SERVICE_TYPES: dict[str, str] = {
    "0x1": "Kernel Driver",
    "0x2": "File System Driver",
    "0x8": "Recognizer Driver",
    "0x10": "Win32 Own Process",
    "0x20": "Win32 Share Process",
    "0x110": "Interactive Own Process",
    "0x120": "Interactive Share Process",
}

# "Set Audit Information": SubcategoryGuid (upper-case, no braces) -> (SubCategory,
# Category). The GUIDs differ only in their first group: 0CCE92xx-69AE-11D9-BED3-505054503030.
_AUDIT_SUBCATEGORIES: dict[int, tuple[str, str]] = {
    0x10: ("Security State Change", "System"),
    0x11: ("Security System Extension", "System"),
    0x12: ("System Integrity", "System"),
    0x13: ("IPsec Driver", "System"),
    0x14: ("Other System Events", "System"),
    0x15: ("Logon", "Logon/Logoff"),
    0x16: ("Logoff", "Logon/Logoff"),
    0x17: ("Account Lockout", "Logon/Logoff"),
    0x18: ("IPsec Main Mode", "Logon/Logoff"),
    0x19: ("IPsec Quick Mode", "Logon/Logoff"),
    0x1A: ("IPsec Extended Mode", "Logon/Logoff"),
    0x1B: ("Special Logon", "Logon/Logoff"),
    0x1C: ("Other Logon/Logoff Events", "Logon/Logoff"),
    0x43: ("Network Policy Server", "Logon/Logoff"),
    0x47: ("User / Device Claims", "Logon/Logoff"),
    0x49: ("Group Membership", "Logon/Logoff"),
    0x1D: ("File System", "Object Access"),
    0x1E: ("Registry", "Object Access"),
    0x1F: ("Kernel Object", "Object Access"),
    0x20: ("SAM", "Object Access"),
    0x21: ("Certification Services", "Object Access"),
    0x22: ("Application Generated", "Object Access"),
    0x23: ("Handle Manipulation", "Object Access"),
    0x24: ("File Share", "Object Access"),
    0x25: ("Filtering Platform Packet Drop", "Object Access"),
    # The trailing blank is in the pipeline's table.
    0x26: ("Filtering Platform Connection ", "Object Access"),
    0x27: ("Other Object Access Events", "Object Access"),
    0x44: ("Detailed File Share", "Object Access"),
    0x45: ("Removable Storage", "Object Access"),
    0x46: ("Central Policy Staging", "Object Access"),
    0x28: ("Sensitive Privilege Use", "Privilege Use"),
    0x29: ("Non Sensitive Privilege Use", "Privilege Use"),
    0x2A: ("Other Privilege Use Events", "Privilege Use"),
    0x2B: ("Process Creation", "Detailed Tracking"),
    0x2C: ("Process Termination", "Detailed Tracking"),
    0x2D: ("DPAPI Activity", "Detailed Tracking"),
    0x2E: ("RPC Events", "Detailed Tracking"),
    0x48: ("Plug and Play Events", "Detailed Tracking"),
    0x2F: ("Audit Policy Change", "Policy Change"),
    0x30: ("Authentication Policy Change", "Policy Change"),
    0x31: ("Authorization Policy Change", "Policy Change"),
    0x32: ("MPSSVC Rule-Level Policy Change", "Policy Change"),
    0x33: ("Filtering Platform Policy Change", "Policy Change"),
    0x34: ("Other Policy Change Events", "Policy Change"),
    0x35: ("User Account Management", "Account Management"),
    0x36: ("Computer Account Management", "Account Management"),
    0x37: ("Security Group Management", "Account Management"),
    0x38: ("Distribution Group Management", "Account Management"),
    0x39: ("Application Group Management", "Account Management"),
    0x3A: ("Other Account Management Events", "Account Management"),
    0x3B: ("Directory Service Access", "Account Management"),
    0x3C: ("Directory Service Changes", "Account Management"),
    0x3D: ("Directory Service Replication", "Account Management"),
    0x3E: ("Detailed Directory Service Replication", "Account Management"),
    0x3F: ("Credential Validation", "Account Logon"),
    0x40: ("Kerberos Service Ticket Operations", "Account Logon"),
    0x41: ("Other Account Logon Events", "Account Logon"),
    0x42: ("Kerberos Authentication Service", "Account Logon"),
}
AUDIT_SUBCATEGORIES: dict[str, tuple[str, str]] = {
    f"0CCE92{low:02X}-69AE-11D9-BED3-505054503030": names
    for low, names in _AUDIT_SUBCATEGORIES.items()
}

# "4625 and 4776 Set Status and SubStatus".
LOGON_FAILURE_STATUS: dict[str, str] = {
    "0xc000005e": "There are currently no logon servers available to service the logon request.",
    "0xc0000064": "User logon with misspelled or bad user account",
    "0xc000006a": "User logon with misspelled or bad password",
    "0xc000006d": "This is either due to a bad username or authentication information",
    "0xc000006e": "Unknown user name or bad password.",
    "0xc000006f": "User logon outside authorized hours",
    "0xc0000070": "User logon from unauthorized workstation",
    "0xc0000071": "User logon with expired password",
    "0xc0000072": "User logon to account disabled by administrator",
    "0xc00000dc": "Indicates the Sam Server was in the wrong state to perform the desired "
    "operation.",
    "0xc0000133": "Clocks between DC and other computer too far out of sync",
    "0xc000015b": "The user has not been granted the requested logon type (aka logon right) "
    "at this machine",
    "0xc000018c": "The logon request failed because the trust relationship between the "
    "primary domain and the trusted domain failed.",
    "0xc0000192": "An attempt was made to logon, but the Netlogon service was not started.",
    "0xc0000193": "User logon with expired account",
    "0xc0000224": "User is required to change password at next logon",
    "0xc0000225": "Evidently a bug in Windows and not a risk",
    "0xc0000234": "User logon with account locked",
    "0xc00002ee": "Failure Reason: An Error occurred during Logon",
    "0xc0000413": "Logon Failure: The machine you are logging onto is protected by an "
    "authentication firewall. The specified account is not allowed to authenticate to the "
    "machine.",
    "0xc0000371": "The local account store does not contain secret material for the "
    "specified account",
    "0x0": "Status OK.",
}

TRUST_TYPES: dict[str, str] = {
    "1": "TRUST_TYPE_DOWNLEVEL",
    "2": "TRUST_TYPE_UPLEVEL",
    "3": "TRUST_TYPE_MIT",
    "4": "TRUST_TYPE_DCE",
}
TRUST_DIRECTIONS: dict[str, str] = {
    "0": "TRUST_DIRECTION_DISABLED",
    "1": "TRUST_DIRECTION_INBOUND",
    "2": "TRUST_DIRECTION_OUTBOUND",
    "3": "TRUST_DIRECTION_BIDIRECTIONAL",
}
TRUST_ATTRIBUTES: dict[str, str] = {
    "0": "UNDEFINED",
    "1": "TRUST_ATTRIBUTE_NON_TRANSITIVE",
    "2": "TRUST_ATTRIBUTE_UPLEVEL_ONLY",
    "4": "TRUST_ATTRIBUTE_QUARANTINED_DOMAIN",
    "8": "TRUST_ATTRIBUTE_FOREST_TRANSITIVE",
    "16": "TRUST_ATTRIBUTE_CROSS_ORGANIZATION",
    "32": "TRUST_ATTRIBUTE_WITHIN_FOREST",
    "64": "TRUST_ATTRIBUTE_TREAT_AS_EXTERNAL",
    "128": "TRUST_ATTRIBUTE_USES_RC4_ENCRYPTION",
    "512": "TRUST_ATTRIBUTE_CROSS_ORGANIZATION_NO_TGT_DELEGATION",
    "1024": "TRUST_ATTRIBUTE_PIM_TRUST",
}

# "Decode message table" AccessMaskDescriptions: only single bits are ever looked up
# (the script formats each set bit as 0x%08X), so the multi-bit entries never match.
ACCESS_MASK_BITS: dict[int, str] = {
    0x00000001: "Create Child",
    0x00000002: "Delete Child",
    0x00000004: "List Contents",
    0x00000008: "SELF",
    0x00000010: "Read Property",
    0x00000020: "Write Property",
    0x00000040: "Delete Treee",
    0x00000080: "List Object",
    0x00000100: "Control Access",
    0x00010000: "DELETE",
    0x00020000: "READ_CONTROL",
    0x00040000: "WRITE_DAC",
    0x00080000: "WRITE_OWNER",
    0x00100000: "SYNCHRONIZE",
    0x01000000: "ADS_RIGHT_ACCESS_SYSTEM_SECURITY",
    0x10000000: "ADS_RIGHT_GENERIC_ALL",
    0x20000000: "ADS_RIGHT_GENERIC_EXECUTE",
    0x40000000: "ADS_RIGHT_GENERIC_WRITE",
    0x80000000: "ADS_RIGHT_GENERIC_READ",
}

IANA_TRANSPORTS: dict[str, str] = {
    "1": "icmp",
    "2": "igmp",
    "4": "ipv4",
    "6": "tcp",
    "8": "egp",
    "9": "igp",
    "12": "pup",
    "17": "udp",
    "27": "rdp",
    "28": "irtp",
    "33": "dccp",
    "35": "idpr",
    "41": "ipv6",
    "43": "ipv6-route",
    "44": "ipv6-frag",
    "46": "rsvp",
    "47": "gre",
    "50": "esp",
    "58": "ipv6-icmp",
    "59": "ipv6-nonxt",
    "60": "ipv6-opts",
}
