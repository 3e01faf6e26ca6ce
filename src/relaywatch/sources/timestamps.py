"""Coercion of document timestamps to ISO-8601 UTC text (`...Z`).

Elasticsearch's default `date` format is `strict_date_optional_time||epoch_millis`: a
date without an offset is UTC and a number is epoch milliseconds. Documents read
here get the same reading, written out as explicit UTC so that every timestamp
relaywatch hands on is timezone-aware.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z")
_FRACTION = re.compile(r"(\.\d{6})\d+")


def canonical(text: str) -> bool:
    """Already `YYYY-MM-DDTHH:MM:SS[.fraction]Z`."""
    return _CANONICAL.fullmatch(text) is not None


def to_utc_text(value: Any) -> str | None:
    """The UTC text of a timestamp value, or None when the value is not a timestamp."""
    if isinstance(value, str):
        if _CANONICAL.fullmatch(value):
            return value
        if value.isdigit():
            return _from_epoch_ms(int(value))
        return _from_iso(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch_ms(value)
    return None


def _from_epoch_ms(millis: float) -> str | None:
    try:
        moment = datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return _format(moment)


def _from_iso(text: str) -> str | None:
    cleaned = _FRACTION.sub(r"\1", text.strip())
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _format(moment.astimezone(UTC))


def _format(moment: datetime) -> str:
    if moment.microsecond % 1000:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
