"""Helpers for rule tests: write a rule file into a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relaywatch.rules import RuleSet, load_rules
from tests.shared import shared_path

WriteRule = Callable[[str, str], Path]


@pytest.fixture
def write_rule(tmp_path: Path) -> WriteRule:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def catalog() -> RuleSet:
    """The 1,081 official catalog rules, loaded once with their queries compiled."""
    return load_rules([shared_path("rules", "detection-rules")])


MINIMAL_TOML = """[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["Tester"]
description = "A test rule."
name = "Test rule"
risk_score = 21
rule_id = "11111111-2222-3333-4444-555555555555"
severity = "low"
type = "eql"
language = "eql"
index = ["winlogbeat-*"]
query = \'\'\'
authentication where event.code == "4624"
\'\'\'
"""
