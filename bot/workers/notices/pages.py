"""After-hours pages, in the private chats of the people paged: the page itself (what,
for whom, the button that stops the repeats), every copy edited once somebody acknowledged
it, and that the alert is off because the ticket was cancelled."""

from __future__ import annotations

import html
from collections.abc import Callable

from bot.workers.delivery import EDIT_SENT
from bot.workers.notices.outbox import Context, OutboxWriter, button_markup
from domain import events as ev
from domain.paging import PageReason, paged_to_know, responders_now
from domain.ports import UnitOfWork
from handlers.ui.callbacks import PageCb, StaffCb
from handlers.ui.formatting import local
from handlers.ui.texts import N_, priority_name


def _page_lines(out: OutboxWriter, c: Context, locale: str, emergency: bool) -> list[str]:
    """What the page is about: the kind of alert, the ticket and who to call back."""
    n, client = c.ticket.number, html.escape(c.client.name)
    with out.speaking(locale):
        priority = priority_name(c.ticket.priority)
    if emergency:
        head = out.t(
            N_(
                "🚨 After-hours emergency, №{number} of {client} ({priority}): the client "
                "needs help now. Billable work outside the plan."
            ),
            locale,
            number=n,
            client=client,
            priority=priority,
        )
    else:
        head = out.t(
            N_(
                "🚨 Round-the-clock support, №{number} of {client} ({priority}): "
                "outside working hours."
            ),
            locale,
            number=n,
            client=client,
            priority=priority,
        )
    who = [html.escape(c.employee.name)]
    if c.employee.username:
        who.append(f"@{html.escape(c.employee.username)}")
    if c.employee.phone:
        who.append(html.escape(c.employee.phone))
    return [f"<b>{head}</b>", html.escape(c.ticket.title), "👤 " + " · ".join(who)]


def _card_row(out: OutboxWriter, locale: str, number: int) -> list[tuple[str, str]]:
    return [(out.t(N_("Open the card"), locale), StaffCb(ticket=number, action="card").pack())]


def _copy_key(page_id: int, attempt: int) -> str:
    """The outbox key of one copy of a page (its `attempt`-th send)."""
    return f"page:{page_id}:{attempt}"


async def page(out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.PageSent) -> None:
    """The page itself: what, for whom, and the button that stops the repeats. The personal
    manager gets one message per page: a repeat edits it in place rather than adding one."""
    target = await uow.staff.get(event.target_tg_id)
    locale = out.staff_locale(target)
    n = c.ticket.number
    lines = _page_lines(out, c, locale, event.emergency)
    if event.attempt > 1:
        lines.append(
            out.t(
                N_("Reminder {attempt}: nobody has acknowledged it yet."),
                locale,
                attempt=event.attempt - 1,  # the first send is not a reminder
            )
        )
    elif event.level > 0:
        lines.append(out.t(N_("Nobody acknowledged it in time: it comes to you."), locale))
    manager = c.client.manager_tg_id
    # The personal manager's copy is to know, not to act (unless they are the ones called):
    # no «Acknowledge» on it, or they would take the ticket instead of the engineer.
    to_know = event.target_tg_id == manager and paged_to_know(
        event.target_tg_id, event.level, manager, await responders_now(uow, out.clock.now())
    )
    if to_know:
        lines.append(
            out.t(
                N_(
                    "For your information: the engineers are being called; "
                    "who takes it will show here."
                ),
                locale,
            )
        )
        markup = button_markup(_card_row(out, locale, n))
    else:
        lines.append(
            out.t(
                N_("Press «Acknowledge» when you are on it: the client will hear who is helping."),
                locale,
            )
        )
        markup = button_markup(
            [
                (
                    out.t(N_("✅ Acknowledge"), locale),
                    PageCb(page=event.page_id, action="ack").pack(),
                )
            ],
            _card_row(out, locale, n),
        )
    if event.attempt > 1 and to_know:
        await out.queue(
            uow,
            event.target_tg_id,
            EDIT_SENT,
            {
                "of": _copy_key(event.page_id, 1),
                "text": "\n".join(lines),
                "parse_mode": "HTML",
                "reply_markup": markup,
            },
            n,
            key=f"{_copy_key(event.page_id, event.attempt)}:in-place",
        )
        return
    key = _copy_key(event.page_id, event.attempt)
    await out.text(uow, event.target_tg_id, "\n".join(lines), n, markup, key=key)


