"""An employee of a company whose contract has ended: whatever they send or press, they are
told politely that new requests are no longer accepted, and who to write to. Only a
Telegram reply to a message about one of their requests still open reaches it, so that
staff can finish it."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import employee_tickets
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.follow_up import replied_ticket
from handlers.client.intake import attachment_of

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
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    state: FSMContext,
    notifier: Notifier,
    clock: Clock,
) -> None:
    """Nothing is registered; they learn why and who to ask. A reply about a request still
    open is added to it."""
    await state.clear()
    number = replied_ticket(message)
    if number is not None and await _still_open(uow, actor, number):
        attachment = attachment_of(message)
        added = await perform(
            employee_tickets.comment_as_employee(
                uow,
                clock,
                ticket_id=number,
                tg_id=actor.tg_id,
                text=(message.text or message.caption or "").strip(),
                attachments=(attachment,) if attachment else (),
            ),
            uow,
            notifier,
            lambda _exc: _explain(message, actor, uow),
        )
        if added is not None:
            await message.answer(
                _("Added to №{number}; the engineer will see it.").format(number=number),
                reply_markup=ReplyKeyboardRemove(),
            )
        return
    await _explain(message, actor, uow)


async def _still_open(uow: UnitOfWork, actor: Actor, number: int) -> bool:
    try:
        ticket = await employee_tickets.ticket_for_employee(uow, number, actor.tg_id)
    except DomainError:
        return False
    return ticket.is_open


async def _explain(message: Message, actor: Actor, uow: UnitOfWork) -> None:
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
