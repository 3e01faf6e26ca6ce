"""One parsed JSON value -> Records and Skips, whatever shape of Windows event it holds.

The same value can come from an NDJSON line, a JSON document, an evtx record or an
XML element. Shapes are recognised by their keys, in the order of `SHAPES`:

- an Elasticsearch hit or export line (`_source`, with `_id` / `_index`);
- a `_search` response (`hits.hits`);
- a raw Windows event in the evtx JSON shape (`{"Event": {...}}`);
- a flat Windows event as NXLog and SIEM exports write it (`EventID` at top level);
- a raw Winlogbeat document that did not go through the ingest pipeline;
- an ECS document as Elasticsearch indexed it.

The first two forms only carry documents; the raw forms are converted by
`relaywatch.ecs`, and every resulting document is checked by
`relaywatch.sources.ecsdoc`. Conversions return lists rather than generators: one
value is almost always one item, and this runs once per record read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from relaywatch import ecs
from relaywatch.eql.fields import make_getter
from relaywatch.eql.stages import CATEGORY_FIELD, category_matches
from relaywatch.records import Document, Provenance, Record, Skip
from relaywatch.sources import ecsdoc
from relaywatch.sources.context import Item, ReadContext, not_relevant, not_relevant_reason

Convert = Callable[[Document, Provenance, ReadContext], list[Item]]


def from_value(value: Any, provenance: Provenance, ctx: ReadContext) -> list[Item]:
    """Records and Skips of one parsed JSON value (an object, or an array of them)."""
    if isinstance(value, dict):
        return from_object(value, provenance, ctx)
    if isinstance(value, list):
        return _elements(value, provenance, ctx)
    return [_reject(provenance, f"unrecognized document: a JSON {type(value).__name__}")]


def from_object(obj: Document, provenance: Provenance, ctx: ReadContext) -> list[Item]:
    if _plainly_ecs(obj):
        return [finish(obj, provenance, ctx)]
    for _name, matches, convert in SHAPES:
        if matches(obj):
            return convert(obj, provenance, ctx)
    keys = ", ".join(sorted(obj)[:6]) or "none"
    return [_reject(provenance, f"unrecognized document: keys {keys}")]


def _plainly_ecs(obj: Document) -> bool:
    """The common case, decided in one go: what `SHAPES` would call an ECS document.

    An `event` object with `category` or `ingested` is never a raw Winlogbeat document,
    and without `_source`, `hits` and `Event` keys it is none of the other shapes.
    """
    event = obj.get("event")
    return (
        type(event) is dict
        and ("category" in event or "ingested" in event)
        and "_source" not in obj
        and "hits" not in obj
        and "Event" not in obj
    )


def finish(doc: Document, provenance: Provenance, ctx: ReadContext) -> Item:
    """The last checks every ECS document passes, then its relevance to the caller."""
    reason = ecsdoc.check(doc, ctx.clock)
    if reason is not None:
        return _reject(provenance, reason)
    options = ctx.options
    relevant = options.relevant_codes
    if (
        relevant is not None
        and ecsdoc.event_code(doc) not in relevant
        and not _category_relevant(doc, options.relevant_categories)
    ):
        return not_relevant(provenance, not_relevant_reason(options))
    return Record(doc, provenance)


# The engine's own reading of event.category (routing): dotted keys, arrays of objects.
_GET_CATEGORY = make_getter(CATEGORY_FIELD)


def _category_relevant(doc: Document, categories: frozenset[str]) -> bool:
    """Whether a `<category> where` stage of the caller could take the document."""
    if not categories:
        return False
    value = _GET_CATEGORY(doc)
    return any(category_matches(category, value) for category in categories)


def _elements(values: list[Any], provenance: Provenance, ctx: ReadContext) -> list[Item]:
    """Array elements; at the top of a JSON document the position is the element index."""
    items: list[Item] = []
    for index, value in enumerate(values, start=1):
        where = provenance if provenance.position else replace(provenance, position=index)
        items.extend(from_value(value, where, ctx))
    return items


def _hit(obj: Document, provenance: Provenance, ctx: ReadContext) -> list[Item]:
    doc_id, index = obj.get("_id"), obj.get("_index")
    where = replace(
        provenance,
        doc_id=doc_id if isinstance(doc_id, str) else provenance.doc_id,
        index=index if isinstance(index, str) else provenance.index,
    )
    return from_object(obj["_source"], where, ctx)


def _search_response(obj: Document, provenance: Provenance, ctx: ReadContext) -> list[Item]:
    hits = obj["hits"]["hits"]
    if not isinstance(hits, list):
        return [_reject(provenance, "wrong field type: hits.hits is not an array")]
    return _elements(hits, provenance, ctx)


def _guarded(
    convert: Callable[[Document], Document], early_code: Callable[[Document], Any]
) -> Convert:
    """Run a `relaywatch.ecs` conversion; a failure on one record rejects that record only.

    `early_code` reads the event code from the unconverted value as the conversion will
    write it (None: it cannot tell), so that a record that cannot matter is skipped
    before the (much dearer) conversion.
    """

    def run(obj: Document, provenance: Provenance, ctx: ReadContext) -> list[Item]:
        options = ctx.options
        relevant = options.raw_codes
        if relevant is not None:
            code = early_code(obj)
            if (
                code is not None
                and code not in relevant
                and not _category_relevant(obj, options.relevant_categories)
            ):
                return [not_relevant(provenance, not_relevant_reason(options))]
        try:
            doc = convert(obj)
            normalized = ecs.normalize(doc, ctx.clock.now())
        except ecs.RawEventError as error:
            return [_reject(provenance, f"invalid raw event: {error}")]
        except Exception as error:  # one odd record must not end the run
            return [_reject(provenance, f"normalization failed: {type(error).__name__}: {error}")]
        return [finish(normalized, provenance, ctx)]

    return run


def _as_is(obj: Document) -> Document:
    return obj


# relaywatch.ecs is looked up at call time, so tests can observe the calls it receives.
def _from_raw_event(obj: Document) -> Document:
    return ecs.from_raw_event(obj)


def _from_flat_event(obj: Document) -> Document:
    return ecs.from_flat_event(obj)


def _is_raw_winlogbeat(obj: Document) -> bool:
    return ecs.is_raw_winlogbeat(obj)


def dig(value: Any, *keys: str) -> Any:
    """The value at a nested path of plain dicts, or None."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _windows_event_code(obj: Document) -> str | None:
    code = dig(obj, "Event", "System", "EventID")
    return _event_id(code.get("#text") if isinstance(code, dict) else code)


