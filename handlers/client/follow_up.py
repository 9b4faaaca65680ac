"""What an employee writes outside any step: the answer to the engineer's question, the photo
that was asked for, "спасибо, заработало", "всё равно не печатает", a greeting, or a new
problem. Where it goes is the routing rule (domain/routing.py); this carries it out.

When the rule cannot tell, the message is held and the person is asked once ("к заявке №N
или новая?"); what they write meanwhile joins it, and the question is not asked again.

"Уже не надо" asks whether to close the request ("Заявка №N больше не нужна?"). That
question is kept beside the conversation, not in its state: a new problem typed before the
answer is a new problem (an intake, or "к заявке №N или новая?"), and the question stays
answerable by its buttons or by a typed "да" / "нет"; only its own words are the reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from datetime import timedelta
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain import Category, TicketStatus
from domain import events as ev
from domain.answers import Question, Reply, read_answer, read_topic
from domain.model import Attachment
from domain.outages import OutageRule
from domain.ports import Clock, Notifier, UnitOfWork
from domain.routing import (
    Action,
    Ask,
    AskIfWorks,
    Chat,
    Conversation,
    Do,
    Gist,
    Option,
    Status,
    gist_of,
    returns_after_self_help,
    wants_a_person,
)
from domain.use_cases import employee_tickets, follow_ups
from domain.use_cases.common import Outcome
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import intake, outages
from handlers.client.group_context import private_or_client_group
from handlers.client.intake import MEDIA, attachment_of
from handlers.client.self_help import Asker, about_the_service
from handlers.client.states import FollowUp, HeldMessage, SelfHelped, TicketSituation
from handlers.client.tickets import (
    TICKET_MARK,
    await_rating,
    domain_error_text,
    due_text,
    rating_row,
    replied_bot_message,
)
from handlers.ui.callbacks import FollowUpCb, TicketCb
from handlers.ui.formatting import deadline, few_words, moment_phrase
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.pressed import Pressed
from handlers.ui.texts import N_, status_name, ticket_no

router = Router(name=__name__)
# In a client's group, only what handlers/client/group_chat.py passed on comes here.
router.message.filter(private_or_client_group, lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)

# A question left unanswered this long is asked again when more is written.
ASK_AGAIN_AFTER = timedelta(minutes=30)
TEXT = F.text & ~F.text.startswith("/")


def replied_ticket(message: Message) -> int | None:
    """The ticket a Telegram reply is about: the bot's own message it answers names exactly
    one ticket. (Whose ticket it is, the routing checks.)"""
    reply = replied_bot_message(message)
    if reply is None:
        return None
    numbers = {int(n) for n in TICKET_MARK.findall(reply.text or reply.caption or "")}
    return numbers.pop() if len(numbers) == 1 else None


def content_of(message: Message) -> tuple[str, list[Attachment]]:
    attachment = attachment_of(message)
    files = [attachment] if attachment else []
    return (message.text or message.caption or "").strip(), files


async def route(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    text: str,
    files: list[Attachment],
) -> employee_tickets.Routing:
    return await employee_tickets.route_message(
        uow,
        clock,
        tg_id=actor.tg_id,
        text=text,
        has_files=bool(files),
        replied_to=replied_ticket(message),
    )


@router.message(StateFilter(None), TEXT)
@router.message(StateFilter(None), MEDIA)
@router.message(StateFilter(None), F.sticker)
async def typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    outage_rule: OutageRule,
) -> None:
    """Whatever an employee writes outside a step goes where they mean it."""
    text, files = content_of(message)
    if not files and await close_answered(message, state, actor, uow, clock, notifier, text):
        return  # "да" to "Заявка №N больше не нужна?"
    asker = Asker(actor, uow, clock, notifier)
    routing = await route(message, actor, uow, clock, text, files)
    where = routing.route
    complaint = isinstance(where, Do) and where.option.action is Action.COMPLAIN
    if (
        not files
        and replied_ticket(message) is None
        and not routing.answers  # the engineer asked: whatever it says, it is the answer
        and not complaint  # "никто не позвонил" is about the request, not the contract
        and gist_of(text) in (Gist.CONTENT, Gist.COMPLAINT)  # thanks go to their ticket
        and await about_the_service(text, asker)
    ):
        # "сколько часов у нас осталось?" is answered, not added to a ticket in work
        await intake.start_with(message, state, clock, text, [], asker=asker)
        return
    new = isinstance(where, Do) and where.option.action is Action.NEW
    helped = SelfHelped.from_state(await state.get_data())
    names, about = read_topic(text) or Category.OTHER, helped.category
    if (
        new
        and not files
        and returns_after_self_help(text, helped.at, clock.now(), names=names, about=about)
    ):
        # "нет, всё равно не работает" after «Помогло»: the same request goes on, its words
        # first (the article is not offered again)
        again = f"{helped.description}\n{text}".strip()
        await intake.start_with(message, state, clock, again, [])
        return
    if new and not files and wants_a_person(text):
        await message.answer(await people_answer_here(actor, uow))
        return
    if new and await outages.offer(message, state, actor, uow, clock, outage_rule, text, files):
        return  # an open mass outage: they may join it with one tap
    data = await state.get_data()
    album = message.media_group_id
    # The rest of an album goes where its first picture went, without a word each.
    quiet = album is not None and album == data.get("album")
    if isinstance(where, Do):
        await carry_out(
            where.option,
            message,
            state,
            actor,
            uow,
            clock,
            notifier,
            text,
            files,
            quiet=quiet,
            answer=routing.answers,
        )
        if album is not None and await state.get_state() is None:
            await state.update_data(album=album)
    elif isinstance(where, Ask) and any(o.action is Action.CLOSE for o in where.options):
        await ask_to_close(message, state, clock, where, routing.tickets, text, files)
    elif isinstance(where, Ask):
        await hold_and_ask(message, state, clock, where, routing.tickets, text, files)
    elif isinstance(where, AskIfWorks) and where.ticket not in data.get("asked_if_works", []):
        await ask_if_it_works(message, where.ticket)
        await state.update_data(asked_if_works=[*data.get("asked_if_works", []), where.ticket])
    elif isinstance(where, AskIfWorks):  # asked once already: thanks are just thanks
        await chat(message, Chat(Gist.THANKS))
    elif isinstance(where, Status):
        await tell_status(message, actor, uow, clock, notifier, where, text)
    elif isinstance(where, Chat):
        await chat(message, where)


async def people_answer_here(actor: Actor, uow: UnitOfWork) -> str:
    """ "Позовите живого человека": who reads what they write, and what to write."""
    text = _(
        "People answer you here: the engineers see every request and write to you in this "
        "chat. Tell me what happened or what you need, and I will pass it on at once."
    )
    client = actor.client
    manager = await uow.staff.get(client.manager_tg_id) if client and client.manager_tg_id else None
    if manager is not None and manager.active:
        text += " " + _(
            "A question about the contract or the service goes to your personal manager, {name}."
        ).format(name=escape(manager.name))
    return text


async def carry_out(
    option: Option,
    message: Message | Pressed,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    text: str,
    files: list[Attachment],
    *,
    quiet: bool = False,
    answer: bool = False,
) -> None:
    """Do what the routing (or the person's choice) says with the message (`answer`: to
    the question staff asked)."""
    if option.action is Action.NEW:
        asker = Asker(actor, uow, clock, notifier)  # a known fix may be suggested first
        await intake.start_with(message, state, clock, text, files, asker=asker)
        return
    assert option.ticket is not None
    n = option.ticket
    if option.action is Action.ATTACH and not (text or files):  # a sticker: nothing to pass on
        await chat(message, Chat(Gist.EMOJI))
        return
    outcome = await perform(
        follow_ticket_up(uow, clock, option.action, n, actor.tg_id, text, tuple(files)),
        uow,
        notifier,
        lambda exc: message.answer(domain_error_text(exc)),
    )
    if outcome is None or quiet:
        return
    if option.action is Action.CLOSE:
        text = _("Request №{number} is closed. Thank you for letting us know!")
        await message.answer(text.format(number=n), reply_markup=main_keyboard())
        return
    if option.action is Action.CONFIRM:
        text = _("Glad it works! Request №{number} is closed. How did we do? Rate from 1 to 5.")
        sent = await message.answer(text.format(number=n), reply_markup=inline(rating_row(n)))
        await await_rating(state, n, sent.message_id, clock)
        return
    if option.action is Action.REOPEN:
        text = _(
            "Request №{number} is back in work; your words have gone to the engineer. "
            "Sorry it is not fixed yet."
        )
    elif option.action is Action.COMPLAIN:
        text = _(
            "Added to №{number}. I have passed it on to your personal manager as well: we "
            "will look into it."
        )
    elif answer or any(isinstance(e, ev.EmployeeCommented) and e.resumed for e in outcome.events):
        text = _("Thank you! Your answer on №{number} has gone to the engineer; work goes on.")
    else:
        text = _("Added to №{number}; the engineer will see it.")
    await message.answer(text.format(number=n), reply_markup=main_keyboard())


async def follow_ticket_up(
    uow: UnitOfWork,
    clock: Clock,
    action: Action,
    number: int,
    tg_id: int,
    text: str,
    attachments: tuple[Attachment, ...],
) -> Outcome[None]:
    """The message on ticket `number`, as one change: a reopening (its words are the
    reason), a comment (the words, or the files), a confirmation that it works."""
    if action is Action.CLOSE:  # "уже не надо": the words are the reason
        withdrawn = await follow_ups.withdraw(uow, clock, ticket_id=number, tg_id=tg_id, words=text)
        return Outcome(None, withdrawn.events)
    events: list[ev.Event] = []
    if action is Action.REOPEN:
        reason = text or _("(sent a file)")
        reopened = await employee_tickets.reopen(
            uow, clock, ticket_id=number, tg_id=tg_id, reason=reason
        )
        events += reopened.events
        text = ""  # the reason is the words; the files follow as a comment
    if text or attachments:
        comment = await employee_tickets.comment_as_employee(
            uow,
            clock,
            ticket_id=number,
            tg_id=tg_id,
            text=text,
            attachments=attachments,
            complaint=action is Action.COMPLAIN,
        )
        events += comment.events
    if action is Action.CONFIRM:
        closed = await employee_tickets.confirm_resolution(
            uow, clock, ticket_id=number, tg_id=tg_id
        )
        events += closed.events
    return Outcome(None, tuple(events))


# --- asking where it belongs --------------------------------------------------------------


def short(ticket: Conversation | None, number: int) -> str:
    """ "№5 · не печатает принтер…": the number and a few words, for a button."""
    title = few_words(ticket.title, 28) if ticket is not None else ""
    return f"{ticket_no(number)} · {title}" if title else ticket_no(number)


def question(ask: Ask, tickets: dict[int, Conversation]) -> tuple[str, list[tuple[str, str, int]]]:
    """The question's text and its buttons as (label, action, ticket)."""
    actions = {o.action for o in ask.options}
    named = list(dict.fromkeys(o.ticket for o in ask.options if o.ticket is not None))
    first = tickets.get(named[0]) if named else None
    # "Проблема осталась?" about one resolved request: the buttons answer yes or no
    resolved = len(named) == 1 and first is not None and first.status is TicketStatus.RESOLVED
    resolved = resolved and Action.REOPEN in actions
    rows: list[tuple[str, str, int]] = []
    for option in ask.options:
        n = option.ticket or 0
        ticket = tickets.get(n)
        if option.action is Action.ATTACH and (Action.CLOSE in actions or resolved):
            label = _("💬 No, pass it on to the engineer")
        elif option.action in (Action.ATTACH, Action.COMPLAIN):
            label = _("💬 To request {ticket}").format(ticket=short(ticket, n))
        elif option.action is Action.CONFIRM:
            label = "✅ " + short(ticket, n)
        elif option.action is Action.CLOSE:
            label = _("🚫 Yes, close it")
        elif option.action is Action.REOPEN and len(named) > 1:
            label = "↩️ " + short(ticket, n)
        elif option.action is Action.REOPEN and resolved:
            label = _("↩️ Yes, back to work")
        elif option.action is Action.REOPEN:
            label = _("↩️ Back to work, №{number}").format(number=n)
        else:
            label = _("📝 New request")
        rows.append((label, option.action.value, n))
    if actions == {Action.NEW}:
        rows.append((_("✖ No need"), "drop", 0))
        text = _("Request №{number} is already finished. Make a new request of your message?")
    elif Action.CLOSE in actions:
        text = _("Is request №{number} ({title}) no longer needed?")
        title = few_words(first.title, 40) if first is not None else ""
        return text.format(number=named[0], title=title), rows
    elif Action.CONFIRM in actions:
        text = _("Which of your requests works now?")
    elif Action.REOPEN in actions and len(named) > 1:
        text = _("Which request still does not work?")
    elif Action.REOPEN in actions and first is not None and first.status.is_open:
        text = _("Request №{number} is marked as resolved. Is the problem still there?")
    elif Action.REOPEN in actions:
        text = _("Request №{number} is closed. Open it again, or make a new request?")
    elif len(named) == 1:
        text = _("Is this about request №{number}, or a new request?")
    else:
        text = _("Which request is this about? Or is it a new one?")
    return text.format(number=named[0] if named else ""), rows


