"""`relaywatch query 'EQL' PATH...`: an ad-hoc EQL query over event files, for hunting.

Prints one JSON line per result, shaped like Elasticsearch's EQL response: the document
for an event query, `{"join_keys": [...], "events": [...]}` for a sequence or sample.
Records are read from every source, normalized to ECS, ordered by `@timestamp` across
files (ties keep read order) and fed to the query; the read account goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

import orjson

from relaywatch import eql
from relaywatch.detect.options import add_input_options, inventory_from, positive_int
from relaywatch.detect.order import TimeOrder
from relaywatch.detect.run import query_relevance, relevant_options
from relaywatch.records import Record
from relaywatch.sources import ReadOptions, ReadStats, read

EXIT_OK = 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run an ad-hoc EQL query over event files and print the matches as JSON lines",
        description="Run one EQL query (Elasticsearch semantics) over event files. Prints "
        "one JSON line per match: the event, or {join_keys, events} for a sequence.",
    )
    parser.add_argument(
        "query", metavar="EQL", help="the query, e.g. 'file where file.name : \"spoolss\"'"
    )
    add_input_options(parser)
    parser.add_argument(
        "--size", type=positive_int, metavar="N", help="stop after N results (default: all)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="do not print the read account")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    query = eql.compile(args.query)
    stats = ReadStats()
    options = relevant_options(query_relevance(query), args.ingested)
    order = TimeOrder(args.sort_buffer or 1)
    unordered = _collect(args, options, stats, order)
    printed = 0
    out = sys.stdout.buffer
    for result in _results(query, order):
        if args.size is not None and printed >= args.size:
            break
        out.write(orjson.dumps(_shape(query, result), default=str) + b"\n")
        printed += 1
    out.flush()
    if not args.quiet:
        _report(stats, unordered, printed)
    return EXIT_OK


def _collect(
    args: argparse.Namespace, options: ReadOptions, stats: ReadStats, order: TimeOrder
) -> list[str]:
    inventory = inventory_from(args)
    unordered: list[str] = []
    # Counting inside the reader: records that cannot matter are tallied, not yielded.
    for item in read(args.paths, options, stats):
        if not isinstance(item, Record):
            continue
        doc = inventory.enrich(item.doc) if inventory is not None else item.doc
        try:
            when = eql.timestamp_ms(doc.get("@timestamp"))
        except eql.EqlRuntimeError as error:
            # EQL orders and windows by @timestamp: without one a record cannot take part.
            unordered.append(f"{item.provenance}: no usable @timestamp: {error}")
            continue
        order.add(when, Record(doc, item.provenance))
    return unordered


def _results(query: eql.Query, order: TimeOrder) -> Iterator[eql.Result]:
    matcher = query.matcher()
    for timestamp, _, record in order:
        yield from matcher.feed(record.doc, timestamp, record)
        if matcher.done:
            break
    yield from matcher.finish()


def _shape(query: eql.Query, result: eql.Result) -> Any:
    if not query.is_sequence:
        return result.events[0]
    return result.to_response()


def _report(stats: ReadStats, unordered: list[str], printed: int) -> None:
    lines = stats.summary_lines()
    if unordered:
        lines.append(f"  rejected {len(unordered)}: no usable @timestamp")
        lines.extend(f"    at {where}" for where in unordered[:5])
    lines.append(f"{printed} results")
    print("\n".join(lines), file=sys.stderr)
