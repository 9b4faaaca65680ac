"""SLA milestones of a ticket: which warnings and breaches it can still reach, and by how
much a breach is overdue.

Four milestones (domain.sla.SlaMilestone), at the due times stored on the ticket:

- reaction warning: while nobody from staff has responded;
- reaction breach: while nobody has responded, or when the response came after the due
  time (so a breach missed while the bot was down is still put on record);
- resolution warning: while the ticket is being worked and its clock runs (a paused clock
  has no due time);
- resolution breach: likewise, or when it was resolved after the due time.

`MILESTONE_RULES` says this once, as data: `pending_milestones` reads it for one ticket, and
the storage layer writes it as SQL for its bulk query of the timers
(storage/repositories.py, `SqliteSlaEventRepository.pending`) and for each ticket's stored
next due time (`NEXT_DUE`; `next_due` here), so the two cannot drift apart; agreement tests
run both on the same tickets (tests/storage/test_duty_and_pages.py,
tests/storage/test_next_due.py).

The timers' check (domain/use_cases/sla_checks.py) records every milestone that is due and
not yet recorded, once; a breach is recorded with the working time overdue so far and
settled to the final amount once the ticket is answered (resolved). The bulk query looks at
open tickets only: a late breach of a ticket that has just finished is recorded by the
check that follows the change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.enums import TicketStatus
from domain.model import Ticket
from domain.sla import SlaClock, SlaMilestone

_M = SlaMilestone
BREACHES = frozenset({_M.REACTION_BREACH, _M.RESOLUTION_BREACH})
# The statuses in which the resolution clock has had its answer: staff resolved the ticket.
RESOLVED_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


@dataclass(frozen=True, slots=True)
class MilestoneRule:
    """When a milestone is still ahead of a ticket. It watches one of the two clocks, and its
    due time is stored on the ticket; the names are the Ticket's attributes, which are the
    tickets table's columns too."""

    milestone: SlaMilestone
    due: str  # reaction_warning_at, reaction_due, resolution_warning_at, resolution_due
    answered_at: str  # when its clock got its answer: first_response_at, resolved_at
    # The statuses in which the clock has its answer; None: once `answered_at` is set.
    answered_in: frozenset[TicketStatus] | None

    @property
    def breach(self) -> bool:
        return self.milestone in BREACHES

    def answered(self, ticket: Ticket) -> bool:
        if self.answered_in is not None:
            return ticket.status in self.answered_in
        return getattr(ticket, self.answered_at) is not None

    def answer(self, ticket: Ticket) -> datetime | None:
        """When the ticket answered what this milestone waits for; None while it has not."""
        if not self.answered(ticket):
            return None
        answered_at: datetime | None = getattr(ticket, self.answered_at)
        return answered_at

    def ahead_of(self, ticket: Ticket) -> datetime | None:
        """The due time if the ticket can still reach this milestone (recorded already or
        not): while the ticket is open and unanswered; for a breach, also when the answer
        came after the due time (so a breach missed while the bot was down is still put on
        record). A cancelled ticket reaches none."""
        due: datetime | None = getattr(ticket, self.due)
        if due is None or ticket.status is TicketStatus.CANCELLED:
            return None
        if not self.answered(ticket):
            return due if ticket.is_open else None
        answer = self.answer(ticket)
        return due if self.breach and answer is not None and answer > due else None


MILESTONE_RULES = (
    MilestoneRule(_M.REACTION_WARNING, "reaction_warning_at", "first_response_at", None),
    MilestoneRule(_M.REACTION_BREACH, "reaction_due", "first_response_at", None),
    MilestoneRule(_M.RESOLUTION_WARNING, "resolution_warning_at", "resolved_at", RESOLVED_STATUSES),
    MilestoneRule(_M.RESOLUTION_BREACH, "resolution_due", "resolved_at", RESOLVED_STATUSES),
)
_RULE = {rule.milestone: rule for rule in MILESTONE_RULES}
assert set(_RULE) == set(SlaMilestone)


def pending_milestones(ticket: Ticket) -> list[tuple[SlaMilestone, datetime]]:
    """The milestones this ticket can still reach, with their due times, earliest first
    (whether recorded already or not)."""
    found = []
    for rule in MILESTONE_RULES:
        due = rule.ahead_of(ticket)
        if due is not None:
            found.append((rule.milestone, due))
    found.sort(key=lambda item: item[1])
    return found


def next_due(ticket: Ticket, recorded: Collection[SlaMilestone]) -> datetime | None:
    """The ticket's next due time, as the storage keeps it (tickets.next_due_at): the
    earliest of its milestones still ahead and not in `recorded`; None when the ticket is
    closed or cancelled, or has none left."""
    if not ticket.is_open:
        return None
    ahead = (due for milestone, due in pending_milestones(ticket) if milestone not in recorded)
    return min(ahead, default=None)


def overdue(ticket: Ticket, clock: SlaClock, milestone: SlaMilestone, now: datetime) -> timedelta:
    """Working time past the target of a breach, up to the answer or, without one, `now`."""
    answered = _RULE[milestone].answer(ticket) or now
    if milestone is _M.REACTION_BREACH:
        return clock.reaction_overdue(answered)
    if milestone is _M.RESOLUTION_BREACH:
        return clock.resolution_overdue(answered)
    return timedelta(0)


def settled(ticket: Ticket, milestone: SlaMilestone) -> bool:
    """Whether the ticket gave what the breach waited for, so its overdue is final."""
    return _RULE[milestone].answer(ticket) is not None
