"""What staff members hear in their private chats about a ticket: the personal manager
(new tickets, comments, reopenings, unhappy ratings, the daily digest), whoever has it (an
assignment, the client's comments, a question nobody answers), and the SLA warnings and
breaches; each with the button that opens the card. Who they are is `domain.recipients`'
call; the caller passes them in."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.workers.notices.outbox import (
    THREAD,
    Context,
    OutboxWriter,
    button_markup,
    fits_a_caption,
)
from domain import events as ev
from domain.digest import SECTIONS, Section
from domain.model import Staff, TicketMessage
from domain.ports import UnitOfWork
from domain.sla import SlaMilestone
from handlers.ui.callbacks import StaffCb
from handlers.ui.formatting import deadline, duration, measure_of, stamp
from handlers.ui.texts import N_, priority_name

_WARNINGS = {
    SlaMilestone.REACTION_WARNING: N_(
        "⚠️ №{number} of {client}: nobody has answered yet; the reaction is due by {time}."
    ),
    SlaMilestone.RESOLUTION_WARNING: N_("⚠️ №{number} of {client}: it must be resolved by {time}."),
}
_BREACHES = {
    SlaMilestone.REACTION_BREACH: N_(
        "🔴 №{number} of {client}: the reaction time is breached (it was due {time})."
    ),
    SlaMilestone.RESOLUTION_BREACH: N_(
        "🔴 №{number} of {client}: the resolution time is breached (it was due {time})."
    ),
}


def card_button(out: OutboxWriter, ticket_id: int, locale: str) -> dict[str, Any]:
    return button_markup(
        [(out.t(N_("Open the card"), locale), StaffCb(ticket=ticket_id, action="card").pack())]
    )


async def new_ticket(out: OutboxWriter, uow: UnitOfWork, manager: Staff, c: Context) -> None:
    locale = out.staff_locale(manager)
    with out.speaking(locale):
        priority = priority_name(c.ticket.priority)
    said = (
        N_("Mass outage at {client}: №{number}, {priority}.\n{title}")
        if c.ticket.outage  # its requests were heard of one by one, or not at all
        else N_("New ticket of {client}: №{number}, {priority}.\n{title}")
    )
    text = out.t(
        said,
        locale,
        client=html.escape(c.client.name),
        number=c.ticket.number,
        priority=priority,
        title=html.escape(c.ticket.title),
    )
    await out.text(
        uow,
        manager.tg_id,
        text,
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
        f"opened:{c.ticket.number}",
    )


async def assigned(out: OutboxWriter, uow: UnitOfWork, assignee: Staff, c: Context) -> None:
    locale = out.staff_locale(assignee)
    text = out.t(
        N_("Ticket №{number} of {client} is assigned to you.\n{title}"),
        locale,
        number=c.ticket.number,
        client=html.escape(c.client.name),
        title=html.escape(c.ticket.title),
    )
    await out.text(
        uow,
        assignee.tg_id,
        text,
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
    )


async def comment(
    out: OutboxWriter,
    uow: UnitOfWork,
    staff: Staff,
    c: Context,
    message: TicketMessage,
    *,
    resumed: bool,
) -> None:
    """The client's words and files, in a staff member's private chat."""
    locale = out.staff_locale(staff)
    n = c.ticket.number
    said = (
        N_("№{number} · {name}, the answer to the question:")
        if resumed
        else N_("№{number} · {name}, a comment:")
    )
    head = "💬 <b>" + out.t(said, locale, number=n, name=html.escape(c.employee.name)) + "</b>"
    button = card_button(out, n, locale)
    said = f"{head}\n{html.escape(message.text)}"
    if len(message.attachments) == 1 and message.text and fits_a_caption(said):
        await out.files(uow, staff.tg_id, message.attachments, n, said)
    elif message.text:
        mark = out.t("№{number}", locale, number=n)
        await out.files(uow, staff.tg_id, message.attachments, n, mark)
        await out.text(uow, staff.tg_id, html.escape(message.text), n, button, head=head + "\n")
    else:  # files only: the heading is their caption, no message of its own
        await out.files(uow, staff.tg_id, message.attachments, n, head)


async def complaint(
    out: OutboxWriter, uow: UnitOfWork, manager: Staff, c: Context, message: TicketMessage
) -> None:
    """The client complains of how a ticket is handled ("никто не позвонил"): the personal
    manager reads it with the ticket's number and its card, as whoever has it does."""
    locale = out.staff_locale(manager)
    assignee = await uow.staff.get(c.ticket.assignee_tg_id) if c.ticket.assignee_tg_id else None
    said = (
        N_("⚠️ Complaint on ticket №{number} of {client} from {name} ({assignee} has it):")
        if assignee is not None
        else N_("⚠️ Complaint on ticket №{number} of {client} from {name} (nobody has it yet):")
    )
    head = out.t(
        said,
        locale,
        number=c.ticket.number,
        client=html.escape(c.client.name),
        name=html.escape(c.employee.name),
        assignee=html.escape(assignee.name) if assignee is not None else "",
    )
    await out.text(
        uow,
        manager.tg_id,
        f"«{html.escape(message.text)}»",
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
        head=f"<b>{head}</b>\n",
    )


