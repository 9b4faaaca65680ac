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
from bot.workers.notices.staff_pings import card_button
from domain import events as ev
from domain.outages import Proposal
from domain.ports import UnitOfWork
from domain.recipients import manager_hears_of_outage
from domain.use_cases import outages
from handlers.ui.callbacks import OutageCb
from handlers.ui.texts import N_, category_name, priority_name


async def watch(
    out: OutboxWriter, uow: UnitOfWork, events: Sequence[ev.Event]
) -> tuple[list[ev.Event], set[int]]:
    """The proposals the tickets registered in `events` lead to, and the tickets that look
    like a mass outage: those that made or joined a proposal, and an outage linked from
    one (the manager hears of them in the outage's one message, `suspected`)."""
    found: list[ev.Event] = []
    suspected: set[int] = set()
    for event in events:
        if isinstance(event, ev.TicketOpened):
            outcome = await outages.watch(
                uow, out.clock, ticket_id=event.ticket_id, rule=out.settings.outage_rule
            )
            found += outcome.events
            if outcome.value is not None:
                suspected.add(event.ticket_id)
        elif isinstance(event, ev.OutageLinked) and event.proposal_id is not None:
            suspected.add(event.ticket_id)
    return found, suspected


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
    edited when another ticket joins the cluster or when it is decided. The client's
    personal manager hears of it too, in one message of their own."""
    chat = out.settings.staff_chat_id
    proposal = await uow.outages.get(event.proposal_id)
    if proposal is not None:
        await _tell_manager(out, uow, proposal, extended=event.extended)
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


async def _tell_manager(
    out: OutboxWriter, uow: UnitOfWork, proposal: Proposal, *, extended: bool
) -> None:
    """The manager's one message about tickets that look like a mass outage, instead of a
    "new ticket" notice each: sent when they first look like one, edited as more join and
    when staff link them (it then is the outage's, with its card) or keep them apart."""
    client = await uow.clients.get(proposal.client_id)
    if client is None or proposal.id is None:
        return
    found = await out.active_staff(uow, [client.manager_tg_id])
    if not found:
        return
    manager = found[0]
    locale = out.staff_locale(manager)
    hears_all = manager.notify_all_priorities
    parent = await uow.tickets.get(proposal.parent_id) if proposal.parent_id else None
    # The tickets just added decide whether the message is due (the first ones when it is
    # made, the newest when it grows): a burst of hundreds is not read again each time.
    added = proposal.tickets if not extended else proposal.tickets[-1:]
    news = [t for t in [await uow.tickets.get(n) for n in added] if t is not None]
    heard = manager_hears_of_outage([t.priority for t in news], hears_all=hears_all)
    with out.speaking(locale):
        topic = category_name(proposal.category)
        priority = priority_name(parent.priority) if parent is not None else ""
    values: dict[str, object] = {
        "client": html.escape(client.name),
        "tickets": _numbers(proposal.tickets),
        "topic": topic,
    }
    markup: dict[str, object] = {"inline_keyboard": []}
    if parent is not None:
        said = N_(
            "Mass outage at {client}: №{number}, {priority}; the requests {tickets} are "
            "worked through it ({topic}).\n{title}"
        )
        values |= {"number": parent.number, "priority": priority}
        values["title"] = html.escape(parent.title)
        markup = card_button(out, parent.number, locale)
    elif proposal.state == "dismissed":
        said = N_(
            "Looked like a mass outage at {client}: {tickets} ({topic}); the staff chat keeps "
            "them apart."
        )
    else:
        said = N_(
            "Looks like a mass outage at {client}: {tickets} ({topic}). The staff chat is "
            "asked whether to link them; I will not write about each of them."
        )
    text = out.t(said, locale, **values)
    key = f"outage:{proposal.id}:manager"
    if heard and (not extended or proposal.open):
        await out.text(uow, manager.tg_id, text, None, markup, key=key)  # once: keyed
    if extended:
        payload = {"of": key, "text": text, "parse_mode": "HTML", "reply_markup": markup}
        await uow.outbox.supersede_pending(manager.tg_id, f"{key}:edit:")
        await out.queue(
            uow, manager.tg_id, EDIT_SENT, payload, None, key=f"{key}:edit:{proposal.edits}"
        )


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
