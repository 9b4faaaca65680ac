"""Telegram's flood limits as the bot keeps them, for every call it makes.

Telegram's limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
about one message a second in a private chat, 20 a minute in a group, about 30 a second
overall. Telegram counts them in sliding windows, so they are kept as windows here too
(the emulator, `bot/sandbox/faults.py`, counts the same way):

- a message sent counts in any chat; an edit counts only in a group, where Telegram
  counts edits against the group's minute in practice (the staff chat is a group: every
  card edit uses one of its 20). Edits in private chats, answerCallbackQuery, chat
  actions, forum topics and getters do not count;
- a private chat: one message a second. Telegram tolerates a short burst in a private
  chat; the outbox does not use it, and leaves it to the replies handlers send straight
  back to the person in front of them, which the outbox cannot foresee;
- a group: 20 in any 60 s, no burst beyond that; everything together: 30 in any second.

The throttle is the bot session's innermost request middleware, so it sees every call.
Calls made under `paced()` (the outbox worker's) wait for their place in every window.
The others, a handler answering the person who pressed or wrote, wait only for the
overall second (200 people filing at once must not make Telegram refuse their replies)
and are counted in their chat's window, so the outbox knows about them; they do not wait
for a private chat's second (Telegram tolerates a conversation's quick replies) nor for
a group's minute (a press in the staff chat would hang for up to a minute).

The limits are the bot's, not a process's. Where several replicas serve the webhook
(PostgreSQL), each also takes its place in the windows of all of them
(`share(TelegramSends)`, storage/telegram_sends.py): after its own windows let a message
go, the shared ones must too, by the same rule, on what every replica sent. Should the
database not answer, a replica goes on by its own windows and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramServerError
from aiogram.methods import Response, TelegramMethod

from storage.telegram_sends import Held, TelegramSends

log = logging.getLogger(__name__)

# How soon to look again when every place of a shared window is on its way (another
# replica's answer cannot wake this one).
SHARED_LOOK_AGAIN = 0.05
# After the shared windows could not be read, how long to keep to this process's alone.
SHARED_RETRY_AFTER = 30.0

EDITS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)
SENDS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)


def counts(method: str, chat_id: int) -> bool:
    """Whether Telegram counts this call against its limits."""
    return method in SENDS or (method in EDITS and chat_id < 0)


class Window:
    """At most `limit` messages in any `seconds`, as Telegram counts them.

    Telegram counts a message at some moment between the request leaving and the answer
    coming back. So a message holds its place from the moment it leaves until `seconds`
    after its answer: whenever Telegram counted it, its window holds no more than `limit`.
    Nothing to guess, and a round trip is all it costs (30 in 1 s plus a round trip).
    """

    __slots__ = ("_answered", "in_flight", "limit", "seconds")

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._answered: list[float] = []  # when the answers came, oldest first
        self.in_flight = 0

    @classmethod
    def holding(cls, limit: int, seconds: float, held: Held) -> Window:
        """A window as the replicas' shared record says it is."""
        window = cls(limit, seconds)
        window._answered = list(held.answered)
        window.in_flight = held.in_flight
        return window

    def free_at(self, now: float, spare: int = 0) -> float | None:
        """When one more message may leave, leaving `spare` places free (None: not
        before a message on its way is answered)."""
        del self._answered[: bisect_right(self._answered, now - self.seconds)]
        room = self.limit - spare - self.in_flight
        if room <= 0:
            return None
        if len(self._answered) < room:
            return now
        return self._answered[len(self._answered) - room] + self.seconds

    def busy(self, now: float) -> bool:
        """Whether anything still holds a place."""
        return self.in_flight > 0 or bool(
            self._answered and self._answered[-1] > now - self.seconds
        )

    def left(self) -> None:
        self.in_flight += 1

    def answered(self, now: float) -> None:
        self.in_flight -= 1
        insort(self._answered, now)

    def refused(self) -> None:
        """Telegram refused the message (a 4xx): it holds no place."""
        self.in_flight -= 1


