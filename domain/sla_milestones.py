"""SLA milestones of a ticket: which warnings and breaches it can still reach, and by how
much a breach is overdue.

Four milestones (domain.sla.SlaMilestone), at the due times stored on the ticket:

- reaction warning: while nobody from staff has responded;
- reaction breach: while nobody has responded, or when the response came after the due
  time (so a breach missed while the bot was down is still put on record);
- resolution warning: while the ticket is being worked and its clock runs (a paused clock
  has no due time);
- resolution breach: likewise, or when it was resolved after the due time.

The timers' check (domain/use_cases/sla_checks.py) records every milestone that is due and
not yet recorded, once; a breach is recorded with the working time overdue so far and
settled to the final amount once the ticket is answered (resolved). The storage layer's
bulk query for the timers mirrors `pending_milestones` for open tickets
(storage/repositories.py, `SqliteSlaEventRepository.pending`); a late breach of a ticket
that has just finished is recorded by the check that follows the change
(tests/storage/test_duty_and_pages.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.enums import TicketStatus
from domain.model import Ticket
from domain.sla import SlaClock, SlaMilestone

_M = SlaMilestone
BREACHES = frozenset({_M.REACTION_BREACH, _M.RESOLUTION_BREACH})
_FINISHED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


def pending_milestones(ticket: Ticket) -> list[tuple[SlaMilestone, datetime]]:
    """The milestones this ticket can still reach, with their due times, earliest first
    (whether recorded already or not)."""
    if ticket.status is TicketStatus.CANCELLED:
        return []
    found: list[tuple[SlaMilestone, datetime]] = []
    waiting = ticket.is_open and ticket.first_response_at is None
    if waiting and ticket.reaction_warning_at is not None:
        found.append((_M.REACTION_WARNING, ticket.reaction_warning_at))
    due = ticket.reaction_due
    if due is not None and (
        waiting or (ticket.first_response_at is not None and ticket.first_response_at > due)
    ):
        found.append((_M.REACTION_BREACH, due))
    working = ticket.is_open and ticket.status not in _FINISHED
    if working and ticket.resolution_warning_at is not None:
        found.append((_M.RESOLUTION_WARNING, ticket.resolution_warning_at))
    due = ticket.resolution_due
    if due is not None and (
        working
        or (
            ticket.status in _FINISHED
            and ticket.resolved_at is not None
            and ticket.resolved_at > due
        )
    ):
        found.append((_M.RESOLUTION_BREACH, due))
    found.sort(key=lambda item: item[1])
    return found


def overdue(ticket: Ticket, clock: SlaClock, milestone: SlaMilestone, now: datetime) -> timedelta:
    """Working time past the target of a breach, up to the answer or, without one, `now`."""
    if milestone is _M.REACTION_BREACH:
        return clock.reaction_overdue(ticket.first_response_at or now)
    if milestone is _M.RESOLUTION_BREACH:
        resolved = ticket.resolved_at if ticket.status in _FINISHED else None
        return clock.resolution_overdue(resolved or now)
    return timedelta(0)


def settled(ticket: Ticket, milestone: SlaMilestone) -> bool:
    """Whether the ticket gave what the breach waited for, so its overdue is final."""
    if milestone is _M.REACTION_BREACH:
        return ticket.first_response_at is not None
    return ticket.status in _FINISHED and ticket.resolved_at is not None
