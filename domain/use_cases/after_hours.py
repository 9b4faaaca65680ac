"""After hours: "Принял" on a page of the on-duty engineer (domain/paging.py), and the duty
rota of who is paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from domain.calendar import WorkCalendar
from domain.duty import GAPS_AHEAD, DutyGap, DutyShift, WeeklyDuty, merge_gaps, uncovered
from domain.errors import InvalidInput, NotFound
from domain.paging import paged_to_know, responders_now, still_calling
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import Outcome, acting_staff, get_ticket, staff_member
from domain.use_cases.staff_tickets import acknowledge_pages


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    ticket_id: int
    by_tg_id: int  # who acknowledged it (somebody else, when `first` is False)
    first: bool


async def acknowledge_page(
    uow: UnitOfWork, clock: Clock, *, page_id: int, staff_tg_id: int
) -> Outcome[Acknowledgement]:
    """ "Принял": the presser is on it. Every page of the ticket stops, the acknowledgement
    is recorded, and a ticket nobody has started on is taken (the employee hears who)."""
    await acting_staff(uow, staff_tg_id)
    page = await uow.pages.get(page_id)
    if page is None:
        raise NotFound(f"page {page_id} not found")
    pages = await uow.pages.for_ticket(page.ticket_id)
    earlier = next((p for p in pages if p.acknowledged_by is not None), None)
    if earlier is not None:
        assert earlier.acknowledged_by is not None
        return Outcome(Acknowledgement(page.ticket_id, earlier.acknowledged_by, False))
    ticket = await get_ticket(uow, page.ticket_id)
    taken_by = ticket.assignee_tg_id
    if ticket.first_response_at is not None and taken_by not in (None, staff_tg_id):
        # Somebody took it from the card meanwhile: they are on it, the pages are over.
        assert taken_by is not None
        for each in pages:
            if each.next_at is not None:
                each.next_at = None
                await uow.pages.update(each)
        return Outcome(Acknowledgement(page.ticket_id, taken_by, False))
    if not ticket.is_open:
        raise NotFound(f"ticket {ticket.number} is finished; the page is over")
    events = await acknowledge_pages(
        uow, clock, pages, ticket_id=page.ticket_id, staff_tg_id=staff_tg_id
    )
    return Outcome(Acknowledgement(page.ticket_id, staff_tg_id, True), tuple(events))


async def page_answered_in_words(
    uow: UnitOfWork, clock: Clock, *, staff_tg_id: int, ticket_id: int | None
) -> int | None:
    """The page a staff member answers with «принял», «беру», «ок, смотрю» typed instead of
    pressing «Принял»: a page of the ticket named (by the page or card replied to, or a
    number typed), while its pages call or once somebody acknowledged them (who was first
    is then said); with no ticket named, a page of the one ticket
    whose pages still call them. None when there is no such page, when several tickets
    call them (which one is meant?), or when their copy is the personal manager's, to know
    rather than to act (it has no «Принял» either)."""
    now = clock.now()
    if ticket_id is not None:
        pages = list(await uow.pages.for_ticket(ticket_id))
        if not still_calling(pages) and all(p.acknowledged_by is None for p in pages):
            return None  # over without «Принял» (taken from the card): nothing to answer
    else:
        pages = [
            p
            for p in await uow.pages.pending()
            if p.target_tg_id == staff_tg_id and p.acknowledged_by is None
        ]
        if len({p.ticket_id for p in pages}) != 1:
            return None
    if not pages:
        return None
    for own in (p for p in pages if p.target_tg_id == staff_tg_id):
        ticket = await uow.tickets.get(own.ticket_id)
        client = await uow.clients.get(ticket.client_id) if ticket else None
        manager = client.manager_tg_id if client else None
        if paged_to_know(own.target_tg_id, own.level, manager, await responders_now(uow, now)):
            return None
    return pages[0].id


async def add_duty_shift(
    uow: UnitOfWork, *, staff_tg_id: int, starts_at: datetime, ends_at: datetime
) -> Outcome[DutyShift]:
    """A one-off duty shift of a staff member."""
    await staff_member(uow, staff_tg_id)
    try:
        shift = DutyShift(staff_tg_id, starts_at, ends_at)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="shift") from None
    return Outcome(await uow.duty.add_shift(shift))


async def add_weekly_duty(
    uow: UnitOfWork,
    *,
    staff_tg_id: int,
    weekdays: frozenset[int],
    starts: time,
    ends: time,
    timezone: str,
) -> Outcome[WeeklyDuty]:
    """A duty shift repeated every week (e.g. mon-fri 18:00-09:00)."""
    await staff_member(uow, staff_tg_id)
    try:
        pattern = WeeklyDuty(staff_tg_id, frozenset(weekdays), starts, ends, timezone)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="weekly") from None
    return Outcome(await uow.duty.add_weekly(pattern))


async def remove_duty(uow: UnitOfWork, *, entry_id: int) -> Outcome[int]:
    if not await uow.duty.remove(entry_id):
        raise NotFound(f"duty entry {entry_id} not found")
    return Outcome(entry_id)


def default_calendar(timezone: str) -> WorkCalendar:
    """A new client's calendar (Mon–Fri 09:00–18:00, Russia's holidays) in `timezone`."""
    return WorkCalendar(timezone, time(9), time(18), frozenset(range(5)), "RU")


async def duty_gaps(
    uow: UnitOfWork, clock: Clock, *, fallback: WorkCalendar, ahead: timedelta = GAPS_AHEAD
) -> list[DutyGap]:
    """After-hours time in the next two weeks that nobody on the rota covers, for any
    client's calendar (`fallback` while there is no client): an emergency then pages the
    leads."""
    now = clock.now()
    until = now + ahead
    rota = await uow.duty.rota(now)
    calendars = {client.calendar for client in await uow.clients.list()} or {fallback}
    return merge_gaps(
        *(uncovered(rota, c.working_hours(now, until), now, until) for c in calendars)
    )
