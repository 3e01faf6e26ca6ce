"""The EQL engine: Elasticsearch EQL semantics over plain Python dicts.

from relaywatch import eql
query = eql.compile(text)            # raises eql.EqlSyntaxError / eql.EqlCompileError
for result in query.run(events):     # events: ECS dicts in timestamp order
    result.events, result.join_keys
"""

from relaywatch.eql.multi import MatcherSet, Verdicts
from relaywatch.eql.parser import parse
from relaywatch.eql.query import Matcher, Query, Result, compile_query
from relaywatch.eql.timestamps import timestamp_ms
from relaywatch.errors import EqlCompileError, EqlRuntimeError, EqlSyntaxError

compile = compile_query

__all__ = [
    "EqlCompileError",
    "EqlRuntimeError",
    "EqlSyntaxError",
    "Matcher",
    "MatcherSet",
    "Query",
    "Result",
    "Verdicts",
    "compile",
    "parse",
    "timestamp_ms",
]
