"""Which tickets a month's report is about, and how it states them (seed 003: the report is
"в разрезе закрытых задач").

One rule for the whole report: the month's tickets are those CLOSED in it (their
`closed_at` within [start, end)). They are listed, counted, held against the SLA and billed
(domain/billing.py bills the work logged on a ticket in the month it closed), whenever
they were registered. Beside them:

- cancelled in the month (cancelled at a moment within it): counted on their own, never
  billed;
- open at the month's end: registered before the end and neither closed nor cancelled by
  then; listed in a section of their own with the work logged on them so far, billed in
  the month they close. A ticket closed after the month's end was open at its end.

A ticket reopened after being closed counts in the month of its last closing (reopening
clears the closing moment).

A mass outage's own ticket (domain/outages.py) is no request of the client's people: its
children are, each with its own SLA record. It is listed with the work staff logged on it
(billed once, in the month it closed, as any ticket's), but not counted among the requests
nor held against the SLA (`requests`, `open_requests`): a client's accountant would
otherwise see one outage as one request more, and its missed deadline penalised twice.

The status a report states is the ticket's status at the month's end: where the month is
not over yet, its status now; for a month gone by, a ticket closed or cancelled within it
is closed or cancelled, and one that was still open then is derived from what is on record
(resolved by then: awaiting the client's confirmation; answered by then: in work; else
new), since a waiting for the client's answer has no history to read back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.enums import TicketStatus
from domain.model import Client, Ticket, WorkLog

_ENDED = (TicketStatus.CLOSED, TicketStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class MonthTickets:
    closed: tuple[Ticket, ...]  # closed in the month: listed, counted, billed
    cancelled: tuple[Ticket, ...]  # cancelled in the month: counted apart
    open_at_end: tuple[Ticket, ...]  # open when the month ended

    @property
    def listed(self) -> tuple[Ticket, ...]:
        return self.closed + self.open_at_end

    @property
    def requests(self) -> tuple[Ticket, ...]:
        """The client's requests closed or cancelled in the month: counted and held against
        the SLA (a mass outage's own ticket is none; its children are)."""
        return tuple(t for t in self.closed + self.cancelled if not t.outage)

    @property
    def open_requests(self) -> tuple[Ticket, ...]:
        """The client's requests open at the month's end."""
        return tuple(t for t in self.open_at_end if not t.outage)


def ended_within(ticket: Ticket, start: datetime, end: datetime) -> bool:
    """Closed or cancelled at a moment within [start, end)."""
    return (
        ticket.status in _ENDED and ticket.closed_at is not None and start <= ticket.closed_at < end
    )


def month_tickets(tickets: Iterable[Ticket], start: datetime, end: datetime) -> MonthTickets:
    """The month [start, end) of these tickets, each part by ticket number."""
    closed: list[Ticket] = []
    cancelled: list[Ticket] = []
    still_open: list[Ticket] = []
    for ticket in sorted(tickets, key=lambda t: t.number):
        if ended_within(ticket, start, end):
            (closed if ticket.status is TicketStatus.CLOSED else cancelled).append(ticket)
        elif ticket.registered_at < end and not _ended_before(ticket, start):
            still_open.append(ticket)
    return MonthTickets(tuple(closed), tuple(cancelled), tuple(still_open))


def _ended_before(ticket: Ticket, moment: datetime) -> bool:
    return ticket.status in _ENDED and ticket.closed_at is not None and ticket.closed_at < moment


def status_at_end(ticket: Ticket, end: datetime, now: datetime) -> TicketStatus:
    """The ticket's status when the month [.., end) ended (now, while it goes on)."""
    if now < end or _ended_before(ticket, end):
        return ticket.status
    if ticket.resolved_at is not None and ticket.resolved_at < end:
        return TicketStatus.RESOLVED
    if ticket.first_response_at is not None and ticket.first_response_at < end:
        return TicketStatus.IN_PROGRESS
    return TicketStatus.NEW


def logs_in_report(
    tickets: MonthTickets, work_logs: Iterable[WorkLog], end: datetime
) -> tuple[WorkLog, ...]:
    """The work on the month's tickets: all of it on a closed ticket (it is all billed
    now), what was logged before the end on one still open; by moment."""
    closed = {t.number for t in tickets.closed}
    still_open = {t.number for t in tickets.open_at_end}
    chosen = [
        log
        for log in work_logs
        if log.ticket_id in closed or (log.ticket_id in still_open and log.at < end)
    ]
    return tuple(sorted(chosen, key=lambda log: (log.at, log.ticket_id)))


def minutes_by_ticket(work_logs: Iterable[WorkLog]) -> Mapping[int, int]:
    """Minutes logged per ticket number."""
    totals: dict[int, int] = {}
    for log in work_logs:
        totals[log.ticket_id] = totals.get(log.ticket_id, 0) + log.minutes
    return totals


def overdue_while_open(tickets: Iterable[Ticket], client: Client, at: datetime) -> tuple[int, ...]:
    """The numbers of open tickets already past a promise at `at`: the answer came late or
    has not come in time, or the fix is overdue. Their breaches count in the month they
    close, but a report must not say "no breaches" while they stand."""
    late = []
    for ticket in tickets:
        clock = ticket.sla_clock(client)
        answered_or_now = min(ticket.first_response_at or at, at)
        resolved_or_now = min(ticket.resolved_at or at, at)
        if clock.reaction_overdue(answered_or_now) or clock.resolution_overdue(resolved_or_now):
            late.append(ticket.number)
    return tuple(late)
