"""What the FAQ tells a client of its own contract: the hours left this month, and the
placeholders of an article filled in or dropped."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest

from domain.enums import Category, Priority, SlaTier, TicketKind, TicketStatus
from domain.knowledge import shipped_faq
from domain.model import Client, Plan, Ticket, WorkLog
from domain.plan_changes import PlanChange
from domain.service_facts import hours_left, personalise
from tests.unit.fakes import msk

H = 60


def client(plan: Plan | None, since: datetime) -> Client:
    return Client(
        name="Ромашка",
        tier=SlaTier.GOLD,
        timezone="Europe/Moscow",
        opens=time(9),
        closes=time(18),
        weekdays=frozenset(range(5)),
        country="RU",
        plan=plan,
        id=1,
        created_at=since,
    )


def closed(number: int, at: datetime) -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,
        title="t",
        description="t",
        registered_at=at,
        status=TicketStatus.CLOSED,
        closed_at=at,
        id=number,
    )


def log(number: int, minutes: int) -> WorkLog:
    return WorkLog(number, 7, minutes, msk(2026, 10, 1, 10))


NOW = msk(2026, 11, 23, 10)


def test_the_hours_left_this_month_and_the_reserve():
    # October used 6 of 10 hours: 4 go to the reserve; November has used 7 so far.
    tickets = [closed(1, msk(2026, 10, 20, 12)), closed(2, msk(2026, 11, 10, 12))]
    logs = [log(1, 6 * H), log(2, 7 * H)]
    left = hours_left(
        client(Plan(20_000, 10, 2_000, 10), msk(2026, 10, 1, 9)), [], tickets, logs, NOW
    )
    assert left is not None
    assert (left.included_left_minutes, left.included_minutes) == (3 * H, 10 * H)
    assert (left.reserve_left_minutes, left.extra_minutes, left.fee_free) == (4 * H, 0, False)


def test_beyond_the_included_hours_the_reserve_is_used_then_extra():
    tickets = [closed(1, msk(2026, 10, 20, 12)), closed(2, msk(2026, 11, 10, 12))]
    logs = [log(1, 6 * H), log(2, 15 * H)]  # 10 included, 4 from the reserve, 1 extra
    left = hours_left(
        client(Plan(20_000, 10, 2_000, 10), msk(2026, 10, 1, 9)), [], tickets, logs, NOW
    )
    assert left is not None
    assert (left.included_left_minutes, left.reserve_left_minutes, left.extra_minutes) == (
        0,
        0,
        1 * H,
    )


def test_the_plan_of_this_month_counts_and_without_one_nothing_is_said():
    change = PlanChange(msk(2026, 11, 1, 0).date(), Plan(30_000, 20, 2_000, 10))
    left = hours_left(client(None, msk(2026, 10, 1, 9)), [change], [], [], NOW)
    assert left is not None and left.included_left_minutes == 20 * H
    assert hours_left(client(None, msk(2026, 10, 1, 9)), [], [], [], NOW) is None


def test_a_fee_free_month_says_so():
    plan = Plan(20_000, 10, 2_000, 10, fee_free_months=2)
    left = hours_left(client(plan, msk(2026, 11, 2, 9)), [], [], [], NOW)
    assert left is not None and left.fee_free


@pytest.mark.parametrize(
    ("body", "known", "result"),
    [
        (
            "Текст.\n{{plan}}\nЕщё.",
            {"plan": "Ваш тариф: Старт."},
            "Текст.\nВаш тариф: Старт.\nЕщё.",
        ),
        ("Текст.\n{{plan}}\nЕщё.", {}, "Текст.\nЕщё."),
        ("{{hours}}\n- пункт", {"hours": "С 9 до 18."}, "С 9 до 18.\n- пункт"),
        ("Текст {{plan}} в строке", {"plan": "X"}, "Текст {{plan}} в строке"),  # own line only
        ("Текст.\n\n{{plan}}\n\n{{tier}}\n\nКонец.", {}, "Текст.\n\nКонец."),
    ],
)
def test_placeholders_are_filled_or_dropped(body, known, result):
    assert personalise(body, known.get) == result


def test_the_shipped_faq_has_only_known_placeholders():
    names = {m for a in shipped_faq() for m in re.findall(r"\{\{(\w+)\}\}", a.body)}
    assert names <= {"plan", "remaining", "tier", "hours", "manager"}
