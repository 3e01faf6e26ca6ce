"""Event readers: every supported input -> ECS `Record`s, with every skip accounted for.

`read(paths, options)` detects each input's format from its content (`.evtx`, NDJSON
and JSON in all their Elasticsearch / Winlogbeat / NXLog shapes, Windows XML, and
`.gz`, `.zip`, `.tar(.gz)` archives of them) and yields `Record | Skip`;
`ReadStats.track` counts them. See docs/sources.md.
"""

from relaywatch.sources.options import ReadOptions
from relaywatch.sources.reader import FORMATS, read
from relaywatch.sources.stats import ReadStats

__all__ = ["FORMATS", "ReadOptions", "ReadStats", "read"]
