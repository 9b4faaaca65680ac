"""SLA compliance of one client over a period (DOMAIN.md, "SLA tiers").

The report covers the client's tickets REGISTERED within a half-open period [start, end),
or, with `by_closing=True`, those CLOSED (or cancelled) within it: the monthly report's
rule (domain/report_tickets.py).
Each ticket has two targets, reaction and resolution, taken from its SLA clock (the
client's tier or its own table, its calendar, the ticket's priority and pauses). A target
is:

- met: answered (resolved) within the target, in working time;
- breached: answered (resolved) late, or still unanswered (unresolved) at `now` with the
  target already exceeded; the overdue is working time past the target, up to the answer
  or, if there is none yet, up to `now`;
- pending: not answered (resolved) yet and not yet overdue at `now`. Reaching the target
  exactly is still met, so an open ticket exactly at its due time is pending;
- to be agreed: a change request's resolution whose date nobody agreed with the client
  (domain/agreed_deadline.py): it has no target, so it is neither met nor breached, and
  counts in no percentage, however the ticket ended.

Cancelled tickets are left out of every SLA count, breach and per-kind/per-priority count,
and counted on their own. Percentages are of the decided targets (met + breached), as a
Decimal with one decimal place rounded half up, or None when nothing is decided. The
average rating has two decimal places, half up. Pure: `now` is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.enums import Priority, TicketKind, TicketStatus
from domain.model import LOW_RATING_UP_TO, Client, Rating, Ticket
from domain.report_tickets import ended_within

_ZERO = timedelta(0)
_TENTHS = Decimal("0.1")
_HUNDREDTHS = Decimal("0.01")


class SlaTarget(StrEnum):
    REACTION = "reaction"
    RESOLUTION = "resolution"


class TargetOutcome(StrEnum):
    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"
    TO_BE_AGREED = "to_be_agreed"


@dataclass(frozen=True, slots=True)
class TargetResult:
    """How one ticket fares against one target; `overdue` is working time, zero unless breached."""

    outcome: TargetOutcome
    target: timedelta | None  # None: a change request's resolution time, to be agreed
    overdue: timedelta
    # None for a resolution clock stopped while waiting for the client before its due time,
    # and for a resolution time to be agreed.
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketSla:
    ticket_id: int
    kind: TicketKind
    priority: Priority
    reaction: TargetResult
    resolution: TargetResult


@dataclass(frozen=True, slots=True)
class Breach:
    """A missed target, on record for the penalty: by how much, in working time."""

    ticket_id: int
    kind: SlaTarget
    priority: Priority
    target: timedelta
    overdue: timedelta
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class TargetCompliance:
    """Counts of one target over the report's tickets."""

    met: int
    breached: int
    pending: int
    overdue: timedelta  # summed over the breaches
    to_be_agreed: int = 0  # change requests whose resolution date nobody agreed

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def percent_met(self) -> Decimal | None:
        """Met as a percentage of decided, one decimal place half up; None if none decided."""
        if self.decided == 0:
            return None
        exact = Decimal(self.met) * 100 / Decimal(self.decided)
        return exact.quantize(_TENTHS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class AfterHoursEmergency:
    """A ticket the employee raised as an emergency outside working hours."""

    ticket_id: int
    priority: Priority
    status: TicketStatus
    registered_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None

    @property
    def responded_after(self) -> timedelta | None:
        """Wall-clock time to the first response: working time says little at night."""
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.registered_at


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    client_id: int | None
    period_start: datetime
    period_end: datetime
    now: datetime
    registered: int  # every ticket in the period (registered, or closed), cancelled ones included
    cancelled: int
    by_kind: Mapping[TicketKind, int]  # cancelled left out; every kind present
    by_priority: Mapping[Priority, int]  # cancelled left out; every priority present
    reaction: TargetCompliance
    resolution: TargetCompliance
    tickets: tuple[TicketSla, ...]  # cancelled left out, by ticket number
    breaches: tuple[Breach, ...]  # by ticket number, reaction before resolution
    emergencies: tuple[AfterHoursEmergency, ...]  # cancelled ones included
    ratings_count: int
    average_rating: Decimal | None
    low_ratings: tuple[Rating, ...]  # score <= LOW_RATING_UP_TO, by ticket number

    @property
    def total_overdue(self) -> timedelta:
        """Working time past the targets, summed over every breach."""
        return self.reaction.overdue + self.resolution.overdue


def ticket_sla(ticket: Ticket, client: Client, now: datetime) -> TicketSla:
    """Where the ticket stands against its reaction and resolution targets at `now`."""
    _require_aware(now, "now")
    clock = ticket.sla_clock(client)
    deadlines = clock.deadlines()
    # `resolve` also records the first response; the fallback covers rows that lack it.
    responded_at = ticket.first_response_at or ticket.resolved_at
    reaction = _target_result(
        clock.targets.reaction,
        deadlines.reaction_due,
        decided=responded_at is not None,
        overdue=clock.reaction_overdue(responded_at or now),
    )
    resolution = _target_result(
        clock.resolution_target,
        deadlines.resolution_due,
        decided=ticket.resolved_at is not None,
        overdue=clock.resolution_overdue(ticket.resolved_at or now),
    )
    return TicketSla(ticket.number, ticket.kind, ticket.priority, reaction, resolution)


def _target_result(
    target: timedelta | None, due_at: datetime | None, *, decided: bool, overdue: timedelta
) -> TargetResult:
    if target is None:
        outcome = TargetOutcome.TO_BE_AGREED
    elif overdue > _ZERO:
        outcome = TargetOutcome.BREACHED
    elif decided:
        outcome = TargetOutcome.MET
    else:
        outcome = TargetOutcome.PENDING
    return TargetResult(outcome, target, overdue, due_at)


def compliance_report(
    client: Client,
    tickets: Iterable[Ticket],
    ratings: Iterable[Rating],
    period_start: datetime,
    period_end: datetime,
    now: datetime,
    *,
    by_closing: bool = False,
) -> ComplianceReport:
    """SLA compliance of `client` for the tickets registered in [period_start, period_end)
    (`by_closing`: closed or cancelled in it).

    `tickets` must all be the client's (other tickets raise ValueError); those outside the
    period are ignored, as are ratings of tickets not in the report.
    """
    _require_aware(period_start, "period_start")
    _require_aware(period_end, "period_end")
    _require_aware(now, "now")
    if period_start >= period_end:
        raise ValueError("the period must start before it ends")
    in_period = []
    for ticket in tickets:
        if client.id is not None and ticket.client_id != client.id:
            raise ValueError(f"ticket {ticket.id} belongs to client {ticket.client_id}")
        if by_closing:
            if ended_within(ticket, period_start, period_end):
                in_period.append(ticket)
        elif period_start <= ticket.registered_at < period_end:
            in_period.append(ticket)
    in_period.sort(key=lambda t: t.number)

    counted = [t for t in in_period if t.status is not TicketStatus.CANCELLED]
    by_kind = dict.fromkeys(TicketKind, 0)
    by_priority = dict.fromkeys(Priority, 0)
    for ticket in counted:
        by_kind[ticket.kind] += 1
        by_priority[ticket.priority] += 1

    results = tuple(ticket_sla(ticket, client, now) for ticket in counted)
    breaches = tuple(_breaches(results))

    numbers = {t.number for t in in_period}
    rated = sorted((r for r in ratings if r.ticket_id in numbers), key=lambda r: r.ticket_id)

    return ComplianceReport(
        client_id=client.id,
        period_start=period_start,
        period_end=period_end,
        now=now,
        registered=len(in_period),
        cancelled=len(in_period) - len(counted),
        by_kind=by_kind,
        by_priority=by_priority,
        reaction=_target_compliance(r.reaction for r in results),
        resolution=_target_compliance(r.resolution for r in results),
        tickets=results,
        breaches=breaches,
        emergencies=tuple(_emergency(t) for t in in_period if t.emergency),
        ratings_count=len(rated),
        average_rating=_average(r.score for r in rated),
        low_ratings=tuple(r for r in rated if r.score <= LOW_RATING_UP_TO),
    )


def _breaches(results: Iterable[TicketSla]) -> Iterable[Breach]:
    for result in results:
        for kind, target in (
            (SlaTarget.REACTION, result.reaction),
            (SlaTarget.RESOLUTION, result.resolution),
        ):
            # A target to be agreed (None) is never breached.
            if target.outcome is TargetOutcome.BREACHED and target.target is not None:
                yield Breach(
                    result.ticket_id,
                    kind,
                    result.priority,
                    target.target,
                    target.overdue,
                    target.due_at,
                )


def _target_compliance(results: Iterable[TargetResult]) -> TargetCompliance:
    counts = dict.fromkeys(TargetOutcome, 0)
    overdue = _ZERO
    for result in results:
        counts[result.outcome] += 1
        overdue += result.overdue
    return TargetCompliance(
        met=counts[TargetOutcome.MET],
        breached=counts[TargetOutcome.BREACHED],
        pending=counts[TargetOutcome.PENDING],
        overdue=overdue,
        to_be_agreed=counts[TargetOutcome.TO_BE_AGREED],
    )


def _emergency(ticket: Ticket) -> AfterHoursEmergency:
    return AfterHoursEmergency(
        ticket_id=ticket.number,
        priority=ticket.priority,
        status=ticket.status,
        registered_at=ticket.registered_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
    )


def _average(scores: Iterable[int]) -> Decimal | None:
    values = list(scores)
    if not values:
        return None
    exact = Decimal(sum(values)) / Decimal(len(values))
    return exact.quantize(_HUNDREDTHS, rounding=ROUND_HALF_UP)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment.isoformat()}")
