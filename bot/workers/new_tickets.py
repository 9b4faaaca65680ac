"""The staff chat's "new tickets" message: every new ticket is in sight at once, even when
the chat's minute is full.

The staff chat is a group: Telegram lets a bot post 20 messages a minute there, edits
included, and every card and every card edit takes one. When many people file at once
(an outage), cards would reach the chat one by one, 20 a minute, while the staff most
need to see what is coming. So:

- the outbox's queue leaves `RESERVED` places of the chat's minute to this message;
- once a ticket's card has waited `LIST_AFTER` seconds, it and every other ticket whose
  card waits are listed in one message, "Новые заявки", with the number, client,
  priority, a few words and a button to take it;
  the list is edited in place as more tickets come, a new message starting when one is
  full; it spends its places no faster than the minute gives them back (after a look
  that sent or edited k messages, the next is `k * SECONDS_PER_PLACE` later), so it
  seldom waits for a place and a ticket is listed within about half a minute;
- each full card follows as the queue reaches it; a message whose tickets all have
  their cards is deleted (a deletion costs nothing against the limit).

What the list shows is derived from the outbox (the cards still waiting), so it needs no
state of its own beyond the ids of its messages; the bot takes them down when it stops
(after a crash a list may stay behind, its buttons still work), and starts a new list
when it is needed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.telegram.flood_limits import Throttle
from bot.workers.notices.outbox import CARD
from domain import Priority
from handlers.ui.callbacks import FROM_LIST, StaffCb
from handlers.ui.formatting import few_words
from handlers.ui.keyboards import inline
from handlers.ui.texts import priority_icon, priority_name
from storage import Database
from storage.outbox import OutboxDelivery, WaitingCard

log = logging.getLogger(__name__)

RESERVED = 6  # places of the staff chat's 20 a minute the queue leaves to this list
LIST_AFTER = 5.0  # seconds a card waits before its ticket is listed
SECONDS_PER_PLACE = 60.0 / RESERVED  # the pace at which the reserved places come back
PER_MESSAGE = 45  # tickets in one message: 45 lines of at most ~80 fit in 4096 characters


@dataclass
class _Part:
    """One message of the list; a new one starts when one is full."""

    tickets: list[int]
    message_id: int | None = None
    stale: bool = True  # its text in the chat lacks some of its tickets
    shown: str = field(default="", repr=False)


class NewTicketsList:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        i18n: I18n,
        locale: str,
        throttle: Throttle,
        chat_id: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.i18n = i18n
        self.locale = locale
        self.throttle = throttle
        self.chat_id = chat_id
        self.outbox = OutboxDelivery(db)
        self._now = monotonic
        self._parts: list[_Part] = []
        self._first_seen: dict[int, float] = {}
        self._next_look = float("-inf")  # when the list may next be sent or edited
        self._task: asyncio.Task[None] | None = None
        throttle.reserve(chat_id, RESERVED)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="staff-new-tickets")

    async def stop(self) -> None:
        """Stop looking, and take the list down: after a restart the cards come anyway."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for part in self._parts:
            await self._delete(part)
        self._parts.clear()

    async def _run(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception:  # look again in a second rather than let the task die
                log.exception("refreshing the new tickets list failed")
            await asyncio.sleep(1.0)

    def _cards_held_back(self) -> bool:
        """Whether the chat's limit holds the queue back (without a look at the database)."""
        free_at = self.throttle.free_at(self.chat_id)
        return free_at is None or free_at > self._now()

    async def refresh(self) -> None:
        """List the tickets whose cards have waited, and drop the messages whose tickets
        all have their cards."""
        if not self._parts and not self._first_seen and not self._cards_held_back():
            return  # the cards go as they come: nothing to list
        waiting = {
            card.ticket_id: card for card in await self.outbox.cards_waiting(self.chat_id, CARD)
        }
        now = self._now()
        self._first_seen = {t: self._first_seen.get(t, now) for t in waiting}
        for part in [p for p in self._parts if not waiting.keys() & set(p.tickets)]:
            self._parts.remove(part)
            await self._delete(part)
        listed = {t for part in self._parts for t in part.tickets}
        unlisted = [t for t in self._first_seen if t not in listed]
        # Once one has waited long enough, the others waiting come along in the same edit.
        if any(now - self._first_seen[t] >= LIST_AFTER for t in unlisted) and (
            now >= self._next_look
        ):
            self._add(sorted(unlisted))
        if now < self._next_look:
            return
        shown = 0
        for part in self._parts:
            if part.stale and await self._show(part, waiting):
                shown += 1
        if shown:
            self._next_look = now + SECONDS_PER_PLACE * shown

    def _add(self, tickets: list[int]) -> None:
        if self._parts and len(self._parts[-1].tickets) < PER_MESSAGE:
            last = self._parts[-1]
            room = PER_MESSAGE - len(last.tickets)
            last.tickets += tickets[:room]
            last.stale = True
            tickets = tickets[room:]
        for start in range(0, len(tickets), PER_MESSAGE):
            self._parts.append(_Part(tickets[start : start + PER_MESSAGE]))

    async def _show(self, part: _Part, waiting: dict[int, WaitingCard]) -> bool:
        """Send or edit the part; True if that took a place of the chat's minute."""
        cards = [waiting[t] for t in part.tickets if t in waiting]
        text, markup = self._render(cards)
        part.stale = False
        if text == part.shown:
            return False
        try:
            with self.throttle.paced(reserved=True):
                if part.message_id is None:
                    sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
                    part.message_id = sent.message_id
                else:
                    await self.bot.edit_message_text(
                        text, chat_id=self.chat_id, message_id=part.message_id, reply_markup=markup
                    )
        except TelegramAPIError as exc:  # shown at the next look
            log.warning("the new tickets list could not be shown: %s", exc)
            part.stale = True
            return True
        part.shown = text
        return True

    async def _delete(self, part: _Part) -> None:
        if part.message_id is not None:
            with contextlib.suppress(TelegramAPIError):
                await self.bot.delete_message(self.chat_id, part.message_id)

    def _render(self, cards: list[WaitingCard]) -> tuple[str, Any]:
        with self.i18n.context(), self.i18n.use_locale(self.locale):
            title = _("New tickets")
            why = _("the full cards follow: a bot may post 20 messages a minute in a group")
            lines = [f"🆕 <b>{title}</b> · {why}"]
            buttons = []
            for card in cards:
                priority = Priority(card.priority)
                lines.append(
                    f"{priority_icon(priority)} <b>№{card.ticket_id}</b> · "
                    f"{html.escape(few_words(card.client, 24))} · {priority_name(priority)} · "
                    f"{html.escape(few_words(card.title, 32))}"
                )
                data = StaffCb(ticket=card.ticket_id, action="take", value=FROM_LIST).pack()
                buttons.append((f"🙋 №{card.ticket_id}", data))
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        return "\n".join(lines), inline(*rows) if rows else None
