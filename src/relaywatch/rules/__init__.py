"""Detection rules as data: the rule model, loaders by file format, and the built-in pack.

`load_rules(paths)` reads detection-rules TOML and Kibana exports into a `RuleSet` (rules plus
located errors); `builtin()` is the pack shipped inside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from relaywatch.rules.loader import FORMATS, RuleSet, load_rules, merge
from relaywatch.rules.model import Rule
from relaywatch.rules.problems import RuleProblemError

__all__ = [
    "FORMATS",
    "Rule",
    "RuleProblemError",
    "RuleSet",
    "builtin",
    "builtin_dir",
    "load_rules",
    "merge",
]


def builtin_dir() -> Path:
    """The folder of the built-in pack (package data, installed with relaywatch)."""
    return Path(str(resources.files("relaywatch.rules") / "builtin"))


def builtin(check_queries: bool = True) -> RuleSet:
    """The built-in rules: the two seed relay rules and their three relay siblings."""
    return load_rules([builtin_dir()], check_queries=check_queries)
