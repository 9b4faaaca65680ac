"""The staff desk: card buttons, the one-message answers they ask for, and replies in the
staff chat (a reply to the card, or a message in the ticket's topic) that reach the
employee. Only registered staff may act; the presser is checked, not just the chat."""

from __future__ import annotations

from collections.abc import Awaitable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain import Priority, StaffRole, TicketKind, TicketStatus
from domain.agreed_deadline import Unreadable, read_deadline
from domain.errors import AlreadyTaken, DomainError, InvalidInput
from domain.estimates import read_estimate
from domain.model import Attachment
from domain.ports import Clock, Notifier, UnitOfWork
from domain.staff_words import StaffAction, StaffWords, read_staff_words
from domain.summaries import reads_as_question
from domain.time_spent import SpentProblem, read_work_entry, typed_under_menu
from domain.use_cases import after_hours, employee_tickets, estimates, follow_ups, staff_tickets
from domain.use_cases.common import Outcome
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.follow_up import replied_ticket
from handlers.client.intake import attachment_of
from handlers.client.tickets import TICKET_MARK
from handlers.staff import in_staff_place
from handlers.staff.knowledge import to_knowledge_base
from handlers.staff.states import StaffInput
from handlers.ui.callbacks import FROM_LIST, OutageCb, StaffCb
from handlers.ui.cards import (
    card_keyboard,
    card_with_history,
    history_button,
    history_lines,
    load_card,
    load_history,
)
from handlers.ui.formatting import estimate_size, full_deadline, time_spent
from handlers.ui.keyboards import inline
from handlers.ui.numbers import TICKET_DIGITS, is_number, ticket_digits
from handlers.ui.pressed import Pressed
from handlers.ui.texts import N_, priority_name

router = Router(name=__name__)
router.message.filter(lambda _m, actor: actor.is_staff, in_staff_place)
router.callback_query.filter(StaffCb.filter(), in_staff_place)

T = TypeVar("T")
FILES = F.photo | F.document | F.voice | F.video
TEXT = F.text & ~F.text.startswith("/")  # commands such as /cancel are not input


def staff_error_text(exc: DomainError) -> str:
    if exc.details.get("field") == "estimate_outage":
        return _(
            "A mass outage is the company's: its director approves the estimate, and the "
            "company has none. Agree the work with the personal manager instead."
        )
    return {
        "not_found": _("Ticket not found."),
        "access_denied": _("Only support staff can do this."),
        "invalid_transition": _("Not possible in the ticket's current state."),
    }.get(exc.code, exc.message)


async def for_button(
    query: CallbackQuery, uow: UnitOfWork, notifier: Notifier, call: Awaitable[Outcome[T]]
) -> Outcome[T] | None:
    return await perform(
        call, uow, notifier, lambda exc: query.answer(staff_error_text(exc), show_alert=True)
    )


async def for_message(
    message: Message | Pressed, uow: UnitOfWork, notifier: Notifier, call: Awaitable[Outcome[T]]
) -> Outcome[T] | None:
    return await perform(call, uow, notifier, lambda exc: message.answer(staff_error_text(exc)))


async def for_reply(
    message: Message, uow: UnitOfWork, notifier: Notifier, call: Awaitable[Outcome[T]]
) -> Outcome[T] | None:
    return await perform(call, uow, notifier, lambda exc: message.reply(staff_error_text(exc)))


async def render(uow: UnitOfWork, ticket_id: int, clock: Clock) -> tuple[str, Any] | None:
    """The card as a staff member sees it in a private chat: with the conversation's last
    messages and a button for all of it. (The staff chat's card is the staff desk's.)"""
    card = await load_card(uow, ticket_id)
    if card is None:
        return None
    locale = get_i18n().current_locale
    messages, names = await load_history(uow, ticket_id)
    text = card_with_history(card, messages, names, clock.now(), locale)
    markup = card_keyboard(card.ticket)
    if messages:
        history = inline(history_button(card.ticket)).inline_keyboard
        rows = [*(markup.inline_keyboard if markup else []), *history]
        markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return text, markup


async def refresh(query: CallbackQuery, uow: UnitOfWork, ticket_id: int, clock: Clock) -> None:
    """Show the card the button was on as it is now (rendered afresh, so a card too old for
    Telegram to send with the press is refreshed too). The staff chat's card is edited by
    the staff desk once the change is committed: one place edits it, not two."""
    pressed = Pressed(query)
    if await uow.ticket_posts.by_message(pressed.chat.id, pressed.message_id) is not None:
        return
    rendered = await render(uow, ticket_id, clock)
    if rendered is not None:
        await edit_card(pressed, *rendered)


async def edit_card(pressed: Pressed, text: str, markup: Any) -> None:
    """Edit a card shown in a private chat; showing what it already shows is no failure."""
    try:
        await pressed.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


async def in_ticket_topic(pressed: Pressed, uow: UnitOfWork, ticket_id: int) -> Pressed:
    """A button on an old message in the staff chat's forum: what it writes goes to the
    ticket's topic, as it would below a message Telegram still shows."""
    if pressed.accessible or pressed.thread_id is not None:
        return pressed
    post = await uow.ticket_posts.get(ticket_id)
    if post is not None and post.chat_id == pressed.chat.id:
        pressed.thread_id = post.thread_id
    return pressed


# --- buttons ---------------------------------------------------------------------------


@router.callback_query(lambda _q, actor: not actor.is_staff)
async def not_staff(query: CallbackQuery) -> None:
    """Somebody who is not staff pressed a staff button."""
    await query.answer(_("Only support staff can do this."), show_alert=True)


# The buttons of a ticket's card (the sub-menus they open and the new tickets list have their
# own actions or values).
CARD_ACTIONS = frozenset({"take", "reply", "ask", "resume", "resolve", "prio", "assign", "time",
                          "note", "agree", "unresolve"})  # fmt: skip


