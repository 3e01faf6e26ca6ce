"""Settings for the whole test suite."""

from __future__ import annotations

from hypothesis import settings

# Hypothesis fails an example that takes longer than 200 ms by default: a timed assertion,
# which a shared or loaded machine trips at random. Speed is measured by benchmarks/.
settings.register_profile("relaywatch", deadline=None)
settings.load_profile("relaywatch")