async def alert_off(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Whoever was paged about a ticket that is now cancelled hears that the alert is off
    (the pages themselves stop at their next due time), and every copy of the page says so
    and loses «Acknowledge»."""
    pages = await uow.pages.for_ticket(c.ticket.number)

    def off(locale: str) -> str:
        return "🔕 " + out.t(
            N_("№{number} of {client} is cancelled: the alert is off."),
            locale,
            number=c.ticket.number,
            client=html.escape(c.client.name),
        )

    for staff in await out.active_staff(uow, [p.target_tg_id for p in pages]):
        await out.text(
            uow,
            staff.tg_id,
            off(out.staff_locale(staff)),
            c.ticket.number,
            key=f"page-off:{c.ticket.number}:{staff.tg_id}",
        )
    await _edit_copies(out, uow, c, off, "page-cancelled")


async def acknowledged(out: OutboxWriter, uow: UnitOfWork, event: ev.PageAcknowledged) -> None:
    """Every copy of the page (the on-duty engineer's and their reminders, the manager's,
    the leads' and admins') is edited to say who took it and when, and loses «Acknowledge»;
    the repeats stop, so nobody needs another message."""
    c = await out.context(uow, event.ticket_id)
    name = await out.staff_name(uow, event.staff_tg_id)
    at = f"{local(out.clock.now(), c.client.timezone):%H:%M}"

    def taken(locale: str) -> str:
        return out.t(N_("✅ Acknowledged by {name} at {time}."), locale, name=name, time=at)

    await _edit_copies(out, uow, c, taken, "page-done")


async def taken_elsewhere(out: OutboxWriter, uow: UnitOfWork, c: Context, staff_tg_id: int) -> None:
    """Somebody took the ticket from its card (or was put on it) while its pages still
    ring: every copy says who has it and loses «Acknowledge» (the repeats stop by
    themselves). Not after «Принял», which edited them already."""
    pages = await uow.pages.for_ticket(c.ticket.number)
    if not any(p.next_at is not None for p in pages) or any(
        p.acknowledged_by is not None for p in pages
    ):
        return
    name = await out.staff_name(uow, staff_tg_id)
    at = f"{local(out.clock.now(), c.client.timezone):%H:%M}"

    def taken(locale: str) -> str:
        return out.t(N_("✅ In work: {name}, since {time}."), locale, name=name, time=at)

    await _edit_copies(out, uow, c, taken, "page-taken")


async def _edit_copies(
    out: OutboxWriter, uow: UnitOfWork, c: Context, status: Callable[[str], str], kind: str
) -> None:
    """Every copy of every page of the ticket: what it was about, then `status` (in the
    reader's language) in place of the call to press «Acknowledge», which goes."""
    for each in await uow.pages.for_ticket(c.ticket.number):
        target = await uow.staff.get(each.target_tg_id)
        if target is None or not target.active or each.id is None:
            continue  # nothing more is sent to somebody who left
        locale = out.staff_locale(target)
        lines = _page_lines(out, c, locale, each.reason is PageReason.EMERGENCY)
        lines.append(status(locale))
        # Every copy sent (a repeat that edited the manager's copy in place has another key:
        # nothing was sent under this one, and the edit is skipped).
        for attempt in range(1, each.attempt + 1):
            await out.queue(
                uow,
                each.target_tg_id,
                EDIT_SENT,
                {
                    "of": _copy_key(each.number, attempt),
                    "text": "\n".join(lines),
                    "parse_mode": "HTML",
                    "reply_markup": button_markup(_card_row(out, locale, c.ticket.number)),
                },
                c.ticket.number,
                key=f"{kind}:{each.number}:{attempt}",
            )
