"""An update Telegram sent again to a person in the middle of a request: it was handled
before (its mark says so), but maybe not answered, when the process handling it died
between committing and answering. It is not handled twice; the person is shown the
question the request is at now (bot/telegram/middlewares.py, `ActorMiddleware`)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.ports import Clock
from handlers.actor import Actor
from handlers.client.intake import resume_questions
from handlers.client.states import IntakeDraft
from handlers.ui.pressed import Pressed

router = Router(name=__name__)


def replayed(_event: object, replayed_update: bool = False) -> bool:
    return replayed_update


@router.message(replayed)
async def message_again(message: Message, state: FSMContext, actor: Actor, clock: Clock) -> None:
    await resume_questions(
        message, state, await IntakeDraft.load(state), actor=actor, clock=clock, note=""
    )


@router.callback_query(replayed)
async def press_again(query: CallbackQuery, state: FSMContext, actor: Actor, clock: Clock) -> None:
    await query.answer()
    await resume_questions(
        Pressed(query), state, await IntakeDraft.load(state), actor=actor, clock=clock, note=""
    )
