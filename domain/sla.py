"""SLA targets (DOMAIN.md, "SLA tiers") and the SLA clock of one ticket.

Targets are amounts of working time on the client's calendar. The reaction clock runs
from registration to the first staff response; the resolution clock runs from
registration to "resolved" and stops while the ticket waits for the client.

A change request's resolution time is agreed with the client case by case
(domain/agreed_deadline.py): until staff set the agreed moment it has no resolution target
at all (no due time, no warning, no breach, never met nor missed); from then on its target
is the working time from registration to that moment, so that the clock counts, pauses
and reports it as any other target. Its warning comes at the usual share of the time that
was left when it was agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.calendar import WorkCalendar
from domain.enums import Priority, SlaTier

DEFAULT_WARNING_FRACTION = 0.75


@dataclass(frozen=True, slots=True)
class SlaTargets:
    reaction: timedelta
    resolution: timedelta


def _hours(reaction: float, resolution: float) -> SlaTargets:
    return SlaTargets(timedelta(hours=reaction), timedelta(hours=resolution))


SlaTable = Mapping[Priority, SlaTargets]

_L, _S, _H, _X = Priority.LOW, Priority.STANDARD, Priority.HIGH, Priority.HIGHEST

DEFAULT_SLA_TABLES: Mapping[SlaTier, SlaTable] = {
    SlaTier.BRONZE: {_L: _hours(40, 80), _S: _hours(8, 32), _H: _hours(2, 16), _X: _hours(1, 8)},
    SlaTier.SILVER: {_L: _hours(32, 64), _S: _hours(6, 24), _H: _hours(2, 12), _X: _hours(1, 8)},
    SlaTier.GOLD: {_L: _hours(32, 64), _S: _hours(4, 16), _H: _hours(1, 8), _X: _hours(0.5, 6)},
    SlaTier.PLATINUM: {
        _L: _hours(24, 48),
        _S: _hours(2, 12),
        _H: _hours(1, 8),
        _X: _hours(0.5, 4),
    },
}


def check_sla_table(table: Mapping[Priority, SlaTargets]) -> None:
    """A contract's own table names every priority, each with a reaction above zero and a
    resolution no shorter than the reaction; ValueError saying what is wrong otherwise."""
    missing = [p.value for p in Priority if p not in table]
    if missing:
        raise ValueError(f"the table has no {', '.join(missing)} (it needs all four priorities)")
    for priority in Priority:
        targets = table[priority]
        if targets.reaction <= timedelta(0):
            raise ValueError(f"{priority.value}: the reaction time must be above zero")
        if targets.resolution < targets.reaction:
            raise ValueError(
                f"{priority.value}: the resolution time must not be shorter than the reaction time"
            )


def sla_targets(tier: SlaTier, priority: Priority, custom: SlaTable | None = None) -> SlaTargets:
    """The contract's own table wins where it names the priority; the tier's default otherwise."""
    if custom and priority in custom:
        return custom[priority]
    return DEFAULT_SLA_TABLES[SlaTier(tier)][Priority(priority)]


@dataclass(frozen=True, slots=True)
class Pause:
    """An interval when the resolution clock stood still; `ended_at` is None while it lasts."""

    started_at: datetime
    ended_at: datetime | None = None


class SlaMilestone(StrEnum):
    REACTION_WARNING = "reaction_warning"
    REACTION_BREACH = "reaction_breach"
    RESOLUTION_WARNING = "resolution_warning"
    RESOLUTION_BREACH = "resolution_breach"


@dataclass(frozen=True, slots=True)
class SlaDeadlines:
    reaction_warning_at: datetime
    reaction_due: datetime
    # None while the ticket waits for the client: the clock is stopped, no due time exists.
    resolution_warning_at: datetime | None
    resolution_due: datetime | None

    def at(self, milestone: SlaMilestone) -> datetime | None:
        return {
            SlaMilestone.REACTION_WARNING: self.reaction_warning_at,
            SlaMilestone.REACTION_BREACH: self.reaction_due,
            SlaMilestone.RESOLUTION_WARNING: self.resolution_warning_at,
            SlaMilestone.RESOLUTION_BREACH: self.resolution_due,
        }[milestone]


@dataclass(frozen=True, slots=True)
class AgreedResolution:
    """The resolution moment agreed with the client, and when staff set it."""

    due: datetime
    agreed_at: datetime


@dataclass(frozen=True, slots=True)
class SlaClock:
    """The SLA of one ticket: due times, warnings, whether each target was met and by how much
    it was missed, all in working time of `calendar`."""

    calendar: WorkCalendar
    targets: SlaTargets
    registered_at: datetime
    pauses: tuple[Pause, ...] = ()
    warning_fraction: float = DEFAULT_WARNING_FRACTION
    # A change request: the resolution target is what was agreed (None: nothing yet).
    by_agreement: bool = False
    agreed: AgreedResolution | None = None

    @classmethod
    def of(
        cls,
        calendar: WorkCalendar,
        targets: SlaTargets,
        registered_at: datetime,
        pauses: Iterable[Pause] = (),
        warning_fraction: float = DEFAULT_WARNING_FRACTION,
        *,
        by_agreement: bool = False,
        agreed: AgreedResolution | None = None,
    ) -> SlaClock:
        ordered = tuple(sorted(pauses, key=lambda p: p.started_at))
        return cls(
            calendar, targets, registered_at, ordered, warning_fraction, by_agreement, agreed
        )

    @property
    def resolution_target(self) -> timedelta | None:
        """The working time allowed for the resolution; None while it is to be agreed."""
        if not self.by_agreement:
            return self.targets.resolution
        if self.agreed is None:
            return None
        return self._elapsed_when_agreed() + self._left_when_agreed()

    def _elapsed_when_agreed(self) -> timedelta:
        assert self.agreed is not None
        return self.resolution_elapsed(self.agreed.agreed_at)

    def _left_when_agreed(self) -> timedelta:
        assert self.agreed is not None
        left = self.calendar.working_time_between(self.agreed.agreed_at, self.agreed.due)
        return max(left, timedelta(0))

    @property
    def clock_starts_at(self) -> datetime:
        return self.calendar.next_working_moment(self.registered_at)

    def deadlines(self) -> SlaDeadlines:
        reaction = self.targets.reaction
        resolution = self.resolution_target
        if resolution is None:
            warning_at, due = None, None
        elif self.agreed is not None:
            elapsed = self._elapsed_when_agreed()
            warning_at = self._resolution_moment(
                elapsed + self._left_when_agreed() * self.warning_fraction
            )
            due = self._agreed_moment(resolution)
        else:
            warning_at = self._resolution_moment(resolution * self.warning_fraction)
            due = self._resolution_moment(resolution)
        return SlaDeadlines(
            reaction_warning_at=self.calendar.add_working_time(
                self.registered_at, reaction * self.warning_fraction
            ),
            reaction_due=self.calendar.add_working_time(self.registered_at, reaction),
            resolution_warning_at=warning_at,
            resolution_due=due,
        )

    def _agreed_moment(self, target: timedelta) -> datetime | None:
        """The agreed moment itself (even outside working hours, as it was agreed), moved
        on by the time the ticket waited for the client since."""
        assert self.agreed is not None
        due = self._resolution_moment(target)
        if due is None:
            return None
        unmoved = self.calendar.add_working_time(
            max(self.agreed.agreed_at, self.registered_at), self._left_when_agreed()
        )
        return self.agreed.due if due <= unmoved else due

    def _resolution_moment(self, amount: timedelta) -> datetime | None:
        """When `amount` of unpaused working time will have passed since registration."""
        cursor, remaining = self.registered_at, amount
        for pause in self.pauses:
            if pause.started_at < cursor:  # overlapping or stale pause: only its tail counts
                if pause.ended_at is None:
                    return None
                cursor = max(cursor, pause.ended_at)
                continue
            candidate = self.calendar.add_working_time(cursor, remaining)
            if candidate <= pause.started_at:
                return candidate
            remaining -= self.calendar.working_time_between(cursor, pause.started_at)
            if pause.ended_at is None:
                return None
            cursor = pause.ended_at
        return self.calendar.add_working_time(cursor, remaining)

    def resolution_elapsed(self, at: datetime) -> timedelta:
        """Working time counted against resolution up to `at`, pauses left out."""
        elapsed = self.calendar.working_time_between(self.registered_at, at)
        for pause in self.pauses:
            start = max(pause.started_at, self.registered_at)
            end = min(pause.ended_at or at, at)
            if end > start:
                elapsed -= self.calendar.working_time_between(start, end)
        return max(elapsed, timedelta(0))

    def reaction_overdue(self, responded_or_now: datetime) -> timedelta:
        """How far past the reaction target, in working time (zero when met)."""
        elapsed = self.calendar.working_time_between(self.registered_at, responded_or_now)
        return max(elapsed - self.targets.reaction, timedelta(0))

    def resolution_overdue(self, resolved_or_now: datetime) -> timedelta:
        """How far past the resolution target, in working time (zero when met, and while
        the target is to be agreed)."""
        target = self.resolution_target
        if target is None:
            return timedelta(0)
        return max(self.resolution_elapsed(resolved_or_now) - target, timedelta(0))

    def reaction_met(self, responded_at: datetime) -> bool:
        return self.reaction_overdue(responded_at) == timedelta(0)

    def resolution_met(self, resolved_at: datetime) -> bool:
        return self.resolution_overdue(resolved_at) == timedelta(0)

    def resolution_left(self, at: datetime) -> timedelta | None:
        """Working time left before the resolution breach (negative when overdue); None
        while the target is to be agreed."""
        target = self.resolution_target
        if target is None:
            return None
        return target - self.resolution_elapsed(at)

    def reaction_left(self, at: datetime) -> timedelta:
        elapsed = self.calendar.working_time_between(self.registered_at, at)
        return self.targets.reaction - elapsed
