"""A client's fixed specialist gets its new tickets while on shift (seed 003)."""

from __future__ import annotations

from datetime import time

import pytest

from domain.assignment import default_assignee
from domain.enums import SlaTier, StaffRole
from domain.model import Client, Staff
from tests.unit.fakes import msk

MARIA = Staff(tg_id=111, name="Мария", role=StaffRole.SECOND_LINE)
GONE = Staff(tg_id=111, name="Мария", role=StaffRole.SECOND_LINE, active=False)
OLEG = Staff(tg_id=222, name="Олег", role=StaffRole.SECOND_LINE)


def client(default: int | None = 111) -> Client:
    return Client(
        name="ООО Ромашка",
        tier=SlaTier.GOLD,
        timezone="Europe/Moscow",
        opens=time(9),
        closes=time(18),
        weekdays=frozenset(range(5)),
        country="RU",
        id=1,
        default_assignee_tg_id=default,
    )


MONDAY_10 = msk(2026, 11, 23, 10, 0)
MONDAY_20 = msk(2026, 11, 23, 20, 0)
SATURDAY_12 = msk(2026, 11, 28, 12, 0)
NEW_YEAR_HOLIDAY = msk(2027, 1, 5, 11, 0)  # a weekday, but a public holiday in Russia


@pytest.mark.parametrize(
    ("the_client", "specialist", "at", "on_duty", "expected"),
    [
        (client(), MARIA, MONDAY_10, (), 111),  # working hours: theirs
        (client(), MARIA, MONDAY_20, (), None),  # evening, not on duty: whoever takes it
        (client(), MARIA, MONDAY_20, (111,), 111),  # evening, on duty: theirs
        (client(), MARIA, SATURDAY_12, (), None),  # the weekend
        (client(), MARIA, SATURDAY_12, (111,), 111),  # on duty at the weekend
        (client(), MARIA, NEW_YEAR_HOLIDAY, (), None),  # a holiday of the client's calendar
        (client(), MARIA, MONDAY_20, (222,), None),  # somebody else on duty
        (client(), GONE, MONDAY_10, (), None),  # left the company
        (client(), None, MONDAY_10, (), None),  # not on the staff list any more
        (client(None), MARIA, MONDAY_10, (), None),  # the client has no fixed specialist
        (client(), OLEG, MONDAY_10, (), None),  # not this client's specialist
    ],
)
def test_new_tickets_go_to_the_fixed_specialist_while_on_shift(
    the_client, specialist, at, on_duty, expected
):
    assert default_assignee(the_client, specialist, at, on_duty) == expected
