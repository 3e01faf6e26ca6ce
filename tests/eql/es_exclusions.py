"""Queries of the Elasticsearch QA suite that are not replayed as "same answer" checks.

Two kinds, each listed by name with its reason (never found by catching failures):

* `REJECTED`: queries current Elasticsearch refuses. Our copy of
  `additional_test_queries.toml` is the 7.10-era revision (@057ebd7d), written before
  `:` became string-only and `!:` was removed; upstream later rewrote these queries
  with `==` / `!=`. Elasticsearch answers them with a parse or verification error, so
  the test is that `eql.compile` raises an `EqlError` too.
* `OUT_OF_SCOPE`: queries Elasticsearch runs but whose field types our engine does not
  model (it works without a mapping, on ECS documents). They are not run.
"""

from __future__ import annotations

# `InsensitiveBinaryComparison.resolveInputType` (ES >= 7.12): both operands of `:` must be
# strings, else "...; consider using [==] instead".
_COLON_NUMBER = "`:` with a numeric operand; ES rejects it and suggests `==`"
_COLON_BOOLEAN = "`:` with a boolean operand; ES rejects it and suggests `==`"
_MATCH = "`match`/`matchLite` are Endgame functions; ES reports an unknown function"

REJECTED: dict[str, str] = {
    "stringCidrMatch1": _COLON_BOOLEAN,
    "cidrMatchAdditional2": _COLON_BOOLEAN,
    "cidrMatchAdditional3": _COLON_BOOLEAN,
    "cidrMatchAdditional4": _COLON_BOOLEAN,
    "cidrMatchAdditional5": _COLON_BOOLEAN,
    "concatWithCondition1": "`!:` was removed from the EQL grammar (write `not x : y`)",
    "numberStringConversion2": _COLON_NUMBER,
    "numberStringConversion3": _COLON_NUMBER,
    "numberStringConversion4": _COLON_NUMBER,
    "numberStringEquality": _COLON_NUMBER,
    "numberStringConversion5": _COLON_NUMBER,
    "matchWithCharacterClasses1": _MATCH + ' (and `?"..."` strings are not ES syntax)',
    "matchLiteAdditional": _MATCH + ' (and `?"..."` strings are not ES syntax)',
    "matchWithCharacterClasses2": _MATCH + ' (and `?"..."` strings are not ES syntax)',
    "multiPatternMatch": _MATCH,
    "matchWithSubstring": _MATCH,
    "moduloEqualsField": _COLON_NUMBER,
    "additionalMathWithFields1": _COLON_NUMBER,
    "additionalMathWithFields2": _COLON_NUMBER,
    "additionalMathWithFields3": _COLON_NUMBER,
    "additionalMathWithFields4": _COLON_NUMBER,
    "additionalMathWithFields5": _COLON_NUMBER,
    "additionalMathWithFields6": _COLON_NUMBER,
    "additionalMathWithFields7": _COLON_NUMBER,
    "twoSequencesAdditional1": _COLON_NUMBER,
    "twoSequencesAdditional2": _COLON_NUMBER,
}

_VERSION = (
    "`version` is mapped as the `version` type, which orders by semantic version "
    "(1.11.3 > 1.5.0); without a mapping the engine compares strings"
)
_NANOS = (
    "`@timestamp` is `date_nanos` in this index; the engine keeps epoch milliseconds "
    "(ECS `@timestamp` is `date`), so sub-millisecond literals cannot be told apart"
)

OUT_OF_SCOPE: dict[str, str] = {
    "sequenceWithVersionRangeCheck": _VERSION,
    "sequenceWithVersionRangeCheck2": _VERSION,
    "filterOnDateNanosWithNanos": _NANOS,
    "filterOnDateNanosWithNanosRange": _NANOS,
}
