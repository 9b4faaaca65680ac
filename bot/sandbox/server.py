"""``BotApiEmulator``: the aiohttp server tying the emulator together.

One server on 127.0.0.1 serves the Bot API (``/bot<token>/<method>``), file
downloads (``/file/bot<token>/<path>``) and the control API (``/_sandbox/...``),
and runs the webhook pusher.  The object is also the entry point of the
Python people API (``create_user``, ``create_group``, ``wait_idle``...).

A bot under test needs nothing but the server's address::

    async with BotApiEmulator() as emulator:
        session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(emulator.token, session=session)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .bot_api import ApiCall, ApiStats, BotApi
from .control_api import ControlApi, json_errors_middleware
from .errors import SandboxError, SandboxTimeout
from .faults import Busiest, FaultInjector, RateLimiter, RateLimits
from .model import ChatMessage
from .people import CallbackPress, Group, Person
from .state import MessageListener, SandboxState
from .updates import WebhookPusher

if TYPE_CHECKING:
    from aiogram.client.telegram import TelegramAPIServer


class BotApiEmulator:
    """An in-process Telegram Bot API server with scriptable people.

    Telegram's flood limits are on (``rate_limits=False`` switches them off; pass a
    ``RateLimits`` to tune them): a bot that sends faster than Telegram allows is
    answered 429 here as it would be there. ``clock`` is the monotonic clock they use.
    ``wall_clock`` is Telegram's time (Unix seconds): message dates, and a button pressed
    on a message older than 48 hours comes with an InaccessibleMessage; ``follow_clock``
    makes it follow a movable clock.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "frontdesk_bot",
        *,
        bot_first_name: str = "Front Desk",
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: bool | RateLimits = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 0.2,
        webhook_connections: int = 1,
        shutdown_timeout: float = 2.0,
    ) -> None:
        self.state = SandboxState(token, bot_username, bot_first_name, wall_clock)
        self.faults = FaultInjector()
        limits = rate_limits if isinstance(rate_limits, RateLimits) else None
        self.rate_limiter = RateLimiter(limits, clock)
        self.rate_limiter.set_enabled(bool(rate_limits))
        self.api = BotApi(
            self.state, self.faults, self.rate_limiter, on_webhook_changed=self._webhook_changed
        )
        self.control = ControlApi(self)
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self._webhook_retry_delay = webhook_retry_delay
        self._webhook_connections = webhook_connections
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._pusher: WebhookPusher | None = None
        self._people: dict[int, Person] = {}
        self._groups: dict[int, Group] = {}

    # --- lifecycle ------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        app = web.Application(
            client_max_size=64 * 1024 * 1024, middlewares=[json_errors_middleware]
        )
        app.router.add_route("GET", "/bot{token}/{method}", self.api.handle_method)
        app.router.add_route("POST", "/bot{token}/{method}", self.api.handle_method)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self.api.handle_file)
        self.control.register(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=self._shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        await site.start()
        self._runner = runner
        addresses = runner.addresses
        self.port = int(addresses[0][1])
        self.api.closing = False
        self._pusher = WebhookPusher(
            self.state.updates,
            self.state.webhook,
            self.state.signal,
            self.api.execute_webhook_reply,
            retry_delay=self._webhook_retry_delay,
            connections=self._webhook_connections,
        )
        await self._pusher.start()

    async def stop(self) -> None:
        """Stop serving: parked long polls return, the pusher stops, sockets close."""
        if self._runner is None:
            return
        self.api.close()
        if self._pusher is not None:
            await self._pusher.stop()
            self._pusher = None
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, for ``TelegramAPIServer.from_base``."""
        if self.port is None:
            raise RuntimeError("the emulator is not started")
        return f"http://{self.host}:{self.port}"

    def telegram_api_server(self) -> TelegramAPIServer:
        """aiogram's ``TelegramAPIServer`` pointing at this emulator."""
        from aiogram.client.telegram import TelegramAPIServer  # aiogram is slow to import

        return TelegramAPIServer.from_base(self.base_url)

    # --- the bot ----------------------------------------------------------------

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_id(self) -> int:
        return self.state.bot_id

    @property
    def bot_username(self) -> str:
        return self.state.bot_username

    @property
    def webhook_url(self) -> str:
        return self.state.webhook.url

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates calls currently parked waiting for an update."""
        return self.api.long_polls_waiting

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates offset or webhook 2xx)."""
        return len(self.state.updates)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict]:
        """The bot's commands for a scope (default scope) and language, as set."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return list(self.state.commands.get((key, language_code.lower()), []))

    # --- people -----------------------------------------------------------------

    def create_user(
        self,
        first_name: str = "Alice",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_premium: bool = False,
        phone_number: str | None = None,
        started: bool = True,
    ) -> Person:
        """Create a person with a private chat with the bot.

        ``started=False`` models someone who never pressed Start: the bot's
        messages to them fail with 403 until they write first.
        """
        record = self.state.add_person(
            first_name,
            user_id=user_id,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
            phone_number=phone_number,
            started=started,
        )
        person = Person(self.state, record)
        self._people[record.id] = person
        return person

    def create_group(
        self,
        title: str,
        *,
        is_forum: bool = False,
        members: Iterable[Person] = (),
        admins: Iterable[Person] = (),
        supergroup: bool = True,
        chat_id: int | None = None,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> Group:
        """Create a group (a supergroup unless ``supergroup=False``) with the bot in it."""
        record = self.state.add_group(
            title,
            is_forum=is_forum,
            supergroup=supergroup,
            chat_id=chat_id,
            username=username,
            bot_status=bot_status,
        )
        group = Group(self.state, record.id)
        for person in members:
            group.add_member(person)
        for person in admins:
            group.add_member(person, "administrator")
        self._groups[record.id] = group
        return group

    def person(self, user_id: int) -> Person:
        person = self._people.get(user_id)
        if person is None:
            raise SandboxError(f"unknown user {user_id}")
        return person

    def migrate_to_supergroup(self, group: Group, *, by: Person) -> Group:
        """A basic group becomes a supergroup, as Telegram does it: a new chat id with the
        same members and the bot, a service message in each (`migrate_to_chat_id` in the
        old group, `migrate_from_chat_id` in the new one), and the old id refused."""
        old = group.chat
        if old.type != "group" or old.migrated_to is not None:
            raise SandboxError(f"{old.title!r} is not a basic group")
        new = self.state.add_group(old.title or "", bot_status=old.bot_status)
        new.members = dict(old.members)
        old.migrated_to = new.id
        moved = self.state.add_message(old, {"migrate_to_chat_id": new.id}, sender=by.record)
        self.state.push_update("message", moved.to_api())
        came = self.state.add_message(new, {"migrate_from_chat_id": old.id}, sender=by.record)
        self.state.push_update("message", came.to_api())
        supergroup = Group(self.state, new.id)
        self._groups[new.id] = supergroup
        return supergroup

    def group(self, chat_id: int) -> Group:
        group = self._groups.get(chat_id)
        if group is None:
            raise SandboxError(f"unknown group {chat_id}")
        return group

    @property
    def people(self) -> list[Person]:
        return list(self._people.values())

    @property
    def groups(self) -> list[Group]:
        return list(self._groups.values())

    def transcript(self, chat_id: int) -> list[ChatMessage]:
        return self.state.transcript(chat_id)

    def callback_press(self, callback_query_id: str) -> CallbackPress:
        record = self.state.callback_queries.get(callback_query_id)
        if record is None:
            raise SandboxError(f"unknown callback query {callback_query_id}")
        message = self.state.chat(record.chat_id).by_id[record.message_id]
        return CallbackPress(self.state, record, message)

    def subscribe(self, listener: MessageListener) -> Callable[[], None]:
        """Call ``listener(event, message)`` on every new, edited or deleted message.

        ``event`` is "new", "edited" or "deleted"; returns an unsubscribe function.
        Listeners run synchronously inside the emulator and must not block.
        """
        self.state.listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self.state.listeners:
                self.state.listeners.remove(listener)

        return unsubscribe

    # --- faults, limits, observation -----------------------------------------------

    def follow_clock(self, now: Callable[[], datetime]) -> None:
        """Take Telegram's time from ``now`` (a movable clock's ``now``): the messages
        sent from then on are dated by it, and get old as it moves."""
        self.state.wall_clock = lambda: now().timestamp()

    def enable_rate_limits(self, enabled: bool = True) -> None:
        """Switch Telegram's flood limits on or off (the windows start empty)."""
        self.rate_limiter.set_enabled(enabled)

    def busiest_windows(self) -> Busiest:
        """The most messages the flood limits counted within one window of each kind,
        from the record of accepted calls (kept whether the limits are on or off)."""
        return self.rate_limiter.busiest()

    @property
    def rate_limits_enabled(self) -> bool:
        return self.rate_limiter.enabled

    @property
    def stats(self) -> ApiStats:
        return self.api.stats

    @property
    def too_many_requests_count(self) -> int:
        """How many 429 answers were given (injected and flood-limit ones)."""
        return self.api.stats.too_many_requests

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Logged Bot API calls, oldest first, optionally of one method."""
        if method is None:
            return list(self.api.calls)
        wanted = method.lower()
        return [call for call in self.api.calls if call.method.lower() == wanted]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], Any] | None = None,
        *,
        timeout: float = 5.0,
    ) -> ApiCall:
        """Wait until a call of ``method`` (matching ``predicate``) has been answered."""

        def find() -> ApiCall | None:
            for call in self.calls(method):
                if predicate is None or predicate(call):
                    return call
            return None

        return await self.state.signal.wait_for(
            find, timeout, lambda: f"no {method} call was answered"
        )

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Wait until the bot has handled everything, as far as the emulator can tell.

        Idle means: every update was confirmed (a later getUpdates offset or a
        2xx webhook answer), no bot call other than a parked long poll is in
        flight, and nothing happened for ``quiet`` seconds.  A bot polling with
        ``handle_as_tasks=False`` confirms an update only after handling it,
        which makes this exact; otherwise ``quiet`` covers the gap between
        receiving an update and the handler's first Bot API call.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        signal = self.state.signal
        activity = self.api.activity

        def settled() -> bool:
            return not self.state.updates.pending and activity.in_flight == 0

        while True:
            remaining = deadline - loop.time()
            await signal.wait_for(
                settled,
                max(remaining, 0.0),
                lambda: (
                    f"{len(self.state.updates)} unconfirmed update(s), "
                    f"{activity.in_flight} bot call(s) in flight"
                ),
            )
            quiet_for = time.monotonic() - activity.last_activity
            if quiet_for >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise SandboxTimeout(f"the bot did not go quiet within {timeout:g}s")
            await signal.wait_changed(min(quiet - quiet_for, remaining))

    @property
    def webhook_connections(self) -> int:
        """Webhook deliveries at once: 1 (the default) posts the updates one after another,
        in order; Telegram's go up to the webhook's max_connections, and then one chat's
        updates may overlap. Settable while running (from 1 to more)."""
        return self._webhook_connections

    @webhook_connections.setter
    def webhook_connections(self, connections: int) -> None:
        self._webhook_connections = connections
        if self._pusher is not None:
            self._pusher.connections = connections
            self._pusher.wake()
            self.state.signal.notify()

    def _webhook_changed(self) -> None:
        if self._pusher is not None:
            self._pusher.wake()
