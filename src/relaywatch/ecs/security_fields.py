"""`security_standard` steps that move accounts, addresses, processes and files into ECS.

Second half of elastic/integrations `security_standard.yml`, in pipeline order. The
order is what decides who becomes `user.*`: "Copy Target User" only fills empty
fields, "Copy Subject User" (which lists 4648, 5140 and 5145 but not 4624/4625)
overwrites them, and "Copy Target User to Effective" keeps the 4648 target.
"""

from __future__ import annotations

import re
from typing import Any

from relaywatch.ecs.painless import (
    PipelineError,
    append_unique,
    child,
    java_split,
    long_decode,
)
from relaywatch.ecs.security_lookups import text
from relaywatch.ecs.steps import Processor, codes

Doc = dict[str, Any]

_TARGET_USER_CODES = codes("4624 4625 4634 4647 4648 4768 4769 4770 4771 4776 4964")
_MEMBER_CODES = codes(
    "4727 4728 4729 4730 4731 4732 4733 4734 4735 4737 4744 4745 4746 4747 4748 4749 "
    "4750 4751 4752 4753 4754 4755 4756 4757 4758 4759 4760 4761 4762 4763 4764 4799"
)
_SUBJECT_USER_CODES = codes(
    "4648 4657 4662 4670 4672 4673 4674 4688 4689 4697 4698 4699 4700 4701 4702 4706 "
    "4707 4713 4716 4717 4718 4719 4720 4722 4723 4724 4725 4726 4727 4728 4729 4730 "
    "4731 4732 4733 4734 4735 4737 4738 4739 4740 4741 4742 4743 4744 4745 4746 4747 "
    "4748 4749 4750 4751 4752 4753 4754 4755 4756 4757 4758 4759 4760 4761 4762 4763 "
    "4764 4767 4781 4797 4798 4799 4817 4904 4905 4907 4912 5136 5140 5145 5379 5380 "
    "5381 5382"
)
_TARGET_TO_TARGET_CODES = codes(
    "4670 4720 4722 4723 4724 4725 4726 4738 4740 4767 4798 4817 4907 4797"
)
_COMMON_AUTH_CODES = codes(
    "1100 1102 1104 1105 1108 4624 4648 4625 4670 4673 4674 4689 4697 4719 4720 4722 "
    "4723 4724 4725 4726 4727 4728 4729 4730 4731 4732 4733 4734 4735 4737 4738 4740 "
    "4741 4742 4743 4744 4745 4746 4747 4748 4749 4750 4751 4752 4753 4754 4755 4756 "
    "4757 4758 4759 4760 4761 4762 4763 4764 4767 4768 4769 4770 4771 4798 4799 4817 "
    "4904 4905 4907 4912 5140 5145"
)
_MEMBER_SEPARATOR = re.compile(r"(?<!\\),")


def _valued(value: Any) -> bool:
    return value is not None and value not in ("", "-")


def session(doc: Doc, code: str, event_data: Doc) -> None:
    """Add Session Events (4778/4779): AccountName, ClientAddress, ClientName, LogonID."""
    name = event_data.get("AccountName")
    if name is not None:
        child(doc, "user")["name"] = name
        append_unique(doc, "related", "user", name)
    if event_data.get("AccountDomain") is not None:
        child(doc, "user")["domain"] = event_data["AccountDomain"]
    address = _client_address(event_data)
    if address is not None:
        child(doc, "source")["ip"] = address
        append_unique(doc, "related", "ip", address)
    if event_data.get("ClientName") is not None:
        child(doc, "source")["domain"] = event_data["ClientName"]
    if event_data.get("LogonID") is not None:
        child(child(doc, "winlog"), "logon")["id"] = event_data["LogonID"]


def _client_address(event_data: Doc) -> Any:
    address = event_data.get("ClientAddress")
    if address is None or address in ("-", "Unknown"):
        return None
    if address == "LOCAL":  # "Correct invalid IP address LOCAL", in place
        address = event_data["ClientAddress"] = "127.0.0.1"
    return address


def _fill_or_target(user: Doc, key: str, value: Any) -> None:
    if user.get(key) is None:
        user[key] = value
    else:
        child(user, "target")[key] = value


