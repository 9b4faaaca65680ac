""" "My tickets": the list, a ticket's card with its conversation, and what the employee can
do with it: comment or add a photo, cancel before work, confirm or reopen, rate, say a
request waiting for their answer is no longer needed."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain import TicketStatus
from domain.answers import Question, Reply, read_answer, read_score
from domain.errors import DomainError, NotFound
from domain.lifecycle import ActorKind, can_transition
from domain.model import LOW_RATING_UP_TO, Client, Rating, Ticket
from domain.outages import OutageRule
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import employee_tickets, follow_ups
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.group_context import private_or_client_group
from handlers.client.intake import MEDIA, attachment_of, escape
from handlers.client.states import TicketInput
from handlers.ui.callbacks import ListCb, TicketCb
from handlers.ui.formatting import deadline, few_words, stamp
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.numbers import TICKET_DIGITS, is_number, ticket_digits
from handlers.ui.pressed import Pressed
from handlers.ui.texts import kind_name, priority_icon, priority_name, status_name, ticket_no

router = Router(name=__name__)
# In a client's group, only what handlers/client/group_chat.py passed on comes here.
router.message.filter(private_or_client_group, lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)

PER_SCREEN = 5
# "№15" in a text of the bot's (in English "#15"): the ticket it is about.
TICKET_MARK = re.compile(r"(?:№\s?|#)(\d{1,9})\b")
TICKET_REF = re.compile(r"^\s*(?:#|№)\s*([0-9]+)\s*$")


def due_text(ticket: Ticket, client: Client, clock: Clock) -> str:
    """When we will fix it, as a moment the client can hold us to ("решим до вторника
    16:00"), or that we are late for it: never an amount of working time, which a client
    reads as hours of the clock."""
    if not ticket.is_open or ticket.status is TicketStatus.RESOLVED:
        return ""
    if ticket.resolution_to_be_agreed:
        return _("the completion date is to be agreed")
    if ticket.is_paused or ticket.resolution_due is None:
        return _("the clock is paused")
    now, locale = clock.now(), get_i18n().current_locale
    by = deadline(ticket.resolution_due, now, client.timezone, locale)
    if now >= ticket.resolution_due:
        return _("we are late: we promised to fix it by {time}").format(time=by)
    return _("we will fix it by {time}").format(time=by)


def list_line(ticket: Ticket, client: Client, clock: Clock, *, own: bool = True) -> str:
    left = due_text(ticket, client, clock)
    parts = [
        f"{priority_icon(ticket.priority)} <b>{ticket_no(ticket.number)}</b> "
        f"{escape(ticket.title)}",
        f"    {status_name(ticket.status, own=own)}" + (f" · {left}" if left else ""),
    ]
    return "\n".join(parts)


async def render_list(
    uow: UnitOfWork, actor: Actor, clock: Clock, scope: str, screen: int
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    assert actor.employee is not None and actor.client is not None
    if scope == "company":
        tickets = await uow.tickets.list_by_client(
            actor.client.id or 0, limit=PER_SCREEN + 1, offset=screen * PER_SCREEN
        )
        title = _("Tickets of {company}").format(company=escape(actor.client.name))
    else:
        tickets = await uow.tickets.list_by_employee(
            actor.employee.id or 0,
            limit=PER_SCREEN + 1,
            offset=screen * PER_SCREEN,
            client_id=actor.employee.client_id,  # not those left with a former company
        )
        title = _("Your tickets")
    more = len(tickets) > PER_SCREEN
    tickets = list(tickets)[:PER_SCREEN]
    if not tickets and screen == 0:
        return _("No tickets yet. Describe a problem and I will register it."), main_keyboard()
    mine = actor.employee.id if actor.employee else None
    lines = [f"<b>{title}</b>", ""] + [
        list_line(t, actor.client, clock, own=t.employee_id == mine) for t in tickets
    ]
    rows = [
        [
            (
                f"{ticket_no(t.number)} · {few_words(t.title, 30)}",
                TicketCb(ticket=t.number, action="open").pack(),
            )
        ]
        for t in tickets
    ]
    nav = []
    if screen > 0:
        nav.append((_("« Newer"), ListCb(scope=scope, screen=screen - 1).pack()))
    if more:
        nav.append((_("Older »"), ListCb(scope=scope, screen=screen + 1).pack()))
    if nav:
        rows.append(nav)
    return "\n".join(lines), inline(*rows)


def has_any(listing: object) -> bool:
    """Whether a rendered list shows tickets (an empty one offers no buttons)."""
    return isinstance(listing, InlineKeyboardMarkup)


def only_directors_text() -> str:
    return _("Only your company's director sees all of its tickets.")


@router.callback_query(ListCb.filter())
async def list_turn(
    query: CallbackQuery, callback_data: ListCb, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    scope = callback_data.scope
    if scope == "company" and not (actor.employee and actor.employee.is_director):
        scope = "my"
    text, markup = await render_list(uow, actor, clock, scope, max(callback_data.screen, 0))
    await query.answer()
    # A list with nothing on it comes with the main (reply) keyboard, which an edit cannot
    # carry: the text alone then.
    inline_markup = markup if isinstance(markup, InlineKeyboardMarkup) else None
    await Pressed(query).edit_text(text, reply_markup=inline_markup)


# --- one ticket ---------------------------------------------------------------------------


async def render_card(
    uow: UnitOfWork, ticket: Ticket, actor: Actor, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    client = actor.client
    assert client is not None
    locale = get_i18n().current_locale
    now, tz = clock.now(), client.timezone
    # A mass outage is the company's, with the people who reported it: nobody's own request.
    affected = await uow.tickets.children(ticket.number) if ticket.outage else []
    own = (
        not ticket.outage and actor.employee is not None and ticket.employee_id == actor.employee.id
    )
    lines = [
        f"{priority_icon(ticket.priority)} <b>{ticket_no(ticket.number)}</b> · "
        + (
            _("mass outage at {client}").format(client=escape(client.name))
            if ticket.outage
            else kind_name(ticket.kind)
        ),
        _("Status: {status}").format(status=status_name(ticket.status, own=own)),
        _("Priority: {priority}").format(priority=priority_name(ticket.priority)),
    ]
    if affected:
        names = []
        for child in affected:
            author = await uow.employees.get(child.employee_id)
            names.append(f"{ticket_no(child.number)} {escape(author.name if author else '—')}")
        lines.append(_("Reported by: {names}").format(names=", ".join(names)))
    if ticket.is_open and ticket.status is not TicketStatus.RESOLVED:
        if ticket.first_response_at is None and ticket.reaction_due:
            by = deadline(ticket.reaction_due, now, tz, locale)
            late = now >= ticket.reaction_due
            said = (
                _("We are late with the answer: we promised it by {time}")
                if late
                else _("We will answer by {time}")
            )
            lines.append(said.format(time=by))
        if ticket.resolution_to_be_agreed:
            lines.append(_("We will agree the completion date with you."))
        elif ticket.resolution_due and not ticket.is_paused:
            by = deadline(ticket.resolution_due, now, tz, locale)
            late = now >= ticket.resolution_due
            said = (
                _("We are late: we promised to fix it by {time}")
                if late
                else _("We will fix it by {time}")
            )
            lines.append(said.format(time=by))
        elif ticket.is_paused:
            lines.append(_("the clock is paused"))
    lines += [
        "",
        escape(ticket.description[:1500] + ("…" if len(ticket.description) > 1500 else "")),
    ]
    messages = [m for m in await uow.tickets.messages(ticket.number) if not m.internal]
    shown = [m for m in messages if m.text or m.attachments][-8:]
    if shown:
        lines.append("")
        for m in shown:
            who = _("You") if m.author == "employee" else _("Support")
            files = f" 📎{len(m.attachments)}" if m.attachments else ""
            text = escape(m.text[:300] + ("…" if len(m.text) > 300 else ""))
            when_sent = stamp(m.created_at, now, tz, locale) if m.created_at else ""
            lines.append(f"<i>{when_sent} {who}:</i> {text}{files}")
    rows: list[list[tuple[str, str]]] = []
    n = ticket.number
    if ticket.outage:  # each of its people acts on their own request in it
        rows.append([(_("« My tickets"), ListCb(scope="my", screen=0).pack())])
        return "\n".join(lines), inline(*rows)
    if ticket.is_open and ticket.status is not TicketStatus.RESOLVED:
        rows.append([(_("💬 Add a comment or photo"), TicketCb(ticket=n, action="comment").pack())])
    if employee_may(ticket, TicketStatus.CANCELLED):  # before work starts
        rows.append([(_("✖ Cancel the request"), TicketCb(ticket=n, action="cancel").pack())])
    if employee_may(ticket, TicketStatus.CLOSED):  # confirm a fix
        rows.append(
            [
                (_("✅ It works"), TicketCb(ticket=n, action="confirm").pack()),
                (_("❌ It does not work"), TicketCb(ticket=n, action="reopen").pack()),
            ]
        )
    if ticket.status is TicketStatus.CLOSED and await uow.tickets.rating(n) is None:
        rows.append(rating_row(n))
    rows.append([(_("« My tickets"), ListCb(scope="my", screen=0).pack())])
    return "\n".join(lines), inline(*rows)


def employee_may(ticket: Ticket, status: TicketStatus) -> bool:
    """Whether the employee may take the ticket to `status` now (domain/lifecycle.py)."""
    return can_transition(ticket.status, status, ActorKind.EMPLOYEE)


def rating_row(number: int) -> list[tuple[str, str]]:
    return [
        (str(score), TicketCb(ticket=number, action="rate", value=str(score)).pack())
        for score in range(1, 6)
    ]


async def show_ticket(
    message: Message, digits: str, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """The ticket of the number typed (ASCII digits), or "not found", the same whether it
    exists and is somebody else's, does not exist, or has more digits than any ticket."""
    digits = digits.lstrip("0") or "0"
    ticket = None
    if len(digits) <= TICKET_DIGITS:
        with suppress(NotFound):
            ticket = await employee_tickets.ticket_for_employee(uow, int(digits), actor.tg_id)
    if ticket is None:
        await message.answer(_("Request №{number} not found.").format(number=digits))
        return
    text, markup = await render_card(uow, ticket, actor, clock)
    await message.answer(text, reply_markup=markup)


@router.message(Command("status"))
async def status_command(
    message: Message, command: CommandObject, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """/status N: the ticket if it is the person's (or their company's, for a director)."""
    digits = ticket_digits(command.args or "")
    if digits is None:
        await message.answer(_("Send the ticket number, for example: /status 15"))
        return
    await show_ticket(message, digits, actor, uow, clock)


@router.message(StateFilter(None), F.text.regexp(TICKET_REF).as_("ref"))
async def hash_number(
    message: Message, ref: re.Match[str], actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """ "#15" shows ticket 15."""
    await show_ticket(message, ref.group(1), actor, uow, clock)


@router.callback_query(TicketCb.filter(F.action == "open"))
async def open_card(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """A ticket's card (also «No, keep it» to "Cancel request №N?")."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    if await state.get_state() == TicketInput.cancelling.state:
        await state.clear()  # the question is gone from the screen
    text, markup = await render_card(uow, ticket, actor, clock)
    await query.answer()
    await Pressed(query).edit_text(text, reply_markup=markup)


async def visible_ticket(
    query: CallbackQuery, callback_data: TicketCb, actor: Actor, uow: UnitOfWork
) -> Ticket | None:
    """The ticket a button names, if the presser may see it; a forged number learns nothing."""
    try:
        return await employee_tickets.ticket_for_employee(uow, callback_data.ticket, actor.tg_id)
    except NotFound:
        await query.answer(_("Request not found."), show_alert=True)
        return None


async def out_of_date(query: CallbackQuery) -> None:
    """The button belongs to a card that shows the ticket as it no longer is."""
    await query.answer(_("This card is out of date."), show_alert=True)


@router.callback_query(TicketCb.filter(F.action == "comment"))
async def ask_comment(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    await query.answer()
    prompt = await Pressed(query).answer(
        _("Write your comment for №{number}, or send a photo or a file. /cancel to stop.").format(
            number=ticket.number
        )
    )
    await await_input(state, TicketInput.comment, ticket.number, prompt, clock)


@router.message(TicketInput.comment, (F.text & ~F.text.startswith("/")) | MEDIA)
async def comment_received(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The comment goes to the staff; an answer to their question restarts the clock."""
    number = (await state.get_data()).get("ticket")
    attachment = attachment_of(message)
    text = (message.text or message.caption or "").strip()
    await state.clear()  # one comment was asked for, taken or not
    outcome = await perform(
        employee_tickets.comment_as_employee(
            uow,
            clock,
            ticket_id=int(number or 0),
            tg_id=actor.tg_id,
            text=text,
            attachments=(attachment,) if attachment else (),
        ),
        uow,
        notifier,
        lambda exc: message.answer(domain_error_text(exc)),
    )
    if outcome is None:
        return
    await message.answer(
        _("Added to №{number}; the engineer will see it.").format(number=number),
        reply_markup=main_keyboard(),
    )


@router.callback_query(TicketCb.filter(F.action == "cancel"))
async def cancel_asked(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """ "Cancel the request": asked once more, on the card ("да" typed works too)."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    if not employee_may(ticket, TicketStatus.CANCELLED):
        await query.answer(cannot_cancel_text(), show_alert=True)
        return
    await query.answer()
    text, _markup = await render_card(uow, ticket, actor, clock)
    n = ticket.number
    pressed = Pressed(query)
    await pressed.edit_text(
        text + "\n\n" + cancel_question(n),
        reply_markup=inline(
            [(_("✖ Yes, cancel it"), TicketCb(ticket=n, action="cancel_yes").pack())],
            [(_("« No, keep it"), TicketCb(ticket=n, action="open").pack())],
        ),
    )
    await state.set_state(TicketInput.cancelling)
    await state.set_data(
        {"ticket": n, "prompt": pressed.message_id, "asked_at": clock.now().isoformat()}
    )


def cancel_question(number: int) -> str:
    return _("Cancel request №{number}? Nobody will work on it then.").format(number=number)


def cannot_cancel_text() -> str:
    return _("Work on it has already started; it cannot be cancelled now.")


@router.callback_query(TicketCb.filter(F.action == "cancel_yes"))
async def cancel_confirmed(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The employee withdraws a ticket nobody has started on."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    if await state.get_state() == TicketInput.cancelling.state:
        await state.clear()
    outcome = await perform(
        employee_tickets.cancel_by_employee(uow, clock, ticket_id=ticket.number, tg_id=actor.tg_id),
        uow,
        notifier,
        lambda _exc: query.answer(cannot_cancel_text(), show_alert=True),
    )
    if outcome is None:
        return
    await query.answer(_("Cancelled"))
    text, markup = await render_card(uow, outcome.value, actor, clock)
    await Pressed(query).edit_text(text, reply_markup=markup)


@router.message(TicketInput.cancelling, F.text, ~F.text.startswith("/"))
async def cancel_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    outage_rule: OutageRule,
) -> None:
    """ "Да, отменяйте" or "нет, оставьте" typed to "Cancel request №N?"; anything else is
    no answer to it, and goes where it belongs."""
    data = await state.get_data()
    number = int(data.get("ticket") or 0)
    answer = read_answer(Question.CANCEL_TICKET, message.text or "")
    if answer is None:
        from handlers.client import follow_up  # it builds on this module

        await state.clear()
        await follow_up.typed(message, state, actor, uow, clock, notifier, outage_rule)
        return
    await state.clear()
    if answer is Reply.NO:
        with suppress(NotFound):
            ticket = await employee_tickets.ticket_for_employee(uow, number, actor.tg_id)
            await card_again(message, data.get("prompt"), ticket, actor, uow, clock)
        await message.answer(
            _("Fine, request №{number} stays as it is.").format(number=number),
            reply_markup=main_keyboard(),
        )
        return
    outcome = await perform(
        employee_tickets.cancel_by_employee(uow, clock, ticket_id=number, tg_id=actor.tg_id),
        uow,
        notifier,
        lambda _exc: message.answer(cannot_cancel_text()),
    )
    if outcome is not None:
        await card_again(message, data.get("prompt"), outcome.value, actor, uow, clock)
        await message.answer(
            _("Request №{number} is cancelled.").format(number=number),
            reply_markup=main_keyboard(),
        )


async def card_again(
    message: Message,
    card_id: int | None,
    ticket: Ticket,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """The card that asked "Cancel request №N?" shows the ticket as it is now, once the
    question is answered by typing."""
    if card_id is None or message.bot is None:
        return
    text, markup = await render_card(uow, ticket, actor, clock)
    with suppress(TelegramBadRequest):  # too old to edit, or deleted
        await message.bot.edit_message_text(
            text=text, chat_id=message.chat.id, message_id=card_id, reply_markup=markup
        )


@router.callback_query(TicketCb.filter(F.action == "confirm"))
async def confirm(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "It works": close the ticket and offer a rating."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    outcome = await perform(
        employee_tickets.confirm_resolution(uow, clock, ticket_id=ticket.number, tg_id=actor.tg_id),
        uow,
        notifier,
        lambda _exc: out_of_date(query),
    )
    if outcome is None:
        return
    await query.answer(_("Thank you!"))
    text, markup = await render_card(uow, outcome.value, actor, clock)
    pressed = Pressed(query)
    await pressed.edit_text(
        text + "\n\n" + _("How did we do? Rate from 1 to 5."), reply_markup=markup
    )
    await await_rating(state, ticket.number, pressed.message_id, clock)


@router.callback_query(TicketCb.filter(F.action == "notneeded"))
async def no_longer_needed(
    query: CallbackQuery,
    callback_data: TicketCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "No longer needed" on a reminder of an unanswered question: the request closes."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    pressed = Pressed(query)
    if ticket.status is not TicketStatus.WAITING_CLIENT:
        await query.answer(
            _("Request №{number} is no longer waiting for your answer.").format(
                number=ticket.number
            ),
            show_alert=True,
        )
        await pressed.drop_buttons()
        return
    outcome = await perform(
        follow_ups.no_longer_needed(uow, clock, ticket_id=ticket.number, tg_id=actor.tg_id),
        uow,
        notifier,
        lambda _exc: out_of_date(query),
    )
    if outcome is None:
        return
    await query.answer()
    await pressed.drop_buttons()
    await pressed.answer(
        _("Request №{number} is closed. Thank you for letting us know!").format(
            number=ticket.number
        )
    )


@router.callback_query(TicketCb.filter(F.action == "reopen"))
async def reopen_pressed(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "It does not work": back to work at once (the press says it all); what exactly is
    wrong may follow, as a comment. Pressed after the ticket closed by itself, it reopens it
    too, within the days a closed ticket may be reopened."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        await out_of_date(query)
        return
    outcome = await perform(
        employee_tickets.reopen(uow, clock, ticket_id=ticket.number, tg_id=actor.tg_id),
        uow,
        notifier,
        lambda _exc: out_of_date(query),
    )
    if outcome is None:
        return
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()
    prompt = await pressed.answer(
        _(
            "Request №{number} is back in work. What exactly does not work? Write it, or send "
            "a photo: the engineer will see it."
        ).format(number=ticket.number)
    )
    await await_input(state, TicketInput.comment, ticket.number, prompt, clock)


@router.callback_query(TicketCb.filter(F.action == "rate"))
async def rated(
    query: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """A 1–5 rating; a comment may follow."""
    ticket = await visible_ticket(query, callback_data, actor, uow)
    if ticket is None:
        return
    if not is_number(callback_data.value):
        await out_of_date(query)
        return
    outcome = await perform(
        employee_tickets.rate(
            uow, clock, ticket_id=ticket.number, tg_id=actor.tg_id, score=int(callback_data.value)
        ),
        uow,
        notifier,
        lambda exc: query.answer(domain_error_text(exc), show_alert=True),
    )
    if outcome is None:
        return
    await query.answer(_("Thank you!"))
    pressed = Pressed(query)
    await pressed.drop_buttons()
    await ask_rating_comment(pressed, state, outcome.value, clock)


async def ask_rating_comment(
    message: Message | Pressed, state: FSMContext, rating: Rating, clock: Clock
) -> None:
    """Thanks for the score, and a comment may follow (asked for when it is low)."""
    ask = (
        _("Thank you for the rating! Anything to add? Just write it.")
        if rating.score > LOW_RATING_UP_TO
        else _(
            "We are sorry it went like this. Please write what was wrong: your personal "
            "manager will read it."
        )
    )
    prompt = await message.answer(ask)
    await await_input(state, TicketInput.rating_comment, rating.ticket_id, prompt, clock)


async def await_rating(state: FSMContext, number: int, prompt_id: int, clock: Clock) -> None:
    """The rating question was just asked: a score typed next ("5", "отлично") answers it."""
    await state.set_state(TicketInput.rating)
    await state.set_data(
        {"ticket": number, "prompt": prompt_id, "asked_at": clock.now().isoformat()}
    )


@router.message(TicketInput.rating, F.text, ~F.text.startswith("/"))
async def rating_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """A score typed under the rating question (anything else has been routed as an
    ordinary message by `menu.input_no_longer_awaited`)."""
    data = await state.get_data()
    number, prompt = int(data.get("ticket") or 0), data.get("prompt")
    score = read_score(message.text or "")
    await state.clear()
    if score is None:
        return
    outcome = await perform(
        employee_tickets.rate(uow, clock, ticket_id=number, tg_id=actor.tg_id, score=score),
        uow,
        notifier,
        lambda exc: message.answer(domain_error_text(exc)),
    )
    if outcome is None:
        return
    if prompt is not None and message.bot is not None:
        with suppress(TelegramBadRequest):  # the score buttons go: it is rated
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(prompt), reply_markup=None
            )
    await ask_rating_comment(message, state, outcome.value, clock)


@router.message(TicketInput.rating_comment, F.text, ~F.text.startswith("/"))
async def rating_comment(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """Words after the stars are the review (thanks are answered as thanks before this), unless
    they say the score once more ("ну на 4")."""
    number = int((await state.get_data()).get("ticket") or 0)
    await state.clear()
    if read_score(message.text or "") is not None:
        await message.answer(_("Thank you!"), reply_markup=main_keyboard())
        return
    outcome = await perform(
        employee_tickets.comment_rating(
            uow, clock, ticket_id=number, tg_id=actor.tg_id, comment=message.text or ""
        ),
        uow,
        notifier,
        lambda exc: message.answer(domain_error_text(exc)),
    )
    if outcome is None:
        return
    await message.answer(_("Thank you, we will read it."), reply_markup=main_keyboard())


# A comment, reason or rating comment asked for is awaited this long; later, or as a reply
# to another message, what the person writes is routed like any other message.
AWAITED_INPUT_WINDOW = timedelta(hours=1)


async def await_input(
    state: FSMContext, step: State, number: int, prompt: Message, clock: Clock
) -> None:
    await state.set_state(step)
    await state.set_data(
        {"ticket": number, "prompt": prompt.message_id, "asked_at": clock.now().isoformat()}
    )


async def still_awaited(message: Message, state: FSMContext, clock: Clock) -> bool:
    """Is this message the input the step asked for? Not when the question is old, or when
    the message is a Telegram reply to some other bot message."""
    data = await state.get_data()
    asked_at = data.get("asked_at")
    if asked_at is None or clock.now() - datetime.fromisoformat(asked_at) > AWAITED_INPUT_WINDOW:
        return False
    reply = replied_bot_message(message)
    return reply is None or reply.message_id == data.get("prompt")


def replied_bot_message(message: Message) -> Message | None:
    """The bot's own message this one is a Telegram reply to, if it is one."""
    reply, bot = message.reply_to_message, message.bot
    if reply is None or reply.from_user is None or bot is None or reply.from_user.id != bot.id:
        return None
    return reply


def domain_error_text(exc: DomainError) -> str:
    if exc.code == "not_found":
        return _("Request not found.")
    if exc.code == "invalid_transition":
        return _("This cannot be done with the ticket now.")
    field = exc.details.get("field")
    if field in ("comment", "reason", "description") and "empty" in exc.message:
        return _("The message is empty.")
    if "longer than" in exc.message:
        return _("That is too long.")
    if field == "ticket":
        return _("The ticket is already finished.")
    return _("That did not work: {reason}").format(reason=exc.message)
