"""The personal manager's daily digest: when it goes, and what it lists (domain/digest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain import Category, Priority, TicketKind
from domain import TicketStatus as S
from domain.digest import (
    Section,
    build_digest,
    digest_day,
    first_client,
    ratings_window,
)
from domain.model import Rating, Ticket
from domain.sla import Pause
from tests.unit.fakes import msk
from tests.unit.test_paging import MANAGER, client

TUESDAY_9 = msk(2026, 11, 24, 9, 0)


@pytest.mark.parametrize(
    ("now", "day"),
    [
        pytest.param(msk(2026, 11, 24, 8, 59), None, id="before the opening: not yet"),
        pytest.param(TUESDAY_9, TUESDAY_9.date(), id="at the opening"),
        pytest.param(msk(2026, 11, 24, 9, 59), TUESDAY_9.date(), id="back from a stop by 09:59"),
        pytest.param(msk(2026, 11, 24, 10, 0), None, id="an hour gone: tomorrow's"),
        pytest.param(msk(2026, 11, 24, 18, 0), None, id="after the close: tomorrow's"),
        pytest.param(msk(2026, 11, 28, 10, 0), None, id="Saturday: none"),
    ],
)
def test_the_digest_goes_in_the_morning_of_the_managers_first_client(
    now: datetime, day: object
) -> None:
    assert digest_day(client().calendar, now) == day


def test_monday_lists_the_ratings_of_friday_and_the_weekend():
    monday = msk(2026, 11, 30, 9, 0).date()
    assert ratings_window(client().calendar, monday) == (
        msk(2026, 11, 27, 9, 0),
        msk(2026, 11, 30, 9, 0),
    )


def test_the_first_client_sets_the_day():
    a, b = client(), client()
    a.id, b.id = 2, 1
    assert first_client([a, b]) is b


def ticket(number: int, **fields: object) -> Ticket:
    t = Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,
        title=f"Заявка {number}",
        description="…",
        registered_at=msk(2026, 11, 23, 10, 0),
        status=S.IN_PROGRESS,
        first_response_at=msk(2026, 11, 23, 10, 10),
        id=number,
    )
    for name, value in fields.items():
        setattr(t, name, value)
    return t


TABLE = [
    pytest.param(
        ticket(1, resolution_due=msk(2026, 11, 23, 17, 0)),
        (Section.BREACHED,),
        id="resolution past due: breached",
    ),
    pytest.param(
        ticket(2, status=S.NEW, first_response_at=None, reaction_due=msk(2026, 11, 24, 8, 0)),
        (Section.BREACHED,),
        id="nobody answered in time: breached",
    ),
    pytest.param(
        ticket(3, resolution_due=msk(2026, 11, 24, 17, 0)),
        (Section.AT_RISK,),
        id="due before today's close: at risk",
    ),
    pytest.param(
        ticket(4, resolution_due=msk(2026, 11, 25, 10, 0)),
        (),
        id="due tomorrow: nothing yet",
    ),
    pytest.param(
        ticket(
            5,
            status=S.WAITING_CLIENT,
            resolution_due=msk(2026, 11, 23, 17, 0),
            pauses=[Pause(msk(2026, 11, 19, 12, 0))],
        ),
        (Section.WAITING,),
        id="waiting since Thursday: two working days, long; its clock stands still",
    ),
    pytest.param(
        ticket(
            6,
            status=S.WAITING_CLIENT,
            pauses=[Pause(msk(2026, 11, 23, 12, 0))],
        ),
        (),
        id="waiting since yesterday noon: not long yet",
    ),
    pytest.param(
        ticket(7, status=S.CLOSED, resolution_due=msk(2026, 11, 23, 17, 0)),
        (),
        id="closed: nothing",
    ),
]


@pytest.mark.parametrize(("t", "sections"), TABLE)
def test_what_the_digest_lists(t: Ticket, sections: tuple[Section, ...]) -> None:
    digest = build_digest(MANAGER, TUESDAY_9.date(), TUESDAY_9, {1: client()}, [t], [])
    assert tuple(e.section for e in digest.entries) == sections


def test_the_digest_says_which_deadline_it_is():
    tickets = [
        ticket(1, resolution_due=msk(2026, 11, 23, 17, 0)),
        ticket(2, status=S.NEW, first_response_at=None, reaction_due=msk(2026, 11, 24, 8, 0)),
    ]
    digest = build_digest(MANAGER, TUESDAY_9.date(), TUESDAY_9, {1: client()}, tickets, [])
    assert [(e.ticket_id, e.reaction) for e in digest.entries] == [(1, False), (2, True)]


def test_low_ratings_only():
    ratings = [
        Rating(8, 2, "долго", msk(2026, 11, 23, 15, 0)),
        Rating(9, 4, "", msk(2026, 11, 23, 16, 0)),
        Rating(10, 3, "", msk(2026, 11, 23, 12, 0)),
    ]
    digest = build_digest(MANAGER, TUESDAY_9.date(), TUESDAY_9, {1: client()}, [], ratings)
    assert [(e.ticket_id, e.score, e.comment) for e in digest.section(Section.LOW_RATING)] == [
        (10, 3, ""),
        (8, 2, "долго"),
    ]


def test_an_empty_day_has_an_empty_digest():
    digest = build_digest(MANAGER, TUESDAY_9.date(), TUESDAY_9, {1: client()}, [], [])
    assert digest.entries == ()