async def superseded_card(
    query: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork, staff_chat_id: int | None
) -> bool:
    """A card in the staff chat that is not the ticket's card any more: a process killed
    after posting it and before recording it posted another one."""
    if (
        callback_data.action not in CARD_ACTIONS
        or callback_data.value == FROM_LIST
        or query.message is None
        or query.message.chat.id != staff_chat_id
    ):
        return False
    post = await uow.ticket_posts.get(callback_data.ticket)
    return post is not None and post.message_id != query.message.message_id


@router.callback_query(superseded_card)
async def press_on_a_superseded_card(query: CallbackQuery, callback_data: StaffCb) -> None:
    """Its buttons go: the ticket's card is the newer one; nothing is done from this one."""
    await query.answer(
        _("This card has moved: use the newer card of №{number}.").format(
            number=callback_data.ticket
        ),
        show_alert=True,
    )
    await Pressed(query).drop_buttons()


@router.callback_query(StaffCb.filter(F.action == "take"))
async def take(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The presser takes the ticket: the employee hears who is on it. A card that still
    offered a ticket somebody else took meanwhile says who has it, and is shown afresh."""
    number = callback_data.ticket

    async def refused(exc: DomainError) -> None:
        if isinstance(exc, AlreadyTaken):
            holder = await uow.staff.get(exc.holder_tg_id)
            said = _(
                "№{number} is already in work: {name} has it. To hand it over, use «👥 Assign»."
            ).format(number=number, name=holder.name if holder else "—")
        elif isinstance(exc, InvalidInput):
            said = _("№{number} is already yours.").format(number=number)
        else:
            said = staff_error_text(exc)
        await query.answer(said, show_alert=True)
        if isinstance(exc, AlreadyTaken) and callback_data.value != FROM_LIST:
            await refresh(query, uow, number, clock)

    outcome = await perform(
        staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=actor.tg_id),
        uow,
        notifier,
        refused,
    )
    if outcome is None:
        return
    await query.answer(_("№{number} is yours.").format(number=callback_data.ticket))
    if callback_data.value != FROM_LIST:  # pressed in the new tickets list: the card comes later
        await refresh(query, uow, callback_data.ticket, clock)


@router.callback_query(StaffCb.filter(F.action == "resume"))
async def resume(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """Stop waiting for the client: the clock runs again."""
    outcome = await for_button(
        query,
        uow,
        notifier,
        staff_tickets.resume_work(
            uow, clock, ticket_id=callback_data.ticket, staff_tg_id=actor.tg_id
        ),
    )
    if outcome is None:
        return
    await query.answer()
    await refresh(query, uow, callback_data.ticket, clock)


@router.callback_query(StaffCb.filter(F.action == "unresolve"))
async def back_to_work(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«↩ Вернуть в работу» on a resolved card: the client has nothing to confirm yet."""
    outcome = await for_button(
        query,
        uow,
        notifier,
        staff_tickets.back_to_work(
            uow, clock, ticket_id=callback_data.ticket, staff_tg_id=actor.tg_id
        ),
    )
    if outcome is None:
        return
    await query.answer(
        _("№{number} is in work again; the client is told.").format(number=callback_data.ticket)
    )
    await refresh(query, uow, callback_data.ticket, clock)


@router.callback_query(StaffCb.filter(F.action.in_({"wclose", "wkeep"})))
async def long_wait(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """Asked about a ticket whose client has not answered after two reminders: close it
    (the client is told) or keep waiting (nothing changes)."""
    n = callback_data.ticket
    pressed = Pressed(query)
    ticket = await uow.tickets.get(n)
    if ticket is None or ticket.status is not TicketStatus.WAITING_CLIENT:
        await query.answer(
            _("№{number} is no longer waiting for the client.").format(number=n), show_alert=True
        )
        await pressed.drop_buttons()
        return
    if callback_data.action == "wkeep":
        await query.answer(_("We keep waiting for the client on №{number}.").format(number=n))
        await pressed.drop_buttons()
        return
    outcome = await for_button(
        query,
        uow,
        notifier,
        follow_ups.close_unanswered(uow, clock, ticket_id=n, staff_tg_id=actor.tg_id),
    )
    if outcome is None:
        return
    await query.answer(_("№{number} is closed; the client is told.").format(number=n))
    await pressed.drop_buttons()


PROMPTS = {
    "reply": (StaffInput.reply, N_("{name}, write the answer to the client for №{number}.")),
    "ask": (
        StaffInput.ask,
        N_(
            "{name}, write your question to the client for №{number}. "
            "The resolution clock pauses until they answer."
        ),
    ),
    "resolve": (
        StaffInput.resolve,
        N_(
            "{name}, what was done for №{number}? One message; the client will be asked to confirm."
        ),
    ),
    "note": (
        StaffInput.note,
        N_("{name}, write an internal note for №{number}; the client will not see it."),
    ),
}


@router.callback_query(StaffCb.filter(F.action.in_(PROMPTS)))
async def ask_for_text(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """Buttons that need one message of text: ask for it, right where they were pressed."""
    ticket = await uow.tickets.get(callback_data.ticket)
    if ticket is None or not ticket.is_open:
        await query.answer(_("Not possible in the ticket's current state."), show_alert=True)
        return
    target, prompt = PROMPTS[callback_data.action]
    await state.set_state(target)
    await state.set_data({"ticket": ticket.number, "asked_at": clock.now().isoformat()})
    await query.answer()
    assert actor.staff is not None
    text = _(prompt).format(name=actor.staff.name, number=ticket.number)
    markup = None
    if callback_data.action == "resolve":
        markup = inline(
            [(_("Resolved, no comment"), StaffCb(ticket=ticket.number, action="nosummary").pack())]
        )
    pressed = await in_ticket_topic(Pressed(query), uow, ticket.number)
    asked = await pressed.answer(
        text + " " + _("/cancel to stop."),
        reply_markup=markup or ForceReply(selective=True),
    )
    await state.update_data(prompt=asked.message_id)


# In a group, a prompt is answered at once (or by replying to it): a message written there
# later is staff talking, not the answer it once waited for.
PROMPT_FRESH = timedelta(minutes=5)


def prompt_expired(asked_at: datetime | None, now: datetime, *, replies_to_it: bool) -> bool:
    return not replies_to_it and asked_at is not None and now - asked_at > PROMPT_FRESH


async def stale_prompt(message: Message, state: FSMContext, clock: Clock) -> bool:
    data = await state.get_data()
    asked_at = datetime.fromisoformat(data["asked_at"]) if data.get("asked_at") else None
    reply = message.reply_to_message
    replies_to_it = reply is not None and reply.message_id == data.get("prompt")
    return prompt_expired(asked_at, clock.now(), replies_to_it=replies_to_it)


@router.message(
    StateFilter(StaffInput.reply, StaffInput.note, StaffInput.ask, StaffInput.resolve),
    F.chat.type != "private",
    TEXT | FILES,
    stale_prompt,
)
async def written_after_a_stale_prompt(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The prompt is dropped and the message taken as any other in the staff chat; if it
    is about no ticket, whoever pressed is told it went nowhere, should it have been the
    answer."""
    number = int((await state.get_data())["ticket"])
    await state.clear()
    if await ticket_of(message, uow) is None:
        await message.reply(
            _(
                "Not sent to anybody: I waited for the text for №{number} only a few minutes. "
                "If it was meant for the ticket, press its button again."
            ).format(number=number)
        )
        return
    await staff_chat_message(message, state, actor, uow, clock, notifier)


@router.callback_query(StaffCb.filter(F.action == "nosummary"))
async def resolve_without_summary(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    await state.clear()
    outcome = await for_button(
        query,
        uow,
        notifier,
        staff_tickets.resolve(uow, clock, ticket_id=callback_data.ticket, staff_tg_id=actor.tg_id),
    )
    if outcome is None:
        return
    await query.answer(_("Resolved; the client is asked to confirm."))
    await Pressed(query).drop_buttons()


@router.callback_query(StaffCb.filter(F.action == "prio"))
async def choose_priority(query: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork) -> None:
    ticket = await uow.tickets.get(callback_data.ticket)
    if ticket is None or not ticket.is_open:
        await query.answer(_("Not possible in the ticket's current state."), show_alert=True)
        return
    await query.answer()
    options = [
        (
            ("• " if p is ticket.priority else "") + priority_name(p),
            StaffCb(ticket=ticket.number, action="setprio", value=p.value).pack(),
        )
        for p in Priority
    ]
    rows = [options[:2], options[2:]]
    if ticket.kind is TicketKind.INCIDENT and not ticket.outage and ticket.parent_id is None:
        # Company-wide: colleagues who write about it are told it is known (outages.py).
        declare = OutageCb(action="declare", id=ticket.number).pack()
        rows.append([(_("🌐 It is a mass outage"), declare)])
    pressed = await in_ticket_topic(Pressed(query), uow, ticket.number)
    await pressed.answer(
        _("New priority for №{number}:").format(number=ticket.number),
        reply_markup=inline(*rows),
    )


@router.callback_query(StaffCb.filter(F.action == "setprio"))
async def priority_chosen(
    query: CallbackQuery, callback_data: StaffCb, actor: Actor, state: FSMContext
) -> None:
    """A new priority needs a reason: it is recorded and shown to the client."""
    if callback_data.value not in {p.value for p in Priority}:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    await state.set_state(StaffInput.priority_reason)
    await state.set_data({"ticket": callback_data.ticket, "priority": callback_data.value})
    await query.answer()
    assert actor.staff is not None
    await Pressed(query).edit_text(
        _(
            "{name}, why {priority} for №{number}? The client will see the reason. /cancel to stop."
        ).format(
            name=actor.staff.name,
            number=callback_data.ticket,
            priority=priority_name(Priority(callback_data.value)),
        )
    )


AGREED_DATE_EXAMPLES = N_(
    "Write it, for example: «16.12», «16 December», «by Friday», «Friday 15:00», «in 3 days», "
    "«tomorrow». A date without a time means the end of the client's working day."
)


@router.callback_query(StaffCb.filter(F.action == "agree"))
async def ask_for_agreed_date(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
) -> None:
    """«📅 Agree the date» on a change request: the date agreed with the client, typed."""
    ticket = await uow.tickets.get(callback_data.ticket)
    if ticket is None or not ticket.is_open or ticket.status is TicketStatus.RESOLVED:
        await query.answer(_("Not possible in the ticket's current state."), show_alert=True)
        return
    if not ticket.resolution_by_agreement:
        await query.answer(
            _("Only a change request's completion date is agreed with the client."),
            show_alert=True,
        )
        return
    await state.set_state(StaffInput.agreed_date)
    await query.answer()
    assert actor.staff is not None
    asked = (
        N_("{name}, what is the new completion date of №{number} agreed with the client?")
        if ticket.agreed_resolution
        else N_("{name}, what completion date of №{number} did you agree with the client?")
    )
    pressed = await in_ticket_topic(Pressed(query), uow, ticket.number)
    prompt = await pressed.answer(
        _(asked).format(name=actor.staff.name, number=ticket.number)
        + "\n"
        + _(AGREED_DATE_EXAMPLES)
        + " "
        + _("/cancel to stop."),
        reply_markup=inline(
            [(_("Cancel"), StaffCb(ticket=ticket.number, action="agreecancel").pack())]
        ),
    )
    # Its Cancel button goes once the date is set.
    await state.set_data({"ticket": ticket.number, "prompt": prompt.message_id})


@router.callback_query(StaffCb.filter(F.action == "agreecancel"))
async def agreed_date_cancelled(
    query: CallbackQuery, callback_data: StaffCb, state: FSMContext
) -> None:
    """Cancel under the question: the date stays as it was."""
    data = await state.get_data()
    if await state.get_state() == StaffInput.agreed_date.state and data.get("ticket") == (
        callback_data.ticket
    ):
        await state.clear()
    await query.answer()
    await Pressed(query).edit_text(
        _("The completion date of №{number} stays as it was.").format(number=callback_data.ticket)
    )


async def drop_prompt_buttons(message: Message, prompt_id: object) -> None:
    """The question's Cancel goes once it is answered; a question already gone is no
    failure."""
    if message.bot is None or not isinstance(prompt_id, int):
        return
    with suppress(TelegramBadRequest):  # deleted, or too old to edit: nothing to take away
        await message.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=prompt_id, reply_markup=None
        )


@router.callback_query(StaffCb.filter(F.action == "assign"))
async def choose_assignee(query: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork) -> None:
    people = [s for s in await uow.staff.list() if s.active and s.role is not StaffRole.ADMIN]
    order = {
        StaffRole.SECOND_LINE: 0,
        StaffRole.FIRST_LINE: 1,
        StaffRole.LEAD: 2,
        StaffRole.MANAGER: 3,
    }
    people.sort(key=lambda s: (order.get(s.role, 9), s.name))
    await query.answer()
    rows = [
        [
            (
                f"{s.name} · {role_name(s.role)}",
                StaffCb(ticket=callback_data.ticket, action="assignto", value=str(s.tg_id)).pack(),
            )
        ]
        for s in people[:20]
    ]
    pressed = await in_ticket_topic(Pressed(query), uow, callback_data.ticket)
    await pressed.answer(
        _("Assign №{number} to:").format(number=callback_data.ticket), reply_markup=inline(*rows)
    )


def role_name(role: StaffRole) -> str:
    return {
        StaffRole.FIRST_LINE: _("first line"),
        StaffRole.SECOND_LINE: _("second line"),
        StaffRole.MANAGER: _("manager"),
        StaffRole.LEAD: _("lead"),
        StaffRole.ADMIN: _("admin"),
    }[role]


@router.callback_query(StaffCb.filter(F.action == "assignto"))
async def assigned(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    if not is_number(callback_data.value):
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    outcome = await for_button(
        query,
        uow,
        notifier,
        staff_tickets.assign(
            uow,
            clock,
            ticket_id=callback_data.ticket,
            staff_tg_id=actor.tg_id,
            assignee_tg_id=int(callback_data.value),
        ),
    )
    if outcome is None:
        return
    assignee = await uow.staff.get(int(callback_data.value))
    await query.answer()
    await Pressed(query).edit_text(
        _("№{number} is assigned to {name}.").format(
            number=callback_data.ticket, name=assignee.name if assignee else "?"
        )
    )


@router.callback_query(StaffCb.filter(F.action == "time"))
async def choose_time(
    query: CallbackQuery, callback_data: StaffCb, state: FSMContext, uow: UnitOfWork, clock: Clock
) -> None:
    """«⏱ Время»: a few amounts to press, «Другое…»; a time typed under it is taken too."""
    n = callback_data.ticket
    await query.answer()
    pressed = await in_ticket_topic(Pressed(query), uow, n)
    menu = await pressed.answer(
        _("Work time on №{number}:").format(number=n),
        reply_markup=inline(
            [
                (_("15 min"), StaffCb(ticket=n, action="logtime", value="15").pack()),
                (_("30 min"), StaffCb(ticket=n, action="logtime", value="30").pack()),
                (_("1 hour"), StaffCb(ticket=n, action="logtime", value="60").pack()),
            ],
            [(_("Other…"), StaffCb(ticket=n, action="logtime", value="custom").pack())],
        ),
    )
    await state.update_data(
        {TIME_MENU: n, TIME_MENU_AT: clock.now().isoformat(), TIME_MENU_ID: menu.message_id}
    )


@router.callback_query(StaffCb.filter(F.action == "logtime"))
async def log_time(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    await forget_time_menu(state)
    if callback_data.value == "custom":
        await state.set_state(StaffInput.log_minutes)
        await state.set_data({"ticket": callback_data.ticket})
        await query.answer()
        await Pressed(query).edit_text(
            _(
                "How long did you work on №{number}, and what did you do? For example: 45 min, "
                "1.5 h, 1h 30m replaced the cartridge. /cancel to stop."
            ).format(number=callback_data.ticket)
        )
        return
    if not is_number(callback_data.value):
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    await record_time(
        Pressed(query),
        actor,
        uow,
        clock,
        notifier,
        callback_data.ticket,
        int(callback_data.value),
        edit=True,
    )
    await query.answer()


# The last «⏱ Время» shown: its ticket, when, and its message.
TIME_MENU, TIME_MENU_AT, TIME_MENU_ID = "time_menu", "time_menu_at", "time_menu_message"


async def forget_time_menu(state: FSMContext) -> dict[str, Any]:
    """The time menu shown last, taken out of the conversation's data (which is returned)."""
    data = await state.get_data()
    menu = (TIME_MENU, TIME_MENU_AT, TIME_MENU_ID)
    if any(key in data for key in menu):
        await state.set_data({k: v for k, v in data.items() if k not in menu})
    return data


async def time_typed_under_menu(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    replied: int | None,
) -> bool:
    """The first message after «⏱ Время»: a time («полчаса», «1,5 ч», «40 минут») is logged
    as «Другое…» would log it; other text not addressed to a ticket is told what the menu
    takes, not how to answer a client. False when the message is not about the menu (a
    reply about another ticket, or the menu is long gone)."""
    data = await forget_time_menu(state)
    number, shown = data.get(TIME_MENU), data.get(TIME_MENU_AT)
    if not isinstance(number, int) or not isinstance(shown, str):
        return False
    if not typed_under_menu(datetime.fromisoformat(shown), clock.now()):
        return False
    if replied not in (None, number):
        return False
    entry = read_work_entry(message.text or "")
    if isinstance(entry, SpentProblem):
        if replied is not None or message.text is None:
            return False  # a reply to its card: said to the client, as always
        if entry is not SpentProblem.UNREADABLE:
            await message.answer(_(TIME_SPENT_RETRY[entry]))
        else:
            await message.answer(
                _(
                    "I could not read that as time for №{number}. Press a button under "
                    "«Work time on №{number}», or write the time like 45 min, 1.5 h or 1h 30m."
                ).format(number=number)
            )
        return True
    minutes, note = entry
    await drop_prompt_buttons(message, data.get(TIME_MENU_ID))  # or it would log it twice
    await record_time(message, actor, uow, clock, notifier, number, minutes, note=note)
    return True


async def record_time(
    message: Message | Pressed,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    ticket_id: int,
    minutes: int,
    *,
    note: str = "",
    edit: bool = False,
) -> None:
    outcome = await for_message(
        message,
        uow,
        notifier,
        staff_tickets.log_work(
            uow, clock, ticket_id=ticket_id, staff_tg_id=actor.tg_id, minutes=minutes, note=note
        ),
    )
    if outcome is None:
        return
    total = sum(w.minutes for w in await uow.tickets.work_logs(ticket_id))
    locale = get_i18n().current_locale
    text = _("Logged {time} on №{number}; {total} in all.").format(
        time=time_spent(minutes, locale), number=ticket_id, total=time_spent(total, locale)
    )
    if edit:
        await message.edit_text(text)
    else:
        await message.answer(text)


@router.callback_query(StaffCb.filter(F.action == "estimate"))
async def ask_for_estimate(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
) -> None:
    """«💰 Estimate»: how long the work will take, typed; the client is asked to approve it."""
    ticket = await uow.tickets.get(callback_data.ticket)
    if ticket is None or not ticket.is_open or ticket.status is TicketStatus.RESOLVED:
        await query.answer(_("Not possible in the ticket's current state."), show_alert=True)
        return
    await state.set_state(StaffInput.estimate)
    await state.set_data({"ticket": ticket.number})
    await query.answer()
    assert actor.staff is not None
    pressed = await in_ticket_topic(Pressed(query), uow, ticket.number)
    await pressed.answer(
        _(
            "{name}, how long will the work on №{number} take? For example: 3 h, 2h 30m. "
            "The client is asked to approve it. /cancel to stop."
        ).format(name=actor.staff.name, number=ticket.number)
    )


ESTIMATE_RETRY = {
    SpentProblem.UNREADABLE: N_(
        "I could not read that as time. Write it like 3 h, 2.5 h or 2h 30m, or /cancel."
    ),
    SpentProblem.NOTHING: N_(
        "That is no time at all. How long will the work take? For example: 3 h."
    ),
    SpentProblem.TOO_MUCH: N_(
        "One estimate holds at most 200 hours: split the work into tasks. How long is this one?"
    ),
}


@router.message(StaffInput.estimate, TEXT)
async def estimate_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    minutes = read_estimate(message.text or "")
    if isinstance(minutes, SpentProblem):
        await message.answer(_(ESTIMATE_RETRY[minutes]))
        return
    number = int((await state.get_data())["ticket"])
    await state.clear()
    outcome = await for_message(
        message,
        uow,
        notifier,
        estimates.put_estimate(
            uow, clock, ticket_id=number, staff_tg_id=actor.tg_id, minutes=minutes
        ),
    )
    if outcome is None:
        return
    approver = await uow.employees.get(outcome.value.approver_employee_id)
    locale = get_i18n().current_locale
    await message.answer(
        _(
            "№{number}: the estimate {size} is sent to {name} for approval. The resolution "
            "clock is paused until they decide."
        ).format(
            number=number,
            size=estimate_size(outcome.value.minutes, outcome.value.amount, locale),
            name=approver.name if approver else "—",
        )
    )


@router.callback_query(StaffCb.filter(F.action.in_({"asq", "asres"})))
async def question_or_resolution(
    query: CallbackQuery,
    callback_data: StaffCb,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The text typed after «✅ Решено» that read as a question: sent as the question it
    is (the ticket waits for the client), or as the resolution after all."""
    number = callback_data.ticket
    data = await state.get_data()
    pressed = Pressed(query)
    if await state.get_state() != StaffInput.resolve_check.state or data.get("ticket") != number:
        await query.answer(_("This card is out of date."), show_alert=True)
        await pressed.drop_buttons()
        return
    await state.clear()
    text, in_thread = str(data.get("text", "")), bool(data.get("in_thread"))
    if callback_data.action == "asq":
        asked = await for_button(
            query,
            uow,
            notifier,
            staff_tickets.ask_client(
                uow, clock, ticket_id=number, staff_tg_id=actor.tg_id, question=text,
                in_thread=in_thread,
            ),
        )  # fmt: skip
        if asked is None:
            return
        await query.answer()
        await pressed.edit_text(
            _("Asked. №{number} waits for the client; the clock is paused.").format(number=number)
        )
        return
    resolved = await for_button(
        query,
        uow,
        notifier,
        staff_tickets.resolve(
            uow, clock, ticket_id=number, staff_tg_id=actor.tg_id, summary=text, in_thread=in_thread
        ),
    )
    if resolved is None:
        return
    await query.answer()
    await pressed.edit_text(
        _("№{number} is resolved; the client is asked to confirm.").format(number=number),
        reply_markup=to_knowledge_base(number),
    )


@router.callback_query(StaffCb.filter(F.action == "card"))
async def show_card(
    query: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork, clock: Clock
) -> None:
    """ "Open the card" on a notice: the card with its buttons, here."""
    rendered = await render(uow, callback_data.ticket, clock)
    if rendered is None:
        await query.answer(_("Ticket not found."), show_alert=True)
        return
    await query.answer()
    pressed = await in_ticket_topic(Pressed(query), uow, callback_data.ticket)
    await pressed.answer(rendered[0], reply_markup=rendered[1])


@router.callback_query(StaffCb.filter(F.action == "history"))
async def show_history(
    query: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork, clock: Clock
) -> None:
    """ "Whole conversation": every message of the ticket, in as many messages as it takes."""
    card = await load_card(uow, callback_data.ticket)
    if card is None:
        await query.answer(_("Ticket not found."), show_alert=True)
        return
    await query.answer()
    messages, names = await load_history(uow, callback_data.ticket)
    locale = get_i18n().current_locale
    lines = history_lines(card, messages, names, clock.now(), locale, cut=3000)
    head = _("<b>№{number}: the whole conversation</b>").format(number=card.ticket.number)
    pressed = await in_ticket_topic(Pressed(query), uow, card.ticket.number)
    chunk = head
    for line in lines or [_("No messages yet.")]:
        if len(chunk) + len(line) + 1 > 4000:
            await pressed.answer(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    await pressed.answer(chunk)


@router.callback_query()
async def unknown_staff_button(query: CallbackQuery) -> None:
    await query.answer(_("This card is out of date."), show_alert=True)


# --- the one message a button asked for -------------------------------------------------


def text_and_files(message: Message) -> tuple[str, tuple[Attachment, ...]]:
    attachment = attachment_of(message)
    return (message.text or message.caption or "").strip(), (attachment,) if attachment else ()


def in_staff_chat(message: Message, staff_chat_id: int | None) -> bool:
    """Written in the staff chat (where the ticket's thread is), not in a private chat."""
    return message.chat.id == staff_chat_id


@router.message(StaffInput.reply, TEXT | FILES)
@router.message(StaffInput.note, TEXT | FILES)
async def reply_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    staff_chat_id: int | None,
) -> None:
    data = await state.get_data()
    internal = await state.get_state() == StaffInput.note.state
    await state.clear()
    text, files = text_and_files(message)
    await send_reply(
        message,
        actor,
        uow,
        clock,
        notifier,
        int(data["ticket"]),
        text,
        files,
        internal=internal,
        in_thread=in_staff_chat(message, staff_chat_id),
    )


@router.message(StaffInput.ask, TEXT)
async def question_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    staff_chat_id: int | None,
) -> None:
    number = int((await state.get_data())["ticket"])
    await state.clear()
    outcome = await for_message(
        message,
        uow,
        notifier,
        staff_tickets.ask_client(
            uow,
            clock,
            ticket_id=number,
            staff_tg_id=actor.tg_id,
            question=message.text or "",
            in_thread=in_staff_chat(message, staff_chat_id),
        ),
    )
    if outcome is None:
        return
    await message.answer(
        _("Asked. №{number} waits for the client; the clock is paused.").format(number=number)
    )


@router.message(StaffInput.resolve, TEXT)
async def summary_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    staff_chat_id: int | None,
) -> None:
    number = int((await state.get_data())["ticket"])
    text, in_thread = message.text or "", in_staff_chat(message, staff_chat_id)
    if reads_as_question(text):  # «✅ Решено» pressed for «❓ Вопрос клиенту»?
        await state.set_state(StaffInput.resolve_check)
        await state.set_data(
            {
                "ticket": number,
                "text": text,
                "in_thread": in_thread,
                "asked_at": clock.now().isoformat(),
            }
        )
        await message.reply(
            _(
                "Is this a question to the client? Sent as the resolution of №{number}, it "
                "asks the client to confirm that everything works."
            ).format(number=number),
            reply_markup=inline(
                [(_("❓ Send as a question"), StaffCb(ticket=number, action="asq").pack())],
                [(_("✅ It is the resolution"), StaffCb(ticket=number, action="asres").pack())],
            ),
        )
        return
    await state.clear()
    outcome = await for_message(
        message,
        uow,
        notifier,
        staff_tickets.resolve(
            uow, clock, ticket_id=number, staff_tg_id=actor.tg_id, summary=text, in_thread=in_thread
        ),
    )
    if outcome is None:
        return
    await message.answer(
        _("№{number} is resolved; the client is asked to confirm.").format(number=number),
        reply_markup=to_knowledge_base(number),  # the resolution may help others
    )


@router.message(StaffInput.resolve_check, TEXT | FILES)
async def question_or_resolution_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """Something typed while the bot asks whether the resolution was a question: told to
    choose; in the staff chat, a few minutes on, it is talk as any other (the question is
    dropped, and nothing was sent)."""
    if message.chat.type != "private" and await stale_prompt(message, state, clock):
        await state.clear()
        await staff_chat_message(message, state, actor, uow, clock, notifier)
        return
    await message.answer(
        _("Choose above: «❓ Send as a question» or «✅ It is the resolution»; /cancel to stop.")
    )


@router.message(StaffInput.priority_reason, TEXT)
async def reason_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    data = await state.get_data()
    await state.clear()
    outcome = await for_message(
        message,
        uow,
        notifier,
        staff_tickets.change_priority(
            uow,
            clock,
            ticket_id=int(data["ticket"]),
            staff_tg_id=actor.tg_id,
            priority=Priority(data["priority"]),
            reason=message.text or "",
        ),
    )
    if outcome is None:
        return
    await message.answer(
        _("Priority of №{number} is now {priority}; the client is told.").format(
            number=data["ticket"], priority=priority_name(Priority(data["priority"]))
        )
    )


UNREADABLE_DATE = {
    Unreadable.NOT_A_DATE: N_("I could not read a date in that."),
    Unreadable.PAST: N_("That moment has already passed."),
    Unreadable.TOO_FAR: N_("That is more than a year ahead; please check the date."),
}


@router.message(StaffInput.agreed_date, TEXT)
async def agreed_date_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The completion date agreed with the client, as typed: set, and the client told; a
    date that cannot be read, or has passed, is asked for again."""
    data = await state.get_data()
    number = int(data["ticket"])
    ticket = await uow.tickets.get(number)
    client = await uow.clients.get(ticket.client_id) if ticket else None
    if ticket is None or client is None:
        await state.clear()
        await message.answer(_("Ticket not found."))
        return
    now = clock.now()
    read = read_deadline(message.text or "", now, client.calendar)
    if read.due is None:
        assert read.problem is not None
        await message.answer(
            _(UNREADABLE_DATE[read.problem])
            + " "
            + _(AGREED_DATE_EXAMPLES)
            + " "
            + _("/cancel to stop.")
        )
        return
    await state.clear()
    await drop_prompt_buttons(message, data.get("prompt"))
    locale = get_i18n().current_locale
    when = full_deadline(read.due, now, client.timezone, locale)
    if not ticket.is_open or ticket.status is TicketStatus.RESOLVED:  # finished meanwhile
        await message.answer(_("Not possible in the ticket's current state."))
        return
    if ticket.agreed_resolution and ticket.agreed_resolution.due == read.due:
        await message.answer(
            _("№{number} already has this date: by {time}.").format(number=number, time=when)
        )
        return
    outcome = await for_message(
        message,
        uow,
        notifier,
        staff_tickets.agree_resolution(
            uow, clock, ticket_id=number, staff_tg_id=actor.tg_id, due=read.due
        ),
    )
    if outcome is None:
        return
    await message.answer(
        _("№{number}: the completion date is set, by {time}; the client is told.").format(
            number=number, time=when
        )
    )


TIME_SPENT_RETRY = {
    SpentProblem.UNREADABLE: N_(
        "I could not read that as time. Write it like 45 min, 1.5 h or 1h 30m, or /cancel."
    ),
    SpentProblem.NOTHING: N_("That is no time at all. How long did you work? For example: 45 min."),
    SpentProblem.TOO_MUCH: N_(
        "One entry holds at most 24 hours: log each day on its own. How long was it?"
    ),
}


@router.message(StaffInput.log_minutes, TEXT)
async def minutes_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    entry = read_work_entry(message.text or "")
    if isinstance(entry, SpentProblem):
        await message.answer(_(TIME_SPENT_RETRY[entry]))
        return
    minutes, note = entry
    number = int((await state.get_data())["ticket"])
    await state.clear()
    await record_time(message, actor, uow, clock, notifier, number, minutes, note=note)


@router.message(StateFilter(StaffInput), ~F.text.startswith("/"))
async def input_not_understood(message: Message) -> None:
    await message.answer(_("One message of text, please, or /cancel."))


# --- replies in the staff chat ------------------------------------------------------------


# Thread lines that carry the client's own words: their messages ("💬 №1 · Анна:"), why it
# still does not work ("↩️ №1: ..."), the description ("№1" and its text), the rating.
CLIENT_WORDS = ("💬", "↩️")


def answers_the_client(replied: str, number: int) -> bool:
    """Whether a reply in the staff chat to this line of №`number`'s thread is meant for
    the client: a reply to the client's own words is. A reply to the bot's other lines
    (whom it pages, what was sent, a note, a warning) is staff talking among themselves."""
    return replied.startswith(CLIENT_WORDS) or replied.startswith((f"№{number}\n", f"№{number} ⭐"))


@dataclass(frozen=True, slots=True)
class Addressed:
    """The ticket a staff message is about, and whether it is for the client."""

    number: int
    to_client: bool


async def ticket_of(message: Message, uow: UnitOfWork) -> Addressed | None:
    """The ticket a staff message in the staff chat is about: a reply to its card or to a
    message of its thread, or a message in its forum topic."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.is_bot:
        post = await uow.ticket_posts.by_message(message.chat.id, reply.message_id)
        if post is not None:
            return Addressed(post.ticket_id, to_client=True)
        replied = reply.text or reply.caption or ""
        mark = TICKET_MARK.search(replied)
        if mark and (message.message_thread_id is None or not message.is_topic_message):
            number = int(mark.group(1))
            return Addressed(number, to_client=answers_the_client(replied, number))
    if message.is_topic_message and message.message_thread_id:
        post = await uow.ticket_posts.by_thread(message.chat.id, message.message_thread_id)
        if post is not None:
            return Addressed(post.ticket_id, to_client=True)
    return None


@router.message(F.chat.type != "private", StateFilter(None), TEXT | FILES)
async def staff_chat_message(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """A reply to a card or to the client's words, or a message in a ticket's topic, goes
    to the employee; one starting with "!" stays internal, and so does a reply to the
    bot's other lines of a ticket (kept as a note, and said so). «беру» on a card takes
    the ticket, and a time typed under «⏱ Время» is logged."""
    addressed = await ticket_of(message, uow)
    number = addressed.number if addressed is not None else None
    if await time_typed_under_menu(message, state, actor, uow, clock, notifier, number):
        return
    said = read_staff_words(message.text or "")
    if said is not None and await act_in_words(message, actor, uow, clock, notifier, number, said):
        return
    if addressed is None:
        if said is not None and said.words is StaffWords.TAKE:  # «беру»: but which one?
            await message.reply(take_how())
            return
        if (message.text or "").startswith("!"):  # meant as a note, but for which ticket?
            await message.reply(
                _(
                    "To put a note on a ticket, reply with it to the ticket's card "
                    "(or write it in its topic)."
                )
            )
        return  # ordinary talk among staff
    text, files = text_and_files(message)
    marked = text.startswith("!")
    if marked:
        text = text[1:].strip()
    await send_reply(
        message,
        actor,
        uow,
        clock,
        notifier,
        addressed.number,
        text,
        files,
        internal=marked or not addressed.to_client,
        among_staff=not (marked or addressed.to_client),
    )


@router.message(
    F.chat.type == "private",
    StateFilter(None),
    TEXT | FILES,
    lambda _m, actor: not actor.is_employee,
)
async def private_message(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """In a private chat, a reply to the bot's message about №N answers the client on №N
    ("!" first keeps it internal), as a reply to the card does in the staff chat; other
    text gets a hint how to answer."""
    number = replied_ticket(message)
    if await time_typed_under_menu(message, state, actor, uow, clock, notifier, number):
        return
    said = read_staff_words(message.text or "")
    if said is not None and await act_in_words(message, actor, uow, clock, notifier, number, said):
        return
    if number is None and said is not None and said.words is StaffWords.TAKE:
        await message.answer(take_how())
        return
    if number is None:
        await message.answer(
            _(
                "To answer a client, reply to my message about their ticket (it has the №), "
                "or open the ticket with /t N and press «💬 Reply». A message starting with "
                "«!» becomes an internal note."
            )
        )
        return
    text, files = text_and_files(message)
    internal = text.startswith("!")
    if internal:
        text = text[1:].strip()
    await send_reply(
        message,
        actor,
        uow,
        clock,
        notifier,
        number,
        text,
        files,
        internal=internal,
        in_thread=False,
    )


def take_how() -> str:
    """To «беру» typed with no ticket to take."""
    return _("Reply like that to the ticket's card, or press «🙋 Take».")


async def act_in_words(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    replied: int | None,
    said: StaffAction,
) -> bool:
    """«принял», «ок, смотрю» on a page acknowledge it, as «✅ Принял» does; «беру», «взял»,
    «я возьму» on a card (`replied`: the ticket of the message replied to), or with the
    ticket's number, take the ticket, as «🙋 Взять» does. False when the words do nothing
    here (they are then what they would be otherwise: an answer, or talk)."""
    number = replied or said.ticket
    page_id = await after_hours.page_answered_in_words(
        uow, clock, staff_tg_id=actor.tg_id, ticket_id=number
    )
    if page_id is not None:
        acknowledged = await for_reply(
            message,
            uow,
            notifier,
            after_hours.acknowledge_page(uow, clock, page_id=page_id, staff_tg_id=actor.tg_id),
        )
        if acknowledged is not None:
            ack = acknowledged.value
            if ack.first:
                text = _("№{number} is yours: the client is told you are on it.")
                await message.reply(text.format(number=ack.ticket_id))
            elif ack.by_tg_id == actor.tg_id:
                await message.reply(_("№{number} is already yours.").format(number=ack.ticket_id))
            else:
                staff = await uow.staff.get(ack.by_tg_id)
                name = staff.name if staff else "?"
                await message.reply(_("{name} is already on it.").format(name=name))
        return True
    if number is None or said.words is not StaffWords.TAKE:
        return False
    ticket = await uow.tickets.get(number)
    if (
        ticket is not None
        and ticket.assignee_tg_id is not None
        and ticket.status not in (TicketStatus.NEW, TicketStatus.REOPENED)
    ):
        if ticket.assignee_tg_id == actor.tg_id:
            if replied is not None:
                return False  # theirs already: «принял» on its card is said to the client
            await message.reply(_("№{number} is already yours.").format(number=number))
            return True
        staff = await uow.staff.get(ticket.assignee_tg_id)
        await message.reply(
            _(
                "№{number} is already in work: {name} has it. To hand it over, use «👥 Assign»."
            ).format(number=number, name=staff.name if staff else "—")
        )
        return True
    outcome = await for_reply(
        message,
        uow,
        notifier,
        staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=actor.tg_id),
    )
    if outcome is not None:
        await message.reply(_("№{number} is yours.").format(number=number))
    return True


async def send_reply(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    number: int,
    text: str,
    files: tuple[Attachment, ...],
    *,
    internal: bool,
    in_thread: bool = True,
    among_staff: bool = False,
) -> None:
    """`among_staff`: a reply to the bot's own line, kept as a note and said so."""
    outcome = await for_reply(
        message,
        uow,
        notifier,
        staff_tickets.reply(
            uow,
            clock,
            ticket_id=number,
            staff_tg_id=actor.tg_id,
            text=text,
            internal=internal,
            attachments=files,
            in_thread=in_thread,
        ),
    )
    if outcome is None:
        return
    if among_staff:
        await message.reply(
            _(
                "📝 Kept as a note on №{number}; the client does not see it: you replied to "
                "a line of mine. To write to the client, reply to the card or to their message."
            ).format(number=number)
        )
    elif internal:
        await message.reply(_("📝 Internal note on №{number}.").format(number=number))
    elif not await employee_tickets.author_hears(uow, number):
        await message.reply(
            _(
                "📝 Saved in №{number}, but not sent: the client no longer has access to the bot."
            ).format(number=number)
        )
    else:
        await message.reply(_("✉️ Sent to the client (№{number}).").format(number=number))


# --- staff commands -------------------------------------------------------------------------


@router.message(Command("t"))
async def ticket_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock
) -> None:
    """/t N: the card with its buttons."""
    digits = ticket_digits(command.args or "")
    if digits is None:
        await message.answer(_("Send the ticket number, for example: /t 15"))
        return
    digits = digits.lstrip("0") or "0"
    rendered = await render(uow, int(digits), clock) if len(digits) <= TICKET_DIGITS else None
    if rendered is None:
        await message.answer(_("Ticket №{number} not found.").format(number=digits))
        return
    await message.answer(rendered[0], reply_markup=rendered[1])
