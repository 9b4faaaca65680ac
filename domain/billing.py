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
- A fee-free month (seed 003: "the first two months without the monthly fee, pay only for
  closed tasks"; the plan's `fee_free_months`, counted from the month the plan came into
  force) has no fee and no hours included: every minute used is paid at the extra hour
  rate, and the reserve neither fills nor empties.
- After-hours emergencies (the employee confirmed "paid separately, beyond the plan") are
  billed on their own line: the minutes logged on them, by the month they closed, at the
  client's emergency hour rate (the plan's extra hour rate when the client has none; no
  amount without either). They never count against the plan's hours.
- Minutes logged in a month without a plan are shown, not billed against anything.
- A penalty (seed 001, the client's rule, none by default) is proportional to the working
  time overdue (by the minute, rounded half up to whole roubles) or to the number of
  tickets with a missed target, summed over the month's breaches; capped, if the rule
  says so, at a share of the monthly fee of the month's plan. It is deducted from what is
  due.
- The SLA tier's price factor (seed 001: Silver ×1.25, Gold ×1.5, Platinum ×2 "to the
  price of the contract") derives a plan's monthly fee from the Bronze price when the
  fee is set (`tier_fee`); the fee recorded is the one invoiced, so a later change of tier
  never rewrites a statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from domain.compliance import Breach
from domain.enums import PenaltyBasis, SlaTier, TicketStatus
from domain.model import PenaltyRule, Plan, Ticket, WorkLog

MINUTES_PER_HOUR = 60

_HUNDREDTHS = Decimal("0.01")

START_PLAN = Plan(monthly_fee=20_000, hours_included=10, extra_hour_rate=2_000, reserve_cap=10)

# Seed 001: "each tier but Bronze has its own factor to the price of the contract".
TIER_PRICE_FACTOR: Mapping[SlaTier, Decimal] = {
    SlaTier.BRONZE: Decimal(1),
    SlaTier.SILVER: Decimal("1.25"),
    SlaTier.GOLD: Decimal("1.5"),
    SlaTier.PLATINUM: Decimal(2),
}


def tier_fee(base_fee: int, tier: SlaTier) -> int:
    """The monthly fee of `tier` for a contract whose Bronze price is `base_fee`, in whole
    roubles, half up (20,000 → Silver 25,000, Gold 30,000, Platinum 40,000)."""
    if base_fee < 0:
        raise ValueError(f"the base fee must not be negative, got {base_fee}")
    exact = Decimal(base_fee) * TIER_PRICE_FACTOR[tier]
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
    fee_free: bool = False  # a month without the fee: every minute is paid (seed 003)

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
    plan: Plan,
    month: date,
    used_minutes: int,
    reserve_at_start_minutes: int = 0,
    *,
    fee_free: bool = False,
) -> MonthStatement:
    """The statement of one month, given the minutes used and the reserve it starts with;
    `fee_free`: a month of the plan's first months without the fee (seed 003)."""
    if used_minutes < 0:
        raise ValueError(f"minutes used must not be negative, got {used_minutes}")
    included = hours_to_minutes(plan.hours_included)
    cap = hours_to_minutes(plan.reserve_cap)
    if not 0 <= reserve_at_start_minutes <= cap:
        raise ValueError(
            f"the reserve must be from 0 to the plan's cap of {cap} minutes, "
            f"got {reserve_at_start_minutes}"
        )
    if fee_free:  # pay only for the work: nothing included, the reserve left as it is
        extra_cost = cost_of_minutes(used_minutes, plan.extra_hour_rate)
        return MonthStatement(
            month=month_start(month),
            plan=plan,
            included_minutes=0,
            used_minutes=used_minutes,
            reserve_at_start_minutes=reserve_at_start_minutes,
            taken_from_reserve_minutes=0,
            unused_added_to_reserve_minutes=0,
            reserve_at_end_minutes=reserve_at_start_minutes,
            extra_minutes=used_minutes,
            extra_cost=extra_cost,
            total_due=extra_cost,
            fee_free=True,
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
    tickets: Iterable[Ticket],
    work_logs: Iterable[WorkLog],
    timezone: str,
    *,
    emergencies: bool = False,
) -> dict[date, int]:
    """Logged minutes per month of closure, for the tickets that are closed: those billed
    against the plan, or with `emergencies` the after-hours emergencies, billed apart.

    The month is that of the ticket's `closed_at` in `timezone` (the client's), keyed by
    its first day. Logs of tickets that are open, cancelled or not among `tickets` are
    left out.
    """
    zone = ZoneInfo(timezone)
    month_of_ticket: dict[int, date] = {}
    for ticket in tickets:
        if ticket.emergency is not emergencies:
            continue
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


