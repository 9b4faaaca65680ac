"""Plans and monthly hour statements (DOMAIN.md, "Subscription and hours").

A client's plan has a monthly fee, hours included each month, a price for an hour beyond
them and a cap on the reserve of unused hours. The example plan "Старт": 20,000 RUB a
month, 10 hours included, 2,000 RUB per extra hour, a reserve of at most 10 hours.

Rules of this module:

- Hours used in a month are the minutes staff logged on the client's tickets that were
  CLOSED in that month, the month being that of `closed_at` in the client's time zone.
  All work on a ticket counts in the month it closed, whenever it was logged. Cancelled
  tickets are not billed.
- Within a month the hours used come first from the hours included, then from the reserve,
  and only the rest is extra and paid.
- Included hours left unused go to the reserve, which never grows beyond the plan's cap;
  whatever does not fit is lost. Hours in the reserve do not expire otherwise: they stay
  until used (the cap alone keeps the reserve bounded).
- Arithmetic is in whole minutes, exactly. Plan hours are turned into minutes by rounding
  to the nearest minute, half up (10 h → 600, 7.5 h → 450). Extra time is billed by the
  minute, not per started hour or quarter: the extra cost is extra minutes × hourly rate
  / 60, rounded to whole roubles half up, once per month. Hours shown to people are
  Decimal with two places, half up, and are never used to compute money.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from domain.enums import TicketStatus
from domain.model import Plan, Ticket, WorkLog

MINUTES_PER_HOUR = 60

_HUNDREDTHS = Decimal("0.01")

START_PLAN = Plan(monthly_fee=20_000, hours_included=10, extra_hour_rate=2_000, reserve_cap=10)


def hours_to_minutes(hours: float | Decimal) -> int:
    """Whole minutes in `hours`, rounded half up; `str` first so 0.1 h is 6 minutes, not 5.99."""
    minutes = Decimal(str(hours)) * MINUTES_PER_HOUR
    if minutes < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    return int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def minutes_to_hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimal places, half up (10 minutes → 0.17)."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(_HUNDREDTHS, rounding=ROUND_HALF_UP)


def cost_of_minutes(minutes: int, hourly_rate: int) -> int:
    """Price of `minutes` at `hourly_rate` roubles an hour, in whole roubles, half up."""
    exact = Decimal(minutes) * Decimal(hourly_rate) / MINUTES_PER_HOUR
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_start(day: date | datetime) -> date:
    """The first day of the month `day` falls in (a datetime is taken as its own date)."""
    if isinstance(day, datetime):
        day = day.date()
    return day.replace(day=1)


def next_month(month: date) -> date:
    if month.month == 12:
        return date(month.year + 1, 1, 1)
    return date(month.year, month.month + 1, 1)


def months_between(first_month: date, last_month: date) -> list[date]:
    """First days of the months from `first_month` to `last_month`, both included."""
    month, last = month_start(first_month), month_start(last_month)
    months = []
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True, slots=True)
class MonthStatement:
    """One month of a plan: hours used against included hours and the reserve, and what is due.

    Amounts of time are whole minutes; the `*_hours` properties show them as hours.
    Money is in whole roubles.
    """

    month: date  # the first day of the month
    plan: Plan
    included_minutes: int
    used_minutes: int
    reserve_at_start_minutes: int
    taken_from_reserve_minutes: int
    unused_added_to_reserve_minutes: int
    reserve_at_end_minutes: int
    extra_minutes: int
    extra_cost: int
    total_due: int

    @property
    def included_hours(self) -> Decimal:
        return minutes_to_hours(self.included_minutes)

    @property
    def hours_used(self) -> Decimal:
        return minutes_to_hours(self.used_minutes)

    @property
    def reserve_at_start_hours(self) -> Decimal:
        return minutes_to_hours(self.reserve_at_start_minutes)

    @property
    def taken_from_reserve_hours(self) -> Decimal:
        return minutes_to_hours(self.taken_from_reserve_minutes)

    @property
    def unused_added_to_reserve_hours(self) -> Decimal:
        return minutes_to_hours(self.unused_added_to_reserve_minutes)

    @property
    def reserve_at_end_hours(self) -> Decimal:
        return minutes_to_hours(self.reserve_at_end_minutes)

    @property
    def extra_hours(self) -> Decimal:
        return minutes_to_hours(self.extra_minutes)

    @property
    def covered_by_plan_minutes(self) -> int:
        """Minutes used without extra pay: from the included hours and the reserve."""
        return self.used_minutes - self.extra_minutes


def month_statement(
    plan: Plan, month: date, used_minutes: int, reserve_at_start_minutes: int = 0
) -> MonthStatement:
    """The statement of one month, given the minutes used and the reserve it starts with."""
    if used_minutes < 0:
        raise ValueError(f"minutes used must not be negative, got {used_minutes}")
    included = hours_to_minutes(plan.hours_included)
    cap = hours_to_minutes(plan.reserve_cap)
    if not 0 <= reserve_at_start_minutes <= cap:
        raise ValueError(
            f"the reserve must be from 0 to the plan's cap of {cap} minutes, "
            f"got {reserve_at_start_minutes}"
        )
    beyond_included = max(used_minutes - included, 0)
    taken_from_reserve = min(beyond_included, reserve_at_start_minutes)
    extra = beyond_included - taken_from_reserve
    unused_included = max(included - used_minutes, 0)
    added_to_reserve = min(unused_included, cap - reserve_at_start_minutes)
    extra_cost = cost_of_minutes(extra, plan.extra_hour_rate)
    return MonthStatement(
        month=month_start(month),
        plan=plan,
        included_minutes=included,
        used_minutes=used_minutes,
        reserve_at_start_minutes=reserve_at_start_minutes,
        taken_from_reserve_minutes=taken_from_reserve,
        unused_added_to_reserve_minutes=added_to_reserve,
        reserve_at_end_minutes=reserve_at_start_minutes - taken_from_reserve + added_to_reserve,
        extra_minutes=extra,
        extra_cost=extra_cost,
        total_due=plan.monthly_fee + extra_cost,
    )


def statements(
    plan: Plan,
    minutes_by_month: Mapping[date, int],
    first_month: date,
    last_month: date,
    opening_reserve_minutes: int = 0,
) -> list[MonthStatement]:
    """Statements month by month from `first_month` to `last_month`, both included.

    `minutes_by_month` is keyed by the first day of each month (see `minutes_by_month`);
    a month missing from it had no work: it uses nothing and fills the reserve. Months
    outside the range are ignored, so the reserve of the first month is
    `opening_reserve_minutes`, whatever happened before.
    """
    first, last = month_start(first_month), month_start(last_month)
    if first > last:
        raise ValueError(f"the first month {first:%Y-%m} is after the last {last:%Y-%m}")
    for month in minutes_by_month:
        if month.day != 1:
            raise ValueError(f"months are keyed by their first day, got {month.isoformat()}")
    result = []
    reserve = opening_reserve_minutes
    for month in months_between(first, last):
        statement = month_statement(plan, month, minutes_by_month.get(month, 0), reserve)
        result.append(statement)
        reserve = statement.reserve_at_end_minutes
    return result


def minutes_by_month(
    tickets: Iterable[Ticket], work_logs: Iterable[WorkLog], timezone: str
) -> dict[date, int]:
    """Logged minutes per month of closure, for the tickets that are closed.

    The month is that of the ticket's `closed_at` in `timezone` (the client's), keyed by
    its first day. Logs of tickets that are open, cancelled or not among `tickets` are
    left out.
    """
    zone = ZoneInfo(timezone)
    month_of_ticket: dict[int, date] = {}
    for ticket in tickets:
        if ticket.status is TicketStatus.CLOSED and ticket.closed_at is not None:
            if ticket.closed_at.utcoffset() is None:
                raise ValueError(f"ticket {ticket.number} has a naive closed_at")
            month_of_ticket[ticket.number] = month_start(ticket.closed_at.astimezone(zone))
    totals: dict[date, int] = {}
    for entry in work_logs:
        month = month_of_ticket.get(entry.ticket_id)
        if month is not None:
            totals[month] = totals.get(month, 0) + entry.minutes
    return totals
