"""The staff's ticket card: everything an engineer needs at a glance, and the buttons the
ticket's state allows. Rendered from the database each time it is shown or refreshed."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel import Locale

from domain import TicketStatus
from domain.estimates import Estimate, beyond_estimate
from domain.model import Client, Employee, Staff, Ticket, TicketMessage
from domain.ports import UnitOfWork
from handlers.ui.callbacks import OutageCb, StaffCb
from handlers.ui.formatting import (
    Measure,
    deadline,
    duration,
    estimate_size,
    measure_of,
    stamp,
    time_spent,
)
from handlers.ui.keyboards import inline
from handlers.ui.texts import (
    N_,
    kind_name,
    priority_icon,
    priority_name,
    staff_status_name,
    stated_topic,
    ticket_no,
    tier_name,
)

# Longer descriptions are cut on the card; the whole text follows in the ticket's thread.
CARD_DESCRIPTION_LIMIT = 2500


@dataclass(frozen=True, slots=True)
class CardData:
    ticket: Ticket
    client: Client
    employee: Employee
    assignee: Staff | None
    attachments: int
    estimate: Estimate | None = None  # the latest one
    decided_by: str = ""  # the name of whoever decided on it
    logged: int = 0  # minutes of work logged
    rejected: tuple[str, ...] = ()  # articles suggested before it was registered, no help
    # A mass outage's children, each with its employee's name (domain/outages.py).
    children: tuple[tuple[Ticket, str], ...] = ()


async def load_card(uow: UnitOfWork, ticket_id: int) -> CardData | None:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        return None
    client = await uow.clients.get(ticket.client_id)
    employee = await uow.employees.get(ticket.employee_id)
    assert client is not None and employee is not None
    assignee = await uow.staff.get(ticket.assignee_tg_id) if ticket.assignee_tg_id else None
    messages = await uow.tickets.messages(ticket_id)
    files = sum(len(m.attachments) for m in messages if m.author == "employee")
    estimate = (await uow.tickets.latest_estimates([ticket_id])).get(ticket_id)
    decided_by = ""
    if estimate is not None and estimate.decided_by_employee_id is not None:
        decider = await uow.employees.get(estimate.decided_by_employee_id)
        decided_by = decider.name if decider else "—"
    logged = sum(w.minutes for w in await uow.tickets.work_logs(ticket_id)) if estimate else 0
    rejected = tuple(await uow.knowledge.rejected(ticket_id))
    children = []
    for child in await uow.tickets.children(ticket_id) if ticket.outage else ():
        author = await uow.employees.get(child.employee_id)
        children.append((child, author.name if author else "—"))
    return CardData(
        ticket,
        client,
        employee,
        assignee,
        files,
        estimate,
        decided_by,
        logged,
        rejected,
        tuple(children),
    )


def topic_name(ticket: Ticket, client: Client) -> str:
    """ "№N · Client · title", within Telegram's 128 characters for a topic name."""
    return f"№{ticket.number} · {client.name} · {ticket.title}"[:128]


def _left_or_overdue(left: timedelta, measure: Measure, locale: str) -> str:
    """What is left of a target, or how far past it, at the moment the card is rendered."""
    if left <= -_MINUTE:
        late = duration(-left, measure, locale, dense=True)
        return "🔴 " + _("overdue by {time}").format(time=late)
    if left <= timedelta(0):
        return "🔴 " + _("time is up")
    return _("{time} left").format(time=duration(left, measure, locale, dense=True))


def _state(due: datetime, warning_at: datetime | None, now: datetime) -> str:
    """Where a target stands, as the warning and the breach leave it: both refresh the
    staff chat's card when they come, so this stays true until the next of them."""
    if now >= due:
        return " · 🔴 " + _("overdue")
    if warning_at is not None and now >= warning_at:
        return " · ⚠️ " + _("due soon")
    return ""


_MINUTE = timedelta(minutes=1)


