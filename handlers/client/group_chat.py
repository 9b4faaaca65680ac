"""The bot in a client's own group chat (domain/group_chat.py has the rules).

In a group bound to a client the bot answers only when spoken to: a mention, a reply to
one of its messages, `/new описание`, or `#заявка` / `#problem`. The request's questions
are asked in the group as replies to its author (their conversation state is theirs in
this chat: the FSM's key is the person in the chat), and only the author presses its
buttons. What the intake says in the group replies to the author's message and shows no
keyboard of its own (bot/telegram/group_chat.py). Groups not bound get nothing but the
short answer to a command every group gets; the members' own talk there is neither
answered nor kept.
"""

from __future__ import annotations

import contextlib
import html
import logging
from dataclasses import replace

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import (
    JOIN_TRANSITION,
    LEAVE_TRANSITION,
    ChatMemberUpdatedFilter,
    Command,
    CommandObject,
)
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.i18n import gettext as _

from domain.errors import AccessDenied, DomainError, InviteUnusable
from domain.group_chat import (
    BIND,
    NEW,
    Author,
    ClientGroup,
    GroupMessage,
    addressed,
    author_in_group,
    command_name,
    may_stay_when_added,
    request_words,
)
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import client_groups
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import intake
from handlers.client.follow_up import replied_ticket
from handlers.client.group_context import GROUPS, group_message, in_client_group
from handlers.client.states import Intake, IntakeDraft
from handlers.ui.callbacks import IntakeCb
from handlers.ui.texts import N_

log = logging.getLogger(__name__)
router = Router(name=__name__)
private_router = Router(name=f"{__name__}.private")
private_router.message.filter(F.chat.type == "private")


NOT_YOURS = N_(
    "This is not your request. To report your own problem, mention me or write /new with a "
    "few words."
)


def not_the_staff_chat(
    event: Message | CallbackQuery | ChatMemberUpdated, staff_chat_id: int | None = None
) -> bool:
    chat = event.message.chat if isinstance(event, CallbackQuery) and event.message else None
    chat = chat or getattr(event, "chat", None)
    return chat is not None and chat.id != staff_chat_id


router.message.filter(F.chat.type.in_(GROUPS), not_the_staff_chat)
router.edited_message.filter(F.chat.type.in_(GROUPS), not_the_staff_chat)
router.callback_query.filter(F.message.chat.type.in_(GROUPS), not_the_staff_chat)
router.my_chat_member.filter(F.chat.type.in_(GROUPS), not_the_staff_chat)


# --- the group's life ------------------------------------------------------------------


@router.message(F.migrate_to_chat_id)
async def became_supergroup(message: Message, uow: UnitOfWork, notifier: Notifier) -> None:
    """The group became a supergroup: its binding follows the new chat id."""
    assert message.migrate_to_chat_id is not None
    await _move(message.chat.id, message.migrate_to_chat_id, uow, notifier)


@router.message(F.migrate_from_chat_id)
async def supergroup_from_group(message: Message, uow: UnitOfWork, notifier: Notifier) -> None:
    """The same move, told in the new supergroup (whichever comes first moves it)."""
    assert message.migrate_from_chat_id is not None
    await _move(message.migrate_from_chat_id, message.chat.id, uow, notifier)


async def _move(old: int, new: int, uow: UnitOfWork, notifier: Notifier) -> None:
    outcome = await perform(
        client_groups.migrated(uow, old_chat_id=old, new_chat_id=new),
        uow,
        notifier,
        _log_refusal,
    )
    if outcome is not None and outcome.value:
        log.info("client group %s became supergroup %s: its binding moved", old, new)


async def _log_refusal(exc: DomainError) -> None:
    log.info("refused in a group: %s", exc.message)


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION))
async def added(event: ChatMemberUpdated, bot: Bot, actor: Actor | None = None) -> None:
    """Added by staff or a client's director, the bot stays and says how to bind the group;
    added by anybody else, it leaves at once."""
    by_director = (
        actor is not None
        and actor.is_employee
        and actor.employee is not None
        and actor.employee.is_director
    )
    if not may_stay_when_added(
        by_staff=actor is not None and actor.is_staff, by_director=by_director
    ):
        log.info(
            "added to chat %s (%s) by user %s, who may not add it: leaving it",
            event.chat.id,
            event.chat.type,
            event.from_user.id,
        )
        await bot.leave_chat(event.chat.id)
        return
    await bot.send_message(
        event.chat.id,
        _(
            "Hello! To take this company's requests here, I need the group bound to it: the "
            "company's director or personal manager sends /bind and the code the "
            "administrator gave them. Make me an admin of the group, so that I see messages "
            "with #заявка."
        ),
    )


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION))
async def removed(event: ChatMemberUpdated, uow: UnitOfWork, notifier: Notifier) -> None:
    """Removed from the group: its binding is kept, inactive; requests opened there are
    told about privately from now on."""
    outcome = await perform(
        client_groups.bot_removed(uow, chat_id=event.chat.id), uow, notifier, _log_refusal
    )
    if outcome is not None and outcome.value is not None:
        log.info("removed from client group %s: its binding is inactive", event.chat.id)


