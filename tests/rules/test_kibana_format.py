"""Kibana's rule export (NDJSON) and prebuilt package JSON load, and rules round-trip."""

from __future__ import annotations

import json
from pathlib import Path

from relaywatch.rules import builtin, load_rules
from relaywatch.rules.kibana_format import to_kibana
from relaywatch.rules.model import Rule
from tests.rules.conftest import WriteRule


def _same_rule(a: Rule, b: Rule) -> None:
    comparable = (
        "rule_id", "uuid", "name", "description", "query", "type", "language", "severity",
        "risk_score", "version", "interval", "from_", "to", "max_signals", "timestamp_override",
        "index", "tags", "threat", "references", "author", "license", "false_positives", "setup",
        "building_block_type", "related_integrations", "required_fields", "investigation_fields",
        "setup_requirements",
    )  # fmt: skip
    for name in comparable:
        left, right = getattr(a, name), getattr(b, name)
        if name == "setup_requirements":
            left = [(item.name, item.event_codes) for item in left]
            right = [(item.name, item.event_codes) for item in right]
        assert left == right, name
    # Kibana keeps pivots only inline in the note, so they come back in reading order:
    # compare each guide step with the pivots it refers to, not list positions.
    assert _steps(a) == _steps(b)
    assert sorted(p.label for p in a.pivots) == sorted(p.label for p in b.pivots)


def _steps(rule: Rule) -> list[tuple[str, tuple[tuple[str, str], ...], list[dict[str, object]]]]:
    return [
        (item.text, item.details, [dict(rule.pivots[index].payload) for index in item.pivots])
        for item in rule.guide.steps
    ]


def test_builtin_pack_round_trips_through_a_kibana_export(write_rule: WriteRule) -> None:
    pack = builtin(check_queries=False)
    lines = [json.dumps(to_kibana(rule)) for rule in pack.rules]
    lines.append(json.dumps({"exported_count": len(lines), "missing_rules": []}))
    path = write_rule("export.ndjson", "\n".join(lines) + "\n")
    loaded = load_rules([path], check_queries=False)
    assert loaded.errors == ()
    assert loaded.notes == (f"{path}:{len(lines)}: export summary, not a rule",)
    assert len(loaded.rules) == len(pack.rules) == 5
    for original, again in zip(pack.rules, loaded.rules, strict=True):
        _same_rule(original, again)
        assert again.source == original.source.__class__(str(path), again.source.line)


def test_export_keeps_the_installation_rule_uuid(write_rule: WriteRule) -> None:
    rule = to_kibana(builtin(check_queries=False).rules[0])
    rule["id"] = "0b3f6d3e-1111-4222-8333-944445555666"
    path = write_rule("one.ndjson", json.dumps(rule) + "\n")
    (loaded,) = load_rules([path], check_queries=False).rules
    assert loaded.uuid == "0b3f6d3e-1111-4222-8333-944445555666"


def test_bad_export_line_is_located_and_the_rest_still_load(write_rule: WriteRule) -> None:
    good = [json.dumps(to_kibana(rule)) for rule in builtin(check_queries=False).rules[:2]]
    broken = json.loads(good[0])
    broken["rule_id"] = "ffffffff-0000-0000-0000-000000000000"
    broken["severity"] = "extreme"
    text = "\n".join([good[0], "{not json", json.dumps(broken), good[1]]) + "\n"
    path = write_rule("mixed.ndjson", text)
    ruleset = load_rules([path], check_queries=False)
    assert len(ruleset.rules) == 2
    messages = sorted(str(error) for error in ruleset.errors)
    assert messages[0].startswith(f"{path}:2: invalid JSON")
    assert messages[1].startswith(f"{path}:3: 'severity' must be one of")


def test_exception_lists_in_an_export_are_noted_not_loaded(write_rule: WriteRule) -> None:
    lines = [
        {"list_id": "endpoint_list", "type": "endpoint", "name": "x"},
        {"item_id": "abc", "list_id": "endpoint_list", "entries": []},
    ]
    path = write_rule("lists.ndjson", "\n".join(json.dumps(line) for line in lines))
    ruleset = load_rules([path], check_queries=False)
    assert ruleset.rules == () and ruleset.errors == ()
    assert [note.split(": ", 1)[1] for note in ruleset.notes] == [
        "exception list, not a rule",
        "exception list item, not a rule",
    ]


def test_package_json_rule_loads_with_its_version(write_rule: WriteRule) -> None:
    rule = builtin(check_queries=False).rules[0]
    attributes = to_kibana(rule) | {"version": 7}
    attributes.pop("id")
    package = {"attributes": attributes, "id": f"{rule.rule_id}_7", "type": "security-rule"}
    path: Path = write_rule("package.json", json.dumps(package, indent=4))
    (loaded,) = load_rules([path], check_queries=False).rules
    assert loaded.version == 7
    # The package's id is "<rule_id>_<version>", not a uuid: the derived uuid is used.
    assert loaded.uuid == rule.uuid


def test_package_json_error_points_at_the_key_line(write_rule: WriteRule) -> None:
    attributes = to_kibana(builtin(check_queries=False).rules[0]) | {"risk_score": "high"}
    path = write_rule("bad.json", json.dumps({"attributes": attributes}, indent=2))
    line = next(
        number
        for number, text in enumerate(path.read_text().splitlines(), start=1)
        if '"risk_score"' in text
    )
    (error,) = load_rules([path], check_queries=False).errors
    assert str(error).startswith(f"{path}:{line}: 'risk_score' must be an integer")
