"""Event time as Elasticsearch's EQL orders it: epoch milliseconds (a `date` field
keeps millisecond precision, so finer digits are truncated)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from relaywatch.errors import EqlRuntimeError


def timestamp_ms(value: Any) -> int:
    """ISO-8601 text (any fraction length, `Z` or offset), epoch millis, or a datetime."""
    if value.__class__ is str:
        return _parse_text(value)
    if isinstance(value, bool):
        raise EqlRuntimeError(f"not a timestamp: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EqlRuntimeError(f"not a timestamp: {value!r}")
        return int(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return _millis(moment)
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, list) and len(value) == 1:
        return timestamp_ms(value[0])
    raise EqlRuntimeError(f"not a timestamp: {value!r}")


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")


def date_literal_ms(value: Any) -> int:
    """A date literal in a query, read as the `date` field's default format
    `strict_date_optional_time||epoch_millis` does: the ISO form first, so "2020" is the
    year 2020 and "2020-01" its January; other digit strings are epoch milliseconds."""
    if isinstance(value, str):
        partial = _PARTIAL_DATE.fullmatch(value.strip())
        if partial is not None:
            year, month = int(partial.group(1)), int(partial.group(2) or 1)
            try:
                return _millis(datetime(year, month, 1, tzinfo=UTC))
            except ValueError:
                raise EqlRuntimeError(f"not a date: {value!r}") from None
    return timestamp_ms(value)


def _parse_text(text: str) -> int:
    try:
        minute = _MINUTES.get(text[:17])
        if minute is not None:
            if len(text) == 24 and text[19] == "." and text[23] == "Z":
                # `SS.fffZ`, what shippers write: `_REST` without the regex (its `\d` is
                # `isdecimal`, and int() reads the same digits).
                seconds, millis = text[17:19], text[20:23]
                if seconds.isdecimal() and millis.isdecimal():
                    return minute + int(seconds) * 1000 + int(millis)
            rest = _REST.fullmatch(text, 17)
            if rest is not None:
                seconds, fraction = rest.groups()
                return minute + int(seconds) * 1000 + int((fraction or "0")[:3].ljust(3, "0"))
        fast = _ZULU.fullmatch(text)
        if fast is not None:
            return _zulu_millis(fast)
        text = text.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        return _millis(_from_iso(text))
    except ValueError:
        raise EqlRuntimeError(f"not a timestamp: {text!r}") from None


# `2026-11-01T10:00:01.234Z`, what every shipper writes: parsed without datetime objects,
# with the day number cached (log timestamps share a handful of dates).
_ZULU = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z")
_DAYS: dict[str, int] = {}


# The minute (`2026-11-01T10:00:`) of a timestamp the regex has read, to its epoch
# milliseconds: the next timestamps of that minute only need their seconds and fraction.
_MINUTES: dict[str, int] = {}
_REST = re.compile(r"(\d{2})(?:\.(\d{1,9}))?Z")


def _zulu_millis(match: re.Match[str]) -> int:
    date, hours, minutes, seconds, fraction = match.groups()
    days = _DAYS.get(date)
    if days is None:
        days = (datetime.fromisoformat(date).replace(tzinfo=UTC) - _EPOCH).days
        if len(_DAYS) > 4096:
            _DAYS.clear()
        _DAYS[date] = days
    minute = days * 86_400_000 + int(hours) * 3_600_000 + int(minutes) * 60_000
    if len(_MINUTES) > 4096:
        _MINUTES.clear()
    _MINUTES[match.string[:17]] = minute
    millis = int((fraction or "0")[:3].ljust(3, "0"))
    return minute + int(seconds) * 1000 + millis


def _from_iso(text: str) -> datetime:
    dot = text.find(".", 19)
    if dot > 0:
        # Windows writes 100 ns digits (7) and some tools 9; Python takes at most 6.
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        text = text[: dot + 1] + text[dot + 1 : end][:6].ljust(3, "0") + text[end:]
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _millis(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