def card_text(card: CardData, now: datetime, locale: str, *, as_of: bool = False) -> str:
    """The card. Without `as_of` (the staff chat's, edited only when the ticket changes, a
    warning or a breach comes): the due times and where each stands, never a time left,
    which would be false an hour later. With `as_of` (a card asked for in a private chat):
    the working time left or overdue too, with the moment it was counted at."""
    t, client, employee = card.ticket, card.client, card.employee
    tz = client.timezone
    who = f'<a href="tg://user?id={employee.tg_id}">{html.escape(employee.name)}</a>'
    contacts = [f"@{html.escape(employee.username)}"] if employee.username else []
    if employee.phone:
        contacts.append(html.escape(employee.phone))
    if employee.locale and employee.locale != locale:  # staff should answer in their language
        language = Locale.parse(employee.locale).get_language_name(locale) or employee.locale
        contacts.append(_("language: {language}").format(language=language))
    lines = [
        f"{priority_icon(t.priority)} <b>{ticket_no(t.number)}</b> · {priority_name(t.priority)} · "
        f"{staff_status_name(t.status)}",
        f"🏢 {html.escape(client.name)} ({tier_name(client.tier)})",
        f"👤 {who}" + (f" · {' · '.join(contacts)}" if contacts else ""),
        f"{kind_name(t.kind)} · {stated_topic(t.category, t.description)}",
    ]
    if t.outage:  # nobody's own: its children's employees are listed below
        del lines[2]
    if t.emergency:
        lines.append("🚨 " + _("after-hours emergency"))
    lines += outage_lines(card)
    clock = t.sla_clock(client)
    measure = measure_of(clock.calendar)

    def target(
        said: str, due: datetime, warning_at: datetime | None, left: timedelta | None
    ) -> str:
        if not as_of:  # read long after, unedited until the warning or the breach comes
            by = deadline(due, now, tz, locale, lasting=True)
            return _(said).format(time=by) + _state(due, warning_at, now)
        at = stamp(now, now, tz, locale)
        assert left is not None
        return (
            _(said).format(time=deadline(due, now, tz, locale))
            + f" · {_left_or_overdue(left, measure, locale)} ("
            + _("as of {time}").format(time=at)
            + ")"
        )

    if t.is_open and t.status is not TicketStatus.RESOLVED:
        if t.first_response_at is None and t.reaction_due:
            lines.append(
                target(
                    N_("Reaction by {time}"),
                    t.reaction_due,
                    t.reaction_warning_at,
                    clock.reaction_left(now),
                )
            )
        if t.resolution_to_be_agreed:  # a change request: no date until one is agreed
            lines.append("📅 " + _("Resolution: to be agreed with the client"))
        elif t.awaiting_estimate and t.status is not TicketStatus.WAITING_CLIENT:
            lines.append("⏸ " + _("waiting for the estimate's approval: the clock is paused"))
        elif t.is_paused:
            lines.append("⏸ " + _("waiting for the client: the resolution clock is paused"))
        elif t.resolution_due:
            lines.append(
                target(
                    N_("Resolution by {time}"),
                    t.resolution_due,
                    t.resolution_warning_at,
                    clock.resolution_left(now),
                )
                + (" · " + _("agreed with the client") if t.agreed_resolution else "")
            )
    # A missed target's overdue, once answered, is final: true however late it is read.
    if t.first_response_at is not None and clock.reaction_overdue(t.first_response_at):
        late = duration(clock.reaction_overdue(t.first_response_at), measure, locale, dense=True)
        lines.append("🔴 " + _("reaction was overdue by {time}").format(time=late))
    finished = t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    if finished and t.resolved_at is not None and clock.resolution_overdue(t.resolved_at):
        late = duration(clock.resolution_overdue(t.resolved_at), measure, locale, dense=True)
        lines.append("🔴 " + _("resolved late, overdue by {time}").format(time=late))
    lines += estimate_lines(card, now, locale)
    assignee = html.escape(card.assignee.name) if card.assignee else _("nobody yet")
    lines.append(_("Assignee: {name}").format(name=assignee))
    if card.attachments:
        lines.append(_("📎 Files: {n}").format(n=card.attachments))
    if card.rejected:
        titles = ", ".join(f"«{html.escape(title)}»" for title in card.rejected)
        lines.append(_("📚 Suggested, did not help: {titles}").format(titles=titles))
    description = (
        t.description
        if len(t.description) <= CARD_DESCRIPTION_LIMIT
        else t.description[:CARD_DESCRIPTION_LIMIT] + "…"
    )
    lines += ["", html.escape(description) or "—"]
    return "\n".join(lines)


def outage_lines(card: CardData) -> list[str]:
    """A mass outage lists its children (what staff do on it reaches their employees); a
    child says whose part it is."""
    t = card.ticket
    if t.parent_id is not None:
        return ["🔗 " + _("Part of the mass outage {number}").format(number=ticket_no(t.parent_id))]
    if not t.outage:
        return []
    if not card.children:
        return ["🌐 " + _("Mass outage, declared by staff: no requests linked yet")]
    listed = ", ".join(
        f"{ticket_no(child.number)} {html.escape(name)}" for child, name in card.children
    )
    return [
        "🌐 " + _("Mass outage, requests: {count}").format(count=len(card.children)),
        listed,
        _("Replies, questions and «Resolved» here reach every one of them."),
    ]


def estimate_lines(card: CardData, now: datetime, locale: str) -> list[str]:
    """The latest estimate and where it stands; hours logged beyond an approved one."""
    estimate = card.estimate
    if estimate is None:
        return []
    size = estimate_size(estimate.minutes, estimate.amount, locale)
    if estimate.pending:
        state = _("waiting for approval") if card.ticket.is_open else ""
    else:
        assert estimate.decided_at is not None
        said = (
            N_("approved by {name}, {time}")
            if estimate.approved
            else N_("not approved by {name}, {time}")
        )
        state = _(said).format(
            name=html.escape(card.decided_by),
            time=stamp(estimate.decided_at, now, card.client.timezone, locale),
        )
    lines = ["💰 " + _("Estimate: {size}").format(size=size) + (f" · {state}" if state else "")]
    beyond = beyond_estimate(card.logged, estimate)
    if beyond:
        lines.append(
            "⚠️ "
            + _("Logged {logged}: {beyond} beyond the approved estimate").format(
                logged=time_spent(card.logged, locale), beyond=time_spent(beyond, locale)
            )
        )
    return lines


