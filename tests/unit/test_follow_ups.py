"""When the employee hears of a ticket without news: status lines while a High or Highest
ticket is worked, reminders while it waits for their answer (domain/follow_ups.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain import Category, Priority, TicketKind
from domain import TicketStatus as S
from domain.follow_ups import (
    FollowUp,
    FollowUpPolicy,
    status_line_due,
    status_line_now,
    waiting_steps_due,
)
from domain.model import Ticket
from domain.sla import Pause
from tests.unit.fakes import msk
from tests.unit.test_paging import client

POLICY = FollowUpPolicy()  # Highest every 2 working hours, High every 4; 1 and 3 days, then 4
MONDAY_10 = msk(2026, 11, 23, 10, 0)


def ticket(
    priority: Priority = Priority.HIGH,
    status: S = S.IN_PROGRESS,
    *,
    emergency: bool = False,
    waiting_since: datetime | None = None,
) -> Ticket:
    t = Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=priority,
        title="Не печатает принтер",
        description="Не печатает принтер",
        registered_at=MONDAY_10,
        status=status,
        emergency=emergency,
        id=7,
    )
    if waiting_since is not None:
        t.pauses.append(Pause(waiting_since))
    return t


@pytest.mark.parametrize(
    ("t", "last_news", "now", "sent"),
    [
        pytest.param(ticket(), MONDAY_10, msk(2026, 11, 23, 13, 59), False, id="High: 3:59 quiet"),
        pytest.param(ticket(), MONDAY_10, msk(2026, 11, 23, 14, 0), True, id="High: 4 h quiet"),
        pytest.param(
            ticket(Priority.HIGHEST), MONDAY_10, msk(2026, 11, 23, 12, 0), True, id="Highest: 2 h"
        ),
        pytest.param(
            ticket(Priority.STANDARD), MONDAY_10, msk(2026, 11, 24, 17, 0), False, id="Standard"
        ),
        pytest.param(
            ticket(status=S.WAITING_CLIENT),
            MONDAY_10,
            msk(2026, 11, 23, 15, 0),
            False,
            id="waiting for the client: not in work",
        ),
        pytest.param(
            ticket(status=S.NEW), MONDAY_10, msk(2026, 11, 23, 15, 0), False, id="nobody has it"
        ),
        pytest.param(
            ticket(),
            msk(2026, 11, 23, 16, 0),
            msk(2026, 11, 23, 20, 0),
            False,
            id="fell due at night (working hours): not at 20:00",
        ),
        pytest.param(
            ticket(),
            msk(2026, 11, 23, 16, 0),
            msk(2026, 11, 24, 11, 0),
            True,
            id="2 h on Monday and 2 h on Tuesday: 11:00",
        ),
        pytest.param(
            ticket(),
            msk(2026, 11, 23, 16, 0),
            msk(2026, 11, 24, 10, 59),
            False,
            id="the night does not count",
        ),
        pytest.param(
            ticket(Priority.HIGHEST, emergency=True),
            msk(2026, 11, 23, 21, 0),
            msk(2026, 11, 23, 23, 0),
            True,
            id="an emergency in work at night: the real clock",
        ),
    ],
)
def test_a_status_line_after_working_hours_without_news(
    t: Ticket, last_news: datetime, now: datetime, sent: bool
) -> None:
    assert status_line_now(t, client(), last_news, now, POLICY) is sent


def test_a_round_the_clock_ticket_counts_the_night():
    due = status_line_due(ticket(), client(round_the_clock=True), msk(2026, 11, 23, 20), POLICY)
    assert due == msk(2026, 11, 24, 0, 0)


def test_status_lines_can_be_turned_off_for_a_priority():
    policy = FollowUpPolicy(status_line_every=((Priority.HIGHEST, 2.0),))
    assert status_line_due(ticket(Priority.HIGH), client(), MONDAY_10, policy) is None


ASKED = msk(2026, 11, 23, 10, 0)  # Monday 10:00; Friday 27 is a working day, then a weekend


@pytest.mark.parametrize(
    ("now", "steps"),
    [
        pytest.param(msk(2026, 11, 24, 9, 59), (), id="Tuesday 9:59: not a working day yet"),
        pytest.param(
            msk(2026, 11, 24, 10, 0), (FollowUp.FIRST_REMINDER,), id="a working day: reminded"
        ),
        pytest.param(msk(2026, 11, 26, 9, 59), (FollowUp.FIRST_REMINDER,), id="Thursday 9:59"),
        pytest.param(
            msk(2026, 11, 26, 10, 0),
            (FollowUp.FIRST_REMINDER, FollowUp.SECOND_REMINDER),
            id="three working days: the second reminder",
        ),
        pytest.param(
            msk(2026, 11, 27, 10, 0),
            (FollowUp.FIRST_REMINDER, FollowUp.SECOND_REMINDER, FollowUp.ASK_STAFF),
            id="four working days: staff are asked",
        ),
    ],
)
def test_reminders_of_an_unanswered_question(now: datetime, steps: tuple[FollowUp, ...]) -> None:
    t = ticket(status=S.WAITING_CLIENT, waiting_since=ASKED)
    assert waiting_steps_due(t, client(), now, POLICY) == steps


def test_the_weekend_does_not_count_for_reminders():
    friday = msk(2026, 11, 27, 16, 0)
    t = ticket(status=S.WAITING_CLIENT, waiting_since=friday)
    assert waiting_steps_due(t, client(), msk(2026, 11, 30, 9, 0), POLICY) == ()
    assert waiting_steps_due(t, client(), msk(2026, 11, 30, 16, 0), POLICY) == (
        FollowUp.FIRST_REMINDER,
    )


def test_a_ticket_not_waiting_has_no_reminders():
    t = ticket(status=S.IN_PROGRESS)
    assert waiting_steps_due(t, client(), msk(2026, 12, 30, 12), POLICY) == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reminders": (3, 1)},
        {"reminders": (1, 3), "ask_staff_after": 3},
        {"status_line_every": ((Priority.HIGH, 0.0),)},
    ],
)
def test_a_policy_out_of_order_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FollowUpPolicy(**kwargs)  # type: ignore[arg-type]
