"""`security_standard` steps that decode codes through tables (first half of the pipeline).

Each step mirrors one processor of elastic/integrations
`packages/windows/_dev/shared/ingest_pipeline/security_standard.yml`, in pipeline
order, and has the signature `step(doc, code, event_data)`. Only string values are
looked up: a Painless map lookup with a number finds nothing, and the raw Winlogbeat
`event_data` is all strings.
"""

from __future__ import annotations

import functools
from typing import Any

from relaywatch.ecs import tables
from relaywatch.ecs.categories import CATEGORIZATION
from relaywatch.ecs.messages import DESCRIPTIONS, REVERSED
from relaywatch.ecs.painless import JAVA_TRIM, child, long_decode, whitespace_split
from relaywatch.ecs.steps import Processor, codes, needing

Doc = dict[str, Any]


def text(event_data: Doc, key: str) -> str | None:
    value = event_data.get(key)
    return value if isinstance(value, str) else None


def categorize(doc: Doc, code: str, event_data: Doc) -> None:
    """Set ECS categorization fields: the whole event.code table."""
    found = CATEGORIZATION.get(code)
    if found is None:
        return
    event = child(doc, "event")
    event["category"] = list(found.category)
    event["type"] = list(found.type)
    event["action"] = found.action


def logon_type(doc: Doc, code: str, event_data: Doc) -> None:
    name = tables.LOGON_TYPES.get(text(event_data, "LogonType") or "")
    if name is not None:
        child(child(doc, "winlog"), "logon")["type"] = name


def _bit_names(value: int, flags: tuple[tuple[int, str], ...]) -> list[str]:
    return [name for flag, name in flags if value & flag == flag]


def user_account_control(doc: Doc, code: str, event_data: Doc) -> None:
    raw = event_data.get("NewUacValue")
    if raw is None or raw == "-":
        return
    names = _bit_names(long_decode(raw), tables.UAC_FLAGS)
    if not names:
        return
    event_data["NewUACList"] = names
    uac = text(event_data, "UserAccountControl")
    if uac is None or uac == "-":
        return
    items = (item.replace("%%", "").strip(JAVA_TRIM) for item in uac.split("\n"))
    event_data["UserAccountControl"] = [item for item in items if item]


def kerberos(doc: Doc, code: str, event_data: Doc) -> None:
    """Ticket options, encryption type and (4768-4771) status descriptions."""
    options = event_data.get("TicketOptions")
    if options is not None:
        names = _bit_names(long_decode(options), tables.TICKET_OPTIONS)
        if names:
            event_data["TicketOptionsDescription"] = names
    encryption = text(event_data, "TicketEncryptionType")
    if encryption is not None and encryption.lower() in tables.ENCRYPTION_TYPES:
        # Elastic stores null for an unknown type; absent and null are alike to EQL.
        event_data["TicketEncryptionTypeDescription"] = tables.ENCRYPTION_TYPES[encryption.lower()]
    status = text(event_data, "Status")
    if status in tables.KERBEROS_STATUS and code in _KERBEROS_CODES:
        event_data["StatusDescription"] = tables.KERBEROS_STATUS[status]


_KERBEROS_CODES = codes("4768 4769 4770 4771")


def service(doc: Doc, code: str, event_data: Doc) -> None:
    name = event_data.get("ServiceName")
    if name is not None:
        child(doc, "service")["name"] = name
    service_type = text(event_data, "ServiceType")
    if service_type in tables.SERVICE_TYPES:
        child(doc, "service")["type"] = tables.SERVICE_TYPES[service_type]


def audit_subcategory(doc: Doc, code: str, event_data: Doc) -> None:
    guid = text(event_data, "SubcategoryGuid")
    if guid is None:
        return
    names = tables.AUDIT_SUBCATEGORIES.get(guid.replace("{", "").replace("}", "").upper())
    if names is not None:
        event_data["Category"] = names[1]
        event_data["SubCategory"] = names[0]


def _code_of(item: str) -> str:
    return item.replace("%%", "").strip(JAVA_TRIM)


def _as_items(value: Any, splitter: Any) -> list[Any] | None:
    if isinstance(value, str):
        return list(splitter(value))
    return value if isinstance(value, list) else None


def message_table(doc: Doc, code: str, event_data: Doc) -> None:
    """Decode message table: FailureReason, AuditPolicyChanges, AccessList, AccessMask."""
    reason = text(event_data, "FailureReason")
    if reason is not None:
        key = reason.replace("%%", "")
        failure = child(child(child(doc, "winlog"), "logon"), "failure")
        failure["reason"] = DESCRIPTIONS.get(key, key)
    _audit_policy_changes(event_data)
    _access_list(event_data)
    for field in ("Direction", "LayerName"):
        value = text(event_data, field)
        if value is not None and _code_of(value) in DESCRIPTIONS:
            event_data[field + "Description"] = DESCRIPTIONS[_code_of(value)]
    _access_mask(event_data)


