"""Alert ids, computed exactly as Kibana computes them.

Kibana (elastic/kibana, x-pack/solutions/security/plugins/security_solution/server/lib/
detection_engine/rule_types/):

- single-event alert (`factories/wrap_hits.ts`, `utils/utils.ts` `generateId`):
  `sha256(_index + _id + String(_version) + "<space>:<rule uuid>")`. An EQL search hit has no
  `_version` (the EQL response's event carries `_index`, `_id`, `_source`, `fields`,
  `missing`), so the version part is the literal text "undefined";
- building block *i* of a sequence (`factories/utils/generate_building_block_ids.ts`):
  `sha256(base + String(i))`, where `base` concatenates, for every block in order, the
  `id + index` of each of its ancestors followed by the rule uuid;
- the sequence's shell alert (`factories/utils/build_alert.ts` `generateAlertId`):
  `sha256(concat(ancestor.id + ancestor.index for each ancestor) + rule uuid)`; it is also
  the group id.

Offline records have no Elasticsearch `_id`; `source_ref` gives each a stable one (see
docs/alerts.md, "Source identity").
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from relaywatch.alerts.fieldpath import get_path
from relaywatch.records import Record

# What `String(event._version)` gives for an EQL hit, which has no `_version`.
EQL_HIT_VERSION = "undefined"

# Field separator inside the text hashed into a synthetic `_id`; cannot occur in a path,
# a computer name or a channel name.
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """The Elasticsearch identity (`_index`, `_id`) of one source event."""

    index: str
    id: str


@dataclass(frozen=True, slots=True)
class Ancestor:
    """One entry of `kibana.alert.ancestors`."""

    id: str
    index: str
    type: str = "event"
    depth: int = 0
    rule: str | None = None

    def to_kibana(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "index": self.index,
            "depth": self.depth,
        }
        if self.rule is not None:
            out["rule"] = self.rule
        return out


def synthetic_id(*parts: str) -> str:
    """A 20-character URL-safe id (the shape of an Elasticsearch auto id) from `parts`."""
    digest = hashlib.sha256(_SEP.join(parts).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:20]


def index_of(doc: Mapping[str, Any], default_index: str) -> str:
    """The data stream a Fleet-shipped document lands in, else `default_index`."""
    parts = [get_path(doc, f"data_stream.{name}") for name in ("type", "dataset", "namespace")]
    if all(isinstance(part, str) and part for part in parts):
        return "-".join(str(part) for part in parts)
    return default_index


def source_ref(record: Record, default_index: str) -> SourceRef:
    """Identity of a record: its Elasticsearch `_id`, else a stable synthetic one.

    1. the `_id` (and `_index`) the input carried;
    2. else the Windows identity of the record: computer (case-folded), channel
       (case-folded) and EventRecordID, so the same record read from an .evtx file and from a
       Winlogbeat export gets the same id;
    3. else the file and position the record was read from.
    """
    prov = record.provenance
    index = prov.index or index_of(record.doc, default_index)
    if prov.doc_id:
        return SourceRef(index, prov.doc_id)
    windows = _windows_identity(record.doc)
    if windows is not None:
        return SourceRef(index, synthetic_id("winlog", *windows))
    return SourceRef(index, synthetic_id("file", prov.source, str(prov.position)))


def _windows_identity(doc: Mapping[str, Any]) -> tuple[str, str, str] | None:
    computer = get_path(doc, "winlog.computer_name") or get_path(doc, "host.name")
    channel = get_path(doc, "winlog.channel")
    record_id = get_path(doc, "winlog.record_id")
    if not computer or not channel or record_id in (None, ""):
        return None
    return str(computer).casefold(), str(channel).casefold(), str(record_id)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def single_alert_id(ref: SourceRef, space_id: str, rule_uuid: str) -> str:
    """`generateId(index, id, String(_version), "<space>:<rule uuid>")`."""
    return _sha256(ref.index + ref.id + EQL_HIT_VERSION + f"{space_id}:{rule_uuid}")


def _ancestry_text(ancestors: Sequence[Ancestor]) -> str:
    return "".join(ancestor.id + ancestor.index for ancestor in ancestors)


def building_block_ids(block_ancestors: Sequence[Sequence[Ancestor]], rule_uuid: str) -> list[str]:
    """`generateBuildingBlockIds`: one id per block, each depending on every block."""
    base = "".join(_ancestry_text(ancestors) + rule_uuid for ancestors in block_ancestors)
    return [_sha256(base + str(index)) for index in range(len(block_ancestors))]


def shell_alert_id(ancestors: Sequence[Ancestor], rule_uuid: str) -> str:
    """`generateAlertId`: the shell alert's id, also the sequence's group id."""
    return _sha256(_ancestry_text(ancestors) + rule_uuid)