def copy_target_user(doc: Doc, code: str, event_data: Doc) -> None:
    """Copy Target User: fills user.* (or user.target.* when user.* is already set)."""
    sid = event_data.get("TargetUserSid")
    if sid is None:
        sid = event_data.get("TargetSid")
    name = text(event_data, "TargetUserName")
    domain = event_data.get("TargetDomainName")
    if sid is None and name is None and domain is None:
        return
    user = child(doc, "user")
    if sid is not None:
        _fill_or_target(user, "id", sid)
    if name is not None:
        short = name.split("@")[0]
        _fill_or_target(user, "name", short)
        append_unique(doc, "related", "user", short)
    if domain is not None:
        _fill_or_target(user, "domain", domain)


def members(doc: Doc, code: str, event_data: Doc) -> None:
    """Copy MemberName to User and User to Group (group management events)."""
    member = text(event_data, "MemberName")
    if member is not None:
        parts = java_split(member, _MEMBER_SEPARATOR)
        name = parts[0].replace("CN=", "").replace("cn=", "")
        target = child(child(doc, "user"), "target")
        target["name"] = name
        append_unique(doc, "related", "user", name)
        if len(parts) >= 4:
            target["domain"] = parts[3].replace("DC=", "").replace("dc=", "")
    _group(doc, event_data)


def _group(doc: Doc, event_data: Doc) -> None:
    group: Doc = {}
    for source in ("TargetUserSid", "TargetSid"):
        if event_data.get(source) is not None:
            group["id"] = event_data[source]
    if event_data.get("TargetUserName") is not None:
        group["name"] = event_data["TargetUserName"]
    domain = text(event_data, "TargetDomainName")
    if domain is not None:
        group["domain"] = domain.replace("DC=", "").replace("dc=", "")
    if group:
        child(doc, "group").update(group)
    target = doc.get("user", {}).get("target")
    if isinstance(target, dict):
        child(target, "group").update(doc.get("group", {}))


def computer_object(doc: Doc, code: str, event_data: Doc) -> None:
    for source, key in (
        ("TargetSid", "id"),
        ("TargetUserName", "name"),
        ("TargetDomainName", "domain"),
    ):
        if event_data.get(source) is not None:
            child(child(doc, "winlog"), "computerObject")[key] = event_data[source]


def target_logon_id(doc: Doc, code: str, event_data: Doc) -> None:
    if event_data.get("TargetLogonId") is None:
        # `set copy_from` on a missing field fails the document (ignore_failure: false).
        raise PipelineError(
            "field [TargetLogonId] not present as part of path [winlog.event_data.TargetLogonId]"
        )
    child(child(doc, "winlog"), "logon")["id"] = event_data["TargetLogonId"]


def copy_subject_user(doc: Doc, code: str, event_data: Doc) -> None:
    """Copy Subject User from Event Data: overwrites user.id, user.name, user.domain."""
    _copy_subject(doc, event_data)


def _copy_subject(doc: Doc, source: Doc) -> None:
    sid, name = source.get("SubjectUserSid"), source.get("SubjectUserName")
    domain = source.get("SubjectDomainName")
    if sid is None and name is None and domain is None:
        return
    user = child(doc, "user")
    if sid is not None:
        user["id"] = sid
    if name is not None:
        user["name"] = name
        append_unique(doc, "related", "user", name)
    if domain is not None:
        user["domain"] = domain


def _copy_to(doc: Doc, event_data: Doc, key: str, sid_field: str) -> None:
    """Copy Target User to Target / to Effective: user.<key>.{id,name,domain}."""
    user = child(doc, "user")
    holder = child(user, key)
    if _valued(event_data.get(sid_field)):
        holder["id"] = event_data[sid_field]
    name = text(event_data, "TargetUserName")
    if _valued(name):
        assert name is not None
        holder["name"] = name.split("@")[0]
        related = doc.get("related")
        if not isinstance(related, dict):
            # Painless calls ctx.related.put on a null ctx.related: the processor fails.
            raise PipelineError('Cannot invoke "Object.put" because "ctx.related" is null')
        append_unique(doc, "related", "user", holder["name"])
    if _valued(event_data.get("TargetDomainName")):
        holder["domain"] = event_data["TargetDomainName"]
    if not holder:
        del user[key]


