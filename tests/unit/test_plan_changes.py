"""A plan changes from a month on: the months before keep their plan and their statements."""

from datetime import date

import pytest

from domain.billing import START_PLAN, statements
from domain.model import Plan
from domain.plan_changes import PlanChange, is_invoiced, plan_in_force, statements_under_plans

H = 60
BIG = Plan(monthly_fee=35_000, hours_included=20, extra_hour_rate=1_800, reserve_cap=5)
SMALL = Plan(monthly_fee=10_000, hours_included=4, extra_hour_rate=2_500, reserve_cap=0)
CHANGES = (PlanChange(date(2026, 3, 1), BIG), PlanChange(date(2026, 6, 1), SMALL))


@pytest.mark.parametrize(
    ("starting", "month", "expected"),
    [
        (START_PLAN, date(2026, 1, 1), START_PLAN),  # before any change: the starting plan
        (START_PLAN, date(2026, 2, 1), START_PLAN),
        (START_PLAN, date(2026, 3, 1), BIG),  # from the change's month on
        (START_PLAN, date(2026, 3, 31), BIG),  # any day of the month
        (START_PLAN, date(2026, 5, 1), BIG),
        (START_PLAN, date(2026, 6, 1), SMALL),  # the latest change wins
        (START_PLAN, date(2027, 1, 1), SMALL),
        (None, date(2026, 2, 1), None),  # no plan before the first change
        (None, date(2026, 3, 1), BIG),
    ],
)
def test_plan_in_force(starting, month, expected):
    assert plan_in_force(starting, CHANGES, month) == expected


def test_changes_given_out_of_order_are_taken_by_month():
    assert plan_in_force(None, CHANGES[::-1], date(2026, 7, 1)) == SMALL


def test_without_changes_the_statements_are_the_single_plans():
    used = {date(2026, 1, 1): 6 * H, date(2026, 2, 1): 13 * H, date(2026, 3, 1): 25 * H}
    months = statements_under_plans(START_PLAN, (), used, date(2026, 1, 1), date(2026, 3, 1))
    assert months == statements(START_PLAN, used, date(2026, 1, 1), date(2026, 3, 1))


# month, plan's fee, used h, reserve at start h, taken from reserve h, extra h, extra RUB, due
EXPECTED = [
    # Start: 10 h included; 6 used, 4 to the reserve
    (date(2026, 1, 1), 20_000, 6, 0, 0, 0, 0, 20_000),
    # Start: 2 used, 8 more to the reserve, cut at its cap of 10
    (date(2026, 2, 1), 20_000, 2, 4, 0, 0, 0, 20_000),
    # BIG from March: the reserve of 10 is cut to BIG's cap of 5; 27 h = 20 + 5 + 2 extra
    (date(2026, 3, 1), 35_000, 27, 5, 5, 2, 3_600, 38_600),
    (date(2026, 4, 1), 35_000, 0, 0, 0, 0, 0, 35_000),  # 20 unused: the reserve fills to 5
    (date(2026, 5, 1), 35_000, 21, 5, 1, 0, 0, 35_000),
    # SMALL from June, no reserve at all; 5 h = 4 + 1 extra at 2,500
    (date(2026, 6, 1), 10_000, 5, 0, 0, 1, 2_500, 12_500),
]


def test_a_change_applies_from_its_month_and_carries_the_reserve_within_the_new_cap():
    used = {month: hours * H for month, _, hours, *_ in EXPECTED}
    months = statements_under_plans(START_PLAN, CHANGES, used, date(2026, 1, 1), date(2026, 6, 1))
    got = [
        (
            s.month,
            s.plan.monthly_fee,
            s.used_minutes // H,
            s.reserve_at_start_minutes // H,
            s.taken_from_reserve_minutes // H,
            s.extra_minutes // H,
            s.extra_cost,
            s.total_due,
        )
        for s in months
        if s is not None
    ]
    assert got == EXPECTED


def test_a_later_change_leaves_the_earlier_statements_as_they_were():
    used = {date(2026, 1, 1): 12 * H, date(2026, 2, 1): 3 * H}
    before = statements_under_plans(START_PLAN, (), used, date(2026, 1, 1), date(2026, 2, 1))
    after = statements_under_plans(
        START_PLAN, (PlanChange(date(2026, 2, 1), SMALL),), used, date(2026, 1, 1), date(2026, 2, 1)
    )
    assert after[0] == before[0]
    assert after[1] is not None and after[1].plan == SMALL


def test_a_month_without_a_plan_has_no_statement_and_empties_the_reserve():
    changes = (PlanChange(date(2026, 2, 1), START_PLAN),)
    months = statements_under_plans(
        None, changes, {date(2026, 2, 1): 2 * H}, date(2026, 1, 1), date(2026, 3, 1)
    )
    assert months[0] is None
    assert months[1] is not None and months[1].reserve_at_start_minutes == 0
    assert months[2] is not None and months[2].reserve_at_start_minutes == 8 * H


@pytest.mark.parametrize(
    ("month", "client_since", "invoiced"),
    [
        (date(2026, 11, 1), date(2026, 1, 1), True),  # last month: its statement is out
        (date(2026, 1, 1), date(2026, 1, 1), True),  # the client's first month, ended
        (date(2026, 12, 1), date(2026, 1, 1), False),  # this month: still open
        (date(2027, 2, 1), date(2026, 1, 1), False),  # months ahead
        (date(2025, 12, 1), date(2026, 1, 1), False),  # before the client came: nothing issued
        (date(2026, 11, 1), date(2026, 12, 1), False),  # a client of this month
    ],
)
def test_a_month_is_invoiced_once_ended_if_the_client_was_with_us(month, client_since, invoiced):
    assert is_invoiced(month, this_month=date(2026, 12, 1), client_since=client_since) is invoiced
