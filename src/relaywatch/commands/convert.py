"""`relaywatch convert PATH... [--output FILE]`: any supported input -> ECS NDJSON.

The output is one ECS document per line, as Elasticsearch would have indexed it, ready
for bulk-loading; with `--bulk INDEX` each document is preceded by a `_bulk` `create`
action (data streams such as `logs-system.security-default` accept only `create`).
The account of the read (read = normalized + not relevant + rejected, with the first
locations of each rejection) goes to standard error, never into the data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import orjson

from relaywatch.ecs.hosts import load_inventory
from relaywatch.records import Document, Record
from relaywatch.sources import ReadOptions, ReadStats, read

EXIT_OK = 0
EXIT_REJECTED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert event logs (.evtx, NDJSON, XML, archives) to ECS NDJSON",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, globs or -")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--bulk", metavar="INDEX", help="write a _bulk body: a create action before each doc"
    )
    parser.add_argument("--hosts", metavar="FILE", help="host inventory (CSV or YAML) to apply")
    parser.add_argument(
        "--codes", metavar="CODES", help="only these event.codes, comma-separated (e.g. 4624,5145)"
    )
    parser.add_argument(
        "--ingested", metavar="TIME", help="event.ingested for documents without one (ISO-8601)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when any record was rejected"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = ReadOptions(relevant_codes=_codes(args.codes), ingested=args.ingested)
    enrich = _enricher(args.hosts)
    stats = ReadStats()
    records = (item for item in read(args.paths, options, stats) if isinstance(item, Record))
    with _output(args.output) as out:
        for record in records:
            out.write(_lines(enrich(record.doc), record, args.bulk))
    for line in stats.summary_lines():
        print(line, file=sys.stderr)
    return EXIT_REJECTED if args.strict and stats.rejected else EXIT_OK


def _codes(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(code.strip() for code in text.split(",") if code.strip())


def _enricher(path: str | None) -> Callable[[Document], Document]:
    if path is None:
        return lambda doc: doc
    return load_inventory(path).enrich


def _lines(doc: Document, record: Record, index: str | None) -> bytes:
    line = orjson.dumps(doc) + b"\n"
    if index is None:
        return line
    action: dict[str, str] = {"_index": index}
    if record.provenance.doc_id is not None:
        action["_id"] = record.provenance.doc_id
    return orjson.dumps({"create": action}) + b"\n" + line


@contextmanager
def _output(path: str | None) -> Iterator[BinaryIO]:
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as out:
        yield out
