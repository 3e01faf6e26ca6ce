"""The official rule files in ../shared load unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from relaywatch.rules import RuleSet, load_rules
from relaywatch.rules.problems import QUERY
from tests.shared import shared_files, shared_path

RELAY = shared_files("*.toml", "rules", "relay")


def test_every_catalog_rule_loads_without_error(catalog: RuleSet) -> None:
    files = sorted(shared_path("rules", "detection-rules").glob("*.toml"))
    # Only the engine may refuse a rule (kind "query", tested in test_engine_check.py).
    assert [str(e) for e in catalog.errors if e.kind != QUERY] == []
    assert len(catalog.rules) + len(catalog.errors) == len(files) == 1081


def test_catalog_guides_are_read_into_steps(catalog: RuleSet) -> None:
    ruleset = catalog
    with_note = [rule for rule in ruleset.rules if "investigation steps" in rule.note.lower()]
    assert with_note
    assert all(rule.guide.steps for rule in with_note), [
        str(rule.source) for rule in with_note if not rule.guide.steps
    ]


@pytest.mark.parametrize("path", RELAY, ids=[path.stem for path in RELAY])
def test_relay_rule_file_loads_unchanged(path: Path) -> None:
    ruleset = load_rules([path], check_queries=False)
    assert ruleset.errors == ()
    (rule,) = ruleset.rules
    assert rule.source.path == str(path)
    assert rule.query.strip()


def test_relay_folder_reports_the_metadata_json_as_not_a_rule() -> None:
    ruleset = load_rules([shared_path("rules", "relay")], check_queries=False)
    assert len(ruleset.rules) == 5
    assert ruleset.errors == ()
    assert len(ruleset.notes) == 1
    assert "packaged_metadata.json" in ruleset.notes[0]
