"""The `relaywatch` command: parses arguments and dispatches to a subcommand module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from relaywatch import __version__
from relaywatch.commands import COMMANDS
from relaywatch.errors import RelaywatchError

EXIT_OK = 0
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relaywatch",
        description="Run Elastic EQL detection rules on Windows event logs, without Elasticsearch.",
    )
    parser.add_argument("--version", action="version", version=f"relaywatch {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"relaywatch.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.func(args)
    except RelaywatchError as error:
        print(f"relaywatch: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `relaywatch query ... | head` closes our stdout early; that is not an error.
        sys.stderr.close()
        return EXIT_OK
    return status


if __name__ == "__main__":
    sys.exit(main())
