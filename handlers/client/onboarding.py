"""Onboarding by invite: /start CODE, the name, the phone, and what the bot can do.
People the bot does not know are told how to get access; nothing of theirs is stored."""

from __future__ import annotations

import re
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError, InviteUnusable
from domain.names import PhoneSaid, Said, read_name_reply, read_phone_answer
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import accounts
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.intake import offer_to_resume, start_with
from handlers.client.states import Intake, IntakeDraft, Registration
from handlers.commands import set_director_commands, set_staff_commands, staff_help
from handlers.ui.callbacks import OnboardingCb
from handlers.ui.keyboards import SKIP, ButtonText, inline, main_keyboard, phone_keyboard
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
router.callback_query.filter(F.message.chat.type == "private")

# What an invite code looks like: what secrets.token_urlsafe makes, or a typed code.
INVITE_CODE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def help_text(actor: Actor | None) -> str:
    lines = [
        _(
            "Write to me when something is broken or you need something done: just describe "
            "it in your own words, you can add a photo or a screenshot."
        ),
        _(
            "I will ask two short questions, register the request and tell you when we will "
            "answer and when we will fix it. Every change of its status comes here."
        ),
        "",
        _("/new — report a problem or ask for something"),
        _("/my — your tickets and their status"),
        _("/status N — a ticket by its number (or just send #N)"),
    ]
    if actor is not None and actor.employee is not None and actor.employee.is_director:
        lines.append(_("/company — all tickets of your company"))
    lines += [_("/language — switch language"), _("/cancel — stop what we are doing")]
    return "\n".join(lines)


def invite_problem_text(reason: str) -> str:
    return {
        "expired": _("This invitation has expired. Ask the person who sent it for a new one."),
        "used_up": _("This invitation has already been used. Ask for a new one."),
        "revoked": _("This invitation has been withdrawn. Ask for a new one."),
    }.get(reason, _("I do not know this invitation code. Check it, or ask for a new link."))


def stranger_text() -> str:
    return _(
        "Hello! I am the IT support desk, and I only serve employees of our client companies.\n\n"
        "To get access, ask your director or your company's IT contact for an invitation "
        "link and open it, or send me the invitation code as a message."
    )