@router.message(Command(BIND))
async def bind(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    bot_username: str,
) -> None:
    """`/bind CODE` by the client's director or personal manager binds the group."""
    if message.sender_chat is not None:
        await message.reply(
            _(
                "I cannot tell who is writing: please send /bind on your own behalf, "
                "not anonymously."
            )
        )
        return
    code = (command.args or "").strip()
    if not code:
        await message.reply(_("Please send the code after the command: /bind CODE."))
        return
    assert message.from_user is not None

    async def refused(exc: DomainError) -> None:
        await message.reply(_bind_refusal(exc))

    outcome = await perform(
        client_groups.bind(
            uow,
            clock,
            code=code,
            chat_id=message.chat.id,
            title=message.chat.title or "",
            tg_id=message.from_user.id,
        ),
        uow,
        notifier,
        refused,
    )
    if outcome is None:
        return
    client = await uow.clients.get(outcome.value.client_id)
    await message.reply(
        _(
            "Done: this group is bound to {client}. To report a problem here, mention me "
            "(@{bot}), reply to my message, write /new with a few words, or add #заявка. I "
            "do not read the rest of the talk in the group."
        ).format(client=html.escape(client.name if client else ""), bot=bot_username)
    )


def _bind_refusal(exc: DomainError) -> str:
    if isinstance(exc, InviteUnusable):
        return {
            "expired": _("This code has expired. Please ask your personal manager for a new one."),
            "used": _(
                "This code has been used already. Please ask your personal manager for a new one."
            ),
        }.get(exc.reason, _("There is no such code. Please check it, or ask for a new one."))
    if isinstance(exc, AccessDenied):
        return _("Only the company's director or its personal manager can bind a group.")
    return _("This group is bound to another company already.")


@private_router.message(Command(BIND))
async def bind_elsewhere(message: Message) -> None:
    """/bind is sent in the group to bind, not here."""
    await message.reply(
        _(
            "/bind works in the group chat: add me to the company's group and send /bind "
            "with the code there."
        )
    )


# --- buttons -----------------------------------------------------------------------------


@router.callback_query()
async def pressed_in_group(
    query: CallbackQuery, actor: Actor | None = None, client_group: ClientGroup | None = None
) -> None:
    """Only the author of a request (or the company's director, who acts for them) presses
    its buttons; the others are told so and nothing changes."""
    if client_group is None:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    message = query.message
    replied = message.reply_to_message if isinstance(message, Message) else None
    owner = replied.from_user.id if replied is not None and replied.from_user else None
    if owner is not None and actor is not None and owner == actor.tg_id:
        raise SkipHandler  # the intake's own handlers take it
    await query.answer(_("This is not your request."))


# --- messages ----------------------------------------------------------------------------


@router.edited_message()
async def edited(message: Message) -> None:
    """Edits in a group change nothing and are not answered (the members edit their own
    talk all the time)."""


@router.message(in_client_group)
async def spoken_to(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    bot: Bot,
    bot_username: str,
    client_group: ClientGroup,
    actor: Actor | None = None,
    group_members_join: bool = True,
) -> None:
    """A message in a bound group: the members' own talk is left alone; a message for the
    bot starts or goes on with its author's request."""
    about = group_message(message, bot.id)
    if not addressed(about, bot_username):
        return
    if message.forward_origin is not None:
        await message.reply(
            _(
                "I do not take forwarded messages as requests: please describe the problem in "
                "your own words and mention me."
            )
        )
        return
    user = message.from_user
    if await _answers_someone_else(message, about, state, bot_username):
        await message.reply(_(NOT_YOURS))
        return
    author = author_in_group(
        sender_chat=message.sender_chat is not None or user is None,
        is_staff=actor is not None and actor.is_staff,
        employee_client_id=actor.employee.client_id if actor and actor.employee else None,
        employee_active=actor is not None and actor.employee is not None and actor.employee.active,
        group_client_id=client_group.client_id,
        members_join=group_members_join,
    )
    if author is not Author.EMPLOYEE and author is not Author.JOINS:
        await message.reply(_refusal(author))
        return
    if actor is not None and actor.is_former_client:
        await message.reply(_("The company's contract has ended: I take no more requests here."))
        return
    assert user is not None
    if author is Author.JOINS:
        joined = await perform(
            client_groups.join(
                uow,
                clock,
                group=client_group,
                tg_id=user.id,
                name=user.full_name,
                username=user.username,
            ),
            uow,
            notifier,
            lambda _exc: message.reply(
                _("The company's contract has ended: I take no more requests here.")
            ),
        )
        if joined is None:
            return
    await _go_on(message, about, state, uow, clock, bot_username)


