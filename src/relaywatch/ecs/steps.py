"""A pipeline processor: one small step and the event codes it runs for.

The Painless scripts open with `if (![...].contains(ctx.event.code)) return;`. Here
that list is data on the processor, so a document only visits the steps that can
change it: `plan(code)` is computed once per event code and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
Step = Callable[[Doc, str, Doc], None]


def codes(listed: str) -> frozenset[str]:
    """A set of event codes written as the pipeline lists them, blank-separated."""
    return frozenset(listed.split())


@dataclass(frozen=True, slots=True)
class Processor:
    """`run(doc, code, event_data)`, for every code when `codes` is None.

    `needs` names the event_data keys without which the step does nothing (its
    Painless opens with `if (ctx.winlog?.event_data?.X == null) return;`); the
    pipeline skips the call when none of them is present.
    """

    run: Step
    codes: frozenset[str] | None = None
    needs: tuple[str, ...] = ()

    def applies(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def needing(*needs: str) -> Callable[[Step], Processor]:
    """`needing("A", "B")(step)`: a processor for every code that needs A or B."""
    return lambda step: Processor(step, None, needs)
