"""The outbox delivery worker: sends what the outbox holds, in order per chat, within
Telegram's limits, at least once.

- One message per chat at a time (storage hands out only each chat's oldest pending row),
  many chats at once.
- Limits kept here, so Telegram rarely has to say 429: about one message per second per
  private chat with a short burst, 20 per minute per group, 30 per second overall.
- 429: wait `retry_after` (the whole chat waits, order is kept). 5xx and network errors:
  retry with exponential backoff. 403 (blocked) or chat not found: give up on the row and
  tell the client's personal manager that the person is unreachable. An edit to identical
  content counts as delivered.
- A row claimed but not confirmed (the process died mid-send) comes back after its lease,
  so a crash can repeat a message but never lose one.

Delivery runs on the wall clock: retries and limits are about Telegram's real time, not
the business clock that the SLA runs on (which tests and the sandbox move).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from domain.ports import Clock, OutboxMessage
from handlers.texts import N_
from storage import Database
from storage.outbox import OutboxDelivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 30
MAX_BACKOFF = 300.0


class Throttle:
    """Telegram's flood limits as sliding windows: per chat and overall."""

    def __init__(
        self,
        *,
        global_per_second: int = 30,
        private_burst: int = 3,
        private_window: float = 3.0,
        group_per_minute: int = 20,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.global_per_second = global_per_second
        self.private_burst = private_burst
        self.private_window = private_window
        self.group_per_minute = group_per_minute
        self._now = monotonic
        self._global: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._paused_until: dict[int | None, float] = {}
        self._lock = asyncio.Lock()

    def _chat_limit(self, chat_id: int) -> tuple[int, float]:
        if chat_id < 0:  # groups and channels
            return self.group_per_minute, 60.0
        return self.private_burst, self.private_window

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": hold that chat (None: everything) for a while."""
        self._paused_until[chat_id] = max(
            self._paused_until.get(chat_id, 0.0), self._now() + seconds
        )

    def _wait_needed(self, chat_id: int) -> float:
        now = self._now()
        wait = max(self._paused_until.get(None, 0.0), self._paused_until.get(chat_id, 0.0)) - now
        while self._global and now - self._global[0] >= 1.0:
            self._global.popleft()
        if len(self._global) >= self.global_per_second:
            wait = max(wait, 1.0 - (now - self._global[0]))
        limit, window = self._chat_limit(chat_id)
        sent = self._chats.setdefault(chat_id, deque())
        while sent and now - sent[0] >= window:
            sent.popleft()
        if len(sent) >= limit:
            wait = max(wait, window - (now - sent[0]))
        return max(wait, 0.0)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may go, and count it."""
        while True:
            async with self._lock:
                wait = self._wait_needed(chat_id)
                if wait <= 0:
                    now = self._now()
                    self._global.append(now)
                    self._chats[chat_id].append(now)
                    if len(self._chats) > 10_000:
                        self._forget_idle(now)
                    return
            await asyncio.sleep(wait)

    def _forget_idle(self, now: float) -> None:
        for chat_id in [c for c, sent in self._chats.items() if not sent or now - sent[-1] > 60]:
            del self._chats[chat_id]


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
        throttle: Throttle | None = None,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.bot = bot
        self.i18n = i18n
        self.default_locale = default_locale
        self.outbox = OutboxDelivery(db)
        self.throttle = throttle or Throttle()
        self.business_clock = business_clock
        self.batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = 0
        self.failed = 0

    def now(self) -> datetime:
        # Rows are stamped with the business clock when written; deliver them as soon as
        # either clock has reached their time.
        return max(datetime.now(UTC), self.business_clock.now())

    def wake(self) -> None:
        """Something was queued: look at the outbox now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-delivery")

    async def stop(self, flush_timeout: float = 5.0) -> None:
        """Send what can be sent within `flush_timeout`, then stop; the rest waits in the
        outbox for the next start."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(flush_timeout):
                while await self._has_due_now():
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
        while not self._stopping:
            try:
                sent = await self.deliver_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox delivery round failed")
                sent = 0
            if sent:
                continue
            await self._sleep_until_due()

    async def _sleep_until_due(self) -> None:
        due = await self.outbox.next_due_at()
        timeout = 1.0
        if due is not None:
            timeout = min(max((due - self.now()).total_seconds(), 0.0), 1.0)
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def deliver_once(self) -> int:
        """Claim the due head of every chat's queue and send them concurrently."""
        rows = await self.outbox.claim_due(self.now(), self.batch)
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        await self.throttle.acquire(row.chat_id)
        try:
            result = await self.bot(_method(row))
        except TelegramRetryAfter as exc:
            self.throttle.pause(row.chat_id, exc.retry_after)
            await self.outbox.reschedule(
                row.id, self.now() + timedelta(seconds=exc.retry_after), "429 retry after"
            )
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
        else:
            message_id = result.message_id if isinstance(result, Message) else None
            await self.outbox.mark_sent(row.id, message_id, self.now())
            self.delivered += 1

    async def _retry_later(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        if row.attempts >= MAX_ATTEMPTS:
            await self._give_up(row, error, unreachable=False)
            return
        backoff = min(2.0 ** (row.attempts - 1), MAX_BACKOFF)
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
        """The person cannot be reached: their client's personal manager hears of it."""
        async with self.db.unit_of_work() as uow:
            employee = await uow.employees.by_tg_id(row.chat_id)
            if employee is None:
                return
            client = await uow.clients.get(employee.client_id)
            if client is None or client.manager_tg_id in (None, row.chat_id):
                return
            manager = await uow.staff.get(client.manager_tg_id)
            locale = manager.locale if manager and manager.locale else self.default_locale
            ticket = f" №{row.ticket_id}" if row.ticket_id else ""
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
                    chat_id=client.manager_tg_id,
                    method="sendMessage",
                    payload={"text": text, "parse_mode": "HTML"},
                    dedup_key=f"unreachable:{row.id}",
                    ticket_id=row.ticket_id,
                    created_at=self.now(),
                )
            )
            await uow.commit()
        self.wake()
