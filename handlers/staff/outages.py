"""Mass outages on the staff side: «Объединить» / «Не объединять» under the staff chat's
proposal, «Открепить» on a child's card, and «🌐 Это массовый сбой» (under a card's
«⚡ Приоритет») or `/outage CLIENT текст` to declare one. Only staff act; a button of a
decided proposal changes nothing."""

from __future__ import annotations

import html
from collections.abc import Awaitable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.model import Ticket
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import outages
from domain.use_cases.common import Outcome
from handlers.acting import perform
from handlers.actor import Actor
from handlers.reports import pick
from handlers.staff import in_staff_place
from handlers.ui.callbacks import OutageCb
from handlers.ui.pressed import Pressed
from handlers.ui.texts import N_

router = Router(name=__name__)
router.callback_query.filter(
    OutageCb.filter(F.action.in_({"link", "dismiss", "unlink", "declare"})), in_staff_place
)


def outage_error_text(exc: DomainError) -> str:
    field = exc.details.get("field")
    if exc.code == "access_denied":
        return _("Only support staff can do this.")
    if exc.code == "not_found":
        return _("Not found.")
    return {
        "outage_decided": _("This was decided already."),
        "outage_clients": _("Requests of different clients cannot be one outage."),
        "outage_few": _("Fewer than two of these requests are still open: nothing to link."),
        "outage_not_linked": _("This request is not part of an outage."),
        "outage_not_open": _("Only an open incident that is not part of an outage can be one."),
        "outage_nobody": _("The client has no employees to tell."),
        "announcement": _("Write what is down: /outage CLIENT text."),
    }.get(str(field), exc.message)


@router.callback_query(lambda _q, actor: not actor.is_staff)
async def not_staff(query: CallbackQuery) -> None:
    """Somebody who is not staff pressed (or forged) an outage button."""
    await query.answer(_("Only support staff can do this."), show_alert=True)


@router.callback_query()
async def pressed(
    query: CallbackQuery,
    callback_data: OutageCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«Объединить» (one outage, one card) or «Не объединять» under a proposal, whose
    message then says so; «Открепить» on a child's card (worked on its own again)."""
    n, staff = callback_data.id, actor.tg_id
    call: Awaitable[Outcome[Any]]
    if callback_data.action == "link":
        call = outages.link(uow, clock, proposal_id=n, staff_tg_id=staff)
        done = N_("Linked: №{number}.")
    elif callback_data.action == "dismiss":
        call = outages.dismiss(uow, clock, proposal_id=n, staff_tg_id=staff)
        done = N_("They stay apart.")
    elif callback_data.action == "declare":
        call = outages.declare_from(uow, clock, ticket_id=n, staff_tg_id=staff)
        done = N_("Mass outage №{number}: colleagues who write about it are told it is known.")
    else:
        call = outages.unlink(uow, clock, ticket_id=n, staff_tg_id=staff)
        done = N_("№{number} is on its own again.")
    outcome: Outcome[Any] | None = await perform(
        call, uow, notifier, lambda exc: query.answer(outage_error_text(exc), show_alert=True)
    )
    if outcome is None:
        return
    number = outcome.value.number if isinstance(outcome.value, Ticket) else n
    await query.answer(_(done).format(number=number))
    # The priority menu «declare» was in, or a card shown in a private chat (the staff
    # chat's card is edited by the staff desk); a proposal's message is edited as decided.
    pressed = Pressed(query)
    card = await uow.ticket_posts.by_message(pressed.chat.id, pressed.message_id)
    if callback_data.action == "declare" or (callback_data.action == "unlink" and card is None):
        await pressed.drop_buttons()


@router.message(Command("outage"), lambda _m, actor: actor.is_staff, in_staff_place)
async def declare(
    message: Message,
    command: CommandObject,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """`/outage CLIENT текст`: the outage gets its card, and the client's employees who
    write about it are told at once that it is known."""
    words = (command.args or "").split(maxsplit=1)
    if len(words) < 2:
        await message.answer(
            _("Which client, and what is down? /outage CLIENT text, the client by its number.")
        )
        return
    client = pick(list(await uow.clients.list()), words[0])
    if client is None or client.id is None:
        await message.answer(_("No such client among yours."))
        return
    outcome = await perform(
        outages.declare(uow, clock, client_id=client.id, staff_tg_id=actor.tg_id, text=words[1]),
        uow,
        notifier,
        lambda exc: message.answer(outage_error_text(exc)),
    )
    if outcome is not None:
        await message.answer(
            _(
                "Outage №{number} at {client} is declared. Its employees who write about it "
                "will be told at once that we know and are on it."
            ).format(number=outcome.value.number, client=html.escape(client.name))
        )
