"""What the staff chat shows of a ticket: its card, its thread (topic) with the whole
conversation (the client's comments, what staff wrote from their private chats, ratings,
reopenings, who is paged at night), and its topic closing and opening again.

Everything here goes through the staff desk's own outbox methods (`outbox.CARD`,
`outbox.THREAD`, …), so nothing is queued when there is no staff chat."""

from __future__ import annotations

import html

from bot.workers.notices.outbox import (
    CARD,
    CLOSE_TOPIC,
    REOPEN_TOPIC,
    Context,
    OutboxWriter,
    fits_a_caption,
)
from domain import events as ev
from domain.model import TicketMessage
from domain.ports import UnitOfWork
from handlers.ui.cards import CARD_DESCRIPTION_LIMIT
from handlers.ui.texts import N_


async def card(out: OutboxWriter, uow: UnitOfWork, ticket_id: int) -> None:
    """The ticket's card, sent or brought up to date, rendered when it is delivered."""
    await out.staff_chat(uow, CARD, {"ticket_id": ticket_id}, ticket_id)


async def opened(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """A new ticket: its card, then a description too long for the card, then its files."""
    # the card first (CARD is queued after all events), then files into its thread:
    # so the card is queued here already and the publish loop's refresh is a no-op edit
    await card(out, uow, c.ticket.number)
    description = c.ticket.description
    if len(description) > CARD_DESCRIPTION_LIMIT:  # the whole text, in parts, after the card
        await out.thread_text(
            uow, c.ticket.number, html.escape(description), head=f"№{c.ticket.number}\n"
        )
    files = [a for m in await uow.tickets.messages(c.ticket.number) for a in m.attachments]
    await out.files(uow, 0, files, c.ticket.number, f"№{c.ticket.number}", to_thread=True)


async def mirror(
    out: OutboxWriter, uow: UnitOfWork, ticket_id: int, icon: str, head: str, message: TicketMessage
) -> None:
    """What staff wrote to a ticket from their private chat, in the ticket's thread too,
    so that whoever opens the thread sees the whole conversation."""
    locale = out.settings.default_locale
    name = await out.staff_name(uow, message.author_tg_id)
    title = out.t(head, locale, name=name)
    if message.text:
        text = html.escape(message.text)
        await out.thread_text(uow, ticket_id, text, head=f"{icon} <b>№{ticket_id} · {title}</b>\n")
    await out.files(uow, 0, message.attachments, ticket_id, f"№{ticket_id}", to_thread=True)


async def comment(out: OutboxWriter, uow: UnitOfWork, c: Context, message: TicketMessage) -> None:
    """The client's words and files; a photo with few words goes as one captioned photo."""
    locale = out.settings.default_locale
    head = out.t(
        N_("№{number} · {name}:"),
        locale,
        number=c.ticket.number,
        name=html.escape(c.employee.name),
    )
    said = f"💬 <b>{head}</b>\n{html.escape(message.text)}"
    if len(message.attachments) == 1 and fits_a_caption(said):  # a photo and its words
        await out.files(uow, 0, message.attachments, c.ticket.number, said, to_thread=True)
    else:
        if message.text:
            await out.thread_text(
                uow, c.ticket.number, html.escape(message.text), head=f"💬 <b>{head}</b>\n"
            )
        await out.files(uow, 0, message.attachments, c.ticket.number, head, to_thread=True)


async def close_topic(out: OutboxWriter, uow: UnitOfWork, ticket_id: int) -> None:
    await out.staff_chat(uow, CLOSE_TOPIC, {"ticket_id": ticket_id}, ticket_id)


async def reopen_topic(out: OutboxWriter, uow: UnitOfWork, ticket_id: int) -> None:
    await out.staff_chat(uow, REOPEN_TOPIC, {"ticket_id": ticket_id}, ticket_id)


async def reopened(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.TicketReopened
) -> None:
    """The client says it still does not work, and why."""
    locale = out.settings.default_locale
    reason = html.escape(event.reason)
    said = (
        N_("№{number}: the client says it still does not work: {reason}")
        if reason
        else N_("№{number}: the client says it still does not work.")
    )
    await out.thread_text(
        uow, c.ticket.number, "↩️ " + out.t(said, locale, number=c.ticket.number, reason=reason)
    )


async def rated(out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.TicketRated) -> None:
    stars = "⭐" * event.score
    words = f": {html.escape(event.comment)}" if event.comment else ""
    await out.thread_text(uow, c.ticket.number, f"№{c.ticket.number} {stars}{words}")


async def paging(out: OutboxWriter, uow: UnitOfWork, event: ev.AfterHoursAlarm) -> None:
    """Who is being paged about the ticket outside working hours: those called to work on
    it, and apart those told for information (the personal manager)."""
    called = event.responders or event.targets
    people = await out.active_staff(uow, list(called))
    informed = await out.active_staff(uow, [t for t in event.targets if t not in called])
    locale = out.settings.default_locale
    names = ", ".join(html.escape(p.name) for p in people) or "—"
    text = "🚨 " + out.t(
        N_("№{number}: outside working hours, paging {names}."),
        locale,
        number=event.ticket_id,
        names=names,
    )
    if event.nobody_on_duty:
        text += " " + out.t(N_("Nobody is on duty now: the leads are paged."), locale)
    if informed:
        text += " " + out.t(
            N_("For information: {names}."),
            locale,
            names=", ".join(html.escape(p.name) for p in informed),
        )
    await out.thread_text(uow, event.ticket_id, text)