def _audit_policy_changes(event_data: Doc) -> None:
    items = _as_items(event_data.get("AuditPolicyChanges"), lambda s: s.split(","))
    if not items:
        return
    codes = [_code_of(str(item)) for item in items]
    event_data["AuditPolicyChangesDescription"] = [DESCRIPTIONS.get(c, c) for c in codes]


def _access_list(event_data: Doc) -> None:
    value = event_data.get("AccessList")
    if isinstance(value, str):
        kept, described = _access_list_texts(value)
    elif isinstance(value, list):
        kept, described = _access_list_of([str(item) for item in value])
    else:
        return
    if kept:
        event_data["AccessList"] = list(kept)
    if described:
        # Every field is described, the empty one after trailing whitespace included.
        event_data["AccessListDescription"] = list(described)


@functools.lru_cache(maxsize=1024)
def _access_list_texts(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cached per text: 5145 repeats a handful of access lists thousands of times."""
    return _access_list_of(whitespace_split(value))


def _access_list_of(items: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes = [_code_of(item) for item in items]
    return tuple(c for c in codes if c), tuple(DESCRIPTIONS.get(c, c) for c in codes)


def _access_mask(event_data: Doc) -> None:
    value = event_data.get("AccessMask")
    if isinstance(value, str):
        shown, names = _access_mask_texts(value)
    elif isinstance(value, list):
        # Falsy entries are skipped before they are turned into text, as the script does.
        shown, names = _access_mask_of([str(item) for item in value if item])
    else:
        return
    if shown:
        event_data["AccessMask"] = list(shown)
    if names:
        event_data["AccessMaskDescription"] = list(names)


@functools.lru_cache(maxsize=1024)
def _access_mask_texts(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _access_mask_of(whitespace_split(value))


def _access_mask_of(items: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the entries as shown, the names of the mask's bits)."""
    shown: list[str] = []
    mask = 0
    for item in items:
        if not item:
            continue
        key = _code_of(item)
        if key in DESCRIPTIONS:
            shown.append(DESCRIPTIONS[key])
        else:
            shown.append(key)
            key = REVERSED.get(key, key)  # an entry written as its description
        mask |= _decode_or_zero(key)
    names = tuple(name for bit, name in tables.ACCESS_MASK_BITS.items() if mask & bit)
    return tuple(shown), names


def _decode_or_zero(key: str) -> int:
    # The script wraps Long.decode in try/catch and ignores what it cannot decode.
    if not key or not (key[0].isdigit() or key[0] in "+-#"):
        return 0
    try:
        return long_decode(key) & 0xFFFFFFFF
    except Exception:
        return 0


def logon_failure_status(doc: Doc, code: str, event_data: Doc) -> None:
    """4625 and 4776: Status and SubStatus texts (4776 gets "Status OK." for 0x0)."""
    status = text(event_data, "Status")
    if status is None:
        return
    if status in tables.LOGON_FAILURE_STATUS:
        failure = child(child(child(doc, "winlog"), "logon"), "failure")
        failure["status"] = tables.LOGON_FAILURE_STATUS[status]
    sub_status = text(event_data, "SubStatus")
    if sub_status in tables.LOGON_FAILURE_STATUS:
        failure = child(child(child(doc, "winlog"), "logon"), "failure")
        failure["sub_status"] = tables.LOGON_FAILURE_STATUS[sub_status]


_TRUST_FIELDS = (
    ("TdoType", "trustType", tables.TRUST_TYPES),
    ("TdoDirection", "trustDirection", tables.TRUST_DIRECTIONS),
    ("TdoAttributes", "trustAttribute", tables.TRUST_ATTRIBUTES),
)


def trust(doc: Doc, code: str, event_data: Doc) -> None:
    for source, target, names in _TRUST_FIELDS:
        value = text(event_data, source)
        if value in names:
            child(doc, "winlog")[target] = names[value]


PROCESSORS: tuple[Processor, ...] = (
    Processor(categorize),
    needing("LogonType")(logon_type),
    needing("NewUacValue")(user_account_control),
    needing("TicketOptions", "TicketEncryptionType", "Status")(kerberos),
    needing("ServiceName", "ServiceType")(service),
    needing("SubcategoryGuid")(audit_subcategory),
    needing(
        "FailureReason", "AuditPolicyChanges", "AccessList", "Direction", "LayerName", "AccessMask"
    )(message_table),
    Processor(logon_failure_status, codes("4625 4776"), ("Status",)),
    needing(*(source for source, _, _ in _TRUST_FIELDS))(trust),
)
