"""The Elastic ingest pipeline for Windows events, as an ordered list of small steps.

Model: the `windows.forwarded` data stream of the Windows integration (what Elastic
does with events that did not come from the local agent, which is what an offline
.evtx is). Its `default` pipeline routes the Security channel through
`security_default` (placeholder removal -> `security_standard` -> `security_common`
-> ecs.version), then sets `host.os.type/family`. The Fleet final pipeline adds
`event.ingested`. See docs/ecs.md for the sources and for what is not reproduced.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any

from relaywatch.ecs import security_fields as fields
from relaywatch.ecs import security_lookups as lookups
from relaywatch.ecs import security_objects as objects
from relaywatch.ecs.painless import PipelineError, append_unique, child, mustache
from relaywatch.ecs.steps import Processor, Step, codes
from relaywatch.ecs.timestamps import format_utc, iso_utc

Doc = dict[str, Any]

ECS_VERSION = "8.17.0"
DATASET = "windows.forwarded"
SECURITY_PROVIDERS = frozenset(
    ("Microsoft-Windows-Eventlog", "Microsoft-Windows-Security-Auditing")
)
# security_default "remove_empty_values_from_event_data".
PLACEHOLDERS = frozenset(("", "-", "{00000000-0000-0000-0000-000000000000}"))
_DROPPED = PLACEHOLDERS | {None}
_MAPPED_IPV4 = re.compile(r"^\[?::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)(?:\](?::[0-9]+)?)?$")
_SCHEDULED_TASK_CODES = codes("4698 4699 4700 4701 4702")

# security_standard.yml, processor by processor, in pipeline order.
SECURITY_STANDARD: tuple[Processor, ...] = (
    *lookups.PROCESSORS,
    *fields.PROCESSORS,
    *objects.PROCESSORS,
)


@functools.lru_cache(maxsize=4096)
def plan(code: str) -> tuple[Processor, ...]:
    """The processors that can act on events with this code (computed once per code)."""
    return tuple(p for p in SECURITY_STANDARD if p.applies(code))


@functools.lru_cache(maxsize=4096)
def _compiled(code: str) -> tuple[tuple[Step, tuple[str, ...]], ...]:
    """`plan(code)` as bare (step, needs) pairs: the loop runs ~20 times per record."""
    return tuple((p.run, p.needs) for p in plan(code))


def ingested_now() -> str:
    """`event.ingested` as the Fleet final pipeline writes it: UTC, whole seconds."""
    return format_utc(datetime.now(UTC).replace(microsecond=0))


def is_security(doc: Doc) -> bool:
    """The forwarded `default` pipeline's routing condition for `security_default`."""
    winlog = doc.get("winlog")
    if not isinstance(winlog, dict):
        return False
    channel, provider = winlog.get("channel"), winlog.get("provider_name")
    return (
        isinstance(channel, str)
        and channel.lower() == "security"
        and isinstance(provider, str)
        and provider in SECURITY_PROVIDERS
    )


def normalize(raw: Doc, ingested: str) -> Doc:
    """Run the ingest pipeline over a raw Winlogbeat document and return it.

    The document is changed in place (no copy per record); `ingested` becomes
    `event.ingested` unless the document already has one. A processor failure is
    recorded as Elasticsearch records it (`event.kind: pipeline_error`,
    `error.message`), never raised.
    """
    event = child(raw, "event")
    code = event.get("code")
    if code is not None and not isinstance(code, str):
        event["code"] = code = str(code)
    if is_security(raw):
        try:
            _security_default(raw, code or "")
        except PipelineError as failure:
            event["kind"] = "pipeline_error"
            append_unique(raw, "error", "message", str(failure))
    winlog = raw.get("winlog")
    if type(winlog) is dict:
        # security_common converts them; both are keyword fields on every channel.
        _string_ids(winlog)
    _forwarded_default(raw)
    _stack_fields(raw, ingested)
    return raw


def _security_default(doc: Doc, code: str) -> None:
    winlog = doc["winlog"]
    event_data = winlog.get("event_data")
    if type(event_data) is dict:
        for key in _placeholders(event_data):
            del event_data[key]
    else:
        event_data = {}
    for run, needs in _compiled(code):
        if needs:
            for key in needs:
                if key in event_data:
                    break
            else:
                continue  # none of the fields it reads: the script would return at once
        run(doc, code, event_data)
    _security_common(doc, code, event_data)
    child(doc, "ecs")["version"] = ECS_VERSION