@router.message(CommandStart(deep_link=True))
async def start_with_code(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """The person opened an invitation link: check it and start registering them."""
    await begin_registration(message, command.args or "", state, actor, uow, clock)


async def begin_registration(
    message: Message, code: str, state: FSMContext, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    if actor.is_employee:
        assert actor.client is not None
        await state.clear()
        await message.answer(
            _("You are already registered with {company}.").format(company=actor.client.name),
            reply_markup=main_keyboard(),
        )
        return
    try:
        invite = await accounts.check_invite(uow, clock, code)
    except InviteUnusable as exc:
        await message.answer(invite_problem_text(exc.reason))
        return
    client = await uow.clients.get(invite.client_id)
    assert client is not None and message.from_user is not None
    name = message.from_user.full_name
    await state.set_state(Registration.name)
    await state.set_data({"code": invite.code, "name": name, "company": client.name})
    await message.answer(
        _("Hello! This is the IT support desk of {company}.").format(company=escape(client.name))
        + "\n\n"
        + name_question(name),
        reply_markup=name_buttons(),
    )


def name_question(name: str, note: str = "") -> str:
    """ "Как к вам обращаться? Олег — верно?" (the buttons: `name_buttons`)."""
    text = _("How shall we address you? <b>{name}</b>, is that right?").format(name=escape(name))
    return f"{note}\n\n{text}" if note else text


def name_buttons() -> Any:
    return inline(
        [(_("Yes, right"), OnboardingCb(action="name_ok").pack())],
        [(_("Type another name"), OnboardingCb(action="name_edit").pack())],
    )


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@router.message(CommandStart(deep_link=False))
async def start_plain(message: Message, state: FSMContext, actor: Actor, i18n: I18n) -> None:
    """/start without a code: a known person sees the menu, a stranger how to get in."""
    if actor.is_employee:
        step, data = await state.get_state(), await state.get_data()
        if step in Intake.__all_states_names__ and IntakeDraft.from_state(data).has_content:
            # the menu below, and the unsent request is offered to continue, never dropped
            await message.answer(help_text(actor), reply_markup=main_keyboard())
            await offer_to_resume(message, state)
            return
        await state.clear()
        await message.answer(help_text(actor), reply_markup=main_keyboard())
    elif actor.is_staff:
        assert actor.staff is not None and message.bot is not None
        await message.answer(_("Hello! You are registered as staff. /queue shows open tickets."))
        await set_staff_commands(message.bot, i18n, actor.tg_id, i18n.current_locale)
    else:
        await message.answer(stranger_text())


@router.callback_query(Registration.name, OnboardingCb.filter(F.action == "name_ok"))
async def name_confirmed(query: CallbackQuery, state: FSMContext) -> None:
    """The Telegram name is right: on to the phone number."""
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()  # answered: the question's buttons go
    await ask_phone(pressed, state)


@router.callback_query(Registration.name, OnboardingCb.filter(F.action == "name_edit"))
async def name_edit(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await state.set_state(Registration.typing_name)
    pressed = Pressed(query)
    await pressed.drop_buttons()
    await pressed.answer(_("How should we call you? Type your name."))


@router.message(Registration.name, ~F.text.startswith("/"))
async def name_answered(message: Message, state: FSMContext) -> None:
    """Typed instead of pressed: "да" goes on, "нет" asks for the name, a name ("нет, Оля",
    "меня зовут Ольга") is taken; anything else asks again, and the invitation stays open."""
    reply = read_name_reply(message.text or "")
    if reply.said is Said.YES:
        await ask_phone(message, state)
    elif reply.said is Said.NO:
        await state.set_state(Registration.typing_name)
        await message.answer(_("How should we call you? Type your name."))
    elif reply.said is Said.NAME:
        await state.update_data(name=reply.name)
        await ask_phone(
            message, state, note=_("Nice to meet you, {name}!").format(name=escape(reply.name))
        )
    else:
        name = (await state.get_data()).get("name") or ""
        note = _(
            "Sorry, I did not get that. To finish registering, tell me how to address you: "
            "press «Yes, right» or type your name."
        )
        await message.answer(name_question(name, note), reply_markup=name_buttons())


@router.message(Registration.typing_name, F.text)
async def name_typed(message: Message, state: FSMContext) -> None:
    """A name typed by the person replaces the one from Telegram."""
    text = " ".join((message.text or "").split())
    if not text or len(text) > 100 or text.startswith("/"):
        await message.answer(_("Please type your name in up to 100 characters."))
        return
    reply = read_name_reply(text, asked_to_type=True)
    if reply.said is not Said.NAME:
        await message.answer(_("Please type just your name, the way we should address you."))
        return
    await state.update_data(name=reply.name)
    await ask_phone(message, state)


async def ask_phone(message: Message | Pressed, state: FSMContext, note: str = "") -> None:
    await state.set_state(Registration.phone)
    text = _(
        "Would you share your phone number? The engineer may call you when that is quicker. "
        "You can skip this."
    )
    await message.answer(f"{note}\n\n{text}" if note else text, reply_markup=phone_keyboard())


@router.message(Registration.phone, F.contact)
async def phone_shared(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    i18n: I18n,
) -> None:
    """The person shared their own contact: register them with it."""
    assert message.contact is not None and message.from_user is not None
    if message.contact.user_id != message.from_user.id:
        await message.answer(_("Please share your own number with the button below, or skip."))
        return
    await finish_registration(
        message, state, uow, clock, notifier, i18n, phone=message.contact.phone_number
    )


@router.message(Registration.phone, ButtonText(SKIP))
async def phone_skipped(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    i18n: I18n,
) -> None:
    await finish_registration(message, state, uow, clock, notifier, i18n, phone=None)


@router.message(Registration.phone, F.text, ~F.text.startswith("/"))
async def phone_typed(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    i18n: I18n,
) -> None:
    """Typed instead of pressed: a number registers with it, "не надо" skips, and a problem
    described at once registers without a number and becomes the first request."""
    text = message.text or ""
    reply = read_phone_answer(text)
    if reply.said is PhoneSaid.UNCLEAR:
        await phone_other(message)
        return
    registered = await finish_registration(
        message, state, uow, clock, notifier, i18n, phone=reply.phone or None
    )
    if registered and reply.said is PhoneSaid.PROBLEM:
        await start_with(message, state, clock, text.strip(), [])


@router.message(Registration.phone)
async def phone_other(message: Message) -> None:
    await message.answer(
        _("Press «{share}» or «{skip}» below.").format(
            share=_("📱 Share my phone number"), skip=_(SKIP)
        ),
        reply_markup=phone_keyboard(),
    )


async def finish_registration(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    i18n: I18n,
    *,
    phone: str | None,
) -> bool:
    """Register the newcomer; False when the invitation no longer works."""
    data = await state.get_data()
    user = message.from_user
    assert user is not None
    await state.clear()  # registered or not, the registration is over

    async def refused(exc: DomainError) -> None:
        text = (
            invite_problem_text(exc.reason)
            if isinstance(exc, InviteUnusable)
            else _("I could not register you: {reason}").format(reason=exc.message)
        )
        await message.answer(text, reply_markup=ReplyKeyboardRemove())

    outcome = await perform(
        accounts.register_employee(
            uow,
            clock,
            code=data.get("code", ""),
            tg_id=user.id,
            name=data.get("name") or user.full_name,
            locale=i18n.current_locale,
            username=user.username,
            phone=phone,
        ),
        uow,
        notifier,
        refused,
    )
    if outcome is None:
        return False
    employee = outcome.value
    client = await uow.clients.get(employee.client_id)
    assert client is not None
    actor = Actor(tg_id=user.id, employee=employee, client=client)
    await message.answer(
        _("Done, {name}! You are registered with {company}.").format(
            name=employee.name, company=client.name
        )
        + "\n\n"
        + help_text(actor),
        reply_markup=main_keyboard(),
    )
    if employee.is_director and message.bot is not None:
        await set_director_commands(message.bot, i18n, user.id, i18n.current_locale)
    return True


@router.message(StateFilter(None), F.text.regexp(INVITE_CODE), lambda m, actor: not actor.is_known)
async def code_typed(
    message: Message, state: FSMContext, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """A stranger typed what looks like an invitation code."""
    await begin_registration(message, (message.text or "").strip(), state, actor, uow, clock)


@router.message(Command("help"))
async def show_help(message: Message, actor: Actor) -> None:
    """What the bot can do, for whoever asks."""
    if actor.is_employee:
        await message.answer(help_text(actor), reply_markup=main_keyboard())
    elif actor.is_staff:
        await message.answer(staff_help(get_i18n().current_locale))
    else:
        await message.answer(stranger_text())