@dataclass(frozen=True, slots=True)
class Penalty:
    """The month's SLA penalty under the client's rule, in whole roubles."""

    rule: PenaltyRule
    overdue_minutes: int  # working time past the targets, every breach summed
    overdue_tickets: int  # tickets with at least one missed target
    uncapped: int
    cap: int | None  # None: no cap
    amount: int  # what is deducted

    @property
    def capped(self) -> bool:
        return self.amount < self.uncapped


def penalty(rule: PenaltyRule, breaches: Iterable[Breach], monthly_fee: int | None) -> Penalty:
    """The penalty for `breaches` under `rule`; the cap is `rule.cap_share` of
    `monthly_fee` (the fee of the month's plan; no plan, no cap)."""
    if rule.amount < 0:
        raise ValueError(f"a penalty must not be negative, got {rule.amount}")
    if rule.cap_share is not None and not 0 <= rule.cap_share <= 1:
        raise ValueError(f"the cap must be a share from 0 to 1, got {rule.cap_share}")
    seconds = 0.0
    tickets: set[int] = set()
    for breach in breaches:
        seconds += breach.overdue.total_seconds()
        tickets.add(breach.ticket_id)
    minutes = int((Decimal(str(seconds)) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rule.basis is PenaltyBasis.OVERDUE_HOUR:
        uncapped = cost_of_minutes(minutes, rule.amount)
    else:
        uncapped = rule.amount * len(tickets)
    cap = None
    if rule.cap_share is not None and monthly_fee is not None:
        exact = Decimal(monthly_fee) * Decimal(str(rule.cap_share))
        cap = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    amount = uncapped if cap is None else min(uncapped, cap)
    return Penalty(rule, minutes, len(tickets), uncapped, cap, amount)


@dataclass(frozen=True, slots=True)
class MonthBill:
    """What a month comes to: the plan's statement, the after-hours emergencies on their
    own line, hours logged without a plan, and the SLA penalty deducted."""

    month: date
    statement: MonthStatement | None  # None: no plan that month
    unplanned_minutes: int  # logged without a plan: shown, billed against nothing
    emergency_minutes: int
    emergency_rate: int | None  # RUB an hour; None: no rate to bill them by
    emergency_cost: int | None
    penalty: Penalty | None  # None: the contract has no penalty rule

    @property
    def emergency_hours(self) -> Decimal:
        return minutes_to_hours(self.emergency_minutes)

    @property
    def unplanned_hours(self) -> Decimal:
        return minutes_to_hours(self.unplanned_minutes)

    @property
    def total_due(self) -> int | None:
        """The plan's total and the emergencies, less the penalty; None when nothing has a
        price (no plan, no emergency billed)."""
        parts = [
            part
            for part in (
                self.statement.total_due if self.statement else None,
                self.emergency_cost,
            )
            if part is not None
        ]
        if not parts:
            return None
        return sum(parts) - (self.penalty.amount if self.penalty else 0)


def month_bill(
    month: date,
    statement: MonthStatement | None,
    *,
    plan_minutes: int,
    emergency_minutes: int,
    emergency_rate: int | None,
    penalty_rule: PenaltyRule | None,
    breaches: Iterable[Breach],
) -> MonthBill:
    """The month's bill. `statement` is the plan's (None: no plan, and then `plan_minutes`
    are shown as logged without a plan); `emergency_rate` is the client's own, else the
    extra hour rate of the month's plan is used."""
    plan = statement.plan if statement else None
    rate = emergency_rate
    if rate is None and plan is not None:
        rate = plan.extra_hour_rate
    return MonthBill(
        month=month_start(month),
        statement=statement,
        unplanned_minutes=0 if statement else plan_minutes,
        emergency_minutes=emergency_minutes,
        emergency_rate=rate,
        emergency_cost=cost_of_minutes(emergency_minutes, rate) if rate is not None else None,
        penalty=(
            penalty(penalty_rule, breaches, plan.monthly_fee if plan else None)
            if penalty_rule
            else None
        ),
    )
