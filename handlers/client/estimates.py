"""The client's answer to an estimate: «✅ Approve» / «❌ Do not approve», or typed ("да",
"согласен", "нет") while one waits for them. Only the one who is to decide may (the
employee, or the director for work billed separately); an old button, another's ticket or a
finished one is refused politely and changes nothing."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.estimates import Decision, Estimate, read_decision
from domain.model import Ticket
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import estimates
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.follow_up import replied_ticket
from handlers.ui.callbacks import TicketCb
from handlers.ui.formatting import estimate_size
from handlers.ui.numbers import is_number
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)

_ANSWERS = {"y": Decision.APPROVED, "n": Decision.DECLINED}  # "12y": estimate 12, yes


def refused_text(exc: DomainError) -> str:
    if exc.code == "not_found":
        return _("Request not found.")
    field = exc.details.get("field")
    if field == "estimate" and "replaced" in exc.message:
        return _("This estimate was replaced by a newer one: please answer the latest message.")
    if field == "estimate":
        return _("You have already answered about this estimate.")
    return _("The ticket is already finished.")


def answered_text(ticket: Ticket, estimate: Estimate) -> str:
    if estimate.approved:
        size = estimate_size(estimate.minutes, estimate.amount, get_i18n().current_locale)
        return _(
            "✅ The estimate for request №{number} is approved: {size}. The engineer goes on "
            "with the work."
        ).format(number=ticket.number, size=size)
    return _(
        "❌ The estimate for request №{number} is not approved. The engineer will contact "
        "you to talk the work over."
    ).format(number=ticket.number)


@router.callback_query(TicketCb.filter(F.action == "estimate"))
async def pressed(
    query: CallbackQuery,
    callback_data: TicketCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«✅ Approve» or «❌ Do not approve» under an estimate."""
    estimate_id, answer = callback_data.value[:-1], callback_data.value[-1:]
    if not is_number(estimate_id) or answer not in _ANSWERS:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    outcome = await perform(
        estimates.decide(
            uow,
            clock,
            ticket_id=callback_data.ticket,
            tg_id=actor.tg_id,
            decision=_ANSWERS[answer],
            estimate_id=int(estimate_id),
        ),
        uow,
        notifier,
        lambda exc: query.answer(refused_text(exc), show_alert=True),
    )
    if outcome is None:
        return
    await query.answer()
    await Pressed(query).edit_text(answered_text(*outcome.value))


async def decision_typed(message: Message, actor: Actor, uow: UnitOfWork) -> Any:
    """A short yes or no while an estimate waits for this person's decision: which, and
    the estimate (the one of the ticket a Telegram reply names, else the only one)."""
    decision = read_decision(message.text or "")
    if decision is None:
        return False
    waiting = await estimates.waiting_for(uow, actor.tg_id)
    replied = replied_ticket(message)
    if replied is not None:
        waiting = [e for e in waiting if e.ticket_id == replied]
    if not waiting:
        return False
    return {"decision": decision, "waiting": waiting}


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"), decision_typed)
async def typed(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    decision: Decision,
    waiting: list[Estimate],
) -> None:
    """ "да" / "согласен" / "нет" to «Согласовать?»."""
    if len(waiting) > 1:
        numbers = ", ".join(_("№{number}").format(number=e.ticket_id) for e in waiting)
        await message.answer(
            _(
                "Estimates of several requests wait for your answer ({numbers}): please "
                "press the button under the one you mean."
            ).format(numbers=numbers)
        )
        return
    outcome = await perform(
        estimates.decide(
            uow,
            clock,
            ticket_id=waiting[0].ticket_id,
            tg_id=actor.tg_id,
            decision=decision,
            estimate_id=waiting[0].id,
        ),
        uow,
        notifier,
        lambda exc: message.answer(refused_text(exc)),
    )
    if outcome is not None:
        await message.answer(answered_text(*outcome.value))
