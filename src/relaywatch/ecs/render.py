"""Render event values the way Winlogbeat renders them from the event XML.

The `evtx` binding returns typed values (`LogonType: 3`, `KeyLength: 0`, booleans,
GUIDs as bare upper-case text); Winlogbeat's `winlog.event_data` is all strings taken
from the XML Windows renders (elastic/beats `winlogbeat/sys/winevent/maputil.go`
`AddPairs`: empty values skipped, `\\r\\n` turned into `\\n`). Every pipeline lookup
(logon type, status texts, `Long.decode`) keys on those strings, so rendering must
be exact.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_BARE_GUID = re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)


def is_bare_guid(text: str) -> bool:
    """True for `8-4-4-4-12` hex text without braces (how the evtx binding renders GUIDs)."""
    return len(text) == 36 and _BARE_GUID.fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def render_guid(text: str) -> str:
    """`54849625-...-3E3B0328C30D` -> `{54849625-...-3e3b0328c30d}`.

    Windows renders a GUID-typed value in braces; the Winlogbeat goldens read from
    .evtx files (security-windows2012_4776) show it lower-case. Text already in braces
    came from a string-typed field and is kept as written.
    Cached: provider and logon GUIDs repeat in every record of a log.
    """
    return "{" + text.lower() + "}" if is_bare_guid(text) else text


def render_value(value: Any) -> str:
    """One typed value -> the string Winlogbeat would have (\"\" means: drop it)."""
    if type(value) is str:
        if "\r" in value:
            value = value.replace("\r\n", "\n")
        return render_guid(value) if len(value) == 36 else value
    if isinstance(value, bool):
        # XML renders xs:boolean as true/false; checked before int (bool is an int).
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, dict):
        return render_value(value.get("#text"))
    if isinstance(value, list):
        # A multi-valued element is rendered as its items, one per line.
        return "\n".join(filter(None, map(render_value, value)))
    return str(value)
