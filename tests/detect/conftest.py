"""Fixtures for scan tests: the built-in rules and a fixed alert context."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relaywatch.alerts import AlertContext
from relaywatch.detect import ScanOptions
from relaywatch.rules import builtin
from relaywatch.rules.model import Rule

NTLM = "23e5407a-b696-4433-9297-087645f2726c"
SMB = "d84a11c0-eb12-4e7d-8a0a-718e38351e29"
RUN_TIME = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(scope="session")
def seed_rules() -> tuple[Rule, ...]:
    return builtin().select([NTLM, SMB]).rules


@pytest.fixture(scope="session")
def all_rules() -> tuple[Rule, ...]:
    return builtin().rules


def options(**overrides: object) -> ScanOptions:
    base = ScanOptions(context=AlertContext(run_time=RUN_TIME), ingested="2026-03-02T00:00:00.000Z")
    fields = {name: getattr(base, name) for name in ScanOptions.__dataclass_fields__}
    return ScanOptions(**(fields | overrides))
