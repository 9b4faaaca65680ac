"""The Bot API's front door: ``/bot<token>/<method>`` over HTTP, the call log and its
counters, and the helpers the areas of methods share (which chat, may the bot write there,
which topic, the flood limits, formatted text and captions).

Each method reads its parameters the way the Bot API does (JSON, form or multipart
bodies), validates them with Telegram's error codes and descriptions, updates
``SandboxState`` and answers with the real response envelope.  Every call first passes
the fault injector and, for sending methods and edits in groups, the flood-limit check.
Calls are logged and counted, and in-flight calls are tracked so the emulator can tell
when the bot has gone quiet.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .. import errors
from ..errors import TelegramApiError, bad_request, forbidden
from ..faults import FaultInjector, RateLimiter
from ..formatting import detect_entities, parse_formatted, trim_formatted, utf16_len
from ..model import ChatRecord, JsonDict
from ..payloads import Params, read_request_params
from ..state import SandboxState

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


@dataclass
class Described:
    """A successful result that also carries a ``description`` (setWebhook does)."""

    result: Any
    description: str


@dataclass
class ApiCall:
    """One logged Bot API call."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    started_at: float
    duration: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "status": self.status,
            "description": self.description,
            "started_at": self.started_at,
            "duration": self.duration,
        }


@dataclass
class ApiStats:
    requests: collections.Counter[str] = field(default_factory=collections.Counter)
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    too_many_requests: int = 0  # every 429 answered, injected or from flood limits
    rate_limited: int = 0  # 429s caused by the flood limits only
    disconnects: int = 0
    internal_errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "too_many_requests": self.too_many_requests,
            "rate_limited": self.rate_limited,
            "disconnects": self.disconnects,
            "internal_errors": list(self.internal_errors),
        }


