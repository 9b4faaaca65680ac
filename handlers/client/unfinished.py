"""The buttons of the reminder that a request was left unsent (bot/workers/unfinished_intakes.py):
send it as it stands, or drop it. Answering the question it stopped at works as ever."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from domain.paging import needs_confirmation
from domain.ports import Clock, Notifier, UnitOfWork
from domain.unfinished import as_it_stands
from handlers.actor import Actor
from handlers.client.intake import announce, register, start_queued
from handlers.client.states import Intake, IntakeDraft
from handlers.ui.callbacks import IntakeCb
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.callback_query.filter(lambda _q, actor: actor.is_employee)

UNFINISHED = F.action.in_({"asis", "drop"})


@router.callback_query(IntakeCb.filter(UNFINISHED), ~StateFilter(Intake))
async def already_settled(query: CallbackQuery) -> None:
    """The request was sent, cancelled or dropped since the reminder."""
    await query.answer(_("This request has already been sent or cancelled."), show_alert=True)
    with contextlib.suppress(TelegramBadRequest):
        await Pressed(query).drop_buttons()


@router.callback_query(StateFilter(Intake), IntakeCb.filter(UNFINISHED))
async def unfinished(
    query: CallbackQuery,
    callback_data: IntakeCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    draft = await IntakeDraft.load(state)
    if draft.intake != callback_data.intake:
        await already_settled(query)
        return
    pressed = Pressed(query)
    if callback_data.action == "drop":
        await state.clear()
        await query.answer()
        await pressed.edit_text(_("Cancelled. Nothing was sent."))
        await _retire_question(query, draft)
        return
    answers = as_it_stands(
        draft.description,
        kind=draft.kind,
        guess=draft.guess,
        impact=draft.impact,
        scope=draft.scope,
        request_type=draft.request_type,
    )
    complete = replace(
        draft,
        kind=answers.kind,
        impact=answers.impact,
        scope=answers.scope,
        request_type=answers.request_type,
    )
    assert actor.client is not None
    # Nobody is called out at night for a request its author did not finish: a call after
    # hours that would be billed is confirmed by the person, never assumed.
    billable = needs_confirmation(actor.client, complete.ticket_draft().priority, at=clock.now())
    outcome = await register(
        state,
        complete,
        actor,
        uow,
        clock,
        notifier,
        emergency=False,
        waits=billable,
        on_error=lambda exc: query.answer(exc.message, show_alert=True),
    )
    if outcome is None:
        return
    await query.answer(_("Sent"))
    await pressed.drop_buttons()
    await _retire_question(query, draft)
    await announce(pressed, outcome, actor, uow, clock)
    await start_queued(pressed, state, clock, draft)


async def _retire_question(query: CallbackQuery, draft: IntakeDraft) -> None:
    """The question the request stopped at loses its buttons: nothing is left to answer."""
    if draft.question_id is None or query.bot is None or query.message is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await query.bot.edit_message_reply_markup(
            chat_id=query.message.chat.id, message_id=draft.question_id, reply_markup=None
        )
