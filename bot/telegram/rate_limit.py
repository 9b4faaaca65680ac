"""A per-person rate limit: somebody who sends more than RATE_LIMIT_UPDATES updates within
RATE_LIMIT_SECONDS is told once to wait a minute, and what they send for the next
RATE_LIMIT_SECONDS is dropped without an answer.

Counted as the updates arrive (in polling mode when they are taken from Telegram, so a
flood never queues up behind the person's own lock; in webhook mode when Telegram
delivers them). The count lives in memory: a restart forgets it, which costs at most one
more minute's worth of updates.
"""

from __future__ import annotations

import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update
from aiogram.utils.i18n import I18n

from bot.i18n import locale_of_user

log = logging.getLogger(__name__)

# The key under which the polling loop passes its verdict to `RateLimitMiddleware`.
VERDICT = "frontdesk_rate_verdict"


class Verdict(enum.Enum):
    PASS = "pass"  # handle it
    WARN = "warn"  # over the limit just now: say so, do not handle it
    DROP = "drop"  # over the limit and told already: drop it


class RateLimit:
    """Sliding-window counts per person (Telegram user id)."""

    # How many checks between sweeps of the people who went quiet.
    SWEEP_EVERY = 10_000

    def __init__(
        self,
        updates: int,
        seconds: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.updates = updates
        self.seconds = seconds
        self._now = now
        self._seen: dict[int, deque[float]] = {}
        self._muted_until: dict[int, float] = {}
        self._checks = 0
        self.dropped = 0  # updates not handled because of the limit

    def check(self, user_id: int | None) -> Verdict:
        if user_id is None:
            return Verdict.PASS
        now = self._now()
        self._checks += 1
        if self._checks % self.SWEEP_EVERY == 0:
            self._sweep(now)
        muted_until = self._muted_until.get(user_id)
        if muted_until is not None:
            if now < muted_until:
                self.dropped += 1
                return Verdict.DROP
            del self._muted_until[user_id]
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.seconds:
            seen.popleft()
        if len(seen) >= self.updates:
            seen.clear()
            self._muted_until[user_id] = now + self.seconds
            self.dropped += 1
            return Verdict.WARN
        seen.append(now)
        return Verdict.PASS

    def check_update(self, update: Update) -> Verdict:
        return self.check(UserContextMiddleware.resolve_event_context(update).user_id)

    def _sweep(self, now: float) -> None:
        for user_id, seen in list(self._seen.items()):
            if not seen or seen[-1] <= now - self.seconds:
                del self._seen[user_id]
        for user_id, until in list(self._muted_until.items()):
            if until <= now:
                del self._muted_until[user_id]


class RateLimitMiddleware(BaseMiddleware):
    """Applies the verdict (the polling loop's, or its own in webhook mode) before the
    update takes the database: a refused update costs no transaction."""

    def __init__(self, limit: RateLimit, i18n: I18n) -> None:
        self.limit = limit
        self.i18n = i18n

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        verdict = data.pop(VERDICT, None) or self.limit.check_update(event)
        if verdict is Verdict.PASS:
            return await handler(event, data)
        if verdict is Verdict.WARN:
            await self._warn(event, data)
        return None

    async def _warn(self, update: Update, data: dict[str, Any]) -> None:
        context = UserContextMiddleware.resolve_event_context(update)
        bot: Bot | None = data.get("bot")
        if bot is None or context.user is None:
            return
        log.warning(
            "user %s sent more than %s updates in %s s: told to wait, the rest is dropped",
            context.user.id,
            self.limit.updates,
            self.limit.seconds,
        )
        text = self.i18n.gettext(
            "You have sent too many messages in a row. Please wait a minute, then write again.",
            locale=locale_of_user(context.user, self.i18n.default_locale),
        )
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text, show_alert=True)
            elif context.chat is not None and context.chat.type == "private":
                await bot.send_message(context.chat.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell user %s to wait: %s", context.user.id, exc)
