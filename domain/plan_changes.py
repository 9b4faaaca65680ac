"""A client's plan over time: a plan changes from a given month on, never before it.

Rules of this module:

- A client has the plan its contract started with (`Client.plan`, possibly none) and
  changes, each in force from the first day of its month (the client's calendar) until
  the next change. The plan of a month is the latest change from that month or before,
  else the starting plan.
- A month's statement is computed with the plan of that month, so a change leaves the
  statements of the months before it as they were.
- The reserve of unused hours goes on across a change, cut to the new plan's cap; a month
  without a plan has no statement and empties the reserve.
- A plan's fee-free months (seed 003) are its first months in force: from its change's
  month, or for the starting plan from the client's first month.
- A month is invoiced once it has ended, if the client was with us in it (its statement
  has been issued). A change from an invoiced month would rewrite its statement: refused,
  unless the operator insists (a correction agreed with the client).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.billing import (
    MonthStatement,
    hours_to_minutes,
    month_start,
    month_statement,
    months_between,
)
from domain.model import Plan


@dataclass(frozen=True, slots=True)
class PlanChange:
    """`plan` is in force from `from_month` (its first day) until the next change."""

    from_month: date
    plan: Plan


def plan_in_force(starting: Plan | None, changes: Sequence[PlanChange], month: date) -> Plan | None:
    """The plan of `month`: the latest change from that month or before, else `starting`."""
    month = month_start(month)
    current = starting
    for change in sorted(changes, key=lambda c: c.from_month):
        if change.from_month <= month:
            current = change.plan
    return current


def plan_since(starting_since: date, changes: Sequence[PlanChange], month: date) -> date:
    """The first month of the plan in force in `month`: its change's, else `starting_since`
    (the client's first month, when the starting plan came into force)."""
    month = month_start(month)
    since = month_start(starting_since)
    for change in changes:
        if since < change.from_month <= month:
            since = change.from_month
    return since


def is_fee_free(plan: Plan, since: date, month: date) -> bool:
    """Whether `month` is one of the first `plan.fee_free_months` of a plan in force from
    `since` (seed 003: "the first two months without the monthly fee")."""
    return 0 <= len(months_between(since, month)) - 1 < plan.fee_free_months


def statements_under_plans(
    starting: Plan | None,
    changes: Sequence[PlanChange],
    minutes_by_month: Mapping[date, int],
    first_month: date,
    last_month: date,
    *,
    starting_since: date | None = None,
) -> list[MonthStatement | None]:
    """Statements month by month from `first_month` to `last_month`, each with the plan of
    its month (None for a month without a plan); the reserve starts empty. The starting
    plan is in force from `starting_since` (default `first_month`), which counts its
    fee-free months."""
    result: list[MonthStatement | None] = []
    reserve = 0
    since_start = month_start(starting_since or first_month)
    for month in months_between(first_month, last_month):
        plan = plan_in_force(starting, changes, month)
        if plan is None:
            result.append(None)
            reserve = 0
            continue
        reserve = min(reserve, hours_to_minutes(plan.reserve_cap))
        fee_free = is_fee_free(plan, plan_since(since_start, changes, month), month)
        statement = month_statement(
            plan, month, minutes_by_month.get(month, 0), reserve, fee_free=fee_free
        )
        result.append(statement)
        reserve = statement.reserve_at_end_minutes
    return result


def is_invoiced(month: date, *, this_month: date, client_since: date) -> bool:
    """Whether `month`'s statement has been issued: it has ended and the client was with
    us in it (`this_month` and `client_since` are months of the client's calendar)."""
    month = month_start(month)
    return month_start(client_since) <= month < month_start(this_month)
