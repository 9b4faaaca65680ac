"""What the employee who wrote a ticket hears in their chat with the bot: who took it,
answers and questions from staff, its new priority, that it is resolved, closed for want of
an answer, or cancelled by support; an apology for a missed deadline, a status line while a
High or Highest ticket is worked, reminders of a question they have not answered, that
staff went on without it; in their language, with the buttons to go on."""

from __future__ import annotations

import html

from bot.workers.notices.outbox import Context, OutboxWriter, button_markup
from domain import events as ev
from domain.model import TicketMessage, title_from
from domain.paging import Responder, escalated_to
from domain.ports import UnitOfWork
from domain.sla import SlaMilestone
from handlers.ui.callbacks import TicketCb
from handlers.ui.formatting import deadline, full_deadline, number
from handlers.ui.texts import N_, priority_name

# A reminder quotes the question it waits for up to this many characters.
QUOTED_QUESTION = 160


def deadlines(out: OutboxWriter, c: Context, locale: str) -> str:
    """When we will answer and fix it, or only fix it once somebody answered; "" without
    due times."""
    now, tz = out.clock.now(), c.client.timezone
    ticket = c.ticket
    with out.speaking(locale):
        if ticket.resolution_to_be_agreed:
            return to_be_agreed(out, c, locale)
        if ticket.first_response_at is None and ticket.reaction_due and ticket.resolution_due:
            return out.t(
                N_("We will answer by {reaction} and fix it by {resolution}."),
                locale,
                reaction=deadline(ticket.reaction_due, now, tz, locale),
                resolution=deadline(ticket.resolution_due, now, tz, locale),
            )
        if ticket.resolution_due:
            return (
                out.t(
                    N_("We will fix it by {time}"),
                    locale,
                    time=deadline(ticket.resolution_due, now, tz, locale),
                )
                + "."
            )
    return ""


def to_be_agreed(out: OutboxWriter, c: Context, locale: str) -> str:
    """A change request's deadlines before its date is agreed: when we answer, and that
    the date will be agreed with them (never a date of the SLA table)."""
    ticket, now = c.ticket, out.clock.now()
    if ticket.first_response_at is None and ticket.reaction_due:
        return out.t(
            N_("We will answer by {reaction}. We will agree the completion date with you."),
            locale,
            reaction=deadline(ticket.reaction_due, now, c.client.timezone, locale),
        )
    return out.t(N_("We will agree the completion date with you."), locale)


async def resolution_agreed(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.ResolutionDateAgreed
) -> None:
    """The completion date agreed for a change request, or its new date."""
    locale = out.employee_locale(c.employee)
    said = (
        N_("The completion date of request №{number} has changed: it is now by {time}.")
        if event.changed
        else N_("The completion date of request №{number} is agreed: by {time}.")
    )
    with out.speaking(locale):
        when = full_deadline(event.due, out.clock.now(), c.client.timezone, locale)
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(said, locale, number=c.ticket.number, time=when),
        c.ticket.number,
    )


async def taken(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.TicketTaken, *, with_deadlines: bool
) -> None:
    locale = out.employee_locale(c.employee)
    name = await out.staff_name(uow, event.staff_tg_id)
    text = out.t(
        N_("{name} has taken your request №{number}."),
        locale,
        name=name,
        number=c.ticket.number,
    )
    when = deadlines(out, c, locale) if with_deadlines else ""
    await out.text(uow, c.employee.tg_id, f"{text} {when}".strip(), c.ticket.number)


async def still_reaching(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.PageEscalated
) -> None:
    """A page nobody answered went up the chain: the employee hears, once, that we are
    still reaching somebody and who next, rather than silence."""
    locale = out.employee_locale(c.employee)
    who = {
        Responder.SHIFT_LEAD: N_(
            "Nobody has answered our call about your request №{number} "
            "yet. We keep trying: we are calling the shift lead now."
        ),
        Responder.SUPPORT: N_(
            "Nobody has answered our call about your request №{number} "
            "yet. We keep trying: we are calling the heads of support now."
        ),
    }.get(escalated_to(event.level))
    if who is None:
        return
    text = (
        out.t(who, locale, number=c.ticket.number)
        + " "
        + out.t(
            N_("As soon as somebody is on it, I will tell you here who is helping you."), locale
        )
    )
    await out.text(
        uow, c.employee.tg_id, text, c.ticket.number, key=f"still-reaching:{c.ticket.number}"
    )


async def assigned(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.TicketAssigned
) -> None:
    locale = out.employee_locale(c.employee)
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(
            N_("{name} is now working on your request №{number}."),
            locale,
            name=await out.staff_name(uow, event.staff_tg_id),
            number=c.ticket.number,
        ),
        c.ticket.number,
    )


