"""Access to ../shared (research data, rules, conformance suites, real logs).

Nothing from ../shared is copied into this repository; tests that need it skip with
a clear reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("RELAYWATCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, skipping the calling test when it does not exist."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path} (set RELAYWATCH_SHARED)")
    return path


def shared_files(pattern: str, *parts: str) -> list[Path]:
    """Files under ../shared matching a glob, or [] when ../shared is absent (for parametrize)."""
    base = SHARED.joinpath(*parts)
    return sorted(base.glob(pattern)) if base.exists() else []
