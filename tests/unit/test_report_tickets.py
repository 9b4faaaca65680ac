"""Which tickets a month's report is about (domain/report_tickets.py): those closed in the
month, those cancelled in it apart, those open at its end; each with its status then."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from domain.enums import Category, Priority, SlaTier, TicketKind, TicketStatus
from domain.model import Client, Ticket, WorkLog
from domain.report_tickets import (
    logs_in_report,
    minutes_by_ticket,
    month_tickets,
    overdue_while_open,
    status_at_end,
)
from tests.unit.fakes import msk

NOVEMBER = (msk(2026, 11, 1, 0, 0), msk(2026, 12, 1, 0, 0))
DURING = msk(2026, 11, 20, 12, 0)  # the month goes on
AFTER = msk(2026, 12, 10, 12, 0)  # the month is over


def ticket(
    number: int,
    registered: datetime,
    status: TicketStatus = TicketStatus.NEW,
    *,
    answered: datetime | None = None,
    resolved: datetime | None = None,
    closed: datetime | None = None,
) -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,
        title=f"№{number}",
        description="не печатает",
        registered_at=registered,
        status=status,
        first_response_at=answered,
        resolved_at=resolved,
        closed_at=closed,
        id=number,
    )


CLOSED = TicketStatus.CLOSED
CANCELLED = TicketStatus.CANCELLED
# number, registered, status, closed at -> part of November ("closed", "cancelled",
# "open", or None: not November's)
PARTS = [
    (1, msk(2026, 10, 28, 10, 0), CLOSED, msk(2026, 11, 3, 11, 0), "closed"),  # registered before
    (2, msk(2026, 11, 5, 10, 0), CLOSED, msk(2026, 11, 6, 11, 0), "closed"),
    (3, msk(2026, 11, 30, 23, 0), CLOSED, msk(2026, 11, 30, 23, 59), "closed"),
    (4, msk(2026, 11, 30, 10, 0), CLOSED, msk(2026, 12, 1, 0, 0), "open"),  # closed at the end
    (5, msk(2026, 10, 20, 10, 0), CLOSED, msk(2026, 10, 31, 23, 59), None),  # October's
    (6, msk(2026, 11, 10, 10, 0), CANCELLED, msk(2026, 11, 10, 10, 5), "cancelled"),
    (7, msk(2026, 11, 10, 10, 0), CANCELLED, msk(2026, 12, 2, 10, 5), "open"),
    (8, msk(2026, 9, 1, 10, 0), TicketStatus.IN_PROGRESS, None, "open"),  # open for months
    (9, msk(2026, 11, 30, 10, 0), TicketStatus.RESOLVED, None, "open"),
    (10, msk(2026, 12, 1, 0, 0), TicketStatus.NEW, None, None),  # December's
    (11, msk(2026, 10, 1, 10, 0), CANCELLED, msk(2026, 10, 2, 10, 0), None),
]


@pytest.mark.parametrize(("number", "registered", "status", "closed", "part"), PARTS)
def test_the_month_is_of_the_tickets_closed_in_it(number, registered, status, closed, part):
    tickets = [ticket(number, registered, status, closed=closed)]
    found = month_tickets(tickets, *NOVEMBER)
    parts = {
        "closed": found.closed,
        "cancelled": found.cancelled,
        "open": found.open_at_end,
    }
    where = [name for name, listed in parts.items() if listed]
    assert where == ([part] if part else [])


def test_each_part_is_in_ticket_number_order_and_listed_is_closed_then_open():
    tickets = [ticket(n, r, s, closed=c) for n, r, s, c, _ in reversed(PARTS)]
    found = month_tickets(tickets, *NOVEMBER)
    assert [t.number for t in found.closed] == [1, 2, 3]
    assert [t.number for t in found.open_at_end] == [4, 7, 8, 9]
    assert [t.number for t in found.listed] == [1, 2, 3, 4, 7, 8, 9]


def test_a_mass_outage_is_listed_but_its_requests_are_what_is_counted():
    from dataclasses import replace

    at = msk(2026, 11, 5, 10, 0)
    done = msk(2026, 11, 6, 10, 0)
    outage = replace(ticket(4, at, CLOSED, closed=done), outage=True)
    children = [replace(ticket(n, at, CLOSED, closed=done), parent_id=4) for n in (1, 2, 3)]
    still = replace(ticket(6, at, TicketStatus.RESOLVED), outage=True)
    found = month_tickets([outage, *children, still], *NOVEMBER)
    assert [t.number for t in found.closed] == [1, 2, 3, 4]  # listed, with its work
    assert [t.number for t in found.requests] == [1, 2, 3]  # counted, held to the SLA
    assert [t.number for t in found.open_at_end] == [6]
    assert found.open_requests == ()


R = msk(2026, 11, 2, 10, 0)
# the ticket now, the moment of the report -> the status the report states for November
STATUSES = [
    (ticket(1, R, TicketStatus.WAITING_CLIENT, answered=R), DURING, TicketStatus.WAITING_CLIENT),
    (ticket(2, R, CLOSED, closed=msk(2026, 11, 3, 10, 0)), AFTER, CLOSED),
    # closed in December: at the end of November it was resolved, or answered, or new
    (
        ticket(3, R, CLOSED, answered=R, resolved=msk(2026, 11, 30, 17, 0), closed=AFTER),
        AFTER,
        TicketStatus.RESOLVED,
    ),
    (
        ticket(4, R, CLOSED, answered=R, resolved=msk(2026, 12, 1, 9, 0), closed=AFTER),
        AFTER,
        TicketStatus.IN_PROGRESS,
    ),
    (ticket(5, R, CANCELLED, closed=msk(2026, 12, 3, 9, 0)), AFTER, TicketStatus.NEW),
    (ticket(6, R, TicketStatus.IN_PROGRESS, answered=R), AFTER, TicketStatus.IN_PROGRESS),
]


@pytest.mark.parametrize(("the_ticket", "now", "status"), STATUSES)
def test_the_status_is_the_one_at_the_months_end(the_ticket, now, status):
    assert status_at_end(the_ticket, NOVEMBER[1], now) == status


def test_the_work_on_a_closed_ticket_is_all_reported_on_an_open_one_what_was_done_by_the_end():
    found = month_tickets(
        [
            ticket(1, msk(2026, 10, 28, 10, 0), CLOSED, closed=msk(2026, 11, 3, 11, 0)),
            ticket(2, msk(2026, 11, 20, 10, 0), TicketStatus.IN_PROGRESS),
            ticket(3, msk(2026, 10, 1, 10, 0), CLOSED, closed=msk(2026, 10, 2, 10, 0)),
        ],
        *NOVEMBER,
    )
    logs = [
        WorkLog(2, 7, 30, msk(2026, 11, 20, 12, 0), "заказали деталь"),
        WorkLog(1, 7, 45, msk(2026, 10, 28, 12, 0), "проверил драйвер"),
        WorkLog(1, 8, 60, msk(2026, 11, 3, 10, 0), "заменил картридж"),
        WorkLog(2, 7, 20, msk(2026, 12, 1, 10, 0), "поставили деталь"),  # December's
        WorkLog(3, 7, 15, msk(2026, 10, 2, 9, 0), "перезагрузил"),  # October's ticket
    ]
    chosen = logs_in_report(found, logs, NOVEMBER[1])
    assert [(log.ticket_id, log.minutes) for log in chosen] == [(1, 45), (1, 60), (2, 30)]
    assert minutes_by_ticket(chosen) == {1: 105, 2: 30}


GOLD = Client(
    name="ООО Ромашка",
    tier=SlaTier.GOLD,
    timezone="Europe/Moscow",
    opens=time(9),
    closes=time(18),
    weekdays=frozenset(range(5)),
    country="RU",
    id=1,
)
MONDAY = msk(2026, 11, 23, 10, 0)


@pytest.mark.parametrize(
    ("the_ticket", "at", "overdue"),
    [
        (ticket(1, MONDAY), msk(2026, 11, 23, 10, 5), False),  # nobody answered yet, in time
        (ticket(1, MONDAY), msk(2026, 11, 25, 10, 0), True),  # nobody answered for two days
        (ticket(1, MONDAY, answered=msk(2026, 11, 23, 10, 10)), msk(2026, 11, 23, 12, 0), False),
        # answered in time, and the fix is days late
        (ticket(1, MONDAY, answered=msk(2026, 11, 23, 10, 10)), msk(2026, 11, 27, 12, 0), True),
        # resolved in time, waiting for the client's word: nothing overdue
        (
            ticket(
                1,
                MONDAY,
                TicketStatus.RESOLVED,
                answered=msk(2026, 11, 23, 10, 10),
                resolved=msk(2026, 11, 23, 11, 0),
            ),
            msk(2026, 11, 27, 12, 0),
            False,
        ),
    ],
)
def test_an_open_ticket_already_past_a_promise_is_named(the_ticket, at, overdue):
    assert overdue_while_open([the_ticket], GOLD, at) == ((1,) if overdue else ())
