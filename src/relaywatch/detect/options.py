"""Command-line options shared by `scan` and `coverage`: inventory, ordering, progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from relaywatch.detect.order import DEFAULT_BUFFER, DEFAULT_MEMORY
from relaywatch.detect.run import Progress as ProgressCallback
from relaywatch.ecs.hosts import HostInventory, load_inventory
from relaywatch.errors import RelaywatchError

MAX_DEFAULT_JOBS = 4


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def add_input_options(parser: argparse.ArgumentParser, ordered: bool = True) -> None:
    """Input options; `ordered=False` (coverage) leaves out the ones that only matter
    when events are ordered and documents written (`--ingested`, `--sort-buffer`)."""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="event files, folders, globs or archives (.evtx, NDJSON/JSON, XML, .gz/.zip/.tar); "
        "'-' reads standard input",
    )
    group = parser.add_argument_group("input")
    group.add_argument(
        "--hosts",
        metavar="FILE",
        help="host inventory (CSV name,ips[,id] or YAML) supplying host.ip / host.id",
    )
    if ordered:
        _add_ordering_options(group)
    group.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def _add_ordering_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--ingested",
        metavar="TIME",
        help="fixed event.ingested (ISO-8601) for events that lack one (default: read time)",
    )
    group.add_argument(
        "--sort-buffer",
        type=positive_int,
        default=DEFAULT_BUFFER,
        metavar="N",
        help=f"records held in memory while ordering by time before spilling to disk "
        f"(default {DEFAULT_BUFFER:,})",
    )


def default_jobs() -> int:
    """One reading process per core, at most `MAX_DEFAULT_JOBS` (the parent merges)."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=0,
        metavar="N",
        help="processes reading the inputs in parallel (default 0: one per core, at most "
        f"{MAX_DEFAULT_JOBS}); 1 reads everything in this process. Results are identical",
    )


def add_memory_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sort-memory",
        type=positive_int,
        default=DEFAULT_MEMORY >> 20,
        metavar="MB",
        help="megabytes of records held in memory while ordering by time before spilling "
        f"sorted runs to disk (default {DEFAULT_MEMORY >> 20})",
    )


def jobs_from(args: argparse.Namespace) -> int:
    return int(args.jobs) or default_jobs()


def inventory_from(args: argparse.Namespace) -> HostInventory | None:
    return load_inventory(args.hosts) if args.hosts else None


def parse_time(text: str, option: str) -> datetime:
    """An ISO-8601 time; naive times are UTC. RelaywatchError (usage) when unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RelaywatchError(f"{option}: not an ISO-8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def progress_bar(args: argparse.Namespace) -> Iterator[ProgressCallback | None]:
    """A live "records read" counter on stderr when it is a terminal, else nothing."""
    if args.no_progress or not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading")

        def update(count: int) -> None:
            bar.update(task, description=f"reading: {count:,} records")

        yield update
