"""The built-in pack states the same facts as Elastic's official rules, in our own words."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from relaywatch.rules import builtin, load_rules
from relaywatch.rules.guide import render_pivot
from relaywatch.rules.model import Rule
from tests.shared import shared_path

PACK = {rule.rule_id: rule for rule in builtin(check_queries=False).rules}
FILES = {
    "23e5407a-b696-4433-9297-087645f2726c": "credential_access_dollar_account_relay_ntlm.toml",
    "d84a11c0-eb12-4e7d-8a0a-718e38351e29": "credential_access_machine_account_smb_relay.toml",
    "263481c8-1e9b-492e-912d-d1760707f810": "credential_access_dollar_account_relay.toml",
    "2d58f67c-156e-480a-a6eb-a698fd8197ff": "credential_access_dollar_account_relay_kerberos.toml",
    "4682fd2c-cfae-47ed-a543-9bed37657aa6": (
        "credential_access_relay_ntlm_auth_via_http_spoolss.toml"
    ),
}
SEEDS = {
    "23e5407a-b696-4433-9297-087645f2726c": (
        "potential-ntlm-relay-attack-against-a-computer-account.txt"
    ),
    "d84a11c0-eb12-4e7d-8a0a-718e38351e29": "potential-machine-account-relay-attack-via-smb.txt",
}
FACTS = (
    "rule_id", "name", "query", "type", "language", "severity", "risk_score", "from_",
    "interval", "max_signals", "timestamp_override", "index", "tags", "threat", "references",
    "author", "license", "investigation_fields",
)  # fmt: skip


def _official(rule_id: str) -> Rule:
    (rule,) = load_rules([shared_path("rules", "relay", FILES[rule_id])], False).rules
    return rule


def _official_raw(rule_id: str) -> dict[str, Any]:
    return tomllib.loads(shared_path("rules", "relay", FILES[rule_id]).read_text())


def _seed(rule_id: str) -> str:
    return shared_path("seeds", SEEDS[rule_id]).read_text(encoding="utf-8")


def _seed_value(text: str, label: str) -> str:
    match = re.search(rf"^{label}: (.+)$", text, re.MULTILINE)
    assert match, label
    return match.group(1).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$.]+", text.lower())


def _ngrams(text: str, size: int = 8) -> set[tuple[str, ...]]:
    # Headings are structure plus the rule name (a fact), not prose.
    prose = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    # Field names (in backticks) and links are facts too; each counts as one neutral token.
    prose = re.sub(r"`[^`]*`|\[[^\]]*\]\([^)]*\)|https?://\S+", " fact ", prose)
    words = _words(prose)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_pack_has_the_two_seeds_and_three_siblings() -> None:
    assert set(PACK) == set(FILES)
    assert builtin().errors == ()


@pytest.mark.parametrize("rule_id", sorted(FILES), ids=lambda rid: FILES[rid][:-5])
def test_pack_facts_match_the_official_rule(rule_id: str) -> None:
    ours, theirs = PACK[rule_id], _official(rule_id)
    for name in FACTS:
        assert getattr(ours, name) == getattr(theirs, name), name
    # Ours may name a policy the official text only links to (process creation for 4682fd2c).
    names = {s.name for s in ours.setup_requirements}
    assert names >= {s.name for s in theirs.setup_requirements}


@pytest.mark.parametrize("rule_id", sorted(FILES), ids=lambda rid: FILES[rid][:-5])
def test_pack_pivot_queries_match_the_official_rule(rule_id: str) -> None:
    ours, theirs = PACK[rule_id], _official(rule_id)
    assert [(p.providers, p.relative_from, p.relative_to) for p in ours.pivots] == [
        (p.providers, p.relative_from, p.relative_to) for p in theirs.pivots
    ]


@pytest.mark.parametrize("rule_id", sorted(FILES), ids=lambda rid: FILES[rid][:-5])
def test_pack_prose_is_our_own(rule_id: str) -> None:
    ours, raw = PACK[rule_id], _official_raw(rule_id)["rule"]
    theirs = " ".join(raw.get(key, "") for key in ("description", "note", "setup"))
    mine = " ".join([ours.description, ours.note, ours.setup])
    shared = _ngrams(mine) & _ngrams(theirs)
    assert not shared, sorted(" ".join(gram) for gram in shared)[:5]
    assert ours.guide.steps and ours.guide.false_positives and ours.guide.response


@pytest.mark.parametrize("rule_id", sorted(SEEDS), ids=lambda rid: SEEDS[rid][:-4])
def test_seed_rules_use_the_seed_document_values(rule_id: str) -> None:
    rule, text = PACK[rule_id], _seed(rule_id)
    assert rule.severity == _seed_value(text, "Severity")
    assert rule.risk_score == int(_seed_value(text, "Risk score"))
    assert rule.version == int(_seed_value(text, "Version"))
    assert rule.interval == _seed_value(text, "Runs every")
    assert rule.max_signals == int(_seed_value(text, "Maximum alerts per execution"))
    assert _seed_value(text, "Searches indices from").startswith(rule.from_ + " ")
    query = text.split("Rule query\nedit", 1)[1].split("\nFramework:", 1)[0]
    assert _words(rule.query) == _words(query)


@pytest.mark.parametrize("rule_id", sorted(SEEDS), ids=lambda rid: SEEDS[rid][:-4])
def test_required_fields_match_the_package(rule_id: str) -> None:
    metadata = json.loads(shared_path("rules", "relay", "packaged_metadata.json").read_text())
    expected = [(f["name"], f["type"], f["ecs"]) for f in metadata[rule_id]["required_fields"]]
    assert [(f.name, f.type, f.ecs) for f in PACK[rule_id].required_fields] == expected


@pytest.mark.parametrize("rule_id", sorted(SEEDS), ids=lambda rid: SEEDS[rid][:-4])
def test_rendered_pivots_are_what_kibana_shows(rule_id: str) -> None:
    # The official TOML's pivots, rendered, appear verbatim in the published guide.
    text = _seed(rule_id)
    rendered = [render_pivot(pivot) for pivot in _official(rule_id).pivots]
    assert rendered and all(item in text for item in rendered)


def test_pack_files_are_package_data() -> None:
    folder = Path(next(iter(PACK.values())).source.path).parent
    assert folder.name == "builtin"
    assert sorted(path.name for path in folder.glob("*.toml")) == sorted(FILES.values())
