"""After hours and emergencies (DOMAIN.md, "Working hours, after hours, emergencies").

Outside the client's working hours a ticket normally waits for the morning. It does not:

- with 24/7 support, for a High or Highest ticket: it runs on a round-the-clock clock and the
  on-duty engineer is paged at once (covered by the contract);
- without it, for a Highest incident, or when the employee says "it's an emergency, I need
  help now": the on-duty engineer and the personal manager are paged and the ticket is an
  after-hours emergency (billable work outside the plan).

A page is durable: one row per person paged, with the attempt and when it repeats. Pages
are created due at once (attempt 0); the scheduler sends them (`advance_page`), repeats each
every `PagingPolicy.repeat_every` until somebody acknowledges, and after `tries` sends goes
up the chain: the leads, then the admins. A page handled late (the process was down) goes
on from where the chain would be by then: up the chain if its tries would be over. Nobody
on duty means the leads are paged, never nobody. A page stops when it is acknowledged, or
when the ticket got its first response by other means (somebody took it from the card), was
resolved, closed or cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from domain import events as ev
from domain.enums import Priority, StaffRole, TicketStatus
from domain.model import ROUND_THE_CLOCK_PRIORITIES, Client, Staff, Ticket

if TYPE_CHECKING:
    from domain.ports import Clock, UnitOfWork


class PageReason(StrEnum):
    EMERGENCY = "emergency"  # billable, outside the plan
    ROUND_THE_CLOCK = "round_the_clock"  # a High/Highest ticket of a 24/7 client


@dataclass(frozen=True, slots=True)
class PagingPolicy:
    repeat_every: timedelta = timedelta(minutes=5)
    tries: int = 3  # sends to one level before it goes up the chain

    def __post_init__(self) -> None:
        if self.repeat_every <= timedelta(0) or self.tries < 1:
            raise ValueError("pages repeat after a positive interval, at least once")


@dataclass(slots=True)
class Page:
    """One person paged about one ticket. `next_at` is when it is sent (again) or escalated;
    None once it is over (acknowledged, escalated, or no longer needed)."""

    ticket_id: int
    target_tg_id: int
    reason: PageReason
    level: int = 0
    attempt: int = 0  # sends so far
    next_at: datetime | None = None
    created_at: datetime | None = None
    acknowledged_by: int | None = None
    acknowledged_at: datetime | None = None
    id: int | None = None

    @property
    def pending(self) -> bool:
        return self.next_at is not None

    @property
    def number(self) -> int:
        if self.id is None:
            raise ValueError("the page is not stored yet")
        return self.id


@dataclass(frozen=True, slots=True)
class AfterHoursCall:
    """What happens to a ticket registered outside working hours that cannot wait."""

    reason: PageReason

    @property
    def emergency(self) -> bool:
        """Billable work outside the plan; the personal manager is paged too."""
        return self.reason is PageReason.EMERGENCY


def after_hours_call(
    client: Client, priority: Priority, *, asked: bool, at: datetime, waits: bool = False
) -> AfterHoursCall | None:
    """Whether a ticket registered at `at` pages anybody (None: it waits for the clock).

    `asked`: the employee confirmed "It's an emergency" on the after-hours summary card.
    `waits`: the employee said it can wait until the morning ("Подождёт до утра"): no
    billable emergency, not even for a Highest incident (24/7 support still pages: it is
    paid for already).
    """
    if client.calendar.is_working(at):
        return None  # the first line is at work
    if client.round_the_clock and priority in ROUND_THE_CLOCK_PRIORITIES:
        return AfterHoursCall(PageReason.ROUND_THE_CLOCK)
    if waits:
        return None
    if priority is Priority.HIGHEST or asked:
        return AfterHoursCall(PageReason.EMERGENCY)
    return None


def needs_confirmation(client: Client, priority: Priority, *, at: datetime) -> bool:
    """Whether sending now would be a billable emergency by itself (a Highest incident after
    hours without 24/7 support): the employee confirms it with one more tap, or says it
    can wait until the morning."""
    call = after_hours_call(client, priority, asked=False, at=at)
    return call is not None and call.emergency


def may_ask_for_help_now(client: Client, priority: Priority, *, at: datetime) -> bool:
    """Whether the summary offers "It's an emergency": a ticket that would wait for the
    morning, after hours, and that gets in the way of work (a Low one, by its own answers,
    does not: a paid night call would make no sense for it)."""
    return (
        priority is not Priority.LOW
        and after_hours_call(client, priority, asked=False, at=at) is None
        and after_hours_call(client, priority, asked=True, at=at) is not None
    )


def _active(staff: Iterable[Staff]) -> dict[int, Staff]:
    return {s.tg_id: s for s in staff if s.active}


def _with_role(people: dict[int, Staff], role: StaffRole) -> list[int]:
    return sorted(tg for tg, s in people.items() if s.role is role)


# Who hears of it when the level below did not answer: 1 the leads, 2 the admins.
ESCALATION = (StaffRole.LEAD, StaffRole.ADMIN)


def first_targets(
    on_duty: Sequence[int], people: dict[int, Staff], manager_tg_id: int | None, emergency: bool
) -> tuple[list[int], bool]:
    """Level 0 of a page: who is on duty (active staff only), else the leads, else the admins,
    else every active staff member; plus the personal manager for an emergency.
    Also whether nobody was on duty."""
    targets = [tg for tg in on_duty if tg in people]
    nobody = not targets
    if nobody:
        for role in ESCALATION:
            targets = _with_role(people, role)
            if targets:
                break
        else:
            targets = sorted(people)
    if emergency and manager_tg_id in people and manager_tg_id not in targets:
        targets.append(manager_tg_id)
    return list(dict.fromkeys(targets)), nobody


def next_level(
    level: int, people: dict[int, Staff], already: Iterable[int]
) -> tuple[int, list[int]] | None:
    """The next level up the chain with somebody not paged yet, and who; None at the top."""
    paged = set(already)
    for index in range(level, len(ESCALATION)):
        fresh = [tg for tg in _with_role(people, ESCALATION[index]) if tg not in paged]
        if fresh:
            return index + 1, fresh
    return None


def paged_to_know(
    target_tg_id: int, level: int, manager_tg_id: int | None, responders: Iterable[int]
) -> bool:
    """Whether a page is the personal manager's copy, to know rather than to act (they are
    not on duty, nor standing in for the rota): its repeats edit it in place instead of
    ringing again, so the manager gets one message per page."""
    return level == 0 and target_tg_id == manager_tg_id and target_tg_id not in set(responders)


async def responders_now(uow: UnitOfWork, now: datetime) -> list[int]:
    """Who a page of level 0 calls to act at `now`: the on-duty engineers, or whoever stands
    in for them (`first_targets` without the manager)."""
    rota = await uow.duty.rota(now)
    people = _active(await uow.staff.list())
    return first_targets(rota.on_duty_ids(now), people, None, emergency=False)[0]


def page_is_over(ticket: Ticket | None) -> bool:
    """Somebody is on it (first response), or there is nothing left to do."""
    return (
        ticket is None
        or not ticket.is_open
        or ticket.status is TicketStatus.RESOLVED
        or ticket.first_response_at is not None
    )


def still_calling(pages: Iterable[Page]) -> bool:
    """Whether a ticket's pages still call for somebody: one of them is due to be sent
    (again) and nobody has acknowledged any. A staff member who then acts on the ticket
    (answers the client, asks, resolves it) has answered the call."""
    pages = list(pages)
    return any(p.pending for p in pages) and all(p.acknowledged_by is None for p in pages)


class Responder(StrEnum):
    """Who the employee is told is being called: the on-duty engineer (by name), or, when
    the rota has a gap, the shift lead, or else the support team."""

    DUTY_ENGINEER = "duty_engineer"
    SHIFT_LEAD = "shift_lead"
    SUPPORT = "support"


def responder(*, nobody_on_duty: bool, roles: Iterable[StaffRole]) -> Responder:
    """Who answers a page of level 0, by what `first_targets` found: the on-duty engineer;
    with nobody on duty, the leads (the shift lead), else whoever else was paged."""
    if not nobody_on_duty:
        return Responder.DUTY_ENGINEER
    if StaffRole.LEAD in set(roles):
        return Responder.SHIFT_LEAD
    return Responder.SUPPORT


def escalated_to(level: int) -> Responder:
    """Who a page goes to once the level below did not answer (`ESCALATION`)."""
    return Responder.SHIFT_LEAD if ESCALATION[level - 1] is StaffRole.LEAD else Responder.SUPPORT


# --- use cases ---------------------------------------------------------------------------


async def raise_alarm(
    uow: UnitOfWork, clock: Clock, ticket: Ticket, client: Client, call: AfterHoursCall
) -> list[ev.Event]:
    """Page level 0 about a ticket just registered; the pages are due at once."""
    now = clock.now()
    rota = await uow.duty.rota(now)
    people = _active(await uow.staff.list())
    on_duty = rota.on_duty_ids(now)
    responders, nobody = first_targets(on_duty, people, None, emergency=False)
    targets, _ = first_targets(on_duty, people, client.manager_tg_id, call.emergency)
    for target in targets:
        await uow.pages.add(
            Page(
                ticket_id=ticket.number,
                target_tg_id=target,
                reason=call.reason,
                next_at=now,
                created_at=now,
            )
        )
    return [
        ev.AfterHoursAlarm(ticket.number, call.emergency, tuple(targets), nobody, tuple(responders))
    ]


@dataclass(frozen=True, slots=True)
class PageStep:
    page: Page | None
    pending: tuple[Page, ...] = ()  # pages of the ticket still to be sent (re-arm them)


async def advance_page(
    uow: UnitOfWork, clock: Clock, *, page_id: int, policy: PagingPolicy
) -> tuple[PageStep, tuple[ev.Event, ...]]:
    """Send a page that is due (again), or take it up the chain after `policy.tries` sends;
    stop every page of the ticket when it no longer needs anybody. A page that is not due
    (a stale timer) is left as it is."""
    page = await uow.pages.get(page_id)
    if page is None or page.next_at is None:
        return PageStep(page), ()
    now = clock.now()
    if page.next_at > now:
        return PageStep(page, (page,)), ()
    if page_is_over(await uow.tickets.get(page.ticket_id)):
        for other in await uow.pages.for_ticket(page.ticket_id):
            if other.next_at is not None:
                other.next_at = None
                await uow.pages.update(other)
        page.next_at = None
        return PageStep(page), ()
    pages = await uow.pages.for_ticket(page.ticket_id)
    up = None
    # Whole intervals slept through (a stopped or late process): the chain is where it would
    # be by now, one message for what was missed, not a reminder per missed interval.
    missed = (now - page.next_at) // policy.repeat_every
    if page.attempt >= policy.tries or (
        page.attempt >= 1 and page.attempt + missed >= policy.tries
    ):
        if any(p.level > page.level for p in pages):  # another page of its level went up
            page.next_at = None
            await uow.pages.update(page)
            return PageStep(page), ()
        people = _active(await uow.staff.list())
        up = next_level(page.level, people, (p.target_tg_id for p in pages))
    if up is None:  # a repeat; at the top of the chain, reminders go on until somebody answers
        page.attempt += 1
        page.next_at = page.next_at + (missed + 1) * policy.repeat_every  # on its cadence
        await uow.pages.update(page)
        return PageStep(page, (page,)), (_sent(page),)
    level, targets = up
    page.next_at = None  # this one is done: it went up the chain
    await uow.pages.update(page)
    fresh: list[Page] = []
    for target in targets:
        added = await uow.pages.add(
            Page(
                ticket_id=page.ticket_id,
                target_tg_id=target,
                reason=page.reason,
                level=level,
                attempt=1,
                next_at=now + policy.repeat_every,
                created_at=now,
            )
        )
        if added is not None:
            fresh.append(added)
    sent = tuple(_sent(p) for p in fresh)
    if not fresh:
        return PageStep(page), ()
    escalated = ev.PageEscalated(page.ticket_id, level, tuple(p.target_tg_id for p in fresh))
    return PageStep(page, tuple(fresh)), (escalated, *sent)


def _sent(page: Page) -> ev.PageSent:
    return ev.PageSent(
        page.ticket_id,
        page.number,
        page.target_tg_id,
        page.attempt,
        page.level,
        page.reason is PageReason.EMERGENCY,
    )
