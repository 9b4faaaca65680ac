from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.billing import (
    START_PLAN,
    cost_of_minutes,
    hours_to_minutes,
    minutes_by_month,
    minutes_to_hours,
    month_statement,
    months_between,
    statements,
)
from domain.enums import Category, Priority, TicketKind, TicketStatus
from domain.model import Plan, Ticket, WorkLog
from tests.unit.fakes import MSK

H = 60  # minutes in an hour, to write hours readably


def test_the_start_plan_of_the_domain():
    assert (START_PLAN.monthly_fee, START_PLAN.hours_included) == (20_000, 10)
    assert (START_PLAN.extra_hour_rate, START_PLAN.reserve_cap) == (2_000, 10)


def test_start_plan_example_over_three_months():
    # 6 h → 4 h to the reserve; 13 h → 10 included + 3 reserve; 25 h → 10 + 1 + 14 extra.
    months = statements(
        START_PLAN,
        {date(2026, 1, 1): 6 * H, date(2026, 2, 1): 13 * H, date(2026, 3, 1): 25 * H},
        date(2026, 1, 1),
        date(2026, 3, 1),
    )
    january, february, march = months

    assert january.month == date(2026, 1, 1)
    assert january.included_minutes == 10 * H
    assert january.reserve_at_start_minutes == 0
    assert january.taken_from_reserve_minutes == 0
    assert january.unused_added_to_reserve_minutes == 4 * H
    assert january.reserve_at_end_minutes == 4 * H
    assert (january.extra_minutes, january.extra_cost, january.total_due) == (0, 0, 20_000)

    assert february.reserve_at_start_minutes == 4 * H
    assert february.taken_from_reserve_minutes == 3 * H
    assert february.unused_added_to_reserve_minutes == 0
    assert february.reserve_at_end_minutes == 1 * H
    assert (february.extra_minutes, february.extra_cost, february.total_due) == (0, 0, 20_000)

    assert march.reserve_at_start_minutes == 1 * H
    assert march.taken_from_reserve_minutes == 1 * H
    assert march.reserve_at_end_minutes == 0
    assert march.extra_minutes == 14 * H
    assert march.extra_cost == 28_000
    assert march.total_due == 48_000
    assert march.covered_by_plan_minutes == 11 * H


def test_hours_are_shown_as_decimals_with_two_places():
    march = month_statement(START_PLAN, date(2026, 3, 1), 25 * H, 1 * H)
    assert march.hours_used == Decimal("25.00")
    assert march.included_hours == Decimal("10.00")
    assert march.taken_from_reserve_hours == Decimal("1.00")
    assert march.extra_hours == Decimal("14.00")
    assert march.reserve_at_start_hours == Decimal("1.00")
    assert march.reserve_at_end_hours == Decimal("0.00")
    assert march.unused_added_to_reserve_hours == Decimal("0.00")
    assert minutes_to_hours(10) == Decimal("0.17")  # 0.1666… half up
    assert minutes_to_hours(3) == Decimal("0.05")
    assert minutes_to_hours(95) == Decimal("1.58")


def test_the_reserve_never_exceeds_its_cap():
    months = statements(
        START_PLAN,
        {date(2026, 1, 1): 3 * H, date(2026, 2, 1): 2 * H, date(2026, 3, 1): 0},
        date(2026, 1, 1),
        date(2026, 3, 1),
    )
    assert [m.unused_added_to_reserve_minutes for m in months] == [7 * H, 3 * H, 0]
    assert [m.reserve_at_end_minutes for m in months] == [7 * H, 10 * H, 10 * H]


def test_at_most_twenty_hours_without_extra_pay_with_a_full_reserve():
    full = month_statement(START_PLAN, date(2026, 4, 1), 20 * H, 10 * H)
    assert (full.extra_minutes, full.extra_cost, full.reserve_at_end_minutes) == (0, 0, 0)
    one_more_minute = month_statement(START_PLAN, date(2026, 4, 1), 20 * H + 1, 10 * H)
    assert one_more_minute.extra_minutes == 1
    assert one_more_minute.extra_cost == 33  # 2000 / 60 = 33.33