async def answer(out: OutboxWriter, uow: UnitOfWork, c: Context, message: TicketMessage) -> None:
    """Staff's answer, words and files; a reply to it adds to the ticket."""
    locale = out.employee_locale(c.employee)
    head = out.t(N_("Answer on your request №{number}:"), locale, number=c.ticket.number)
    hint = out.t(N_("To add something, reply to this message."), locale)
    if message.text:
        await out.text(
            uow,
            c.employee.tg_id,
            f"{html.escape(message.text)}\n\n<i>{hint}</i>",
            c.ticket.number,
            head=f"<b>{head}</b>\n",
        )
    await out.files(
        uow,
        c.employee.tg_id,
        message.attachments,
        c.ticket.number,
        "" if message.text else f"<b>{head}</b>",
    )


async def question(
    out: OutboxWriter, uow: UnitOfWork, c: Context, message: TicketMessage | None
) -> None:
    """A question from staff, with the button to answer it."""
    locale = out.employee_locale(c.employee)
    head = out.t(N_("A question on your request №{number}:"), locale, number=c.ticket.number)
    tail = out.t(N_("Just write your answer here: we will go on as soon as you do."), locale)
    # In the group the bot hears only what is said to it (domain/group_chat.py).
    in_group = out.t(
        N_(
            "Reply to this message with your answer («Reply»), so that I see it; we will go "
            "on as soon as you do."
        ),
        locale,
    )
    body = html.escape(message.text) if message else ""
    await out.text(
        uow,
        c.employee.tg_id,
        f"{body}\n\n{tail}",
        c.ticket.number,
        button_markup(
            [
                (
                    out.t(N_("💬 Answer"), locale),
                    TicketCb(ticket=c.ticket.number, action="comment").pack(),
                )
            ]
        ),
        head=f"<b>{head}</b>\n",
        in_group=f"{body}\n\n{in_group}",
    )


async def resolved(
    out: OutboxWriter, uow: UnitOfWork, c: Context, message: TicketMessage | None
) -> None:
    """Resolved, with the engineer's words: does it work (or it closes by itself)?"""
    locale = out.employee_locale(c.employee)
    said = out.t(N_("Your request №{number} is resolved."), locale, number=c.ticket.number)
    lines = [f"<b>{said}</b>"]
    if message is not None and message.text:
        lines.append(html.escape(message.text))
    days = out.settings.auto_close_working_days
    lines += [
        *([""] if len(lines) > 1 else []),  # a paragraph after the engineer's words
        out.ngettext(
            "Does everything work? If we hear nothing, the request closes in {days} working day.",
            "Does everything work? If we hear nothing, the request closes in {days} working days.",
            days,
            locale,
            days=number(days, locale),
        ),
    ]
    n = c.ticket.number
    await out.text(
        uow,
        c.employee.tg_id,
        "\n".join(lines),
        n,
        button_markup(
            [
                (
                    out.t(N_("✅ It works"), locale),
                    TicketCb(ticket=n, action="confirm").pack(),
                ),
                (
                    out.t(N_("❌ It does not work"), locale),
                    TicketCb(ticket=n, action="reopen").pack(),
                ),
            ]
        ),
    )