def card_keyboard(ticket: Ticket) -> InlineKeyboardMarkup | None:
    n, status = ticket.number, ticket.status

    def b(text: str, action: str) -> tuple[str, str]:
        return text, StaffCb(ticket=n, action=action).pack()

    if status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        return inline([b(_("⏱ Log time"), "time")])
    if ticket.parent_id is not None and status is not TicketStatus.RESOLVED:
        # Worked through the outage; it leaves it if it is something else after all.
        unlink = OutageCb(action="unlink", id=n).pack()
        return inline([(_("➖ Unlink from the outage"), unlink)], [b(_("⏱ Log time"), "time")])
    if status is TicketStatus.RESOLVED:
        # Until the client confirms, a resolution sent too soon can be taken back.
        return inline(
            [b(_("↩ Back to work"), "unresolve")],
            [b(_("⏱ Log time"), "time"), b(_("📝 Internal note"), "note")],
        )
    first: list[tuple[str, str]] = []
    # An assigned ticket is somebody's: no «Take»; but one put on the client's fixed
    # specialist at registration is not in work yet, and taking it is the reaction.
    if ticket.assignee_tg_id is None or status is TicketStatus.NEW:
        first.append(b(_("🙋 Take"), "take"))
    first.append(b(_("💬 Reply"), "reply"))
    if status is TicketStatus.WAITING_CLIENT:
        first.append(b(_("▶ Resume without an answer"), "resume"))
    else:
        first.append(b(_("❓ Ask the client"), "ask"))
    rows = [
        first,
        [b(_("✅ Resolved"), "resolve")],
        [b(_("⚡ Priority"), "prio"), b(_("👥 Assign"), "assign")],
    ]
    if ticket.resolution_by_agreement:  # a change request: its date is agreed with the client
        said = _("📅 Change the date") if ticket.agreed_resolution else _("📅 Agree the date")
        rows.append([b(said, "agree")])
    rows.append([b(_("⏱ Log time"), "time"), b(_("📝 Internal note"), "note")])
    if ticket.assignee_tg_id is not None and status is not TicketStatus.NEW:
        # Whoever works it estimates it; last, so the buttons above keep their places.
        rows.append([b(_("💰 Estimate"), "estimate")])
    return inline(*rows)


# The card in a private chat shows the conversation's last messages.
HISTORY_ON_CARD = 6


async def load_history(uow: UnitOfWork, ticket_id: int) -> tuple[list[TicketMessage], dict]:
    """The ticket's conversation, internal notes included, and the staff names in it."""
    messages = [m for m in await uow.tickets.messages(ticket_id) if m.text or m.attachments]
    names: dict[int, str] = {}
    for tg_id in {m.author_tg_id for m in messages if m.author == "staff" and m.author_tg_id}:
        staff = await uow.staff.get(tg_id)
        names[tg_id] = staff.name if staff else "—"
    return messages, names


def history_lines(
    card: CardData,
    messages: list[TicketMessage],
    names: dict,
    now: datetime,
    locale: str,
    *,
    cut: int | None = 300,
) -> list[str]:
    """One line per message: when, who (internal notes marked), the text and its files."""
    lines = []
    for m in messages:
        if m.author == "employee":
            who = html.escape(card.employee.name)
        else:
            who = html.escape(names.get(m.author_tg_id, "—"))
            if m.internal:
                who = "📝 " + who + " " + _("(internal)")
        text = m.text if cut is None or len(m.text) <= cut else m.text[:cut] + "…"
        files = ("📎" * min(len(m.attachments), 3)) if m.attachments else ""
        when = stamp(m.created_at, now, card.client.timezone, locale) if m.created_at else ""
        said = " ".join(part for part in (html.escape(text), files) if part)
        lines.append(f"<i>{when}</i> <b>{who}:</b> {said}")
    return lines


def card_with_history(
    card: CardData, messages: list[TicketMessage], names: dict, now: datetime, locale: str
) -> str:
    """The card as shown in a private chat: the last messages of both sides below it."""
    text = card_text(card, now, locale, as_of=True)
    if not messages:
        return text
    shown = messages[-HISTORY_ON_CARD:]
    head = _("<b>Conversation</b>")
    if len(messages) > len(shown):
        head += " " + _("(the last {shown} of {total})").format(
            shown=len(shown), total=len(messages)
        )
    return "\n".join([text, "", head, *history_lines(card, shown, names, now, locale)])


def history_button(ticket: Ticket) -> list[tuple[str, str]]:
    return [(_("📜 Whole conversation"), StaffCb(ticket=ticket.number, action="history").pack())]
