"""Timestamps as ISO-8601 UTC strings (`...Z`), the form Winlogbeat ships.

Windows records `TimeCreated/@SystemTime` in UTC with 100 ns precision; the evtx
binding prints 6 fractional digits, Windows XML 7, python-evtx a space and `+00:00`.
All become `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; the fraction is kept as written, so
no precision is invented or lost.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso_utc(text: str) -> str | None:
    """Canonical UTC form of an ISO-8601 timestamp, or None when it is not one."""
    if len(text) >= 20 and text[10] == "T" and text[-1] == "Z" and text[4] == "-":
        return text  # the common case: already canonical, no parsing per record
    parsed = _parse(text)
    if parsed is None:
        return None
    return format_utc(parsed, _fraction(text))


def format_utc(moment: datetime, fraction: str = "") -> str:
    """`moment` (aware) in UTC, with `fraction` digits if given, else milliseconds."""
    utc = moment.astimezone(UTC)
    base = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        return f"{base}.{fraction}Z"
    return f"{base}.{utc.microsecond // 1000:03d}Z"


def _fraction(text: str) -> str:
    dot = text.find(".", 17)
    if dot < 0:
        return "000"
    end = dot + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[dot + 1 : end] or "000"


def _parse(text: str) -> datetime | None:
    cleaned = text.strip()
    if cleaned.endswith(" UTC"):  # the evtx binding's record-header form
        cleaned = cleaned[:-4]
    cleaned = cleaned.replace(" ", "T", 1)
    cleaned = _trim_fraction(cleaned)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    # SystemTime is UTC by definition; a zone-less value is read as UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _trim_fraction(text: str) -> str:
    """datetime parses at most 6 fractional digits; Windows writes 7."""
    dot = text.find(".", 17)
    if dot < 0:
        return text
    end = dot + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[: min(end, dot + 7)] + text[end:]


def local_to_utc(local: str, offset: timedelta) -> str | None:
    """A zone-less local time (`2020-08-06 02:26:45`) shifted by `offset` to UTC."""
    parsed = _parse(local)
    if parsed is None:
        return None
    return format_utc(parsed - offset)
