"""Every EQL query of Elastic's detection-rule catalog parses, compiles and prints back.

The catalog (../shared/rules/detection-rules/, 1,081 EQL rules) is the language our
users bring; a rule we cannot compile is a rule they cannot run. Each rule file is one
test id (its file stem); the rule's TOML is read inside the test so that collection
stays cheap.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from relaywatch import eql
from tests.shared import shared_files

RULE_FILES = shared_files("*.toml", "rules", "detection-rules")
CATALOG_SIZE = 1081  # EQL rules in the catalog snapshot under ../shared


def eql_query(path: Path) -> str:
    rule = tomllib.loads(path.read_text(encoding="utf-8"))["rule"]
    if rule.get("language") != "eql":
        pytest.skip(f"{path.name}: language {rule.get('language')!r}, not EQL")
    query: str = rule["query"]
    return query


def test_catalog_snapshot_is_complete() -> None:
    if not RULE_FILES:
        pytest.skip("../shared/rules/detection-rules is not available")
    assert len(RULE_FILES) == CATALOG_SIZE


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.stem)
def test_rule_query_compiles(path: Path) -> None:
    eql.compile(eql_query(path))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.stem)
def test_rule_query_prints_back_to_the_same_ast(path: Path) -> None:
    query = eql_query(path)
    ast = eql.parse(query)
    printed = str(ast)
    assert eql.parse(printed) == ast, f"query:\n{query}\nprinted:\n{printed}"
