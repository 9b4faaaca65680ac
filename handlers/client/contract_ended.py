"""An employee of a company whose contract has ended: whatever they send or press, they are
told politely that new requests are no longer accepted, and who to write to."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.ports import UnitOfWork
from handlers.actor import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_former_client)
router.callback_query.filter(lambda _q, actor: actor.is_former_client)


async def contract_ended_text(actor: Actor, uow: UnitOfWork) -> str:
    assert actor.client is not None
    text = _(
        "The IT support contract of {client} has ended, so I no longer accept new requests."
    ).format(client=html.escape(actor.client.name))
    manager_id = actor.client.manager_tg_id
    manager = await uow.staff.get(manager_id) if manager_id is not None else None
    if manager is not None and manager.active:
        link = f'<a href="tg://user?id={manager.tg_id}">{html.escape(manager.name)}</a>'
        text += " " + _(
            "If you have any questions, please write to {manager}, your personal manager."
        ).format(manager=link)
    return text


@router.message()
async def contract_ended(
    message: Message, actor: Actor, uow: UnitOfWork, state: FSMContext
) -> None:
    """Nothing is registered; they learn why and who to ask."""
    await state.clear()
    await message.answer(await contract_ended_text(actor, uow), reply_markup=ReplyKeyboardRemove())


@router.callback_query()
async def contract_ended_press(
    query: CallbackQuery, actor: Actor, uow: UnitOfWork, bot: Bot
) -> None:
    """A button of the time before: nothing changes; the same explanation."""
    await query.answer()
    await bot.send_message(
        query.from_user.id,
        await contract_ended_text(actor, uow),
        reply_markup=ReplyKeyboardRemove(),
    )
