"""The outbox delivery worker: sends what the outbox holds, in order per chat, within
Telegram's limits, at least once.

- One message per chat at a time (storage hands out only each chat's oldest pending row),
  many chats at once.
- Telegram's limits kept by the throttle (`bot/telegram/flood_limits.py`), so Telegram rarely has
  to say 429: a call this worker makes waits for its place in the sliding windows of its
  chat and of everything together; meanwhile other chats go on.
- 429: wait `retry_after` (the whole chat waits, order is kept). 5xx and network errors:
  retry with exponential backoff. 403 (blocked) or chat not found: give up on the row and
  tell the client's personal manager that the person is unreachable. An edit to identical
  content counts as delivered.
- A row claimed but not confirmed (the process died mid-send) is due again as soon as the
  next process starts (`release_leases`, before `start`), so a crash can repeat a message
  but never lose one, and a chat is not held back for the lease after a restart.

Delivery runs on the wall clock: retries and limits are about Telegram's real time, not
the business clock that the SLA runs on (which tests and the sandbox move).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.logs import log_context
from bot.telegram.flood_limits import Throttle
from domain.ports import Clock, OutboxMessage
from domain.recipients import unreachable_told_to
from domain.use_cases import client_groups
from handlers.ui.texts import N_
from storage import Database
from storage.outbox import OutboxDelivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 30
# An edit of a message the outbox sent earlier, named by that row's key (its Telegram id is
# known only once it is sent; a chat's rows go in order, so it is sent by then).
EDIT_SENT = "editSent"
MAX_BACKOFF = 300.0


def _method(message: OutboxMessage) -> methods.TelegramMethod[Any]:
    name = message.method[:1].upper() + message.method[1:]
    method_class = getattr(methods, name, None)
    if method_class is None:
        raise ValueError(f"unknown Bot API method {message.method!r}")
    return method_class(chat_id=message.chat_id, **message.payload)


def _is_gone(error: TelegramBadRequest) -> bool:
    text = error.message.lower()
    return "chat not found" in text or "user not found" in text or "bot was kicked" in text


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        i18n: I18n,
        default_locale: str,
        *,
        business_clock: Clock,
        throttle: Throttle,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.bot = bot
        self.i18n = i18n
        self.default_locale = default_locale
        self.outbox = OutboxDelivery(db)
        self.throttle = throttle  # the request middleware of the bot session
        self.business_clock = business_clock
        self.batch = batch
        # The outbox's own methods (the staff desk's card and thread), resolved at delivery.
        self.custom_methods: dict[str, Callable[[OutboxMessage], Awaitable[Any]]] = {
            EDIT_SENT: self._edit_sent
        }
        self._ahead = timedelta(0)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.delivered = 0
        self.retried = 0
        self.failed = 0

    def now(self) -> datetime:
        """Wall time, shifted by the most the business clock has ever been ahead of it.

        Rows are stamped with the business clock when written (the sandbox and tests move
        it forward); retries must still follow real time from there on.
        """
        wall = datetime.now(UTC)
        self._ahead = max(self._ahead, self.business_clock.now() - wall)
        return wall + self._ahead

    def wake(self) -> None:
        """Something was queued: look at the outbox now rather than at the next poll."""
        self._wake.set()

    async def release_leases(self) -> None:
        """Once at start, before `start`: what the previous process was sending when it
        died goes again now rather than after its lease (only the leader delivers, and
        this one has just taken the lead: no lease belongs to a process still sending)."""
        released = await self.outbox.release_leases(self.now())
        if released:
            log.info("%s outbox row(s) in flight when the last process stopped: due now", released)

    def start(self) -> None:
        self._stopping = False  # started again after a stop: this process leads again
        self._task = asyncio.create_task(self._run(), name="outbox-delivery")

    async def stop(self, flush_timeout: float = 5.0) -> None:
        """Send what can be sent within `flush_timeout` (what is due and what is on its
        way), then stop; the rest waits in the outbox for the next start."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(flush_timeout):
                while self._sending or await self._has_due_now():
                    self.wake()
                    await asyncio.sleep(0.02)
        self._stopping = True
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _has_due_now(self) -> bool:
        due = await self.outbox.next_due_at()
        return due is not None and due <= self.now()

    async def _run(self) -> None:
        """Keep up to `batch` messages on their way, each on its own: a chat that is slow
        (a long call, a retry after, its flood limit) holds back only itself. Whenever
        one is done, or something is queued, claim the next due heads."""
        try:
            while not self._stopping:
                # Cleared before looking, so a wake() while we look is not lost.
                self._wake.clear()
                free = self.batch - len(self._sending)
                if free <= 0:
                    await self._wait_for_wake(1.0)
                    continue
                try:
                    rows = await self.outbox.claim_due(self.now(), free)
                except Exception:
                    log.exception("claiming outbox rows failed")
                    rows = []
                for row in rows:
                    task = asyncio.create_task(self._deliver_logged(row))
                    self._sending.add(task)
                    task.add_done_callback(self._sent)
                if not rows:
                    await self._sleep_until_due()
        finally:
            sending = list(self._sending)
            for task in sending:
                task.cancel()
            await asyncio.gather(*sending, return_exceptions=True)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._wake.set()  # a chat's next message may be due, and there is room for it

    async def _deliver_logged(self, row: OutboxMessage) -> None:
        with log_context(ticket=row.ticket_id):
            try:
                await self._deliver(row)
            except Exception:  # the row comes back after its lease
                log.exception("delivery of outbox row %s to %s failed", row.id, row.chat_id)

    async def _sleep_until_due(self) -> None:
        try:
            due = await self.outbox.next_due_at()
        except Exception:  # look again in a second rather than let the worker die
            log.exception("looking for due outbox rows failed")
            due = None
        timeout = 1.0
        if due is not None:
            timeout = min(max((due - self.now()).total_seconds(), 0.0), 1.0)
        await self._wait_for_wake(timeout)

    async def _wait_for_wake(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def deliver_once(self) -> int:
        """Claim the due head of every chat's queue and send them concurrently (all at
        once, to the end: for tests and tools; the running worker does not wait so)."""
        rows = await self.outbox.claim_due(self.now(), self.batch)
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        try:
            custom = self.custom_methods.get(row.method)
            with self.throttle.paced():
                result = await (custom(row) if custom is not None else self.bot(_method(row)))
        except TelegramRetryAfter as exc:
            self.throttle.pause(row.chat_id, exc.retry_after)
            self.retried += 1
            await self.outbox.reschedule(
                row.id, self.now() + timedelta(seconds=exc.retry_after), "429 retry after"
            )
        except TelegramMigrateToChat as exc:
            await self._follow_to_supergroup(row, exc.migrate_to_chat_id)
        except TelegramForbiddenError as exc:
            await self._give_up(row, f"403 {exc.message}", unreachable=True)
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                await self.outbox.mark_sent(row.id, None, self.now())
            else:
                await self._give_up(row, f"400 {exc.message}", unreachable=_is_gone(exc))
        except (
            TelegramServerError,
            TelegramNetworkError,
            TelegramNotFound,
            OSError,
            TimeoutError,
        ) as exc:
            await self._retry_later(row, f"{type(exc).__name__}: {exc}")
        except ValueError as exc:  # a row the bot could not even turn into a request
            await self._give_up(row, str(exc), unreachable=False)
        except Exception as exc:  # anything else (413, 401, a custom method): retry, then stop
            log.exception("delivery of outbox row %s to %s failed", row.id, row.chat_id)
            await self._retry_later(row, f"{type(exc).__name__}: {exc}")
        else:
            message_id = result.message_id if isinstance(result, Message) else None
            await self.outbox.mark_sent(row.id, message_id, self.now())
            self.delivered += 1

    async def _edit_sent(self, row: OutboxMessage) -> Any:
        """`editSent`: {"of": the key of the row sent, "text", "reply_markup"?}; nothing to do
        when that message never went out."""
        payload: dict[str, Any] = dict(row.payload)
        message_id = await self.outbox.sent_message_id(row.chat_id, str(payload.pop("of")))
        if message_id is None:
            return None
        payload.setdefault("reply_markup", {"inline_keyboard": []})
        return await self.bot(
            methods.EditMessageText(chat_id=row.chat_id, message_id=message_id, **payload)
        )

    async def _follow_to_supergroup(self, row: OutboxMessage, new_chat_id: int) -> None:
        """The group became a supergroup before the bot heard of it (or while this message
        was on its way): its binding, its requests and what waits for it move to the new
        id, as when the service message comes (handlers/client/group_chat.py), and this
        message goes again at once."""
        assert row.id is not None
        async with self.db.unit_of_work() as uow:
            await client_groups.migrated(uow, old_chat_id=row.chat_id, new_chat_id=new_chat_id)
            await uow.commit()
        await self.outbox.redirect(row.chat_id, new_chat_id)
        log.info("chat %s became supergroup %s: its messages go there", row.chat_id, new_chat_id)
        await self.outbox.reschedule(row.id, self.now(), f"moved to {new_chat_id}")

    async def _retry_later(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        if row.attempts >= MAX_ATTEMPTS:
            await self._give_up(row, error, unreachable=False)
            return
        backoff = min(2.0 ** (row.attempts - 1), MAX_BACKOFF)
        self.retried += 1
        log.warning("delivery to %s failed (%s); retry in %.0fs", row.chat_id, error, backoff)
        await self.outbox.reschedule(row.id, self.now() + timedelta(seconds=backoff), error)

    async def _give_up(self, row: OutboxMessage, error: str, *, unreachable: bool) -> None:
        assert row.id is not None
        log.warning(
            "delivery of outbox row %s to %s failed for good: %s", row.id, row.chat_id, error
        )
        self.failed += 1
        await self.outbox.mark_failed(row.id, error)
        if unreachable:
            await self._tell_manager_unreachable(row)

    async def _tell_manager_unreachable(self, row: OutboxMessage) -> None:
        """The person cannot be reached: their client's personal manager hears of it
        (`domain.recipients.unreachable_told_to`)."""
        async with self.db.unit_of_work() as uow:
            employee = await uow.employees.by_tg_id(row.chat_id)
            if employee is None:
                return
            client = await uow.clients.get(employee.client_id)
            if client is None:
                return
            manager_tg_id = unreachable_told_to(row.chat_id, client.manager_tg_id)
            if manager_tg_id is None:
                return
            manager = await uow.staff.get(manager_tg_id)
            locale = manager.locale if manager and manager.locale else self.default_locale
            ticket = (
                " " + self.i18n.gettext("№{number}", locale=locale).format(number=row.ticket_id)
                if row.ticket_id
                else ""
            )
            text = self.i18n.gettext(
                N_(
                    "Could not deliver a message{ticket} to {name} ({client}): they blocked "
                    "the bot or deleted the chat. Please reach them another way."
                ),
                locale=locale,
            ).format(
                ticket=ticket, name=html.escape(employee.name), client=html.escape(client.name)
            )
            await uow.outbox.add(
                OutboxMessage(
                    chat_id=manager_tg_id,
                    method="sendMessage",
                    payload={"text": text, "parse_mode": "HTML"},
                    # Once a day per person, not once per lost message.
                    dedup_key=f"unreachable:{row.chat_id}:{self.now():%Y-%m-%d}",
                    ticket_id=row.ticket_id,
                    created_at=self.now(),
                )
            )
            await uow.commit()
        self.wake()
