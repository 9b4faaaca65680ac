"""The personal manager's daily digest: what can wait for the morning, in one message at the
start of their working day, instead of a message each.

- When: once a day, at the opening of a working day on the calendar of the manager's
  first client (the lowest id); a bot down at the opening sends it when it is back within
  the first hour (later, the day has no digest: what is urgent is heard as it happens).
  Recorded, so a restart never sends it twice; nothing is sent when it would be empty.
- What, for the manager's clients:
  - breached: open tickets past a due time they have not met (the reaction while nobody
    answered; the resolution while the clock runs);
  - at risk: open tickets with such a due time before today's closing;
  - waiting for long: tickets waiting for the employee's answer for `waiting_long_days`
    working days or more;
  - low ratings (`LOW_RATING_UP_TO` or less) given since the start of the previous working
    day, up to this day's opening.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar
from domain.enums import TicketStatus
from domain.follow_ups import waiting_since, working_days
from domain.model import LOW_RATING_UP_TO, Client, Rating, Ticket

# The digest goes within this long after the opening of the manager's day, or not that day.
DIGEST_WITHIN = timedelta(hours=1)
# The waiting tickets the digest lists: waiting this many working days or more.
WAITING_LONG_DAYS = 2


class Section(StrEnum):
    BREACHED = "breached"
    AT_RISK = "at_risk"
    WAITING = "waiting"
    LOW_RATING = "low_rating"


SECTIONS = tuple(Section)


@dataclass(frozen=True, slots=True)
class Entry:
    section: Section
    ticket_id: int
    at: datetime  # the due time (breached, at risk), the wait's start, the rating's moment
    score: int = 0  # a low rating's stars
    comment: str = ""
    reaction: bool = False  # breached or at risk: the reaction (nobody answered yet)


@dataclass(frozen=True, slots=True)
class Digest:
    manager_tg_id: int
    day: date
    entries: tuple[Entry, ...]

    def section(self, section: Section) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.section is section)


def digest_day(calendar: WorkCalendar, now: datetime) -> date | None:
    """The local day whose digest goes now: today's, in the first hour of a working day
    (`DIGEST_WITHIN`), so that a bot back from a stop at 09:30 still sends it; later it waits
    for the next morning (what is urgent is heard as it happens)."""
    if calendar.round_the_clock or not calendar.is_working(now):
        return None
    day = now.astimezone(ZoneInfo(calendar.timezone)).date()
    return day if now < opening(calendar, day) + DIGEST_WITHIN else None


def opening(calendar: WorkCalendar, day: date) -> datetime:
    return datetime.combine(day, calendar.opens, ZoneInfo(calendar.timezone))


def closing(calendar: WorkCalendar, day: date) -> datetime:
    return datetime.combine(day, calendar.closes, ZoneInfo(calendar.timezone))


def previous_working_day(calendar: WorkCalendar, day: date) -> date:
    before = day - timedelta(days=1)
    for _ in range(60):
        if calendar.is_working_day(before):
            return before
        before -= timedelta(days=1)
    return day - timedelta(days=1)


def ratings_window(calendar: WorkCalendar, day: date) -> tuple[datetime, datetime]:
    """The low ratings the digest of `day` lists: given from the previous working day's
    opening up to this day's (a Monday's digest has Friday's and the weekend's)."""
    return opening(calendar, previous_working_day(calendar, day)), opening(calendar, day)


def unmet_due_times(ticket: Ticket) -> tuple[tuple[datetime, bool], ...]:
    """The due times the open ticket has still to meet, each with whether it is the
    reaction's: the reaction while nobody answered, the resolution while its clock runs (not
    while it waits for the client); earliest first."""
    due: list[tuple[datetime, bool]] = []
    if not ticket.is_open:
        return ()
    if ticket.first_response_at is None and ticket.reaction_due is not None:
        due.append((ticket.reaction_due, True))
    if (
        ticket.resolution_due is not None
        and not ticket.is_paused
        and ticket.status is not TicketStatus.RESOLVED
    ):
        due.append((ticket.resolution_due, False))
    return tuple(sorted(due))


def build_digest(
    manager_tg_id: int,
    day: date,
    now: datetime,
    clients: Mapping[int, Client],
    tickets: Iterable[Ticket],
    ratings: Iterable[Rating],
    *,
    waiting_long_days: int = WAITING_LONG_DAYS,
) -> Digest:
    """The digest of `day` for the manager of `clients`, from their open tickets and the
    ratings of the window; the entries by section, then by time."""
    entries: list[Entry] = []
    for ticket in tickets:
        client = clients.get(ticket.client_id)
        if client is None or not ticket.is_open:
            continue
        due = unmet_due_times(ticket)
        end_of_day = closing(client.calendar, day)
        if due and due[0][0] <= now:
            at, reaction = due[0]
            entries.append(Entry(Section.BREACHED, ticket.number, at, reaction=reaction))
        elif due and due[0][0] <= end_of_day:
            at, reaction = due[0]
            entries.append(Entry(Section.AT_RISK, ticket.number, at, reaction=reaction))
        since = waiting_since(ticket)
        long = working_days(client, waiting_long_days)
        if since is not None and client.calendar.working_time_between(since, now) >= long:
            entries.append(Entry(Section.WAITING, ticket.number, since))
    for rating in ratings:
        if rating.score <= LOW_RATING_UP_TO:
            entries.append(
                Entry(Section.LOW_RATING, rating.ticket_id, rating.at, rating.score, rating.comment)
            )
    order = {section: index for index, section in enumerate(SECTIONS)}
    entries.sort(key=lambda e: (order[e.section], e.at, e.ticket_id))
    return Digest(manager_tg_id, day, tuple(entries))


def first_client(clients: Iterable[Client]) -> Client | None:
    """The client whose calendar sets the manager's day: the first registered."""
    return min(clients, key=lambda c: c.id or 0, default=None)
