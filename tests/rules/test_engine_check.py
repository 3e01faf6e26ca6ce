"""Each rule's query is compiled by the engine; one it cannot run is reported, located."""

from __future__ import annotations

from relaywatch.rules import RuleSet, builtin, load_rules
from relaywatch.rules.problems import QUERY
from tests.rules.conftest import MINIMAL_TOML, WriteRule


def test_builtin_queries_compile() -> None:
    ruleset = builtin()
    assert ruleset.queries_checked
    assert ruleset.errors == ()
    assert len(ruleset.rules) == 5


def test_broken_query_is_reported_at_its_line_in_the_file(write_rule: WriteRule) -> None:
    # The query starts on line 17 (after `query = '''` on line 16); the error is on its line 2.
    text = MINIMAL_TOML.replace(
        'authentication where event.code == "4624"\n',
        'authentication where event.code == "4624"\n  and process.name == ) \n',
    )
    path = write_rule("broken.toml", text)
    ruleset = load_rules([path])
    assert ruleset.rules == ()
    (error,) = ruleset.errors
    assert error.kind == QUERY
    assert error.location.line == 18
    assert str(error).startswith(f"{path}:18: query of 'Test rule' cannot run: EQL syntax error")


def test_unknown_function_is_a_located_compile_error(write_rule: WriteRule) -> None:
    text = MINIMAL_TOML.replace('event.code == "4624"', "nosuchfunction(event.code)")
    (error,) = load_rules([write_rule("fn.toml", text)]).errors
    assert error.kind == QUERY and error.location.line == 17
    assert "nosuchfunction" in error.reason


def test_catalog_rules_the_engine_cannot_run_are_reported_not_dropped(catalog: RuleSet) -> None:
    assert catalog.queries_checked
    assert len(catalog.rules) + len(catalog.errors) == 1081
    assert all(error.kind == QUERY and error.location.line > 1 for error in catalog.errors)
