"""Windows events -> the ECS documents Elastic would have indexed.

- `from_raw_event(event)`: evtx-binding / XML record -> raw Winlogbeat document.
- `from_flat_event(flat)`: NXLog-style flat JSON -> raw Winlogbeat document.
- `normalize(raw, ingested)`: the ingest pipeline (windows.forwarded model) -> ECS.
- `is_raw_winlogbeat(doc)`: has this Winlogbeat document skipped the pipeline?

Host facts a Security log does not contain (host.ip, host.id) live in
`relaywatch.ecs.hosts`. docs/ecs.md describes the sources and every known difference.
"""

from __future__ import annotations

from relaywatch.ecs.flat import from_flat_event
from relaywatch.ecs.pipeline import ingested_now, is_raw_winlogbeat, normalize
from relaywatch.ecs.winlogbeat import RawEventError, from_raw_event, to_int

__all__ = [
    "RawEventError",
    "from_flat_event",
    "from_raw_event",
    "ingested_now",
    "is_raw_winlogbeat",
    "normalize",
    "to_int",
]