async def reopened(
    out: OutboxWriter, uow: UnitOfWork, manager: Staff, c: Context, event: ev.TicketReopened
) -> None:
    locale = out.staff_locale(manager)
    reason = html.escape(event.reason)
    said = (
        N_("Ticket №{number} of {client} was reopened: {reason}")
        if reason
        else N_("Ticket №{number} of {client} was reopened.")
    )
    await out.text(
        uow,
        manager.tg_id,
        out.t(
            said,
            locale,
            number=c.ticket.number,
            client=html.escape(c.client.name),
            reason=reason,
        ),
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
    )


async def cancelled(
    out: OutboxWriter, uow: UnitOfWork, staff: Staff, c: Context, event: ev.TicketCancelled
) -> None:
    """The employee withdrew a ticket the manager heard of, or that somebody has."""
    locale = out.staff_locale(staff)
    await out.text(
        uow,
        staff.tg_id,
        out.t(
            N_(
                "✖ Ticket №{number} of {client} is cancelled at the employee's request "
                "({name}).\n{title}"
            ),
            locale,
            number=c.ticket.number,
            client=html.escape(c.client.name),
            name=html.escape(c.employee.name),
            title=html.escape(c.ticket.title),
        ),
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
        f"cancelled:{c.ticket.number}:{staff.tg_id}",
    )


async def low_rating(
    out: OutboxWriter, uow: UnitOfWork, manager: Staff, c: Context, event: ev.TicketRated
) -> None:
    """The stars, then the complaint written after them: the employee was told that the
    manager will read it, so the words reach them too (each once)."""
    locale = out.staff_locale(manager)
    said = (
        N_("Complaint on ticket №{number} of {client} (rated {score} of 5): {comment}")
        if event.comment
        else N_("Ticket №{number} of {client} was rated {score} of 5. {comment}")
    )
    await out.text(
        uow,
        manager.tg_id,
        out.t(
            said,
            locale,
            number=c.ticket.number,
            client=html.escape(c.client.name),
            score=event.score,
            comment=html.escape(event.comment),
        ),
        c.ticket.number,
        card_button(out, c.ticket.number, locale),
        key=f"rated:{c.ticket.number}" + (":complaint" if event.comment else ""),
    )


async def sla_warning(
    out: OutboxWriter, uow: UnitOfWork, people: Sequence[Staff], c: Context, event: ev.SlaWarning
) -> None:
    """The reaction or resolution is due soon: by when."""
    reaction = event.milestone is SlaMilestone.REACTION_WARNING
    due = c.ticket.reaction_due if reaction else c.ticket.resolution_due
    await _sla_notice(out, uow, people, c, _WARNINGS[event.milestone], event.milestone, due)


async def sla_breach(
    out: OutboxWriter, uow: UnitOfWork, people: Sequence[Staff], c: Context, event: ev.SlaBreached
) -> None:
    """A target was missed: when it was due, and the overdue when it is known."""
    await _sla_notice(
        out,
        uow,
        people,
        c,
        _BREACHES[event.milestone],
        event.milestone,
        event.due_at,
        event.overdue_seconds,
    )


async def _sla_notice(
    out: OutboxWriter,
    uow: UnitOfWork,
    people: Sequence[Staff],
    c: Context,
    said: str,
    milestone: SlaMilestone,
    due: datetime | None,
    overdue_seconds: int = 0,
) -> None:
    n = c.ticket.number
    for staff in people:
        locale = out.staff_locale(staff)
        with out.speaking(locale):
            when = deadline(due, out.clock.now(), c.client.timezone, locale) if due else "—"
            if overdue_seconds >= 60:
                measure = measure_of(c.client.calendar_for(c.ticket.priority))
                late = duration(timedelta(seconds=overdue_seconds), measure, locale)
        text = out.t(said, locale, number=n, client=html.escape(c.client.name), time=when)
        if overdue_seconds >= 60:
            text += " " + out.t(N_("Overdue by {time}."), locale, time=late)
        await out.text(
            uow,
            staff.tg_id,
            f"{text}\n{html.escape(c.ticket.title)}",
            n,
            card_button(out, n, locale),
            key=f"sla:{n}:{milestone}:{staff.tg_id}",
        )