def question_markup(key: str, rows: list[Any]) -> Any:
    return inline(
        *[
            [(label, FollowUpCb(key=key, action=action, ticket=n).pack())]
            for label, action, n in rows
        ]
    )


async def hold_and_ask(
    message: Message,
    state: FSMContext,
    clock: Clock,
    ask: Ask,
    tickets: dict[int, Conversation],
    text: str,
    files: list[Attachment],
) -> None:
    """Keep the message and ask where it belongs."""
    text_of_question, rows = question(ask, tickets)
    held = HeldMessage(
        texts=[text] if text else [],
        files=files,
        album=message.media_group_id,
        question=text_of_question,
        rows=rows,
    )
    await state.set_state(FollowUp.choosing)
    await held.save(state)
    await ask_held(message, state, clock, held, tickets)


async def ask_held(
    message: Message,
    state: FSMContext,
    clock: Clock,
    held: HeldMessage,
    tickets: dict[int, Conversation],
) -> None:
    """Ask (again) about the held message: a new key makes an older question stale. What the
    tickets looked like is kept: if staff write or act meanwhile, the question is asked anew."""
    key = uuid.uuid4().hex[:12]
    await forget_question(message, held)  # one live question, not two
    asked = await message.answer(held.question, reply_markup=question_markup(key, held.rows))
    held.key = key
    held.asked_at = clock.now()
    held.asked_in = asked.message_id
    held.situation = situation(tickets)
    await held.save(state)