def copy_target_to_target(doc: Doc, code: str, event_data: Doc) -> None:
    _copy_to(doc, event_data, "target", "TargetSid")


def copy_target_to_effective(doc: Doc, code: str, event_data: Doc) -> None:
    """4648 (and 4688): the account whose credentials were used is user.effective."""
    _copy_to(doc, event_data, "effective", "TargetUserSid")


def subject_from_user_data(doc: Doc, code: str, event_data: Doc) -> None:
    """1102 (audit log cleared) carries its subject in UserData."""
    user_data = doc.get("winlog", {}).get("user_data")
    if isinstance(user_data, dict):
        _copy_subject(doc, user_data)


def subject_logon_id(doc: Doc, code: str, event_data: Doc) -> None:
    """winlog.logon.id <- SubjectLogonId for every event that has one (I: issue #20004)."""
    value = event_data.get("SubjectLogonId")
    if code == "1102":
        user_data = doc.get("winlog", {}).get("user_data")
        value = user_data.get("SubjectLogonId") if isinstance(user_data, dict) else None
    if value is not None:
        child(child(doc, "winlog"), "logon")["id"] = value


def _pid(value: Any) -> Any:
    return long_decode(value) if isinstance(value, str) else value


def _process_name(process: Doc) -> None:
    executable = process.get("executable")
    if process.get("name") is None and isinstance(executable, str):
        process["name"] = executable.split("\\")[-1]


def common_auth_fields(doc: Doc, code: str, event_data: Doc) -> None:
    """Rename Common Auth Fields: ProcessId/Name -> process.*, IpAddress/Port -> source.*."""
    if event_data.get("ProcessId") is not None:
        child(doc, "process")["pid"] = _pid(event_data.pop("ProcessId"))
    if event_data.get("ProcessName") is not None:
        child(doc, "process")["executable"] = event_data.pop("ProcessName")
    if _present(event_data, "IpAddress"):
        child(doc, "source")["ip"] = event_data.pop("IpAddress")
    if _present(event_data, "IpPort"):
        child(doc, "source")["port"] = long_decode(event_data.pop("IpPort"))
    if event_data.get("WorkstationName") is not None:
        child(doc, "source")["domain"] = event_data.pop("WorkstationName")
    address = _client_address(event_data)
    if address is not None:
        # The pipeline puts the bare string here (not a list).
        child(doc, "related")["ip"] = event_data.pop("ClientAddress")
    if isinstance(doc.get("process"), dict):
        _process_name(doc["process"])


def _present(event_data: Doc, key: str) -> bool:
    value = event_data.get(key)
    return value is not None and value != "-"


def connection(doc: Doc, code: str, event_data: Doc) -> None:
    """Add Connection Events (5152, 5156-5158): addresses, ports, protocol, application."""
    for field, target in (("DestAddress", "destination"), ("SourceAddress", "source")):
        if _present(event_data, field):
            child(doc, target)["ip"] = event_data[field]
            append_unique(doc, "related", "ip", event_data.pop(field))
    for field, target in (("DestPort", "destination"), ("SourcePort", "source")):
        if _present(event_data, field):
            child(doc, target)["port"] = long_decode(event_data.pop(field))
    if _present(event_data, "Protocol"):
        child(doc, "network")["iana_number"] = event_data["Protocol"]
    if _present(event_data, "Application"):
        child(doc, "process")["executable"] = event_data.pop("Application")
    if isinstance(doc.get("process"), dict):
        _process_name(doc["process"])


PROCESSORS: tuple[Processor, ...] = (
    Processor(session, codes("4778 4779")),
    Processor(copy_target_user, _TARGET_USER_CODES),
    Processor(members, _MEMBER_CODES),
    Processor(computer_object, codes("4741 4742 4743")),
    Processor(target_logon_id, codes("4634 4647 4964")),
    Processor(copy_subject_user, _SUBJECT_USER_CODES),
    Processor(copy_target_to_target, _TARGET_TO_TARGET_CODES),
    Processor(copy_target_to_effective, codes("4648 4688")),
    Processor(subject_from_user_data, codes("1102")),
    Processor(subject_logon_id),
    Processor(common_auth_fields, _COMMON_AUTH_CODES),
    Processor(connection, codes("5152 5156 5157 5158")),
)
