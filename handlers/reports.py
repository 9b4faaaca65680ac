"""/report: a client's monthly report in Telegram. A director gets their own company's;
a personal manager gets their clients' (`/report CLIENT [YYYY-MM]`); leads and admins any
client's. Nobody learns anything about a company that is not theirs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aiogram import Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.model import Client
from domain.ports import Clock, UnitOfWork
from handlers.actor import Actor
from handlers.client.onboarding import stranger_text
from handlers.staff import in_staff_place
from handlers.ui.numbers import is_number, month_in_range

router = Router(name=__name__)
# A report is for the director's private chat, or for staff where staff work.
router.message.filter(in_staff_place)

MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


def parse_month_argument(words: list[str]) -> tuple[Any, bool]:
    """(the month or None, whether the argument was a bad month)."""
    from datetime import datetime

    if words and MONTH.match(words[-1]):
        try:
            return datetime.strptime(words.pop(), "%Y-%m").date(), False
        except ValueError:
            return None, True
    return None, False


async def clients_of(uow: UnitOfWork, actor: Actor) -> list[Client]:
    if actor.is_admin or actor.is_lead:
        return list(await uow.clients.list())
    return list(await uow.clients.by_manager(actor.tg_id))


def pick(clients: list[Client], wanted: str) -> Client | None:
    if is_number(wanted):
        return next((c for c in clients if str(c.id) == wanted.lstrip("0")), None)
    matches = [c for c in clients if wanted.casefold() in c.name.casefold()]
    return matches[0] if len(matches) == 1 else None


@router.message(Command("report"))
async def report(
    message: Message,
    command: CommandObject,
    actor: Actor,
    uow: UnitOfWork,
    reports: Any,
    i18n: I18n,
    clock: Clock,
) -> None:
    """The report as a short message, an XLSX workbook, CSVs of the tickets and of the work
    log, and a chart."""
    words = (command.args or "").split()
    month, bad_month = parse_month_argument(words)
    if bad_month:
        await message.answer(_("The month is YYYY-MM, for example 2026-10."))
        return
    # "this month" somewhere on Earth: UTC+14 is the first to start a month
    this_month = (clock.now() + timedelta(hours=14)).date()
    if month is not None and not month_in_range(month, this_month):
        await message.answer(
            _("The month is from 2000-01 to {last}; there is no report for {month}.").format(
                last=f"{this_month:%Y-%m}", month=f"{month.year:04d}-{month.month:02d}"
            )
        )
        return
    if actor.is_staff or actor.is_admin:
        if not words:
            await message.answer(
                _("Which client? /report CLIENT [YYYY-MM], the client by its number or name.")
            )
            return
        client = pick(await clients_of(uow, actor), " ".join(words))
        if client is None:
            await message.answer(_("No such client among yours."))
            return
    elif actor.is_employee and actor.employee is not None and actor.employee.is_director:
        client = actor.client
    elif actor.is_employee:
        await message.answer(_("Reports are for your company's director."))
        return
    elif message.chat.type == "private":  # a stranger: as to anything else they write
        await message.answer(stranger_text())
        return
    else:
        await message.answer(_("I work in private messages: write to me directly."))
        return
    assert client is not None and client.id is not None
    if message.bot is not None:
        await message.bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    built = await reports.build(client.id, month, i18n.current_locale)
    if built is None:
        await message.answer(_("No such client among yours."))
        return
    await message.answer(built.text)
    await message.answer_document(BufferedInputFile(built.xlsx, f"{built.file_stem}.xlsx"))
    await message.answer_document(BufferedInputFile(built.csv, f"{built.file_stem}-tickets.csv"))
    await message.answer_document(
        BufferedInputFile(built.work_csv, f"{built.file_stem}-work-log.csv")
    )
    await message.answer_photo(BufferedInputFile(built.png, f"{built.file_stem}.png"))
