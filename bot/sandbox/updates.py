"""The bot's update queue and its two delivery modes: getUpdates and webhook.

Updates get increasing ``update_id``s and wait in the queue until confirmed:
by a getUpdates call with a higher ``offset`` (long polling), or by a 2xx answer
of the bot's webhook (push mode).  ``allowed_updates`` filters updates when
they are created, as on Telegram's side.  A webhook may answer an update with a
Bot API method call in its response body; the pusher hands such calls to the
Bot API implementation.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from .payloads import Params, read_multipart
from .waiting import ChangeSignal

JsonDict = dict[str, Any]

ALL_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# Telegram's default when allowed_updates was never given (or given as []).
DEFAULT_UPDATE_TYPES = frozenset(ALL_UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


@dataclass
class QueuedUpdate:
    update_id: int
    kind: str
    payload: JsonDict

    def to_api(self) -> JsonDict:
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Unconfirmed updates, oldest first."""

    def __init__(self, signal: ChangeSignal, first_update_id: int = 1) -> None:
        self._signal = signal
        self._next_id = first_update_id
        self.pending: list[QueuedUpdate] = []
        self.allowed_updates: list[str] | None = None
        self.filtered_out = 0
        self.confirmed = 0

    def __len__(self) -> int:
        return len(self.pending)

    def accepts(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind in DEFAULT_UPDATE_TYPES
        return kind in self.allowed_updates

    def set_allowed_updates(self, allowed: list[str] | None) -> None:
        """Remember a new allowed_updates list (None keeps the previous one)."""
        if allowed is not None:
            self.allowed_updates = [kind for kind in allowed if kind in ALL_UPDATE_TYPES]

    def push(self, kind: str, payload: JsonDict) -> QueuedUpdate | None:
        """Queue an update; None if the bot's allowed_updates excludes its type."""
        if not self.accepts(kind):
            self.filtered_out += 1
            self._signal.notify()
            return None
        update = QueuedUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self.pending.append(update)
        self._signal.notify()
        return update

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' ``offset``: forget confirmed updates."""
        if offset > 0:
            kept = [u for u in self.pending if u.update_id >= offset]
        elif offset < 0:
            kept = self.pending[offset:]
        else:
            return
        if len(kept) != len(self.pending):
            self.confirmed += len(self.pending) - len(kept)
            self.pending = kept
            self._signal.notify()

    def confirm_one(self, update: QueuedUpdate) -> None:
        if update in self.pending:
            self.pending.remove(update)
            self.confirmed += 1
            self._signal.notify()

    def peek(self, limit: int) -> list[QueuedUpdate]:
        return self.pending[:limit]

    def drop_pending(self) -> int:
        dropped = len(self.pending)
        self.pending = []
        self._signal.notify()
        return dropped


@dataclass
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending_update_count: int, allowed_updates: list[str] | None) -> JsonDict:
        """The Bot API ``WebhookInfo`` object."""
        info: JsonDict = {
            "url": self.url,
            "has_custom_certificate": self.has_custom_certificate,
            "pending_update_count": pending_update_count,
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if allowed_updates:
                info["allowed_updates"] = list(allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


MethodExecutor = Callable[[str, Params], Awaitable[None]]


class WebhookPusher:
    """Posts queued updates, one at a time and in order, to the bot's webhook."""

    def __init__(
        self,
        queue: UpdateQueue,
        config: WebhookConfig,
        signal: ChangeSignal,
        execute_method: MethodExecutor,
        *,
        retry_delay: float = 0.2,
        request_timeout: float = 10.0,
        connections: int = 1,
    ) -> None:
        self.queue = queue
        # Updates on their way at once. Telegram opens up to the webhook's max_connections;
        # one (the default) posts them strictly one after another, in order.
        self.connections = connections
        self.config = config
        self._signal = signal
        self._execute_method = execute_method
        self.retry_delay = retry_delay
        self.request_timeout = request_timeout
        self.delivered = 0
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Retry a failing delivery now (the webhook was changed)."""
        self._wake.set()

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run(), name="sandbox-webhook-pusher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            if self.connections > 1:
                await self._run_many()
                return
            if not self.config.url or not self.queue.pending:
                await self._signal.wait_changed(None)
                continue
            update = self.queue.pending[0]
            delivered = await self._post(self.config.url, update)
            if not delivered:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.retry_delay):
                        await self._wake.wait()

    async def _run_many(self) -> None:
        """Up to `connections` updates on their way at once, oldest first, each posted again
        after a failure until it is delivered (or the webhook changes)."""
        flying: dict[int, asyncio.Task[None]] = {}
        changed: asyncio.Future[bool] | None = None
        try:
            while True:
                for update_id in [i for i, task in flying.items() if task.done()]:
                    del flying[update_id]
                if self.config.url:
                    for update in self.queue.pending:
                        if len(flying) >= self.connections:
                            break
                        if update.update_id not in flying:
                            flying[update.update_id] = asyncio.create_task(self._deliver(update))
                changed = asyncio.ensure_future(self._signal.wait_changed(None))
                await asyncio.wait([changed, *flying.values()], return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
        finally:
            waiting: list[asyncio.Future[Any]] = list(flying.values())
            if changed is not None:
                waiting.append(changed)
            for task in waiting:
                task.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)

    async def _deliver(self, update: QueuedUpdate) -> None:
        while self.config.url and update in self.queue.pending:
            if await self._post(self.config.url, update):
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.retry_delay):
                    await self._wake.wait()

    async def _post(self, url: str, update: QueuedUpdate) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self.config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.config.secret_token
        try:
            async with self._session.post(
                url,
                data=json.dumps(update.to_api()),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.request_timeout),
            ) as response:
                if not 200 <= response.status < 300:
                    self._record_error(
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
                    return False
                call = await self._read_method_call(response)
        except TimeoutError:
            self._record_error("Read timeout expired")
            return False
        except aiohttp.ClientConnectorError:
            self._record_error("Connection refused")
            return False
        except aiohttp.ClientError as error:
            self._record_error(f"Connection error: {type(error).__name__}")
            return False
        if self.config.url == url:
            self.queue.confirm_one(update)
        self.delivered += 1
        if call is not None:
            await self._execute_method(*call)
        return True

    def _record_error(self, message: str) -> None:
        self.config.last_error_date = int(time.time())
        self.config.last_error_message = message
        self._signal.notify()

    @staticmethod
    async def _read_method_call(response: aiohttp.ClientResponse) -> tuple[str, Params] | None:
        """A Bot API call made in the webhook's answer, as aiogram and others do."""
        content_type = response.content_type
        if content_type.startswith("multipart/"):
            params = await read_multipart(aiohttp.MultipartReader.from_response(response))
        elif content_type == "application/json":
            try:
                body = await response.json()
            except ValueError:
                return None
            if not isinstance(body, dict):
                return None
            params = Params(body)
        else:
            return None
        method = params.get_str("method")
        if not method:
            return None
        params.values.pop("method", None)
        return method, params