def _intake_of_card(message: Message) -> str | None:
    """The intake a bot's question belongs to, read from its buttons (a reply does not say
    whom the replied message answered: Telegram sends no reply of a reply)."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup is not None else []:
        for button in row:
            data = button.callback_data or ""
            if data.startswith(IntakeCb.__prefix__ + IntakeCb.__separator__):
                with contextlib.suppress(TypeError, ValueError):
                    return IntakeCb.unpack(data).intake
    return None


async def _answers_someone_else(
    message: Message, about: GroupMessage, state: FSMContext, bot_username: str
) -> bool:
    """A reply to the bot's question about another member's request (and nothing else in
    it calls the bot): it is not theirs to answer."""
    replied = message.reply_to_message
    card = _intake_of_card(replied) if replied is not None else None
    if card is None or addressed(replace(about, reply_to_bot=False), bot_username):
        return False
    return card != IntakeDraft.from_state(await state.get_data()).intake


async def _opened_here_by(uow: UnitOfWork, number: int, message: Message) -> bool:
    """Whether request `number` was opened in this group by the one who writes."""
    origin = await uow.client_groups.ticket_origin(number)
    ticket = await uow.tickets.get(number) if origin is not None else None
    author = await uow.employees.get(ticket.employee_id) if ticket is not None else None
    return (
        origin is not None
        and origin[0].chat_id == message.chat.id
        and author is not None
        and message.from_user is not None
        and author.tg_id == message.from_user.id
    )


async def _go_on(
    message: Message,
    about: GroupMessage,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    bot_username: str,
) -> None:
    """The author's request: a new one, or the one they are answering questions about."""
    command = command_name(about.command, bot_username)
    step = await state.get_state()
    if command == "cancel":
        await state.clear()
        await message.reply(
            _("Cancelled. Nothing was sent.")
            if step in Intake.__all_states_names__
            else _("There is nothing to cancel.")
        )
        return
    if command is not None and command != NEW:
        await message.reply(
            _(
                "Here I take requests: mention me, or write /new with a few words. Your "
                "requests and their news are in our private chat too."
            )
        )
        return
    if step is not None and step not in Intake.__all_states_names__:
        raise SkipHandler  # their other step here (a rating, a comment asked for)
    if step is None and command is None and (number := replied_ticket(message)) is not None:
        if await _opened_here_by(uow, number, message):
            raise SkipHandler  # an answer to the news of their request: the follow-ups
        await message.reply(_(NOT_YOURS))
        return
    if step in Intake.__all_states_names__:
        if command == NEW and IntakeDraft.from_state(await state.get_data()).has_content:
            await intake.offer_to_resume(message, state)
            return
        if command != NEW:
            raise SkipHandler  # an answer to the intake's question: its handlers take it
    await state.clear()
    words = request_words(about, bot_username)
    attachment = intake.attachment_of(message)
    if not words and attachment is None:
        await intake.start_intake(state, clock)
        # In a group the bot sees only what is for it: the description must be a reply.
        hint = _("Please send it as a reply to this message, so that I see it.")
        await message.reply(f"{_(intake.NEW_REQUEST_PROMPT)} {hint}")
        return
    await intake.start_with(message, state, clock, words, [attachment] if attachment else [])


def _refusal(author: Author) -> str:
    return {
        Author.ANONYMOUS: _(
            "I cannot tell who is writing: requests are taken from people writing on their "
            "own behalf, not as the group or a channel."
        ),
        Author.OTHER_COMPANY: _(
            "This group takes the requests of its company's employees. You are registered "
            "with another company: please write to me in a private chat."
        ),
        Author.REMOVED: _(
            "You have no access to this company's requests any more. Please ask your director."
        ),
        Author.STAFF: _("Support staff work on requests in the staff chat, not here."),
        Author.STRANGER: _(
            "I take requests here from the company's registered employees. Please ask your "
            "director for an invitation."
        ),
    }[author]
