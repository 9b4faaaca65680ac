"""Long polling that loses nothing, and where one chat cannot hold up the others.

Why not aiogram's `Dispatcher.start_polling`: it hands each fetched update to a task and
asks getUpdates for the next batch at once, and that request's offset tells Telegram the
previous batch was received; a process killed before those tasks commit loses them.
Here:

- Each batch from getUpdates is written to the inbox table (`storage.inbox`) in one
  transaction *before* the next getUpdates confirms it. Handling starts from there; at
  start-up, whatever the inbox still holds is handled first, in order. An update whose
  handling committed carries the processed_updates mark written in that transaction, so
  handling it again after a restart drops it: each update is handled exactly once.
  Finished updates leave the inbox in batches, with the next batch written or within
  `SETTLE_DELAY` seconds.
- Updates queue per person and chat (the key of aiogram's FSM and of its per-person lock)
  and a queue hands the dispatcher one update at a time. At most `slots` queues run at
  once; a queue whose update is running holds one slot, a queue that waits holds none, and
  queues with work take turns. So a flood from one person, or a chat whose Bot API calls
  hang, keeps one slot busy, not all of them.
- The per-person rate limit (`bot.telegram.rate_limit`) is applied as updates arrive: a
  flood's excess never queues.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.telegram.rate_limit import VERDICT, RateLimit, Verdict
from storage.inbox import Inbox, InboxRow

log = logging.getLogger(__name__)

# Finished updates leave the inbox at most this long after they finish, when no new
# batch takes them along sooner.
SETTLE_DELAY = 0.5
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


def queue_key(update: Update) -> Hashable:
    """Whose turn an update waits for: its chat and sender, as aiogram's FSM strategy
    USER_IN_CHAT and its event isolation key them (so the isolation lock is never waited
    for while a slot is held); an update with neither waits for nobody."""
    context = UserContextMiddleware.resolve_event_context(update)
    if context.chat is None and context.user is None:
        return ("update", update.update_id)
    return (context.chat_id, context.user_id, context.business_connection_id)


T = TypeVar("T")


class ChatQueues(Generic[T]):
    """Per-key FIFO queues sharing `slots` running places, taken in turns."""

    def __init__(self, handle: Callable[[T], Coroutine[Any, Any, None]], slots: int) -> None:
        self._handle = handle
        self.slots = slots
        self._queues: dict[Hashable, deque[T]] = {}
        self._ready: deque[Hashable] = deque()  # keys with work and no update running
        self._running: dict[Hashable, asyncio.Task[None]] = {}
        self._closed = False
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def waiting(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    @property
    def running(self) -> int:
        return len(self._running)

    def put(self, key: Hashable, item: T) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            if key not in self._running:
                self._ready.append(key)
        queue.append(item)
        self._pump()

    def _pump(self) -> None:
        while not self._closed and self._ready and len(self._running) < self.slots:
            key = self._ready.popleft()
            queue = self._queues[key]
            item = queue.popleft()
            if not queue:
                del self._queues[key]
            task = asyncio.create_task(self._handle(item))
            self._running[key] = task
            self._idle.clear()
            task.add_done_callback(functools.partial(self._finished, key))

    def _finished(self, key: Hashable, _task: asyncio.Task[None]) -> None:
        del self._running[key]
        if key in self._queues:
            self._ready.append(key)  # behind the others that wait: turns
        self._pump()
        if not self._running:
            self._idle.set()

    async def close(self) -> None:
        """Start nothing more; wait for the updates running now (the queued ones stay in
        the inbox for the next start)."""
        self._closed = True
        await self._idle.wait()


class DurablePolling:
    """Fetch, keep, then confirm; handle from the inbox (see the module's docstring)."""

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        inbox: Inbox,
        *,
        slots: int,
        rate_limit: RateLimit | None = None,
        allowed_updates: list[str] | None = None,
        polling_timeout: int = 10,
        unkept: Callable[[Update], bool] = lambda _update: False,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.inbox = inbox
        self.rate_limit = rate_limit
        self.allowed_updates = allowed_updates
        self.polling_timeout = polling_timeout
        self.unkept = unkept
        self.queues: ChatQueues[_Fed] = ChatQueues(self._handle, slots)
        self._offset: int | None = None
        self._finished: list[int] = []
        self._settling: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Replay the inbox, then poll until `stop`; the updates running then are finished."""
        workflow = {**self.dp.workflow_data, "dispatcher": self.dp}
        await self.dp.emit_startup(bot=self.bot, **workflow)
        try:
            await self._replay()
            await self._poll()
        finally:
            await self.queues.close()
            if self._settling is not None:
                self._settling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._settling
            await self._settle_now()
            await self.dp.emit_shutdown(bot=self.bot, **workflow)

    def stop(self) -> None:
        self._stop.set()

    async def _replay(self) -> None:
        rows = await self.inbox.waiting()
        if rows:
            log.info("%d updates received before the restart are handled first", len(rows))
            # They are durable: confirm them with the first getUpdates.
            self._offset = rows[-1].update_id + 1
        for row in rows:
            update = Update.model_validate_json(row.payload, context={"bot": self.bot})
            self._submit(update)

    async def _poll(self) -> None:
        backoff = Backoff(BACKOFF)
        stopping = asyncio.create_task(self._stop.wait())
        try:
            while not self._stop.is_set():
                fetch = asyncio.create_task(
                    self.bot.get_updates(
                        offset=self._offset,
                        timeout=self.polling_timeout,
                        allowed_updates=self.allowed_updates,
                        request_timeout=self.polling_timeout + 30,
                    )
                )
                await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():
                    fetch.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await fetch
                    return
                try:
                    updates = fetch.result()
                except Exception as exc:
                    log.error("getUpdates failed (%s: %s); trying again", type(exc).__name__, exc)
                    await backoff.asleep()
                    continue
                backoff.reset()
                if not updates:
                    continue
                try:
                    await self._keep(updates)
                except Exception as exc:
                    # Not confirmed: the next getUpdates, with the same offset, brings them again.
                    log.error(
                        "updates could not be written to the inbox (%s: %s); fetching them again",
                        type(exc).__name__,
                        exc,
                    )
                    await backoff.asleep()
        finally:
            stopping.cancel()

    async def _keep(self, updates: list[Update]) -> None:
        """Write the batch to the inbox (with the finished ones settled in the same
        transaction), then queue what is new; only then may the offset move on. What is
        `unkept` (a group's own talk) is neither written nor handled."""
        kept = [u for u in updates if not self.unkept(u)]
        rows = [
            InboxRow(u.update_id, u.model_dump_json(exclude_unset=True, by_alias=True))
            for u in kept
        ]
        finished, self._finished = self._finished, []
        try:
            new = set(await self.inbox.keep(rows, finished))
        except BaseException:
            self._finished.extend(finished)
            raise
        for update in kept:
            if update.update_id in new:
                self._submit(update)
        self._offset = updates[-1].update_id + 1

    def _submit(self, update: Update) -> None:
        verdict = Verdict.PASS if self.rate_limit is None else self.rate_limit.check_update(update)
        if verdict is Verdict.DROP:
            self._done(update.update_id)
            return
        self.queues.put(queue_key(update), _Fed(update, {VERDICT: verdict}))

    async def _handle(self, fed: _Fed) -> None:
        try:
            await self.dp.feed_update(self.bot, fed.update, **fed.kwargs)
        except Exception:
            log.exception("update %s failed", fed.update.update_id)
        finally:
            self._done(fed.update.update_id)

    def _done(self, update_id: int) -> None:
        self._finished.append(update_id)
        if self._settling is None or self._settling.done():
            self._settling = asyncio.create_task(self._settle_soon())

    async def _settle_soon(self) -> None:
        await asyncio.sleep(SETTLE_DELAY)
        try:
            await self._settle_now()
        except Exception:
            log.exception("finished updates could not leave the inbox; tried again later")

    async def _settle_now(self) -> None:
        finished, self._finished = self._finished, []
        try:
            await self.inbox.settle(finished)
        except BaseException:
            self._finished.extend(finished)
            raise


class _Fed:
    """An update on its way to the dispatcher, with what the polling loop decided about it."""

    __slots__ = ("kwargs", "update")

    def __init__(self, update: Update, kwargs: dict[str, Any]) -> None:
        self.update = update
        self.kwargs = kwargs