def _flat_event_code(obj: Document) -> str | None:
    return _event_id(obj.get("EventID"))


def _event_id(value: Any) -> str | None:
    """An EventID as the conversion reads it (`ecs.to_int`: " 04688", "0x1250" are 4688)."""
    number = ecs.to_int(value)
    return None if number is None else str(number)


def _winlogbeat_code(obj: Document) -> str | None:
    # The pipeline writes a code that is not a string as its str(). Without event.code
    # the converted document has none either (only a category can make it relevant,
    # checked beside this), so winlog.event_id only decides whether to convert it.
    code = dig(obj, "event", "code")
    if code is None:
        code = dig(obj, "winlog", "event_id")
    return None if code is None else str(code)


def _is_hit(obj: Document) -> bool:
    return isinstance(obj.get("_source"), dict)


def is_search_response(obj: Document) -> bool:
    hits = obj.get("hits")
    return isinstance(hits, dict) and "hits" in hits


def _is_windows_event(obj: Document) -> bool:
    return isinstance(obj.get("Event"), dict)


def _is_flat_event(obj: Document) -> bool:
    return "EventID" in obj and "winlog" not in obj and "event" not in obj


def _is_ecs_document(obj: Document) -> bool:
    return not _ECS_MARKERS.isdisjoint(obj)


_ECS_MARKERS = frozenset({"@timestamp", "event", "winlog", "host", "ecs"})


def _ecs_document(obj: Document, provenance: Provenance, ctx: ReadContext) -> list[Item]:
    return [finish(obj, provenance, ctx)]


def _reject(provenance: Provenance, reason: str) -> Skip:
    return Skip(provenance, reason, rejected=True)


windows_event = _guarded(_from_raw_event, _windows_event_code)

SHAPES: tuple[tuple[str, Callable[[Document], bool], Convert], ...] = (
    ("elasticsearch hit", _is_hit, _hit),
    ("search response", is_search_response, _search_response),
    ("windows event", _is_windows_event, windows_event),
    ("flat windows event", _is_flat_event, _guarded(_from_flat_event, _flat_event_code)),
    ("raw winlogbeat", _is_raw_winlogbeat, _guarded(_as_is, _winlogbeat_code)),
    ("ecs document", _is_ecs_document, _ecs_document),
)
