"""Billing as the client was told (domain/billing.py): emergencies on their own line, hours
without a plan, fee-free months, the tier's price factor and the SLA penalty, each against
examples computed by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.billing import (
    START_PLAN,
    minutes_by_month,
    month_bill,
    month_statement,
    penalty,
    tier_fee,
)
from domain.compliance import Breach, SlaTarget
from domain.enums import Category, PenaltyBasis, Priority, SlaTier, TicketKind, TicketStatus
from domain.model import PenaltyRule, Plan, Ticket, WorkLog
from domain.plan_changes import PlanChange, is_fee_free, plan_since, statements_under_plans
from tests.unit.fakes import MSK

H = 60
JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))
TRIAL = Plan(20_000, 10, 2_000, 10, fee_free_months=2)  # seed 003's "Старт" with its start


# --- the tier's price factor -----------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "tier", "fee"),
    [
        (20_000, SlaTier.BRONZE, 20_000),
        (20_000, SlaTier.SILVER, 25_000),  # ×1.25
        (20_000, SlaTier.GOLD, 30_000),  # ×1.5
        (20_000, SlaTier.PLATINUM, 40_000),  # ×2
        (15_002, SlaTier.SILVER, 18_753),  # 18,752.5 half up
        (15_001, SlaTier.GOLD, 22_502),  # 22,501.5 half up
        (0, SlaTier.PLATINUM, 0),
    ],
)
def test_a_tiers_fee_is_its_factor_times_the_bronze_price(base, tier, fee):
    assert tier_fee(base, tier) == fee


# --- fee-free months -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "reserve", "extra_cost"),
    [
        (0, 0, 0),  # nothing closed: nothing to pay, not even the fee
        (90, 0, 3_000),  # 1.5 h × 2,000
        (12 * H, 0, 24_000),  # no hours included: all 12 paid
        (25, 0, 833),  # 25/60 × 2,000 = 833.33
        (3 * H, 4 * H, 6_000),  # the reserve is neither used nor filled
    ],
)
def test_a_fee_free_month_pays_only_for_the_work(used, reserve, extra_cost):
    month = month_statement(TRIAL, JAN, used, reserve, fee_free=True)
    assert month.fee_free
    assert (month.included_minutes, month.taken_from_reserve_minutes) == (0, 0)
    assert month.reserve_at_end_minutes == reserve
    assert (month.extra_minutes, month.extra_cost) == (used, extra_cost)
    assert month.total_due == extra_cost


@pytest.mark.parametrize(
    ("since", "month", "fee_free"),
    [
        (JAN, JAN, True),
        (JAN, FEB, True),
        (JAN, MAR, False),  # the third month pays the fee
        (JAN, date(2025, 12, 1), False),  # before the plan
        (date(2025, 12, 1), JAN, True),  # across a year
        (date(2025, 12, 1), FEB, False),
    ],
)
def test_the_fee_free_months_are_the_plans_first(since, month, fee_free):
    assert is_fee_free(TRIAL, since, month) is fee_free
    assert is_fee_free(START_PLAN, since, month) is False


def test_two_months_without_the_fee_then_the_subscription():
    used = {JAN: 3 * H, FEB: 12 * H, MAR: 4 * H, APR: 14 * H}
    jan, feb, mar, apr = statements_under_plans(TRIAL, (), used, JAN, APR)
    # month: fee-free, due, reserve at its end
    assert (jan.fee_free, jan.total_due, jan.reserve_at_end_minutes) == (True, 6_000, 0)
    assert (feb.fee_free, feb.total_due, feb.reserve_at_end_minutes) == (True, 24_000, 0)
    # March: the subscription; 4 of 10 h used, 6 h to the reserve
    assert (mar.fee_free, mar.total_due, mar.reserve_at_end_minutes) == (False, 20_000, 6 * H)
    # April: 14 h = 10 included + 4 from the reserve
    assert (apr.total_due, apr.reserve_at_end_minutes) == (20_000, 2 * H)


def test_fee_free_months_count_from_the_month_the_plan_came_into_force():
    changes = (PlanChange(MAR, TRIAL),)
    assert plan_since(JAN, changes, FEB) == JAN
    assert plan_since(JAN, changes, APR) == MAR
    months = statements_under_plans(None, changes, {MAR: H, APR: H}, JAN, date(2026, 5, 1))
    assert months[:2] == [None, None]
    assert [m.fee_free for m in months[2:] if m] == [True, True, False]
    # the starting plan counts from the client's first month, not the report's first
    late = statements_under_plans(TRIAL, (), {}, FEB, MAR, starting_since=JAN)
    assert [m.fee_free for m in late if m] == [True, False]


# --- emergencies billed apart ----------------------------------------------------------


def ticket(number: int, closed_at: datetime | None, *, emergency: bool = False) -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.SERVER,
        priority=Priority.HIGHEST,
        title="сервер не отвечает",
        description="сервер не отвечает",
        registered_at=datetime(2026, 1, 10, 21, 0, tzinfo=MSK),
        status=TicketStatus.CLOSED if closed_at else TicketStatus.IN_PROGRESS,
        closed_at=closed_at,
        emergency=emergency,
        id=number,
    )


def test_emergency_hours_never_count_against_the_plan():
    closed = datetime(2026, 1, 12, 12, 0, tzinfo=MSK)
    tickets = [ticket(1, closed), ticket(2, closed, emergency=True)]
    tickets.append(ticket(3, None, emergency=True))
    at = closed - timedelta(hours=1)
    logs = [WorkLog(1, 500, 60, at), WorkLog(2, 500, 90, at), WorkLog(2, 501, 30, at)]
    logs.append(WorkLog(3, 500, 45, at))  # open: billed when it closes
    assert minutes_by_month(tickets, logs, "Europe/Moscow") == {JAN: 60}
    assert minutes_by_month(tickets, logs, "Europe/Moscow", emergencies=True) == {JAN: 120}


# plan_minutes, emergency minutes, the client's emergency rate, plan?
#   → emergency rate used, emergency cost, total due, unplanned minutes
BILLS = [
    # 2 h on the plan (within its 10), 2 h of emergency at the plan's extra rate of 2,000
    (2 * H, 2 * H, None, True, 2_000, 4_000, 24_000, 0),
    # the client's own emergency rate: 2 h × 3,500
    (2 * H, 2 * H, 3_500, True, 3_500, 7_000, 27_000, 0),
    # 50 minutes × 3,000 = 2,500
    (0, 50, 3_000, True, 3_000, 2_500, 22_500, 0),
    # no plan: the hours are shown, not dropped; the emergency rate still bills its line
    (H, 2 * H, 3_000, False, 3_000, 6_000, 6_000, H),
    # no plan, no rate: shown, nothing priced
    (H, 30, None, False, None, None, None, H),
]


@pytest.mark.parametrize(
    ("plan_minutes", "emergency", "own_rate", "planned", "rate", "cost", "due", "unplanned"),
    BILLS,
)
def test_a_months_bill(plan_minutes, emergency, own_rate, planned, rate, cost, due, unplanned):
    statement = month_statement(START_PLAN, JAN, plan_minutes) if planned else None
    bill = month_bill(
        JAN,
        statement,
        plan_minutes=plan_minutes,
        emergency_minutes=emergency,
        emergency_rate=own_rate,
        penalty_rule=None,
        breaches=(),
    )
    assert (bill.emergency_rate, bill.emergency_cost) == (rate, cost)
    assert bill.total_due == due
    assert bill.unplanned_minutes == unplanned
    assert bill.penalty is None


# --- the SLA penalty -------------------------------------------------------------------


def breach(number: int, overdue: timedelta, kind: SlaTarget = SlaTarget.RESOLUTION) -> Breach:
    due = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    return Breach(number, kind, Priority.HIGH, timedelta(hours=8), overdue, due)


BREACHES = [
    breach(1, timedelta(hours=2)),
    breach(1, timedelta(minutes=30), SlaTarget.REACTION),  # the same ticket, a second target
    breach(2, timedelta(hours=4, minutes=15)),
    breach(3, timedelta(minutes=10, seconds=40)),  # 10 min 40 s: 11 minutes half up
]  # 6 h 56 min in all (2:00 + 0:30 + 4:15 + 0:11), 3 tickets

# basis, amount, cap share, the plan's fee → uncapped, cap, amount
PENALTIES = [
    (PenaltyBasis.OVERDUE_HOUR, 600, None, 20_000, 4_160, None, 4_160),  # 416 min × 600/60
    (PenaltyBasis.OVERDUE_HOUR, 1_000, 0.1, 20_000, 6_933, 2_000, 2_000),  # 6,933.33; cap 10 %
    (PenaltyBasis.OVERDUE_HOUR, 1_000, 0.5, 20_000, 6_933, 10_000, 6_933),  # under the cap
    (PenaltyBasis.OVERDUE_TICKET, 1_500, None, 20_000, 4_500, None, 4_500),  # 3 tickets
    (PenaltyBasis.OVERDUE_TICKET, 1_500, 0.15, 20_000, 4_500, 3_000, 3_000),
    (PenaltyBasis.OVERDUE_TICKET, 1_500, 0.15, None, 4_500, None, 4_500),  # no plan, no cap
]


@pytest.mark.parametrize(("basis", "amount", "share", "fee", "uncapped", "cap", "due"), PENALTIES)
def test_the_penalty_is_proportional_to_the_overdue(basis, amount, share, fee, uncapped, cap, due):
    result = penalty(PenaltyRule(basis, amount, share), BREACHES, fee)
    assert (result.overdue_minutes, result.overdue_tickets) == (416, 3)
    assert (result.uncapped, result.cap, result.amount) == (uncapped, cap, due)
    assert result.capped is (due < uncapped)


def test_no_breach_no_penalty_and_it_is_deducted_from_the_bill():
    rule = PenaltyRule(PenaltyBasis.OVERDUE_TICKET, 1_500, 0.15)
    assert penalty(rule, (), 20_000).amount == 0
    bill = month_bill(
        JAN,
        month_statement(START_PLAN, JAN, 3 * H),
        plan_minutes=3 * H,
        emergency_minutes=H,
        emergency_rate=None,
        penalty_rule=rule,
        breaches=BREACHES,
    )
    # 20,000 fee + 2,000 emergency − 3,000 penalty (cut to 15 % of the fee)
    assert bill.penalty is not None and bill.penalty.amount == 3_000
    assert bill.total_due == 19_000


def test_a_fee_free_month_caps_the_penalty_by_the_plans_fee():
    rule = PenaltyRule(PenaltyBasis.OVERDUE_TICKET, 1_500, 0.1)
    free = month_statement(TRIAL, JAN, 2 * H, fee_free=True)
    bill = month_bill(
        JAN,
        free,
        plan_minutes=2 * H,
        emergency_minutes=0,
        emergency_rate=None,
        penalty_rule=rule,
        breaches=BREACHES,
    )
    assert bill.penalty is not None and bill.penalty.cap == 2_000
    assert bill.total_due == 4_000 + 0 - 2_000


@pytest.mark.parametrize(
    "call",
    [
        lambda: tier_fee(-1, SlaTier.GOLD),
        lambda: penalty(PenaltyRule(PenaltyBasis.OVERDUE_HOUR, -5), (), None),
        lambda: penalty(PenaltyRule(PenaltyBasis.OVERDUE_HOUR, 5, 1.5), (), None),
    ],
)
def test_impossible_terms_are_refused(call):
    with pytest.raises(ValueError):
        call()
