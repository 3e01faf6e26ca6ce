"""Subcommands of the `relaywatch` command line, one module each.

Each module defines `register(subparsers)` which adds its parser and sets
`func` to a callable taking the parsed arguments and returning an exit status.
"""

# Order is the order shown by `relaywatch --help`.
COMMANDS: tuple[str, ...] = ("query", "scan", "coverage", "rules", "convert")
