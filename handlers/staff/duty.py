"""After hours, for staff: "Принял" on a page, and /duty (who is on duty now and next).

Pages themselves are sent by the scheduler (bot/workers/timers.py) through the outbox; this is
where the person paged answers them.
"""

from __future__ import annotations

import contextlib
import html
from datetime import datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from domain.duty import DutyGap
from domain.errors import DomainError
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import after_hours
from handlers.acting import perform
from handlers.actor import Actor
from handlers.ui.callbacks import PageCb, StaffCb
from handlers.ui.formatting import deadline, local, moment_phrase
from handlers.ui.keyboards import inline
from handlers.ui.pressed import Pressed

# Included in handlers/staff/queue.py's router, which lets only staff in, and only in a
# private chat or the staff chat.
router = Router(name=__name__)
router.message.filter(lambda _m, actor: actor.is_staff)
router.callback_query.filter(PageCb.filter())


def _error_text(exc: DomainError) -> str:
    return {
        "not_found": _("This alert is out of date."),
        "access_denied": _("Only support staff can do this."),
    }.get(exc.code, exc.message)


@router.callback_query(PageCb.filter(F.action == "ack"))
async def acknowledge(
    query: CallbackQuery,
    callback_data: PageCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "Принял": the repeats stop, the ticket is the presser's, the employee hears who."""
    outcome = await perform(
        after_hours.acknowledge_page(
            uow, clock, page_id=callback_data.page, staff_tg_id=actor.tg_id
        ),
        uow,
        notifier,
        lambda exc: query.answer(_error_text(exc), show_alert=True),
    )
    if outcome is None:
        return
    ack = outcome.value
    if ack.first:
        await query.answer(
            _("№{number} is yours: the client is told you are on it.").format(number=ack.ticket_id)
        )
    else:
        staff = await uow.staff.get(ack.by_tg_id)
        await query.answer(
            _("{name} is already on it.").format(name=staff.name if staff else "?"),
            show_alert=True,
        )
    card = StaffCb(ticket=ack.ticket_id, action="card").pack()
    # A copy already edited to say who took it has this markup: Telegram says "not modified".
    with contextlib.suppress(TelegramBadRequest):
        await Pressed(query).edit_reply_markup(reply_markup=inline([(_("Open the card"), card)]))


@router.message(Command("duty"))
async def duty(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    default_timezone: str = "Europe/Moscow",
) -> None:
    """/duty: who is on duty now (until when), and who is next; to the leads, the
    after-hours time nobody covers in the next two weeks."""
    now = clock.now()
    rota = await uow.duty.rota(now)
    locale = get_i18n().current_locale

    async def name(tg_id: int) -> str:
        staff = await uow.staff.get(tg_id)
        return html.escape(staff.name) if staff else str(tg_id)

    lines = []
    current = rota.on_duty(now)
    for duty in current:
        who = await name(duty.staff_tg_id)
        lines.append(
            "🛡 "
            + (
                _("On duty now: {name}, with no end planned.").format(name=who)
                if duty.ends_at is None
                else _("On duty now: {name}, until {time}.").format(
                    name=who, time=deadline(duty.ends_at, now, default_timezone, locale)
                )
            )
        )
    if not current:
        lines.append("🛡 " + _("Nobody is on duty now: emergencies go to the leads."))
    upcoming = rota.next_on_duty(now)
    if upcoming is not None:
        who = await name(upcoming.staff_tg_id)
        start = moment_phrase(upcoming.starts_at, now, default_timezone, locale)
        lines.append(
            _("Next: {name}, {start}, with no end planned.").format(name=who, start=start)
            if upcoming.ends_at is None
            else _("Next: {name}, {start}, until {end}.").format(
                name=who, start=start, end=deadline(upcoming.ends_at, now, default_timezone, locale)
            )
        )
    elif not current:
        lines.append(_("No duty shifts are planned."))
    if actor.is_lead:
        fallback = after_hours.default_calendar(default_timezone)
        gaps = await after_hours.duty_gaps(uow, clock, fallback=fallback)
        if gaps:
            lines += [
                "",
                "⚠️ "
                + _(
                    "Nobody is on duty after hours at these times in the next two weeks "
                    "(emergencies then go to the leads):"
                ),
            ]
            lines += [f"• {gap_text(g, default_timezone, locale)}" for g in gaps]
    await message.answer("\n".join(lines))


def gap_text(gap: DutyGap, timezone: str, locale: str) -> str:
    """ "Monday, 30 November 00:00–09:00", or "Saturday, 28 November 09:00 – Monday,
    30 November 09:00"."""

    def day(at: datetime) -> str:
        return format_date(at.date(), "EEEE, d MMMM", locale=locale)

    starts, ends = local(gap.starts_at, timezone), local(gap.ends_at, timezone)
    if starts.date() == ends.date():
        return f"{day(starts)} {starts:%H:%M}–{ends:%H:%M}"
    return f"{day(starts)} {starts:%H:%M} – {day(ends)} {ends:%H:%M}"