def test_months_without_work_use_nothing_and_fill_the_reserve():
    months = statements(START_PLAN, {date(2026, 3, 1): 15 * H}, date(2026, 1, 1), date(2026, 3, 1))
    assert [m.month for m in months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert [m.used_minutes for m in months] == [0, 0, 15 * H]
    assert [m.reserve_at_start_minutes for m in months] == [0, 10 * H, 10 * H]
    assert months[2].taken_from_reserve_minutes == 5 * H
    assert months[2].reserve_at_end_minutes == 5 * H
    assert [m.total_due for m in months] == [20_000, 20_000, 20_000]


def test_overage_without_a_reserve_is_paid_by_the_minute():
    month = month_statement(START_PLAN, date(2026, 1, 1), 12 * H + 7)
    assert month.extra_minutes == 2 * H + 7
    assert month.extra_cost == 4_233  # 4000 + 7 × 33.33 = 4233.33, rounded down
    assert month.total_due == 24_233


def test_extra_cost_rounds_half_up_to_whole_roubles():
    # 3 minutes at 2,010 RUB an hour = 100.50 RUB: half up gives 101 (banker's would give 100).
    assert cost_of_minutes(3, 2_010) == 101
    assert cost_of_minutes(1, 2_010) == 34  # 33.50
    assert cost_of_minutes(7, 2_000) == 233  # 233.33
    assert cost_of_minutes(0, 2_000) == 0
    plan = Plan(monthly_fee=20_000, hours_included=10, extra_hour_rate=2_010, reserve_cap=0)
    assert month_statement(plan, date(2026, 1, 1), 10 * H + 3).total_due == 20_101


def test_fractional_plan_hours_are_exact_minutes():
    assert hours_to_minutes(7.5) == 450
    assert hours_to_minutes(0.1) == 6
    assert hours_to_minutes(Decimal("2.25")) == 135
    plan = Plan(monthly_fee=10_000, hours_included=7.5, extra_hour_rate=1_500, reserve_cap=2.5)
    month = month_statement(plan, date(2026, 1, 1), 4 * H)
    assert month.included_minutes == 450
    assert month.unused_added_to_reserve_minutes == 150  # 3.5 h unused, 2.5 h fit
    assert month.reserve_at_end_minutes == 150


def test_a_plan_without_reserve_loses_unused_hours():
    plan = Plan(monthly_fee=20_000, hours_included=10, extra_hour_rate=2_000, reserve_cap=0)
    months = statements(
        plan, {date(2026, 1, 1): 0, date(2026, 2, 1): 11 * H}, date(2026, 1, 1), date(2026, 2, 1)
    )
    assert months[0].reserve_at_end_minutes == 0
    assert months[1].extra_minutes == 1 * H
    assert months[1].extra_cost == 2_000


def test_the_opening_reserve_carries_into_the_first_month():
    months = statements(
        START_PLAN, {date(2026, 5, 1): 14 * H}, date(2026, 5, 1), date(2026, 5, 1), 6 * H
    )
    assert months[0].taken_from_reserve_minutes == 4 * H
    assert months[0].reserve_at_end_minutes == 2 * H
    assert months[0].extra_minutes == 0


def test_months_outside_the_range_are_ignored_and_years_roll_over():
    history = {date(2025, 10, 1): 40 * H, date(2025, 12, 1): 11 * H, date(2026, 1, 1): 9 * H}
    months = statements(START_PLAN, history, date(2025, 11, 1), date(2026, 1, 1))
    assert [m.month for m in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert [m.used_minutes for m in months] == [0, 11 * H, 9 * H]
    assert [m.reserve_at_end_minutes for m in months] == [10 * H, 9 * H, 10 * H]


def test_months_between_any_days_of_the_months():
    assert months_between(date(2025, 11, 30), date(2026, 2, 3)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert months_between(date(2026, 2, 1), date(2026, 1, 1)) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: statements(START_PLAN, {}, date(2026, 2, 1), date(2026, 1, 1)),
        lambda: statements(START_PLAN, {date(2026, 1, 15): 60}, date(2026, 1, 1), date(2026, 1, 1)),
        lambda: statements(START_PLAN, {date(2026, 1, 1): -1}, date(2026, 1, 1), date(2026, 1, 1)),
        lambda: statements(START_PLAN, {}, date(2026, 1, 1), date(2026, 1, 1), 10 * H + 1),
        lambda: month_statement(START_PLAN, date(2026, 1, 1), 60, -1),
        lambda: hours_to_minutes(-1),
    ],
)
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()


# --- minutes per month of closure ---------------------------------------------------------


def ticket(number: int, status: TicketStatus, closed_at: datetime | None) -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,
        title="не печатает принтер",
        description="не печатает принтер",
        registered_at=datetime(2026, 1, 10, 9, 0, tzinfo=MSK),
        status=status,
        closed_at=closed_at,
        id=number,
    )


