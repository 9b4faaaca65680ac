"""An employee who writes about the symptom of an open mass outage of their company is told
at once that it is known, and joins it with one tap, without the intake's questions
(domain/use_cases/outages.py); «У меня другое» goes on to an ordinary request with what
they wrote. What they wrote is held meanwhile: nothing is lost either way."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.answers import Question, Reply, read_answer
from domain.descriptions import topic_of
from domain.enums import Category
from domain.model import Attachment, Ticket
from domain.outages import OutageRule
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import outages
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import intake
from handlers.client.states import HeldMessage, OutageOffer
from handlers.ui.callbacks import OutageCb
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.pressed import Pressed
from handlers.ui.texts import N_

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_employee)
router.callback_query.filter(
    OutageCb.filter(F.action.in_({"join", "apart"})), lambda _q, actor: actor.is_employee
)

# How long "Добавить вас в список…?" waits for a typed answer.
OFFER_WAITS = timedelta(minutes=30)

# "Мы уже знаем о проблеме с интернетом в офисе…": the problem as the sentence names it.
PROBLEM_WITH = {
    Category.INTERNET_NETWORK: N_("problem with the internet in the office"),
    Category.SERVER: N_("problem with the server"),
    Category.ONE_C: N_("problem with 1C"),
    Category.EMAIL: N_("problem with e-mail"),
    Category.PHONE: N_("problem with the phones"),
    Category.PRINTER: N_("problem with the printer"),
}


def offer_text(outage: Ticket) -> str:
    said = PROBLEM_WITH.get(outage.category)
    problem = _(said) if said else _("problem «{title}»").format(title=html.escape(outage.title))
    return _(
        "We already know about the {problem} and are working on it (№{number}). "
        "Shall I add you to those we will tell when it is fixed?"
    ).format(problem=problem, number=outage.number)


async def offer(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    outage_rule: OutageRule,
    text: str,
    files: Sequence[Attachment],
) -> bool:
    """Whether `text`, about to start a new request, is about an open outage: then the
    employee is asked whether to join it, and their message is held."""
    outage = await outages.open_outage_about(uow, actor.tg_id, text, topic_of(text), outage_rule)
    if outage is None:
        return False
    n = outage.number
    sent = await message.answer(
        offer_text(outage),
        reply_markup=inline(
            [(_("✅ Yes, tell me"), OutageCb(action="join", id=n).pack())],
            [(_("No, mine is something else"), OutageCb(action="apart", id=n).pack())],
        ),
    )
    await state.set_state(OutageOffer.asked)
    held = HeldMessage(texts=[text], files=list(files), key=str(n), asked_in=sent.message_id)
    held.asked_at = clock.now()
    await held.save(state)
    return True


async def _held(state: FSMContext, outage: int) -> HeldMessage | None:
    """The message held for this outage's question, if that question is the live one."""
    if await state.get_state() != OutageOffer.asked.state:
        return None
    held = await HeldMessage.load(state)
    return held if held.key == str(outage) else None


async def join(
    message: Message | Pressed,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    held: HeldMessage,
) -> None:
    outage = int(held.key)
    outcome = await perform(
        outages.join(
            uow,
            clock,
            outage_id=outage,
            tg_id=actor.tg_id,
            text="\n".join(held.texts),
            attachments=held.files,
        ),
        uow,
        notifier,
        lambda exc: message.answer(
            _("That problem is already fixed, so here is a request of your own.")
        ),
        then=state.clear,
    )
    if outcome is None:
        await state.clear()
        await intake.start_with(message, state, clock, "\n".join(held.texts), held.files)
        return
    await message.answer(
        _(
            "Done: your request №{number} is in the list for №{outage}. "
            "As soon as it is fixed, I will write here."
        ).format(number=outcome.value.number, outage=outage),
        reply_markup=main_keyboard(),
    )


async def apart(
    message: Message | Pressed, state: FSMContext, clock: Clock, held: HeldMessage
) -> None:
    """Something else: an ordinary request, described by what they wrote."""
    await state.clear()
    await intake.start_with(message, state, clock, "\n".join(held.texts), held.files)


@router.callback_query(OutageCb.filter(F.action.in_({"join", "apart"})))
async def answered(
    query: CallbackQuery,
    callback_data: OutageCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«Да, сообщите мне» or «У меня другое» under the question."""
    pressed = Pressed(query)
    held = await _held(state, callback_data.id)
    if held is None:
        await query.answer(_("This question is no longer open."))
        return
    await query.answer()
    await pressed.drop_buttons()
    if callback_data.action == "join":
        await join(pressed, state, actor, uow, clock, notifier, held)
    else:
        await apart(pressed, state, clock, held)


@router.message(StateFilter(OutageOffer.asked), ~F.text.startswith("/"))
async def typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    outage_rule: OutageRule,
) -> None:
    """ "Да" joins, "нет" goes on to an ordinary request; anything else written meanwhile
    joins the held message, which then goes on as an ordinary request. A question left
    unanswered for long is over: what they write then goes where it belongs."""
    held = await HeldMessage.load(state)
    if held.asked_at is None or clock.now() - held.asked_at > OFFER_WAITS:
        from handlers.client import follow_up  # it builds on this module

        await state.clear()
        await follow_up.typed(message, state, actor, uow, clock, notifier, outage_rule)
        return
    text = (message.text or message.caption or "").strip()
    attachment = intake.attachment_of(message)
    files = [attachment] if attachment else []
    answer = read_answer(Question.KIND_GUESS, text) if not files else None
    if answer is Reply.YES:
        await join(message, state, actor, uow, clock, notifier, held)
        return
    if answer is not Reply.NO:
        held.texts += [text] if text else []
        held.files += files
    await apart(message, state, clock, held)