class BotActivity:
    """In-flight bot calls (long polls excluded) and the time of the last activity."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self.in_flight = 0
        self.last_activity = time.monotonic()

    def touch(self) -> None:
        self.last_activity = time.monotonic()
        self._state.signal.notify()

    def begin(self) -> None:
        self.in_flight += 1
        self.touch()

    def end(self) -> None:
        self.in_flight -= 1
        self.touch()


MethodHandler = Callable[[Params], Awaitable[Any]]


class BotApiCore:
    """What every Bot API method stands on; the areas of methods extend it and
    ``BotApi`` puts them together (``_method_table``)."""

    def __init__(
        self,
        state: SandboxState,
        faults: FaultInjector,
        rate_limiter: RateLimiter,
        *,
        on_webhook_changed: Callable[[], None] = lambda: None,
        call_log_size: int = 5000,
    ) -> None:
        self.state = state
        self.faults = faults
        self.rate_limiter = rate_limiter
        self.on_webhook_changed = on_webhook_changed
        self.calls: collections.deque[ApiCall] = collections.deque(maxlen=call_log_size)
        self.stats = ApiStats()
        self.activity = BotActivity(state)
        self.closing = False
        self.long_polls_waiting = 0
        self._poll_generation = 0
        self.methods: dict[str, MethodHandler] = {
            name.lower(): handler for name, handler in self._method_table().items()
        }

    def _method_table(self) -> dict[str, MethodHandler]:
        """Bot API method names (as Telegram spells them) and their handlers."""
        return {}

    # --- HTTP layer ---------------------------------------------------------

    async def handle_method(self, request: web.Request) -> web.StreamResponse:
        """Route handler of ``/bot<token>/<method>``."""
        if request.match_info["token"] != self.state.token:
            return error_response(errors.unauthorized())
        method = request.match_info["method"]
        is_long_poll = method.lower() == "getupdates"
        started = time.monotonic()
        logged_params: dict[str, Any] = {}
        if not is_long_poll:
            self.activity.begin()
        try:
            decision = self.faults.decide(method)
            if decision.delay:
                await self._pause(decision.delay)
            failure = decision.failure
            if failure is not None and failure.kind == "disconnect":
                self.stats.disconnects += 1
                self._log(method, logged_params, 0, "connection dropped", started)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response()
            if failure is not None and failure.kind == "retry_after":
                raise errors.too_many_requests(failure.retry_after)
            if failure is not None:
                raise errors.server_error(failure.status)
            params = await read_request_params(request)
            logged_params = params.loggable()
            result = await self.execute(method, params)
        except TelegramApiError as error:
            self._count_error(error)
            self._log(method, logged_params, error.status, error.description, started)
            return error_response(error)
        except Exception as error:  # an emulator bug: answer like Telegram, remember it
            logger.exception("Bot API emulator failed in %s", method)
            self.stats.internal_errors.append(f"{method}: {type(error).__name__}: {error}")
            failure_answer = errors.server_error(500)
            self._log(method, logged_params, 500, failure_answer.description, started)
            return error_response(failure_answer)
        finally:
            if not is_long_poll:
                self.activity.end()
        self._log(method, logged_params, 200, None, started)
        payload: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            payload["result"] = result.result
            payload["description"] = result.description
        else:
            payload["result"] = result
        return web.json_response(payload)

    async def execute(self, method: str, params: Params) -> Any:
        """Run one Bot API method; raises TelegramApiError for error answers."""
        handler = self.methods.get(method.lower())
        if handler is None:
            raise errors.not_found()
        self.stats.requests[method] += 1
        return await handler(params)

    async def execute_webhook_reply(self, method: str, params: Params) -> None:
        """A method call made in a webhook answer; errors are not reported back."""
        started = time.monotonic()
        self.activity.begin()
        try:
            await self.execute(method, params)
        except TelegramApiError as error:
            self._count_error(error)
            self._log(method, params.loggable(), error.status, error.description, started)
        except Exception as error:  # an emulator bug; keep the pusher alive
            logger.exception("Bot API emulator failed in %s (webhook reply)", method)
            self.stats.internal_errors.append(f"{method}: {type(error).__name__}: {error}")
        else:
            self._log(method, params.loggable(), 200, None, started)
        finally:
            self.activity.end()

    def close(self) -> None:
        """Release parked long polls and delays: the server is shutting down."""
        self.closing = True
        self.state.signal.notify()

    def _count_error(self, error: TelegramApiError) -> None:
        if error.status == 429:
            self.stats.too_many_requests += 1

    def _log(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        description: str | None,
        started: float,
    ) -> None:
        self.stats.statuses[status] += 1
        self.calls.append(
            ApiCall(method, params, status, description, started, time.monotonic() - started)
        )
        self.state.signal.notify()

    async def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await self.state.signal.wait_changed(remaining)

    # --- shared helpers -----------------------------------------------------

    def _chat(self, params: Params, name: str = "chat_id") -> ChatRecord:
        reference = params.chat_id(name)
        assert reference is not None
        chat = self.state.find_chat(reference)
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def _ensure_can_write(self, chat: ChatRecord) -> None:
        if chat.is_private:
            person = self.state.people[chat.person_id or 0]
            if person.blocked_bot:
                raise forbidden(errors.BOT_BLOCKED)
            if not person.started_bot:
                raise forbidden(errors.BOT_CANT_INITIATE)
            return
        if chat.migrated_to is not None:
            raise TelegramApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {kind}")

    def _writable_chat(self, params: Params) -> tuple[ChatRecord, int | None]:
        chat = self._chat(params)
        self._ensure_can_write(chat)
        return chat, self._thread(chat, params.get_int("message_thread_id"))

    @staticmethod
    def _thread(chat: ChatRecord, thread_id: int | None) -> int | None:
        if thread_id is None or not chat.is_forum or thread_id == 1:
            return None  # no topic, or the General topic
        if thread_id not in chat.topics:
            raise bad_request(errors.THREAD_NOT_FOUND)
        return thread_id

    def _throttle(self, chat: ChatRecord, kind: str = "message") -> None:
        """Count a message (or an edit: only in groups) against the flood limits."""
        if kind == "edit" and chat.is_private:
            return
        retry_after = self.rate_limiter.check(chat.id, chat.is_private, kind)
        if retry_after is not None:
            self.stats.rate_limited += 1
            raise errors.too_many_requests(retry_after)

    def _formatted(
        self,
        params: Params,
        text_key: str,
        entities_key: str,
    ) -> tuple[str, list[JsonDict]]:
        raw = params.get_str(text_key) or ""
        explicit = params.get_json(entities_key, error="can't parse entities JSON object")
        if explicit is not None:
            if not isinstance(explicit, list) or not all(_is_entity(e) for e in explicit):
                raise bad_request("can't parse entities JSON object")
            text, entities = raw, [e for e in explicit if e["length"] > 0]
        else:
            text, entities = parse_formatted(
                raw, params.get_str("parse_mode"), self.state.user_json
            )
        text, entities = trim_formatted(text, entities)
        return text, detect_entities(text, entities)

    def _caption(self, params: Params) -> JsonDict:
        caption, entities = self._formatted(params, "caption", "caption_entities")
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request(errors.CAPTION_TOO_LONG)
        content: JsonDict = {}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        if params.get_bool("show_caption_above_media"):
            content["show_caption_above_media"] = True
        return content


def _is_entity(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and all(
            isinstance(value.get(key), int) and not isinstance(value.get(key), bool)
            for key in ("offset", "length")
        )
    )


def error_response(error: TelegramApiError) -> web.Response:
    return web.json_response(error.to_payload(), status=error.status)
