"""Mass outages in the staff chat: the proposal to link tickets (edited as more come and
once it is decided), the parent's thread hearing who joined or left, and the children's
cards, which say they are worked through the outage.

The watch itself (`domain.use_cases.outages.watch`) runs here, on every ticket
registered, whichever way it came (the intake, a newcomer's first words), with the
rule the settings give."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.workers.delivery import EDIT_SENT
from bot.workers.notices import staff_chat
from bot.workers.notices.outbox import OutboxWriter, button_markup
from domain import events as ev
from domain.outages import Proposal
from domain.ports import UnitOfWork
from domain.use_cases import outages
from handlers.ui.callbacks import OutageCb
from handlers.ui.texts import N_, category_name


async def watch(out: OutboxWriter, uow: UnitOfWork, events: Sequence[ev.Event]) -> list[ev.Event]:
    """The proposals the tickets registered in `events` lead to."""
    found: list[ev.Event] = []
    for event in events:
        if isinstance(event, ev.TicketOpened):
            outcome = await outages.watch(
                uow, out.clock, ticket_id=event.ticket_id, rule=out.settings.outage_rule
            )
            found += outcome.events
    return found


async def own_cards(
    uow: UnitOfWork, ticket_ids: Sequence[int], out: OutboxWriter | None = None
) -> list[int]:
    """The tickets whose card follows their changes: not an outage's children, whose
    changes staff made on the outage (their cards were brought up to date when linked)."""
    shown = []
    for n in ticket_ids:
        ticket = out.known_ticket(uow, n) if out is not None else None
        ticket = ticket or await uow.tickets.get(n)
        if ticket is not None and ticket.parent_id is None:
            shown.append(n)
    return shown


def _numbers(tickets: Sequence[int]) -> str:
    return ", ".join(f"№{n}" for n in tickets)


async def _proposal_text(out: OutboxWriter, uow: UnitOfWork, proposal: Proposal) -> str:
    locale = out.settings.default_locale
    client = await uow.clients.get(proposal.client_id)
    name = html.escape(client.name) if client else "—"
    with out.speaking(locale):
        topic = category_name(proposal.category)
    if proposal.state == "linked":
        return out.t(
            N_("🔗 Linked as one mass outage at {client}, №{parent}: {tickets} ({topic})."),
            locale,
            client=name,
            parent=proposal.parent_id,
            tickets=_numbers(proposal.tickets),
            topic=topic,
        )
    said = (
        N_("Looks like a mass outage at {client}: {tickets} ({topic}). Not linked.")
        if proposal.state == "dismissed"
        else N_("Looks like a mass outage at {client}: {tickets} ({topic}). Link them?")
    )
    return out.t(said, locale, client=name, tickets=_numbers(proposal.tickets), topic=topic)


async def suspected(out: OutboxWriter, uow: UnitOfWork, event: ev.OutageSuspected) -> None:
    """ "Похоже на массовый сбой…" with «Объединить» and «Не объединять»; the same message
    edited when another ticket joins the cluster or when it is decided."""
    chat = out.settings.staff_chat_id
    proposal = await uow.outages.get(event.proposal_id)
    if chat is None or proposal is None:
        return
    locale = out.settings.default_locale
    text = await _proposal_text(out, uow, proposal)
    markup = (
        button_markup(
            [
                (
                    out.t(N_("🔗 Link"), locale),
                    OutageCb(action="link", id=event.proposal_id).pack(),
                ),
                (
                    out.t(N_("Keep apart"), locale),
                    OutageCb(action="dismiss", id=event.proposal_id).pack(),
                ),
            ]
        )
        if proposal.open
        else {"inline_keyboard": []}
    )
    key = f"outage:{event.proposal_id}"
    if not event.extended:
        await out.text(uow, chat, text, None, markup, key=key)
        return
    payload = {"of": key, "text": text, "parse_mode": "HTML", "reply_markup": markup}
    # One edit waiting is enough: a burst of reports edits the message once, not once a
    # ticket against the staff chat's 20 messages a minute.
    await uow.outbox.supersede_pending(chat, f"{key}:edit:")
    await out.queue(uow, chat, EDIT_SENT, payload, None, key=f"{key}:edit:{proposal.edits}")


async def linked(out: OutboxWriter, uow: UnitOfWork, event: ev.OutageLinked) -> None:
    """The proposal's message says the tickets were linked; each child's card says it is
    worked through the outage (the outage's own card lists them), and each child's
    employee hears that colleagues have the same problem."""
    if event.proposal_id is not None:
        await suspected(out, uow, ev.OutageSuspected(event.proposal_id, extended=True))
    for child in event.children:
        await staff_chat.card(out, uow, child)
        c = await out.context(uow, child)
        if not c.facts(out.clock.now()).employee_hears:
            continue
        said = N_(
            "Your colleagues reported the same, so we are working on it as one problem "
            "(№{outage}). As soon as it is fixed, I will write here about your request №{number}."
        )
        locale = out.employee_locale(c.employee)
        await out.text(
            uow, c.employee.tg_id, out.t(said, locale, outage=event.ticket_id, number=child), child
        )


async def joined(out: OutboxWriter, uow: UnitOfWork, event: ev.OutageJoined) -> None:
    """The outage's thread hears who joined it, with their words."""
    child = await uow.tickets.get(event.child_id)
    if child is None:
        return
    employee = await uow.employees.get(child.employee_id)
    locale = out.settings.default_locale
    head = out.t(
        N_("➕ №{child} · {name} reports the same:"),
        locale,
        child=child.number,
        name=html.escape(employee.name if employee else "—"),
    )
    await out.thread_text(
        uow, event.ticket_id, html.escape(child.description), head=f"<b>{head}</b>\n"
    )


async def left(out: OutboxWriter, uow: UnitOfWork, event: ev.OutageLeft) -> None:
    """The child's card is its own again; the outage's thread hears why it left."""
    locale = out.settings.default_locale
    if event.staff_tg_id is None:
        said = N_("↩️ №{child} was reopened by its author: it is a request of its own now.")
    else:
        said = N_("➖ №{child} was unlinked from the outage by {name}.")
    name = await out.staff_name(uow, event.staff_tg_id)
    await out.thread_text(
        uow, event.ticket_id, out.t(said, locale, child=event.child_id, name=name)
    )
    await staff_chat.card(out, uow, event.child_id)
