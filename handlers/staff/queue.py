"""Staff commands that list tickets: /queue (open tickets, nearest breach first; filters:
mine, unassigned, a client) and /mine."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.model import Client, Ticket
from domain.ports import Clock, QueueView, UnitOfWork
from handlers.actor import Actor
from handlers.staff import duty, in_staff_place
from handlers.ui.callbacks import QueueCb, StaffCb
from handlers.ui.formatting import Measure, deadline, duration, few_words, measure_of, stamp
from handlers.ui.keyboards import inline
from handlers.ui.numbers import is_number
from handlers.ui.pressed import Pressed
from handlers.ui.texts import priority_icon, staff_status_name, ticket_no

router = Router(name=__name__)
router.message.filter(lambda _m, actor: actor.is_staff, in_staff_place)
router.callback_query.filter(lambda _q, actor: actor.is_staff, in_staff_place)
# After hours: /duty and "Принял" on pages (tried when nothing here matched).
router.include_router(duty.router)

PER_SCREEN = 10


def left_text(ticket: Ticket, client: Client, now: datetime, locale: str) -> str:
    """The nearest promise and the working time left or overdue at `now`: the answer while
    nobody has answered ("ответ до 11:00 · осталось 10 раб. мин"), then the resolution
    ("до вторника 16:00 · осталось 5 раб. ч")."""
    clock = ticket.sla_clock(client)
    measure = measure_of(clock.calendar)
    if ticket.first_response_at is None and ticket.reaction_due is not None:
        when = deadline(ticket.reaction_due, now, client.timezone, locale)
        return (
            _("answer by {time}").format(time=when)
            + " · "
            + _time_left(clock.reaction_left(now), measure, locale)
        )
    if ticket.resolution_to_be_agreed:
        return "📅 " + _("date to be agreed")
    if ticket.is_paused or ticket.resolution_due is None:
        return "⏸"
    by = _("by {time}").format(time=deadline(ticket.resolution_due, now, client.timezone, locale))
    left = clock.resolution_left(now)
    assert left is not None
    return f"{by} · " + _time_left(left, measure, locale)


def _time_left(left: timedelta, measure: Measure, locale: str) -> str:
    if left.total_seconds() < 0:
        late = duration(-left, measure, locale, dense=True)
        return "🔴 " + _("overdue by {time}").format(time=late)
    return _("{time} left").format(time=duration(left, measure, locale, dense=True))


async def queue_screen(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    filter_: str,
    value: str,
    screen: int,
    timezone: str = "Europe/Moscow",
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One screen of the list, headed by the moment its times were counted at (the list
    stays in the chat, read later)."""
    now, locale = clock.now(), get_i18n().current_locale
    clients: dict[int, Client] = {}
    view = QueueView()
    if filter_ == "mine":
        view = QueueView(assignee_tg_id=actor.tg_id)
        title = _("My open tickets")
    elif filter_ == "unassigned":
        view = QueueView(unassigned=True)
        title = _("Open tickets nobody has taken")
    elif filter_ == "client":
        wanted = value.casefold()
        clients = {c.id: c for c in await uow.clients.list() if c.id is not None}  # all have one
        ids = {
            cid for cid, c in clients.items() if str(cid) == value or wanted in c.name.casefold()
        }
        view = QueueView(client_ids=frozenset(ids))
        title = _("Open tickets of «{client}»").format(client=html.escape(value))
    elif filter_ == "ids":  # a client filter too long for a button, as the clients it matched
        ids = {int(n) for n in value.split(".") if is_number(n)}
        view = QueueView(client_ids=frozenset(ids))
        clients = await clients_of(uow, ids)
        names = ", ".join(clients[i].name for i in sorted(ids) if i in clients)
        title = _("Open tickets of «{client}»").format(client=html.escape(names))
    else:
        title = _("Open tickets")
    # Running clocks first, the nearest due time first; paused ones and change requests
    # whose date is to be agreed after them.
    page = await uow.tickets.open_queue(view, limit=PER_SCREEN, offset=screen * PER_SCREEN)
    shown = page.tickets
    if not shown:
        return _("No open tickets here."), None
    clients |= await clients_of(uow, {t.client_id for t in shown} - clients.keys())
    as_of = _("as of {time}").format(time=stamp(now, now, timezone, locale))
    lines = [f"<b>{title}</b> ({page.total}) · {as_of}", ""]
    for t in shown:
        client = clients[t.client_id]
        lines.append(
            f"{priority_icon(t.priority)} <b>{ticket_no(t.number)}</b> "
            f"{html.escape(client.name)} · {html.escape(few_words(t.title, 40))}\n"
            f"    {staff_status_name(t.status)} · {left_text(t, client, now, locale)}"
        )
    rows = [
        [(ticket_no(t.number), StaffCb(ticket=t.number, action="card").pack()) for t in shown[:5]],
        [(ticket_no(t.number), StaffCb(ticket=t.number, action="card").pack()) for t in shown[5:]],
    ]
    nav = []
    for label, to in (("«", screen - 1), ("»", screen + 1)):
        if to >= 0 and to * PER_SCREEN < page.total:
            data = screen_button(filter_, value, to, sorted(view.client_ids or ()))
            if data is None:
                lines += ["", _("To turn the pages, filter by a shorter part of the name.")]
                break
            nav.append((label, data))
    return "\n".join(lines), inline(*[r for r in (*rows, nav) if r])


