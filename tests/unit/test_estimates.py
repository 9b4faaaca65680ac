"""A task's estimate agreed with the client (seed 003): what it says, who decides, what it
costs, what a typed answer means, and the hours logged beyond it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.billing import START_PLAN
from domain.enums import Category, Priority, TicketKind, TicketStatus
from domain.estimates import (
    Decision,
    Estimate,
    approver,
    beyond_estimate,
    billed_separately,
    estimate_amount,
    read_decision,
    read_estimate,
)
from domain.lifecycle import ActorKind
from domain.model import Plan, Ticket
from domain.time_spent import SpentProblem

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
PER_HOUR = Plan(monthly_fee=0, hours_included=0, extra_hour_rate=2_000, reserve_cap=0)
NO_RATE = Plan(monthly_fee=20_000, hours_included=0, extra_hour_rate=0, reserve_cap=0)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3 часа", 180),
        ("2ч 30м", 150),
        ("2,5 ч", 150),
        ("полтора часа", 90),
        ("45 мин", 45),
        ("3", 180),  # a bare number is hours in an estimate
        ("40 ч", 2400),  # more than a day of work is fine in an estimate
        ("200 ч", 12000),
        ("201 ч", SpentProblem.TOO_MUCH),
        ("0", SpentProblem.NOTHING),
        ("долго", SpentProblem.UNREADABLE),
    ],
)
def test_an_estimate_is_read_as_people_type_it(text: str, minutes: int | SpentProblem) -> None:
    assert read_estimate(text) == minutes


@pytest.mark.parametrize(
    ("emergency", "plan", "separately"),
    [
        (False, START_PLAN, False),  # the plan's hours cover it
        (True, START_PLAN, True),  # after-hours emergency: "оплачивается отдельно"
        (False, PER_HOUR, True),  # a plan without hours: every hour paid
        (False, None, False),  # no plan on record: nothing says it costs extra
        (True, None, True),
    ],
)
def test_what_is_billed_separately(emergency: bool, plan: Plan | None, separately: bool) -> None:
    assert billed_separately(emergency=emergency, plan=plan) is separately


@pytest.mark.parametrize(
    ("minutes", "plan", "separately", "amount"),
    [
        (180, START_PLAN, True, 6_000),  # 3 h at 2,000 ₽
        (150, START_PLAN, True, 5_000),
        (10, START_PLAN, True, 333),  # 333.33 → 333
        (45, PER_HOUR, True, 1_500),
        (180, START_PLAN, False, None),  # the fee covers it: no amount that reads as a bill
        (180, None, True, None),  # no plan, no price
        (180, NO_RATE, True, None),  # the plan names no price of an hour
    ],
)
def test_the_amount_of_an_estimate(
    minutes: int, plan: Plan | None, separately: bool, amount: int | None
) -> None:
    assert estimate_amount(minutes, plan, separately=separately) == amount


AUTHOR, DIRECTOR, OTHER_DIRECTOR = 5, 1, 2


@pytest.mark.parametrize(
    ("separately", "author", "directors", "decides"),
    [
        (False, AUTHOR, [DIRECTOR], AUTHOR),  # within the plan: the one who asked
        (True, AUTHOR, [DIRECTOR, OTHER_DIRECTOR], DIRECTOR),  # paid on top: who pays
        (True, AUTHOR, [], AUTHOR),  # no director: the employee after all
        (True, OTHER_DIRECTOR, [DIRECTOR, OTHER_DIRECTOR], OTHER_DIRECTOR),  # a director asked
    ],
)
def test_who_decides_on_an_estimate(
    separately: bool, author: int, directors: list[int], decides: int
) -> None:
    assert approver(separately=separately, author_id=author, director_ids=directors) == decides


@pytest.mark.parametrize(
    ("separately", "directors", "decides"),
    [
        (False, [DIRECTOR, OTHER_DIRECTOR], DIRECTOR),  # the company's, not its first reporter's
        (True, [DIRECTOR], DIRECTOR),
        (False, [], None),  # nobody decides for the company
    ],
)
def test_the_director_decides_on_a_mass_outages_estimate(
    separately: bool, directors: list[int], decides: int | None
) -> None:
    assert (
        approver(separately=separately, author_id=AUTHOR, director_ids=directors, outage=True)
        == decides
    )


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("да", Decision.APPROVED),
        ("Да!", Decision.APPROVED),
        ("согласен", Decision.APPROVED),
        ("согласна", Decision.APPROVED),
        ("согласовываю", Decision.APPROVED),
        ("да, согласовано", Decision.APPROVED),
        ("ок", None),  # acknowledged in passing, not an amount approved
        ("давайте", Decision.APPROVED),
        ("yes", Decision.APPROVED),
        ("нет", Decision.DECLINED),
        ("не согласен", Decision.DECLINED),
        ("не согласовываю", Decision.DECLINED),
        ("нет, дорого", Decision.DECLINED),
        ("не надо", Decision.DECLINED),
        ("no", Decision.DECLINED),
        ("да?", None),  # a question decides nothing
        ("а почему так долго?", None),
        ("спасибо", None),
        ("да, но сначала позвоните мне, пожалуйста, обсудим", None),  # a message, not a yes
        ("", None),
    ],
)
def test_a_typed_answer_to_an_estimate(text: str, decision: Decision | None) -> None:
    assert read_decision(text) == decision


def _estimate(decision: Decision | None, minutes: int = 180) -> Estimate:
    return Estimate(1, minutes, None, 100, AT, AUTHOR, decision=decision)


@pytest.mark.parametrize(
    ("logged", "estimate", "beyond"),
    [
        (240, _estimate(Decision.APPROVED), 60),
        (180, _estimate(Decision.APPROVED), 0),
        (90, _estimate(Decision.APPROVED), 0),
        (240, _estimate(None), 0),  # not approved yet: nothing to exceed
        (240, _estimate(Decision.DECLINED), 0),
        (240, None, 0),
    ],
)
def test_hours_logged_beyond_the_approved_estimate(
    logged: int, estimate: Estimate | None, beyond: int
) -> None:
    assert beyond_estimate(logged, estimate) == beyond


def _ticket() -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=AUTHOR,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,
        title="не печатает принтер",
        description="не печатает принтер",
        registered_at=AT,
        status=TicketStatus.IN_PROGRESS,
    )


@pytest.mark.parametrize(
    ("steps", "paused"),
    [
        ([], True),
        (["decided"], False),
        # A question asked and answered while the estimate waits: still paused.
        (["ask", "answer"], True),
        (["ask", "answer", "decided"], False),
        # Decided while a question waits: the question keeps it paused.
        (["ask", "decided"], True),
        (["ask", "decided", "answer"], False),
    ],
)
def test_the_resolution_clock_stands_still_while_an_estimate_waits(
    steps: list[str], paused: bool
) -> None:
    ticket = _ticket()
    ticket.await_estimate(AT)
    for minute, step in enumerate(steps, start=1):
        at = AT + timedelta(minutes=minute)
        if step == "ask":
            ticket.wait_for_client(ActorKind.STAFF, at)
        elif step == "answer":
            ticket.start_work(ActorKind.EMPLOYEE, at)
        else:
            ticket.estimate_decided(at)
    assert ticket.is_paused is paused
