"""The floors every speed figure is a ratio to: the least work any reader must do."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from evtx import PyEvtxParser


def evtx_floor(paths: Sequence[str]) -> int:
    """Iterate the `evtx` parser's records (its JSON strings), touching nothing else."""
    count = 0
    for path in paths:
        for _record in PyEvtxParser(path).records_json():
            count += 1
    return count


def ndjson_floor(paths: Sequence[str]) -> int:
    """`orjson.loads` of every NDJSON line, keeping nothing."""
    count = 0
    for path in paths:
        with open(path, "rb") as lines:
            for line in lines:
                orjson.loads(line)
                count += 1
    return count