async def forget_question(message: Message, held: HeldMessage) -> None:
    """The question asked about a held message loses its buttons."""
    earlier = held.asked_in
    if earlier is not None and message.bot is not None:
        with contextlib.suppress(TelegramBadRequest):  # too old to edit, or deleted
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=earlier, reply_markup=None
            )


def situation(tickets: dict[int, Conversation]) -> list[TicketSituation]:
    """The tickets' states and staff messages: what a question about them was asked in."""
    return [
        (n, c.status.value, c.staff_messages)
        for n, c in sorted(tickets.items())
        if c.status.is_open
    ]


# --- "больше не нужна?" -------------------------------------------------------------------

# The destiny (aiogram's StorageKey.destiny, a public part of the FSM key) under which the
# question whether to close a request is kept: beside the conversation's own state, so an
# intake begun meanwhile neither ends it nor is held up by it.
CLOSING = "closing"


def closing_of(state: FSMContext) -> FSMContext:
    """Where the open question "Заявка №N больше не нужна?" and its words are kept."""
    key = dataclasses.replace(state.key, destiny=CLOSING)
    return FSMContext(storage=state.storage, key=key)


async def ask_to_close(
    message: Message,
    state: FSMContext,
    clock: Clock,
    ask: Ask,
    tickets: dict[int, Conversation],
    text: str,
    files: list[Attachment],
) -> None:
    """ "Заявка №N больше не нужна?" about the words just written; what is written next goes
    its own way."""
    closing = closing_of(state)
    await forget_question(message, await HeldMessage.load(closing))  # one such question
    text_of_question, rows = question(ask, tickets)
    key = uuid.uuid4().hex[:12]
    asked = await message.answer(text_of_question, reply_markup=question_markup(key, rows))
    held = HeldMessage(
        texts=[text] if text else [],
        files=files,
        question=text_of_question,
        rows=rows,
        key=key,
        asked_at=clock.now(),
        asked_in=asked.message_id,
    )
    await held.save(closing)


