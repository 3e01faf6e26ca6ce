"""Bad rule files give errors that name the file, the line and the reason; others still load."""

from __future__ import annotations

import pytest

from relaywatch.rules import load_rules
from relaywatch.rules.problems import DUPLICATE, INVALID, UNSUPPORTED
from tests.rules.conftest import MINIMAL_TOML, WriteRule


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL_TOML
    return MINIMAL_TOML.replace(old, new)


# (id, file text, expected line, expected words in the reason)
BAD_TOML = [
    ("syntax-error", _replace('name = "Test rule"', "name = Test rule"), 9, "invalid TOML"),
    ("missing-name", _replace('name = "Test rule"\n', ""), 6, "missing required field 'name'"),
    ("missing-rule-id", _replace('rule_id = "11111111-2222-3333-4444-555555555555"\n', ""), 6,
     "missing required field 'rule_id'"),
    ("risk-score-string", _replace("risk_score = 21", 'risk_score = "21"'), 10,
     "must be an integer"),
    ("risk-score-bool", _replace("risk_score = 21", "risk_score = true"), 10, "must be an integer"),
    ("risk-score-range", _replace("risk_score = 21", "risk_score = 101"), 10, "between 0 and 100"),
    ("severity-value", _replace('severity = "low"', 'severity = "urgent"'), 12,
     "must be one of low, medium, high, critical"),
    ("index-not-list", _replace('index = ["winlogbeat-*"]', 'index = "winlogbeat-*"'), 15,
     "must be a list"),
    ("index-not-strings", _replace('index = ["winlogbeat-*"]', 'index = ["a", 1]'), 15,
     "list of strings"),
    ("eql-language", _replace('language = "eql"', 'language = "kuery"'), 14, "language 'eql'"),
    ("interval-format", _replace('type = "eql"', 'type = "eql"\ninterval = "five minutes"'), 14,
     "must look like '5m'"),
    ("no-rule-table", "[metadata]\nmaturity = \"production\"\n", 1, "no [rule] table"),
    ("unknown-type", _replace('type = "eql"', 'type = "magic"'), 13, "must be one of eql"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [case[1:] for case in BAD_TOML],
    ids=[case[0] for case in BAD_TOML],
)
def test_bad_toml_is_reported_with_file_line_and_reason(
    write_rule: WriteRule, text: str, line: int, reason: str
) -> None:
    path = write_rule("bad.toml", text)
    good = write_rule("good.toml", MINIMAL_TOML.replace("11111111", "99999999"))
    ruleset = load_rules([path, good], check_queries=False)
    assert [rule.source.path for rule in ruleset.rules] == [str(good)]
    messages = [str(error) for error in ruleset.errors]
    assert any(f"{path}:{line}: " in m and reason in m for m in messages), messages
    assert all(error.kind == INVALID for error in ruleset.errors)


def test_every_problem_of_one_rule_is_reported(write_rule: WriteRule) -> None:
    text = _replace('severity = "low"', 'severity = "urgent"').replace(
        "risk_score = 21", "risk_score = -1"
    )
    ruleset = load_rules([write_rule("two.toml", text)], check_queries=False)
    reasons = sorted(error.reason for error in ruleset.errors)
    assert len(reasons) == 2
    assert "risk_score" in reasons[0] and "severity" in reasons[1]


def test_non_eql_rule_is_reported_as_unsupported_not_dropped(write_rule: WriteRule) -> None:
    text = _replace('type = "eql"', 'type = "query"').replace(
        'language = "eql"', 'language = "kuery"'
    )
    ruleset = load_rules([write_rule("kql.toml", text)], check_queries=False)
    assert ruleset.rules == ()
    (error,) = ruleset.errors
    assert error.kind == UNSUPPORTED
    assert "EQL only" in error.reason


def test_duplicate_rule_id_keeps_the_first_and_reports_the_second(write_rule: WriteRule) -> None:
    first = write_rule("a.toml", MINIMAL_TOML)
    second = write_rule("b.toml", MINIMAL_TOML.replace("Test rule", "Copy"))
    ruleset = load_rules([first, second], check_queries=False)
    assert [rule.name for rule in ruleset.rules] == ["Test rule"]
    (error,) = ruleset.errors
    assert error.kind == DUPLICATE
    assert str(first) in error.reason and error.location.path == str(second)


def test_unreadable_and_unknown_files_are_reported(write_rule: WriteRule) -> None:
    unknown = write_rule("rule.yaml", "title: x")
    missing = unknown.with_name("missing.toml")
    ruleset = load_rules([unknown, missing], check_queries=False)
    messages = [str(error) for error in ruleset.errors]
    assert any("unknown rule file type '.yaml'" in m for m in messages)
    assert any("cannot read rule file" in m and "missing.toml" in m for m in messages)


def test_folder_is_searched_for_rule_files(write_rule: WriteRule) -> None:
    path = write_rule("one.toml", MINIMAL_TOML)
    (path.parent / "notes.txt").write_text("not a rule")
    ruleset = load_rules([path.parent], check_queries=False)
    assert len(ruleset.rules) == 1 and ruleset.errors == ()


def test_rule_uuid_is_derived_from_rule_id(write_rule: WriteRule) -> None:
    a = load_rules([write_rule("a.toml", MINIMAL_TOML)], check_queries=False).rules[0]
    b = load_rules([write_rule("b.toml", MINIMAL_TOML)], check_queries=False).rules[0]
    other = MINIMAL_TOML.replace("11111111", "22222222")
    c = load_rules([write_rule("c.toml", other)], check_queries=False).rules[0]
    assert a.uuid == b.uuid != c.uuid
    assert len(a.uuid) == 36


def test_defaults_follow_kibana(write_rule: WriteRule) -> None:
    (rule,) = load_rules([write_rule("a.toml", MINIMAL_TOML)], check_queries=False).rules
    assert (rule.interval, rule.from_, rule.to, rule.max_signals, rule.version) == (
        "5m", "now-6m", "now", 100, 1,
    )  # fmt: skip


def test_select_unknown_rule_id_suggests_close_ids(write_rule: WriteRule) -> None:
    ruleset = load_rules([write_rule("a.toml", MINIMAL_TOML)], check_queries=False)
    with pytest.raises(Exception, match="did you mean 11111111-2222-3333-4444-555555555555"):
        ruleset.select(["11111111-2222-3333-4444-555555555556"])
