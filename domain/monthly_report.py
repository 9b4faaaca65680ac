"""When a client's monthly report goes out by itself, and to whom (DOMAIN.md, "SLA tiers":
from Gold up the client receives SLA compliance reports).

Gold and Platinum clients get the report of the month just ended on the first working day
of the next month at 10:00 their time, on their own calendar (a holiday or a day off moves
it to the next working day). A bot that was down at that moment sends it as soon as it is
back, any time in that month; after that the month is left to /report on request. A
client whose contract has ended gets the report of the month it ended in, its final one,
and none after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.billing import month_start, next_month
from domain.enums import SlaTier
from domain.model import Client, Employee

REPORTED_TIERS = frozenset({SlaTier.GOLD, SlaTier.PLATINUM})
SENT_AT = time(10, 0)


def receives_monthly_report(client: Client) -> bool:
    return client.tier in REPORTED_TIERS


def sending_moment(client: Client, month: date) -> datetime:
    """When the report of the month before `month` goes out: `month`'s first working day on
    the client's calendar, at 10:00 local time."""
    day = month_start(month)
    calendar = client.calendar
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, SENT_AT, tzinfo=ZoneInfo(client.timezone))


def due_report_month(client: Client, now: datetime) -> date | None:
    """The month whose report is due to go out at `now`, if any: the previous one, once this
    month's sending moment has come. None for tiers without the report, and for a month
    that ended before the client came to us."""
    if not receives_monthly_report(client):
        return None
    this_month = month_start(now.astimezone(ZoneInfo(client.timezone)))
    if now < sending_moment(client, this_month):
        return None
    if client.created_at is not None:
        joined = client.created_at.astimezone(ZoneInfo(client.timezone))
        if month_start(joined) >= this_month:
            return None
    previous = (this_month - timedelta(days=1)).replace(day=1)
    if client.deactivated_at is not None:
        ended = month_start(client.deactivated_at.astimezone(ZoneInfo(client.timezone)))
        if ended < previous:  # the month the contract ended had its final report
            return None
    return previous


def next_sending_moment(client: Client, now: datetime) -> datetime | None:
    """The next moment after `now` when this client's report goes out (None: it does not)."""
    if not receives_monthly_report(client):
        return None
    this_month = month_start(now.astimezone(ZoneInfo(client.timezone)))
    moment = sending_moment(client, this_month)
    return moment if moment > now else sending_moment(client, next_month(this_month))


def report_recipients(client: Client, employees: Iterable[Employee]) -> list[int]:
    """Telegram ids of who receives it: the company's active directors; without one, the
    personal manager, so the report still reaches somebody who can pass it on."""
    directors = [e.tg_id for e in employees if e.is_director and e.active and e.tg_id]
    if directors:
        return sorted(set(directors))
    return [client.manager_tg_id] if client.manager_tg_id else []
