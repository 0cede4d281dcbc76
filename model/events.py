"""What happened in a week: named events (a policy change, a ruling, an agreement, retaliation)
and counts of acts (inspections, fines, exits, ...), as enums rather than strings spread over the
phase modules.

A ``WeekLog`` is the one place phases record them; the model keeps the run's events and this
week's counts, and the Power Cube metrics (model/metrics.py) read the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Event(StrEnum):
    """Kinds of events, with the strings written to ``events.parquet`` (``kind`` column)."""

    POLICY_SCHEDULED = "policy_scheduled"          # a scenario's change at its week
    POLICY_CONCEDED = "policy_conceded"            # a ladder rung won under pressure
    POLICY_COURT = "policy_court"                  # recognition by a granted judicial review
    REVIEW_FILED = "judicial_review_filed"
    REVIEW_GRANTED = "judicial_review_granted"
    REVIEW_REJECTED = "judicial_review_rejected"
    AGREEMENTS_SIGNED = "agreements_signed"
    RETALIATION = "retaliation"

    @property
    def is_decision(self) -> bool:
        """A decision of the state (a policy change or a ruling): visible power."""
        return self in _DECISIONS


_DECISIONS = frozenset({Event.POLICY_SCHEDULED, Event.POLICY_CONCEDED, Event.POLICY_COURT,
                        Event.REVIEW_GRANTED, Event.REVIEW_REJECTED})


class Count(StrEnum):
    """Acts counted each week (how many), read by the Power Cube metrics."""

    DECISIONS = "decisions"          # policy changes and rulings
    INSPECTIONS = "inspections"
    FINES = "fines"
    EXITS = "exits"                  # subcontractors moving orders away from a required rate
    RETALIATIONS = "retaliations"    # subcontractors moving work away after a demand
    BLACKLISTED = "blacklisted"      # organizers blacklisted after acting
    JOINED = "joined"
    LEFT = "left"
    SWITCHES = "switches"            # workers who moved to a better-paying subcontractor (model 0.2)


@dataclass
class WeekLog:
    """The run's events and this week's counts.

    Attributes:
        week: the week events are recorded at (the model sets it as the week starts).
        events: every event of the run so far, as ``{"week", "kind", "detail"}`` rows.
        counts: this week's counts (cleared by ``new_week``).
    """

    week: int = 0
    events: list[dict[str, object]] = field(default_factory=list)
    counts: dict[Count, int] = field(default_factory=dict)

    def new_week(self, week: int) -> None:
        self.week = week
        self.counts = {}

    def record(self, kind: Event, detail: str) -> None:
        """Note an event at the current week; a decision also counts as one."""
        self.events.append({"week": self.week, "kind": kind.value, "detail": detail})
        if kind.is_decision:
            self.counts[Count.DECISIONS] = self.counts.get(Count.DECISIONS, 0) + 1

    def count(self, what: Count, how_many: int) -> None:
        """Set this week's count of ``what``."""
        self.counts[what] = int(how_many)

    def get(self, what: Count) -> int:
        return self.counts.get(what, 0)
