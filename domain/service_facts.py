"""What the bot knows of a client's contract, for answers to questions about the service:
the plan and the hours left this month (domain/billing.py's rules, to this moment).

FAQ articles (domain/data/faq) hold placeholders on lines of their own, replaced by a
sentence about the asker's own contract when the bot knows it and dropped when it does
not: {{plan}}, {{remaining}}, {{tier}}, {{hours}}, {{manager}}. The sentences are the
handlers' (they are translated); the numbers are worked out here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.billing import minutes_by_month, month_start
from domain.model import Client, Plan, Ticket, WorkLog
from domain.plan_changes import PlanChange, plan_in_force, statements_under_plans

PLACEHOLDER = re.compile(r"^[ \t]*\{\{(\w+)\}\}[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class HoursLeft:
    """This month so far (tickets closed in it): the plan's hours and the reserve left."""

    plan: Plan
    included_minutes: int
    included_left_minutes: int
    reserve_left_minutes: int
    extra_minutes: int  # beyond both, paid apart
    fee_free: bool  # a month without the fee: every hour is paid (nothing included)


def hours_left(
    client: Client,
    changes: Sequence[PlanChange],
    closed: Sequence[Ticket],
    logs: Sequence[WorkLog],
    now: datetime,
) -> HoursLeft | None:
    """The hours left this month under the plan in force; None without a plan."""
    zone = ZoneInfo(client.timezone)
    month = month_start(now.astimezone(zone))
    plan = plan_in_force(client.plan, changes, month)
    if plan is None:
        return None
    used = minutes_by_month(closed, logs, client.timezone)
    since = month_start((client.created_at or now).astimezone(zone))
    first = min([since, month, *used.keys()])
    statement = statements_under_plans(
        client.plan, changes, used, first, month, starting_since=since
    )[-1]
    assert statement is not None
    return HoursLeft(
        plan=plan,
        included_minutes=statement.included_minutes,
        included_left_minutes=max(statement.included_minutes - statement.used_minutes, 0),
        reserve_left_minutes=statement.reserve_at_start_minutes
        - statement.taken_from_reserve_minutes,
        extra_minutes=statement.extra_minutes,
        fee_free=statement.fee_free,
    )


def personalise(body: str, sentence: Callable[[str], str | None]) -> str:
    """The body with each placeholder line replaced by `sentence(name)`, or dropped."""
    text = PLACEHOLDER.sub(lambda m: sentence(m.group(1)) or "\x00", body)
    lines = [line for line in text.split("\n") if line != "\x00"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
