"""Located rule problems: what `RuleSet.errors` holds and `rules validate` prints."""

from __future__ import annotations

from collections.abc import Sequence

from relaywatch.errors import RuleError
from relaywatch.rules.model import Location

# Kinds of problem, so a caller can tell a broken file from a rule the engine cannot run.
INVALID = "invalid"  # the file or a field is wrong: the rule is not loaded
UNSUPPORTED = "unsupported"  # a valid rule of a type or language relaywatch does not run
QUERY = "query"  # the EQL query does not parse or compile
DUPLICATE = "duplicate"  # a rule_id already loaded from another file


class RuleProblemError(RuleError):
    """One problem with one rule file, with the file and line it is about."""

    def __init__(self, location: Location, reason: str, kind: str = INVALID, rule_id: str = ""):
        self.location = location
        self.reason = reason
        self.kind = kind
        self.rule_id = rule_id
        super().__init__(f"{location}: {reason}")


class InvalidRuleError(RuleError):
    """All problems found in one rule (a rule is checked completely, not to its first error)."""

    def __init__(self, problems: Sequence[RuleProblemError]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in problems))
