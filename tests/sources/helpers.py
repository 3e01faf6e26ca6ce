"""Small builders shared by the reader tests: documents, files, and a read with stats."""

from __future__ import annotations

import errno
import gzip
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from relaywatch.records import Record, Skip
from relaywatch.sources import ReadOptions, ReadStats, read

INGESTED = "2026-01-02T03:04:05.000Z"


def ecs_doc(
    code: Any = "4624", timestamp: Any = "2024-05-01T10:00:00.000Z", **extra: Any
) -> dict[str, Any]:
    """An ECS document as Elasticsearch indexed it (it has `event.category`)."""
    doc: dict[str, Any] = {
        "@timestamp": timestamp,
        "event": {"code": code, "category": ["authentication"], "kind": "event"},
        "host": {"name": "dc01"},
        "winlog": {"record_id": "1", "channel": "Security"},
    }
    if timestamp is None:
        del doc["@timestamp"]
    doc.update(extra)
    return doc


def ndjson(*values: Any) -> bytes:
    return b"".join(orjson.dumps(value) + b"\n" for value in values)


def write(path: Path, data: bytes, *, gzipped: bool = False) -> str:
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return str(path)


def run(paths: Sequence[str], **options: Any) -> tuple[list[Record], list[Skip], ReadStats]:
    """Read `paths` with a fixed `event.ingested`; return records, skips and the stats."""
    stats = ReadStats()
    chosen = ReadOptions(ingested=options.pop("ingested", INGESTED), **options)
    records: list[Record] = []
    skips: list[Skip] = []
    for item in stats.track(read(paths, chosen)):
        if isinstance(item, Record):
            records.append(item)
        else:
            skips.append(item)
    assert stats.read == stats.normalized + stats.not_relevant + stats.rejected
    assert stats.read == len(records) + len(skips)
    return records, skips, stats


def rejected(skips: Sequence[Skip]) -> list[tuple[int, str]]:
    """(position, category) of every rejection, for readable assertions."""
    return [
        (skip.provenance.position, skip.reason.split(": ", 1)[0]) for skip in skips if skip.rejected
    ]


class BreaksAfter(io.RawIOBase):
    """A disk that fails with EIO after its first `good` bytes."""

    def __init__(self, data: bytes, good: int) -> None:
        self._data, self._at, self._good = data, 0, good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._at >= self._good:
            raise OSError(errno.EIO, "Input/output error")
        count = min(len(buffer), self._good - self._at)
        buffer[:count] = self._data[self._at : self._at + count]
        self._at += count
        return count