def _placeholders(event_data: Doc) -> list[str]:
    """The keys whose value is null or a placeholder string."""
    try:
        # Equality with a string only holds for strings, so the set test alone decides
        # for every hashable value; the rare list or object value takes the long way.
        return [k for k, v in event_data.items() if v in _DROPPED]
    except TypeError:
        return [
            k for k, v in event_data.items() if v is None or (type(v) is str and v in PLACEHOLDERS)
        ]


def _security_common(doc: Doc, code: str, event_data: Doc) -> None:
    """security_common.yml: ::ffff: stripping, related.ip, string ids, log.level, time."""
    winlog = doc["winlog"]
    task_name = event_data.get("TaskName")
    if code in _SCHEDULED_TASK_CODES and task_name not in (None, ""):
        child(winlog, "scheduled_task")["name"] = task_name
    source = doc.get("source")
    if isinstance(source, dict) and isinstance(source.get("ip"), str) and "::ffff:" in source["ip"]:
        # Without "::ffff:" the pattern cannot match: the substitution is skipped.
        source["ip"] = _MAPPED_IPV4.sub(r"\1", source["ip"])
    if isinstance(source, dict) and source.get("ip") not in (None, "-"):
        append_unique(doc, "related", "ip", mustache(source["ip"]))
    level = winlog.get("level")
    if level not in (None, ""):
        child(doc, "log")["level"] = level
    _time_created(doc, winlog)
    error = doc.get("error")
    if isinstance(error, dict) and error.get("code") is not None:
        error["code"] = str(error["code"])
    if winlog.get("event_data") == {}:
        del winlog["event_data"]


def _string_ids(winlog: Doc) -> None:
    for key in ("record_id", "event_id"):
        value = winlog.get(key)
        if value is not None and not isinstance(value, str):
            winlog[key] = str(value)


def _time_created(doc: Doc, winlog: Doc) -> None:
    """Old Winlogbeat shipped winlog.time_created; the `date` processor makes it @timestamp."""
    created = winlog.get("time_created")
    if created is None:
        return
    stamp = iso_utc(str(created))
    if stamp is None:
        del winlog["time_created"]
        raise PipelineError(f"unable to parse date [{created}]")
    doc["@timestamp"] = _milliseconds(stamp)


def _milliseconds(stamp: str) -> str:
    # The date processor writes yyyy-MM-dd'T'HH:mm:ss.SSSZ: the fraction is cut to ms.
    dot = stamp.find(".", 17)
    if dot < 0:
        return stamp[:-1] + ".000Z"
    fraction = (stamp[dot + 1 : -1] + "000")[:3]
    return f"{stamp[:dot]}.{fraction}Z"


def _forwarded_default(doc: Doc) -> None:
    """forwarded default.yml after routing: host.os.* (override false), _Member* renames."""
    os_ = child(child(doc, "host"), "os")
    os_.setdefault("type", "windows")
    os_.setdefault("family", "windows")
    winlog = doc.get("winlog")
    event_data = winlog.get("event_data") if isinstance(winlog, dict) else None
    if not isinstance(event_data, dict):
        return
    if "_MemberUserName" in event_data:
        child(doc, "user")["name"] = event_data.pop("_MemberUserName")
    if "_MemberDomain" in event_data:
        child(doc, "user")["domain"] = event_data.pop("_MemberDomain")


def _stack_fields(doc: Doc, ingested: str) -> None:
    """What Agent, Fleet and the data stream add: dataset, module, event.ingested."""
    event = doc["event"]
    if "ingested" not in event:
        event["ingested"] = ingested
    if "module" not in event:
        event["module"] = "windows"
    if "dataset" not in event:
        event["dataset"] = DATASET
    if "data_stream" not in doc:
        doc["data_stream"] = {"type": "logs", "dataset": DATASET, "namespace": "default"}


def is_raw_winlogbeat(doc: Any) -> bool:
    """True for a Winlogbeat document that has not been through the ingest pipeline.

    Indexed documents carry what only ingest adds: `event.category` (any mapped
    Security code), `event.ingested` (Fleet final pipeline, Beats module pipelines)
    or a string `winlog.record_id` (security_common converts it). A raw one has
    `winlog` and none of them.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("winlog"), dict):
        return False
    event = doc.get("event")
    if isinstance(event, dict) and ("category" in event or "ingested" in event):
        return False
    return not isinstance(doc["winlog"].get("record_id"), str)
