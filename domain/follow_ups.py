"""Nobody left in silence: when the employee hears how a ticket in work is going, and when a
ticket waiting for their answer reminds them (and then asks staff whether to close it).

- Keep-in-loop: a High or Highest ticket in work gets a short status line to the employee
  after `every` working hours without news (staff wrote to them, its status changed, or the
  last status line): counted on the ticket's clock (the client's working hours; a 24/7
  ticket's round the clock) and sent only while that clock runs, so never at night, except
  for an after-hours emergency in work, whose clock is the real one.
- Waiting for the client: the employee is reminded after `reminders[0]` and `reminders[1]`
  working days of waiting (full working days of the client's calendar), and after
  `ask_staff_after` working days whoever has the ticket is asked whether to close it. Each
  once per wait: a new question starts a new wait.

Pure: the caller passes the ticket, its client, what it knows of the ticket's news and the
time; the timers send what is due and record it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.calendar import WorkCalendar
from domain.enums import Priority, TicketStatus
from domain.model import Client, Ticket


class FollowUp(StrEnum):
    """What is sent; with its key, recorded once (the storage's `follow_ups`)."""

    STATUS_LINE = "status_line"  # keep-in-loop, to the employee
    FIRST_REMINDER = "waiting_reminder_1"  # waiting for the employee's answer
    SECOND_REMINDER = "waiting_reminder_2"
    ASK_STAFF = "waiting_ask_staff"  # whether to close a ticket nobody answers


WAITING_STEPS = (FollowUp.FIRST_REMINDER, FollowUp.SECOND_REMINDER, FollowUp.ASK_STAFF)


@dataclass(frozen=True, slots=True)
class FollowUpPolicy:
    """Working hours between status lines, by priority (a priority absent: none), and the
    working days of waiting before each reminder and before staff are asked."""

    status_line_every: tuple[tuple[Priority, float], ...] = (
        (Priority.HIGHEST, 2.0),
        (Priority.HIGH, 4.0),
    )
    reminders: tuple[int, int] = (1, 3)
    ask_staff_after: int = 4

    def __post_init__(self) -> None:
        first, second = self.reminders
        if not 0 < first < second < self.ask_staff_after:
            raise ValueError("reminders come one after the other, before staff are asked")
        if any(hours <= 0 for _, hours in self.status_line_every):
            raise ValueError("status lines come after a positive number of working hours")

    def every(self, priority: Priority) -> timedelta | None:
        hours = dict(self.status_line_every).get(priority)
        return None if hours is None else timedelta(hours=hours)


def status_line_clock(client: Client, ticket: Ticket) -> WorkCalendar:
    """The clock status lines count on: the ticket's own, or the real one for an emergency
    worked after hours (the engineer is on it now, whatever the hour)."""
    calendar = client.calendar_for(ticket.priority)
    if ticket.emergency and not calendar.round_the_clock:
        return WorkCalendar(
            client.timezone,
            client.opens,
            client.closes,
            client.weekdays,
            client.country,
            round_the_clock=True,
        )
    return calendar


def status_line_due(
    ticket: Ticket, client: Client, last_news: datetime, policy: FollowUpPolicy
) -> datetime | None:
    """When the employee is next owed a status line: `every` working hours after the last
    news; None when the ticket gets none (not in work, or not High or Highest)."""
    every = policy.every(ticket.priority)
    if every is None or ticket.status is not TicketStatus.IN_PROGRESS:
        return None
    return status_line_clock(client, ticket).add_working_time(last_news, every)


def status_line_now(
    ticket: Ticket, client: Client, last_news: datetime, now: datetime, policy: FollowUpPolicy
) -> bool:
    """Whether a status line goes now: it is due and the ticket's clock runs (a line that
    fell due at 17:30 and was missed is not sent at 22:00, but in the morning)."""
    due = status_line_due(ticket, client, last_news, policy)
    return due is not None and due <= now and status_line_clock(client, ticket).is_working(now)


def working_days(client: Client, days: int) -> timedelta:
    """`days` full working days of the client's calendar, as working time."""
    calendar = client.calendar
    day = datetime.combine(date.min, calendar.closes) - datetime.combine(date.min, calendar.opens)
    return day * days


def waiting_since(ticket: Ticket) -> datetime | None:
    """When the ticket began waiting for the employee's answer; None when it does not."""
    if ticket.status is not TicketStatus.WAITING_CLIENT or not ticket.is_paused:
        return None
    return ticket.pauses[-1].started_at


def waiting_steps_due(
    ticket: Ticket, client: Client, now: datetime, policy: FollowUpPolicy
) -> tuple[FollowUp, ...]:
    """The steps of a wait that are due by `now`, in order (the caller sends the last one
    not sent yet, and records them all: after a long stop, one message, not three)."""
    since = waiting_since(ticket)
    if since is None:
        return ()
    calendar = client.calendar
    after = (*policy.reminders, policy.ask_staff_after)
    return tuple(
        step
        for step, days in zip(WAITING_STEPS, after, strict=True)
        if calendar.add_working_time(since, working_days(client, days)) <= now
    )