def log(ticket_id: int, minutes: int, at: datetime) -> WorkLog:
    return WorkLog(ticket_id, staff_tg_id=500, minutes=minutes, at=at)


def test_work_counts_in_the_month_the_ticket_closed_in_the_clients_zone():
    # 22:30 UTC on 31 January is 01:30 on 1 February in Moscow.
    late = ticket(1, TicketStatus.CLOSED, datetime(2026, 1, 31, 22, 30, tzinfo=UTC))
    early = ticket(2, TicketStatus.CLOSED, datetime(2026, 1, 20, 12, 0, tzinfo=MSK))
    logs = [
        log(1, 90, datetime(2026, 1, 12, 10, 0, tzinfo=MSK)),  # logged in January
        log(1, 30, datetime(2026, 1, 31, 18, 0, tzinfo=MSK)),
        log(2, 45, datetime(2026, 1, 20, 11, 0, tzinfo=MSK)),
    ]
    assert minutes_by_month([late, early], logs, "Europe/Moscow") == {
        date(2026, 2, 1): 120,
        date(2026, 1, 1): 45,
    }
    assert minutes_by_month([late, early], logs, "UTC") == {date(2026, 1, 1): 165}


def test_only_closed_tickets_are_billed():
    at = datetime(2026, 1, 20, 12, 0, tzinfo=MSK)
    tickets = [
        ticket(1, TicketStatus.CLOSED, at),
        ticket(2, TicketStatus.RESOLVED, None),
        ticket(3, TicketStatus.IN_PROGRESS, None),
        ticket(4, TicketStatus.CANCELLED, at),  # cancellation also stamps closed_at
    ]
    logs = [log(n, 10 * n, at - timedelta(hours=1)) for n in (1, 2, 3, 4, 99)]
    assert minutes_by_month(tickets, logs, "Europe/Moscow") == {date(2026, 1, 1): 10}


def test_grouped_minutes_feed_the_statements():
    tickets = [
        ticket(1, TicketStatus.CLOSED, datetime(2026, 1, 15, 12, 0, tzinfo=MSK)),
        ticket(2, TicketStatus.CLOSED, datetime(2026, 3, 3, 12, 0, tzinfo=MSK)),
    ]
    logs = [
        log(1, 6 * H, datetime(2026, 1, 15, 11, 0, tzinfo=MSK)),
        log(2, 20 * H, datetime(2026, 2, 27, 11, 0, tzinfo=MSK)),
        log(2, 5 * H, datetime(2026, 3, 2, 11, 0, tzinfo=MSK)),
    ]
    used = minutes_by_month(tickets, logs, "Europe/Moscow")
    months = statements(START_PLAN, used, date(2026, 1, 1), date(2026, 3, 1))
    # January leaves 4 h, February (no closures) tops the reserve up to 10 h; March uses 25 h.
    assert [m.reserve_at_end_minutes for m in months] == [4 * H, 10 * H, 0]
    assert months[2].extra_minutes == 5 * H
    assert months[2].extra_cost == 10_000
