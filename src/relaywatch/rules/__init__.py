"""Detection rules as data: the rule model, loaders by file format, and the built-in pack."""

from relaywatch.rules.model import Rule

__all__ = ["Rule"]
