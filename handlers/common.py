"""What works everywhere (/cancel, /language), group chats, blocking the bot, and the
catch-alls that answer anything no other handler took."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import (
    JOIN_TRANSITION,
    LEAVE_TRANSITION,
    ChatMemberUpdatedFilter,
    Command,
)
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import accounts, employee_tickets
from handlers.acting import perform
from handlers.actor import Actor
from handlers.ui.callbacks import LanguageCb
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.pressed import Pressed

log = logging.getLogger(__name__)
router = Router(name=__name__)
fallback_router = Router(name=f"{__name__}.fallback")

LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def not_a_client_group(_message: Message, client_group: object = None) -> bool:
    """Messages in a bound client group are handled by handlers/client/group_chat.py."""
    return client_group is None


@router.message(F.chat.type != "private", F.text.startswith("/"), not_a_client_group)
async def command_in_group(message: Message, actor: Actor) -> None:
    """Client commands are for private chats; staff commands in the staff chat come later."""
    if actor.is_staff:
        return
    await message.answer(_("I work in private messages: write to me directly."))


@router.message(F.chat.type != "private", not_a_client_group)
async def ignore_group_chatter(message: Message) -> None:
    """Ordinary talk in groups is not for the bot."""


@router.message(Command("cancel"))
async def cancel_anything(message: Message, state: FSMContext, actor: Actor) -> None:
    """/cancel stops whatever conversation is going on; nothing unsent is kept."""
    current = await state.get_state()
    await state.clear()
    keyboard = main_keyboard() if actor.is_employee else ReplyKeyboardRemove()
    if current is None:
        await message.answer(_("There is nothing to cancel."), reply_markup=keyboard)
    else:
        await message.answer(_("Cancelled. Nothing was sent."), reply_markup=keyboard)


@router.message(Command("language"))
async def choose_language(message: Message) -> None:
    """Offer the languages the bot speaks."""
    await message.answer(
        _("Choose the language:"),
        reply_markup=inline(
            [(name, LanguageCb(locale=code).pack()) for code, name in LANGUAGE_NAMES.items()]
        ),
    )


@router.callback_query(LanguageCb.filter())
async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    actor: Actor,
    uow: UnitOfWork,
    notifier: Notifier,
    i18n: I18n,
) -> None:
    """Remember the language of a registered person; answer in it at once."""
    locale = callback_data.locale
    if locale not in LANGUAGE_NAMES:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    if actor.is_employee or actor.is_staff:  # somebody else is answered, nothing is kept
        kept = await perform(
            accounts.set_language(uow, actor.tg_id, locale),
            uow,
            notifier,
            lambda _exc: query.answer(_("This card is out of date."), show_alert=True),
        )
        if kept is None:
            return
    with i18n.use_locale(locale):
        await query.answer()
        text = _("Language: {name}").format(name=LANGUAGE_NAMES[locale])
        if actor.is_employee:
            await Pressed(query).answer(text, reply_markup=main_keyboard())
        else:
            await Pressed(query).answer(text)


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION))
async def blocked(event: ChatMemberUpdated) -> None:
    """The person blocked the bot: nothing to say (they cannot hear it); the delivery of
    notices to them fails and the manager is told."""


@router.my_chat_member(
    F.chat.type != "private", ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION)
)
async def added_to_group(
    event: ChatMemberUpdated, bot: Bot, staff_chat_id: int | None = None
) -> None:
    """The bot was added to a group: it serves the staff chat only (client group chats are
    not supported), so it leaves any other group at once, before anybody asks it there."""
    if event.chat.id == staff_chat_id:
        return
    log.info(
        "added to chat %s (%s) by user %s, which it does not serve: leaving it",
        event.chat.id,
        event.chat.type,
        event.from_user.id,
    )
    await bot.leave_chat(event.chat.id)


@router.my_chat_member(
    F.chat.type == "private", ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION)
)
async def came_back(event: ChatMemberUpdated, actor: Actor) -> None:
    """The person unblocked the bot: welcome them back with the menu."""
    if actor.is_employee:
        await event.answer(
            _("Welcome back! Your tickets are in /my."), reply_markup=main_keyboard()
        )


# --- catch-alls: nothing above took it ----------------------------------------------------


@fallback_router.message(F.chat.type == "private", lambda _m, actor: not actor.is_known)
async def stranger(message: Message) -> None:
    """Somebody the bot does not know: how to get access (nothing of theirs is stored)."""
    from handlers.client.onboarding import stranger_text

    await message.answer(stranger_text())


@fallback_router.message(F.chat.type == "private", F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know this command here. /help shows what I can do."))


@fallback_router.message(F.chat.type == "private")
async def not_now(message: Message) -> None:
    """Anything else that does not fit the current step."""
    await message.answer(
        _("That does not fit here. Please use the buttons above, or /cancel to start over.")
    )


@fallback_router.edited_message()
async def edited_elsewhere(
    message: Message, actor: Actor, uow: UnitOfWork, clock: Clock, notifier: Notifier
) -> None:
    """An employee's edit of a message sent lately is passed to the request they last
    wrote to, as a correction; other edits change nothing, and tickets take comments."""
    if message.chat.type != "private":
        return
    text = (message.text or message.caption or "").strip()
    if actor.is_employee and text:
        passed = await perform(
            employee_tickets.correct_last_written(uow, clock, tg_id=actor.tg_id, text=f"✏️ {text}"),
            uow,
            notifier,
            lambda _exc: _nothing(),
        )
        if passed is not None:
            number = passed.value.ticket_id
            await message.reply(
                _("I passed the correction on to request №{number}.").format(number=number)
            )
            return
    await message.answer(
        _(
            "Edits of sent messages do not change a registered request. "
            "Add a comment to the ticket in /my instead."
        )
    )


async def _nothing() -> None:
    """No request to pass an edit to: the answer below says what to do instead."""


@fallback_router.callback_query()
async def unknown_button(query: CallbackQuery) -> None:
    """A button this bot does not know (old, or forged)."""
    await query.answer(_("This card is out of date."), show_alert=True)
