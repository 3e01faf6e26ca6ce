"""Duplicate alerts dropped by id, as Kibana drops them.

Kibana never writes an alert whose `_id` already exists: `factories/filter_duplicate_alerts.ts`
looks the ids up in the alerts index before writing (and the bulk `create` ignores 409
conflicts). Because ids are deterministic, the same events seen twice (overlapping windows in
Kibana; here, for example, an `.evtx` file and its own NDJSON export read in one scan) give
the same ids, and the second copy is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

UUID_FIELD = "kibana.alert.uuid"


def new_alerts(alerts: Iterable[Mapping[str, Any]], seen: set[str]) -> list[Mapping[str, Any]]:
    """The alerts whose id is not in `seen`, in order; their ids are added to `seen`."""
    fresh = []
    for alert in alerts:
        uuid = str(alert[UUID_FIELD])
        if uuid not in seen:
            seen.add(uuid)
            fresh.append(alert)
    return fresh