class Throttle(BaseRequestMiddleware):
    """The three limits, each a `Window` of (limit, seconds)."""

    def __init__(
        self,
        *,
        private: tuple[int, float] = (1, 1.0),
        group: tuple[int, float] = (20, 60.0),
        overall: tuple[int, float] = (30, 1.0),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.private = private
        self.group = group
        self._now = monotonic
        self._overall = Window(*overall)
        self._chats: dict[int, Window] = {}
        self._reserved: dict[int, int] = {}
        self._paused_until: dict[int | None, float] = {}
        self._turn = asyncio.Lock()  # FIFO: the queue for the overall limit
        self._shared: TelegramSends | None = None
        self._shared_down_until = 0.0
        self._writing: set[asyncio.Task[None]] = set()  # answers written after a cancel
        self._answer = asyncio.Event()
        self._pace: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
            "flood_limits_pace", default=None
        )

    # --- what the windows hold --------------------------------------------------------

    def window(self, chat_id: int) -> Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = Window(*(self.group if chat_id < 0 else self.private))  # < 0: a group
            self._chats[chat_id] = window
        return window

    def reserve(self, chat_id: int, places: int) -> None:
        """Keep `places` of the chat's window for calls paced with `reserved=True` (the
        staff chat's new-tickets message): the outbox's queue never takes them."""
        self._reserved[chat_id] = places

    def free_at(self, chat_id: int, *, reserved: bool = False) -> float | None:
        """When a message to `chat_id` may leave by the chat's own limit (None: not before
        an answer comes)."""
        now = self._now()
        spare = 0 if reserved else self._reserved.get(chat_id, 0)
        free = self.window(chat_id).free_at(now, spare)
        paused = self._paused_until.get(chat_id, 0.0)
        return None if free is None else max(free, paused)

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": hold that chat (None: everything) for a while."""
        self._paused_until[chat_id] = max(
            self._paused_until.get(chat_id, 0.0), self._now() + seconds
        )

    def share(self, sends: TelegramSends) -> None:
        """Keep the limits together with the other replicas on this record."""
        self._shared = sends

    # --- waiting for a place ----------------------------------------------------------

    def pacing(self) -> bool:
        """Whether the call being made is the outbox's (made within `paced()`)."""
        return self._pace.get() is not None

    @contextlib.contextmanager
    def paced(self, *, reserved: bool = False) -> Iterator[None]:
        """Calls made within wait for their place (the outbox's); `reserved`: they may
        use the chat's reserved places."""
        token = self._pace.set(reserved)
        try:
            yield
        finally:
            self._pace.reset(token)

    async def wait(self, chat_id: int, *, reserved: bool = False) -> int | None:
        """Wait until a message to `chat_id` may leave; its place in the shared windows
        (None: not shared).

        First the chat's own limit, then the overall one, where the chats take turns in
        the order they became ready: a chat that has just sent queues up behind the
        others, so chats advance evenly rather than whoever wakes first. Then the shared
        windows, the chat's included (another replica may have just answered there)."""

        def chat_free_at() -> float | None:
            return self.free_at(chat_id, reserved=reserved)

        while True:
            if not await self._ready(chat_free_at):
                continue
            async with self._turn:
                await self._overall_turn()
                at = chat_free_at()
                if at is None or at > self._now():
                    continue  # something else took its place meanwhile
                place, later = await self._shared_place(chat_id, paced=True, reserved=reserved)
                if not later:
                    return place
            await asyncio.sleep(later)

    async def _reply_turn(self, chat_id: int) -> int | None:
        """A reply's wait: the overall limit, here and then shared; its shared place."""
        async with self._turn:
            await self._overall_turn()
            while True:
                place, later = await self._shared_place(chat_id, paced=False, reserved=False)
                if not later:
                    return place
                await asyncio.sleep(later)

    async def _shared_place(
        self, chat_id: int, *, paced: bool, reserved: bool
    ) -> tuple[int | None, float]:
        """(the message's place in the shared windows, 0) when it may leave by them; (None,
        seconds to wait) when not yet; (None, 0) when not shared, or the record failed."""
        if self._shared is None or self._now() < self._shared_down_until:
            return None, 0.0
        try:
            async with self._shared.turn() as turn:
                limit, seconds = self.group if chat_id < 0 else self.private
                seen = await turn.recent(
                    chat_id, overall_seconds=self._overall.seconds, chat_seconds=seconds
                )
                overall = self._overall
                at = Window.holding(overall.limit, overall.seconds, seen.overall).free_at(seen.now)
                if paced and at is not None:
                    spare = 0 if reserved else self._reserved.get(chat_id, 0)
                    chat_at = Window.holding(limit, seconds, seen.chat).free_at(seen.now, spare)
                    at = None if chat_at is None else max(at, chat_at)
                if at is None:
                    return None, SHARED_LOOK_AGAIN
                if at > seen.now:
                    return None, at - seen.now
                return await turn.record(chat_id), 0.0
        except Exception as exc:  # the database: the network, a restart, a failover
            self._shared_failed(exc)
            return None, 0.0

    def _shared_failed(self, exc: Exception) -> None:
        self._shared_down_until = self._now() + SHARED_RETRY_AFTER
        log.warning(
            "Telegram's limits are kept by this process alone for %d s: the replicas' "
            "record of messages sent did not answer (%s: %s)",
            SHARED_RETRY_AFTER,
            type(exc).__name__,
            exc,
        )

    async def _shared_done(self, place: int | None, *, counted: bool) -> None:
        """Write down the answer of the message at `place` (or that it was refused)."""
        if place is None or self._shared is None:
            return
        try:
            if counted:
                await self._shared.answered(place)
            else:
                await self._shared.refused(place)
        except Exception as exc:
            self._shared_failed(exc)

    async def _overall_turn(self) -> None:
        """Wait (at the head of the queue) until the overall limit lets one through."""
        while not await self._ready(self._overall_free_at):
            pass

    def _overall_free_at(self) -> float | None:
        free = self._overall.free_at(self._now())
        return None if free is None else max(free, self._paused_until.get(None, 0.0))

    async def _ready(self, free_at: Callable[[], float | None]) -> bool:
        """True if free now; otherwise wait until it may be and say False."""
        at = free_at()
        now = self._now()
        if at is not None and at <= now:
            return True
        if at is not None:
            await asyncio.sleep(at - now)
        else:  # every place is on its way: the next answer tells when one frees
            await self._answer.wait()
        return False

    # --- the request middleware -------------------------------------------------------

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int) or not counts(method.__api_method__, chat_id):
            return await make_request(bot, method)
        pace = self._pace.get()
        if pace is not None:
            place = await self.wait(chat_id, reserved=pace)
        else:  # a reply: only the overall limit holds it back, for a moment at most
            place = await self._reply_turn(chat_id)
        window = self.window(chat_id)
        window.left()
        self._overall.left()
        try:
            response = await make_request(bot, method)
        except TelegramAPIError as exc:
            if isinstance(exc, TelegramServerError | TelegramNetworkError):
                self._answered(window)  # it may have been counted before it failed
                await self._shared_done(place, counted=True)
            else:  # refused ("message is not modified", 429, 403...): not counted
                window.refused()
                self._overall.refused()
                self._notify()
                await self._shared_done(place, counted=False)
            raise
        except BaseException:  # cancelled, or a timeout: whether it was counted is unknown
            self._answered(window)
            if place is not None:  # not awaited: a cancelled call must not wait
                self._write_later(place)
            raise
        self._answered(window)
        await self._shared_done(place, counted=True)
        return response

    def _write_later(self, place: int) -> None:
        task = asyncio.get_running_loop().create_task(self._shared_done(place, counted=True))
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    def _answered(self, window: Window) -> None:
        now = self._now()
        window.answered(now)
        self._overall.answered(now)
        self._notify()
        if len(self._chats) > 10_000:
            self._forget_idle(now)

    def _notify(self) -> None:
        answer, self._answer = self._answer, asyncio.Event()
        answer.set()  # whoever waits for an answer looks again

    def _forget_idle(self, now: float) -> None:
        """Drop the windows that hold nothing: a new one starts empty just the same."""
        for chat_id in [c for c, w in self._chats.items() if not w.busy(now)]:
            del self._chats[chat_id]
        for paused in [c for c, until in self._paused_until.items() if until <= now]:
            del self._paused_until[paused]
