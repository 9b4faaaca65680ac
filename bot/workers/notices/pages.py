"""After-hours pages, in the private chats of the people paged: the page itself (what,
for whom, the button that stops the repeats), that somebody acknowledged it, and that the
alert is off because the ticket was cancelled."""

from __future__ import annotations

import html

from bot.workers.notices.outbox import Context, OutboxWriter, button_markup
from domain import events as ev
from domain.ports import UnitOfWork
from handlers.ui.callbacks import PageCb, StaffCb
from handlers.ui.texts import N_, priority_name


async def page(out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.PageSent) -> None:
    """The page itself: what, for whom, and the button that stops the repeats."""
    target = await uow.staff.get(event.target_tg_id)
    locale = out.staff_locale(target)
    n, client = c.ticket.number, html.escape(c.client.name)
    with out.speaking(locale):
        priority = priority_name(c.ticket.priority)
    if event.emergency:
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
    lines = [f"<b>{head}</b>", html.escape(c.ticket.title), "👤 " + " · ".join(who)]
    if event.attempt > 1:
        lines.append(
            out.t(
                N_("Reminder {attempt}: nobody has acknowledged it yet."),
                locale,
                attempt=event.attempt,
            )
        )
    elif event.level > 0:
        lines.append(out.t(N_("Nobody acknowledged it in time: it comes to you."), locale))
    lines.append(
        out.t(
            N_("Press «Acknowledge» when you are on it: the client will hear who is helping."),
            locale,
        )
    )
    await out.text(
        uow,
        event.target_tg_id,
        "\n".join(lines),
        n,
        button_markup(
            [
                (
                    out.t(N_("✅ Acknowledge"), locale),
                    PageCb(page=event.page_id, action="ack").pack(),
                )
            ],
            [(out.t(N_("Open the card"), locale), StaffCb(ticket=n, action="card").pack())],
        ),
        key=f"page:{event.page_id}:{event.attempt}",
    )


async def alert_off(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Whoever was paged about a ticket that is now cancelled hears that the alert is off
    (the pages themselves stop at their next due time)."""
    pages = await uow.pages.for_ticket(c.ticket.number)
    for staff in await out.active_staff(uow, [p.target_tg_id for p in pages]):
        locale = out.staff_locale(staff)
        await out.text(
            uow,
            staff.tg_id,
            "🔕 "
            + out.t(
                N_("№{number} of {client} is cancelled: the alert is off."),
                locale,
                number=c.ticket.number,
                client=html.escape(c.client.name),
            ),
            c.ticket.number,
            key=f"page-off:{c.ticket.number}:{staff.tg_id}",
        )


async def acknowledged(out: OutboxWriter, uow: UnitOfWork, event: ev.PageAcknowledged) -> None:
    """The others paged about it hear that somebody is on it."""
    name = await out.staff_name(uow, event.staff_tg_id)
    for staff in await out.active_staff(uow, list(event.others)):
        locale = out.staff_locale(staff)
        await out.text(
            uow,
            staff.tg_id,
            out.t(
                N_("✅ №{number}: {name} acknowledged the alert and is on it."),
                locale,
                number=event.ticket_id,
                name=name,
            ),
            event.ticket_id,
            key=f"acknowledged:{event.ticket_id}:{staff.tg_id}",
        )
