"""Times as Kibana writes them: JavaScript `Date.toISOString()` (UTC, milliseconds, "Z")."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

# Python's fromisoformat takes at most 6 fractional digits; Windows times carry 7 (100 ns).
_FRACTION = re.compile(r"(\.\d{6})\d+")


def iso_millis(moment: datetime) -> str:
    """`Date.toISOString()` of an aware datetime."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> datetime | None:
    """An event's `@timestamp` (ISO-8601 text or epoch milliseconds) as an aware datetime.

    Like Kibana's `getValidDateFromDoc` (moment parsing), a value that is not a date gives
    None rather than an error; a naive time is taken as UTC, as Elasticsearch does.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str):
        return None
    text = _FRACTION.sub(r"\1", value.strip())
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