async def waiting_too_long(
    out: OutboxWriter,
    uow: UnitOfWork,
    people: Sequence[Staff],
    c: Context,
    event: ev.WaitingTooLong,
    *,
    in_thread: bool,
) -> None:
    """Nobody answered the question after two reminders: close the ticket or keep
    waiting? To whoever has it in private, or into its thread when nobody does."""
    n = c.ticket.number

    def asked(locale: str) -> tuple[str, dict[str, Any]]:
        with out.speaking(locale):
            when = stamp(event.waiting_since, out.clock.now(), c.client.timezone, locale)
        text = out.t(
            N_(
                "№{number} of {client}: the question to the client was asked {time} and is "
                "still unanswered after two reminders. Close the ticket or keep waiting?"
            ),
            locale,
            number=n,
            client=html.escape(c.client.name),
            time=when,
        )
        markup = button_markup(
            [
                (out.t(N_("🔒 Close"), locale), StaffCb(ticket=n, action="wclose").pack()),
                (out.t(N_("⏳ Keep waiting"), locale), StaffCb(ticket=n, action="wkeep").pack()),
            ]
        )
        return f"{text}\n{html.escape(c.ticket.title)}", markup

    key = f"waiting:{n}:{event.waiting_since.isoformat()}"
    for staff in people:
        body, markup = asked(out.staff_locale(staff))
        await out.text(uow, staff.tg_id, body, n, markup, key=f"{key}:{staff.tg_id}")
    if in_thread:
        body, markup = asked(out.settings.default_locale)
        payload = {"text": body, "parse_mode": "HTML", "reply_markup": markup}
        await out.staff_chat(uow, THREAD, {"method": "sendMessage", "payload": payload}, n)


async def no_longer_needed(
    out: OutboxWriter, uow: UnitOfWork, people: Sequence[Staff], c: Context
) -> None:
    """The employee closed a ticket that waited for their answer: no longer needed."""
    n = c.ticket.number
    for staff in people:
        locale = out.staff_locale(staff)
        text = out.t(
            N_("№{number} of {client}: the client says it is no longer needed; it is closed."),
            locale,
            number=n,
            client=html.escape(c.client.name),
        )
        await out.text(uow, staff.tg_id, f"{text}\n{html.escape(c.ticket.title)}", n)


_SECTIONS = {
    Section.BREACHED: N_("🔴 Overdue:"),
    Section.AT_RISK: N_("⚠️ Due today:"),
    Section.WAITING: N_("⏸ Waiting long for the client's answer:"),
    Section.LOW_RATING: N_("⭐ Low ratings since the last working day:"),
}


async def digest(out: OutboxWriter, uow: UnitOfWork, manager: Staff, event: ev.DailyDigest) -> None:
    """The manager's digest of the day: one message, a line per ticket, by section."""
    locale = out.staff_locale(manager)
    now = out.clock.now()
    lines = [f"<b>{out.t(N_('Your clients today: what needs your attention'), locale)}</b>"]
    for section in SECTIONS:
        entries = event.digest.section(section)
        if not entries:
            continue
        lines += ["", f"<b>{out.t(_SECTIONS[section], locale)}</b>"]
        for entry in entries:
            c = await out.context(uow, entry.ticket_id)
            tz = c.client.timezone
            head = (
                f"№{entry.ticket_id} · {html.escape(c.client.name)} · {html.escape(c.ticket.title)}"
            )
            with out.speaking(locale):
                if section is Section.BREACHED:
                    said = (
                        N_("nobody has answered, it was due {time}")
                        if entry.reaction
                        else N_("not resolved, it was due {time}")
                    )
                    what = out.t(said, locale, time=stamp(entry.at, now, tz, locale))
                elif section is Section.AT_RISK:
                    said = (
                        N_("to answer by {time}") if entry.reaction else N_("to resolve by {time}")
                    )
                    what = out.t(said, locale, time=deadline(entry.at, now, tz, locale))
                elif section is Section.WAITING:
                    what = out.t(N_("asked {time}"), locale, time=stamp(entry.at, now, tz, locale))
                else:
                    what = out.t(N_("{score} of 5"), locale, score=entry.score)
                    if entry.comment:
                        what += f": «{html.escape(entry.comment)}»"
            lines.append(f"{head} — {what}")
    await out.text(
        uow,
        manager.tg_id,
        "\n".join(lines),
        None,
        key=f"digest:{manager.tg_id}:{event.digest.day.isoformat()}",
    )