async def closed_unanswered(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Closed because nobody answered "does it work?": how did we do?"""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    text = out.t(
        N_(
            "Request №{number} is closed: we did not hear back, so we take it that "
            "everything works. If not, just write to me. How did we do?"
        ),
        locale,
        number=n,
    )
    await out.text(
        uow,
        c.employee.tg_id,
        text,
        n,
        button_markup(
            [(str(s), TicketCb(ticket=n, action="rate", value=str(s)).pack()) for s in range(1, 6)]
        ),
        key=f"autoclosed:{n}",
    )


async def cancelled(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.TicketCancelled
) -> None:
    locale = out.employee_locale(c.employee)
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(
            N_("Request №{number} was cancelled by support: {reason}"),
            locale,
            number=c.ticket.number,
            reason=html.escape(event.reason),
        ),
        c.ticket.number,
    )


async def priority_changed(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.PriorityChanged
) -> None:
    """The new priority, why, and the deadlines it brings."""
    locale = out.employee_locale(c.employee)
    with out.speaking(locale):
        priority = priority_name(event.new).lower()
    text = out.t(
        N_("The priority of your request №{number} is now {priority}: {reason}"),
        locale,
        number=c.ticket.number,
        priority=priority,
        reason=html.escape(event.reason),
    )
    await out.text(uow, c.employee.tg_id, f"{text}\n{deadlines(out, c, locale)}", c.ticket.number)


# --- nobody left in silence --------------------------------------------------------------

_APOLOGIES = {
    SlaMilestone.REACTION_BREACH: N_(
        "We are sorry: we promised to reply to your request №{number} by {time}, and we "
        "are late. The shift lead knows and is making sure somebody takes it up now; I will "
        "write here who is helping you."
    ),
    SlaMilestone.RESOLUTION_BREACH: N_(
        "We are sorry: we promised to fix your request №{number} by {time}, and it is not "
        "fixed yet. The shift lead has been told and is following it. We will write as soon "
        "as there is a result."
    ),
}


async def breach_apology(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.SlaBreached
) -> None:
    """A deadline we missed: an apology, and what happens now; once per deadline."""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    with out.speaking(locale):
        when = deadline(event.due_at, out.clock.now(), c.client.timezone, locale)
    text = out.t(_APOLOGIES[event.milestone], locale, number=n, time=when)
    if event.milestone is SlaMilestone.RESOLUTION_BREACH and c.ticket.assignee_tg_id:
        text = out.t(
            N_(
                "We are sorry: we promised to fix your request №{number} by {time}, and it is "
                "not fixed yet. {name} is still working on it, and the shift lead has been told "
                "and is following it. We will write as soon as there is a result."
            ),
            locale,
            number=n,
            time=when,
            name=await out.staff_name(uow, c.ticket.assignee_tg_id),
        )
    await out.text(uow, c.employee.tg_id, text, n, key=f"apology:{n}:{event.milestone}")


async def status_line(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """A High or Highest ticket in work without news for a while: it is being worked."""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    if c.ticket.assignee_tg_id:
        text = out.t(
            N_(
                "Your request №{number} is being worked on: {name} is on it. We will write as "
                "soon as there is a result."
            ),
            locale,
            number=n,
            name=await out.staff_name(uow, c.ticket.assignee_tg_id),
        )
    else:
        text = out.t(
            N_(
                "Your request №{number} is being worked on. We will write as soon as there is "
                "a result."
            ),
            locale,
            number=n,
        )
    await out.text(uow, c.employee.tg_id, text, n)


async def waiting_reminder(
    out: OutboxWriter, uow: UnitOfWork, c: Context, event: ev.WaitingReminderDue
) -> None:
    """The question they have not answered, briefly, with the buttons to answer it or to
    say the request is no longer needed."""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    asked = [
        m
        for m in await uow.tickets.messages(n)
        if m.author == "staff" and not m.internal and m.text
    ]
    question = title_from(asked[-1].text, QUOTED_QUESTION) if asked else ""
    said = (
        N_("A reminder about your request №{number}: we are waiting for your answer.")
        if event.reminder == 1
        else N_(
            "Your request №{number} is still waiting for your answer: we cannot go on without it."
        )
    )
    lines = [out.t(said, locale, number=n)]
    if question:
        quoted = html.escape(question)
        lines.append(out.t(N_("Our question: «{question}»"), locale, question=quoted))
    lines.append(
        out.t(
            N_(
                "Just write your answer here. If the request is no longer needed, press the button."
            ),
            locale,
        )
    )
    await out.text(
        uow,
        c.employee.tg_id,
        "\n".join(lines),
        n,
        button_markup(
            [
                (out.t(N_("💬 Answer"), locale), TicketCb(ticket=n, action="comment").pack()),
                (
                    out.t(N_("🚫 No longer needed"), locale),
                    TicketCb(ticket=n, action="notneeded").pack(),
                ),
            ]
        ),
        key=f"reminder:{n}:{event.waiting_since.isoformat()}:{event.reminder}",
    )


async def resumed(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Staff went on without their answer: the resolution's new due time."""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    if c.ticket.resolution_due is None:
        text = out.t(
            N_(
                "We are going on with your request №{number} without waiting for your answer. "
                "If you want to add something, just write here."
            ),
            locale,
            number=n,
        )
    else:
        with out.speaking(locale):
            when = deadline(c.ticket.resolution_due, out.clock.now(), c.client.timezone, locale)
        text = out.t(
            N_(
                "We are going on with your request №{number} without waiting for your answer. "
                "The deadline moved by the time we waited: we will fix it by {time}. If you "
                "want to add something, just write here."
            ),
            locale,
            number=n,
            time=when,
        )
    await out.text(uow, c.employee.tg_id, text, n)


async def back_to_work(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Staff took back a resolution sent too soon: nothing to confirm, the work goes on."""
    locale = out.employee_locale(c.employee)
    text = out.t(
        N_(
            "Your request №{number} is in work again: it was marked resolved too soon. There "
            "is nothing to confirm yet; we will write when it is done."
        ),
        locale,
        number=c.ticket.number,
    )
    await out.text(uow, c.employee.tg_id, text, c.ticket.number)


async def closed_unanswered_question(out: OutboxWriter, uow: UnitOfWork, c: Context) -> None:
    """Staff closed the request after the reminders went unanswered."""
    locale = out.employee_locale(c.employee)
    n = c.ticket.number
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(
            N_(
                "We closed your request №{number}: our question stayed unanswered. If it is "
                "still needed, just write to me."
            ),
            locale,
            number=n,
        ),
        n,
    )