async def clients_of(uow: UnitOfWork, ids: set[int]) -> dict[int, Client]:
    """These clients (those that exist), read in one trip to the database."""
    asked = [uow.clients.get(i) for i in sorted(ids)]  # each read is queued when asked
    return {c.id: c for c in [await read for read in asked] if c is not None and c.id is not None}


def screen_button(filter_: str, value: str, screen: int, client_ids: list[int]) -> str | None:
    """A button's data for another screen: the filter as typed while it fits Telegram's 64
    bytes of callback data (and has no ":", aiogram's separator), else the clients it matched."""
    candidates = [(filter_, value)]
    if filter_ == "client":
        candidates.append(("ids", ".".join(str(i) for i in client_ids)))
    for view, text in candidates:
        try:
            return QueueCb(view=view, value=text, screen=screen).pack()
        except ValueError:  # aiogram refuses data over 64 bytes or with its separator
            continue
    return None


@router.message(Command("queue"))
async def queue(
    message: Message,
    command: CommandObject,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    default_timezone: str = "Europe/Moscow",
) -> None:
    """Open tickets, the nearest breach first."""
    arg = (command.args or "").strip()
    filter_, value = ("all", "")
    if arg in ("mine", "мои"):
        filter_ = "mine"
    elif arg in ("unassigned", "free", "свободные"):
        filter_ = "unassigned"
    elif arg:
        filter_, value = "client", arg[:60]
    text, markup = await queue_screen(uow, actor, clock, filter_, value, 0, default_timezone)
    await message.answer(text, reply_markup=markup)


@router.message(Command("mine", "my"))  # "/my" is the employees' word for it
async def mine(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    default_timezone: str = "Europe/Moscow",
) -> None:
    text, markup = await queue_screen(uow, actor, clock, "mine", "", 0, default_timezone)
    await message.answer(text, reply_markup=markup)


@router.callback_query(QueueCb.filter())
async def queue_turn(
    query: CallbackQuery,
    callback_data: QueueCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    default_timezone: str = "Europe/Moscow",
) -> None:
    text, markup = await queue_screen(
        uow,
        actor,
        clock,
        callback_data.view,
        callback_data.value,
        max(callback_data.screen, 0),
        default_timezone,
    )
    await query.answer()
    await Pressed(query).edit_text(text, reply_markup=markup)
