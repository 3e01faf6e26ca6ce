"""The options of one alert-building run, passed explicitly (STYLE.md §9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# `_index` given to a record that carried none and has no `data_stream.*` fields: the data
# stream Elastic Agent's Windows "forwarded" integration writes Security events to, which is
# the closest model of events read from exported logs (research/ecs-mapping.md §0.9).
DEFAULT_SOURCE_INDEX = "logs-windows.forwarded-default"

# Kibana writes a space's alerts to `.alerts-security.alerts-<space id>`.
ALERTS_INDEX_PREFIX = ".alerts-security.alerts-"


@dataclass(frozen=True, slots=True)
class AlertContext:
    """Run time (becomes every alert's `@timestamp`), Kibana space, and index names.

    `run_time` must be timezone-aware; it is converted to UTC. `public_base_url`, when set,
    adds `kibana.alert.url` links as Kibana does when `server.publicBaseUrl` is configured.
    `execution_uuid` fills `kibana.alert.rule.execution.uuid` when given.
    """

    run_time: datetime
    space_id: str = "default"
    source_index: str = DEFAULT_SOURCE_INDEX
    public_base_url: str | None = None
    execution_uuid: str | None = None
    kibana_version: str | None = None

    def __post_init__(self) -> None:
        if self.run_time.tzinfo is None:
            raise ValueError("AlertContext.run_time must be timezone-aware")
        object.__setattr__(self, "run_time", self.run_time.astimezone(UTC))

    @property
    def alerts_index(self) -> str:
        return f"{ALERTS_INDEX_PREFIX}{self.space_id}"

    @classmethod
    def now(cls, **options: str) -> AlertContext:
        """A context for a run starting at the current time."""
        return cls(run_time=datetime.now(UTC), **options)