async def close_answered(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    text: str,
) -> bool:
    """A typed "да" (close it) or "нет" (pass the words on) to a recent "больше не нужна?":
    done as its button; anything else is not an answer to it."""
    closing = closing_of(state)
    held = await HeldMessage.load(closing)
    if not held.key or asked_long_ago(held, clock):
        return False
    reply = read_answer(Question.CLOSE_TICKET, text)
    if reply is None:
        return False
    wanted = Action.CLOSE if reply is Reply.YES else Action.ATTACH
    option = next(
        (Option(wanted, n) for _label, action, n in held.rows if action == wanted.value), None
    )
    if option is None:
        return False
    await closing.clear()
    await forget_question(message, held)
    words = "\n".join(held.texts)
    await carry_out(option, message, state, actor, uow, clock, notifier, words, held.files)
    return True


@router.message(FollowUp.choosing, TEXT)
@router.message(FollowUp.choosing, MEDIA)
@router.message(FollowUp.choosing, F.sticker)
async def more_while_asked(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """More written before the choice. What plainly belongs somewhere (an answer the
    engineer awaits, thanks) goes there; the rest joins the held message, and the question
    is not asked again, unless the conversation has moved on since, or long ago."""
    held = await HeldMessage.load(state)
    text, files = content_of(message)
    if message.media_group_id is not None and message.media_group_id == held.album:
        held.files = [*held.files, *files][: intake.MAX_FILES]
        await held.save(state)
        return  # the rest of an album: it goes with its first picture, without a word
    routing = await route(message, actor, uow, clock, text, files)
    where = routing.route
    if isinstance(where, Chat):
        await chat(message, where)
        return
    if isinstance(where, Status):
        await tell_status(message, actor, uow, clock, notifier, where, text)
        return
    if isinstance(where, AskIfWorks):
        await ask_if_it_works(message, where.ticket)
        return
    if isinstance(where, Do) and joins_held(held, where.option):
        # "всё равно не печатает" after the details: the answer to the question, and the
        # details go with it, as when the button is pressed.
        await state.clear()
        await forget_question(message, held)
        together = "\n".join([*held.texts, *([text] if text else [])])
        files = [*held.files, *files][: intake.MAX_FILES]
        await carry_out(where.option, message, state, actor, uow, clock, notifier, together, files)
        return
    if isinstance(where, Do) and where.option.action is not Action.NEW:
        # Not a new request, so the state (the held message) is left as it is.
        await carry_out(where.option, message, state, actor, uow, clock, notifier, text, files)
        return
    held.texts = [*held.texts, *([text] if text else [])]
    held.files = [*held.files, *files][: intake.MAX_FILES]
    held.album = message.media_group_id or held.album
    moved_on = situation(routing.tickets) != held.situation
    if isinstance(where, Ask) and moved_on:
        held.question, held.rows = question(where, routing.tickets)
    await held.save(state)
    if moved_on or asked_long_ago(held, clock):
        await ask_held(message, state, clock, held, routing.tickets)
    else:
        await message.answer(_("Added that too. Please choose above where your message goes."))


@router.callback_query(FollowUpCb.filter())
async def chosen(
    query: CallbackQuery,
    callback_data: FollowUpCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The person said where the held message goes."""
    held = await HeldMessage.load(state)
    asked_here = await state.get_state() == FollowUp.choosing.state
    kept = state
    if not asked_here or held.key != callback_data.key:  # "больше не нужна?", kept apart
        kept = closing_of(state)
        held = await HeldMessage.load(kept)
    offered = {(action, n) for _label, action, n in held.rows}
    choice = (callback_data.action, callback_data.ticket)
    if held.key != callback_data.key or choice not in offered:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    await kept.clear()
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()
    if callback_data.action == "drop":
        await pressed.answer(_("All right, I did not send it anywhere."))
        return
    option = Option(Action(callback_data.action), callback_data.ticket or None)
    text = "\n".join(held.texts)
    await carry_out(option, pressed, state, actor, uow, clock, notifier, text, held.files)


def joins_held(held: HeldMessage, option: Option) -> bool:
    """Whether the message answers the question asked about the held one ("Проблема
    осталась?" — "всё равно не печатает"): it reopens the request a button would have."""
    offered = {(action, n) for _label, action, n in held.rows}
    return option.action is Action.REOPEN and (option.action.value, option.ticket) in offered


def asked_long_ago(held: HeldMessage, clock: Clock) -> bool:
    return held.asked_at is None or clock.now() - held.asked_at > ASK_AGAIN_AFTER


# --- "что с моей заявкой?" -----------------------------------------------------------


async def tell_status(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    asked: Status,
    text: str,
) -> None:
    """How the open requests stand, from the requests themselves; with none open, what the
    bot can do."""
    if not asked.tickets or actor.client is None:
        await chat(message, Chat(Gist.STATUS))
        return
    outcome = await perform(
        employee_tickets.answer_status(
            uow, clock, tg_id=actor.tg_id, numbers=asked.tickets, text=text
        ),
        uow,
        notifier,
        lambda exc: message.answer(domain_error_text(exc)),
    )
    if outcome is None:
        return
    answer = outcome.value
    now, locale = clock.now(), get_i18n().current_locale
    lines = []
    for standing in answer.standings:
        ticket, n = standing.ticket, standing.ticket.number
        if ticket.status is TicketStatus.WAITING_CLIENT:
            lines.append(
                _("№{number}: the engineer is waiting for your answer; just write it here.").format(
                    number=n
                )
            )
            continue
        if ticket.emergency and ticket.status is TicketStatus.NEW:
            lines.append(
                _(
                    "№{number}: new; we are calling the on-duty engineer. As soon as somebody "
                    "takes it, I will write here who is helping you."
                ).format(number=n)
            )
            continue
        if standing.starts_at is not None:
            moment = moment_phrase(standing.starts_at, now, answer.timezone, locale)
            head = _("№{number}: new, we will take it up {moment}").format(number=n, moment=moment)
        elif ticket.status is TicketStatus.NEW and ticket.reaction_due is not None:
            by = deadline(ticket.reaction_due, now, answer.timezone, locale)
            head = _("№{number}: new, we will answer by {time}").format(number=n, time=by)
        elif standing.assignee and ticket.status in (
            TicketStatus.IN_PROGRESS,
            TicketStatus.REOPENED,
        ):
            head = _("№{number}: in progress, {name} is on it").format(
                number=n, name=standing.assignee
            )
        else:
            head = _("№{number}: {status}").format(number=n, status=status_name(ticket.status))
        due = due_text(ticket, actor.client, clock)
        lines.append(head + (f", {due}." if due else "."))
    if answer.passed_on is not None:
        lines.append(_("I have passed your question on to support as well."))
    await message.answer("\n".join(lines), reply_markup=main_keyboard())


# --- thanks and small talk --------------------------------------------------------------


async def ask_if_it_works(message: Message, number: int) -> None:
    """Thanks after a fix: one tap confirms it (or says it still fails)."""
    await message.answer(
        _("Glad to help! Request №{number} is resolved: does everything work now?").format(
            number=number
        ),
        reply_markup=inline(
            [
                (_("✅ It works"), TicketCb(ticket=number, action="confirm").pack()),
                (_("❌ It does not work"), TicketCb(ticket=number, action="reopen").pack()),
            ]
        ),
    )


CHAT_TEXTS = {
    Gist.GREETING: N_(
        "Hello! Tell me what happened or what you need, and I will register a request."
    ),
    Gist.THANKS: N_("You are welcome! If anything else comes up, just write."),
    Gist.WORKS: N_("Great! If anything else comes up, just write."),
    Gist.STATUS: N_(
        "You have no open requests. Describe a problem or what you need, and I will register "
        "a request; «📋 My tickets» shows the earlier ones."
    ),
}


async def chat(message: Message | Pressed, said: Chat) -> None:
    """A friendly word, never a new request; an answer the engineer awaits is mentioned."""
    if said.gist is Gist.GREETING and said.waiting:  # no "tell me what happened": it is known
        lines = [_("Hello!")]
    else:
        lines = [_(CHAT_TEXTS[said.gist]) if said.gist in CHAT_TEXTS else "👌"]
    waiting = _("The engineer is waiting for your answer on request №{number}: just write it here.")
    lines += [waiting.format(number=number) for number in said.waiting]
    await message.answer("\n\n".join(lines), reply_markup=main_keyboard())
