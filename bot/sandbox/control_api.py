"""A small JSON control API under ``/_sandbox/`` on the emulator's server.

It exposes the people API and the fault switches over HTTP for tools that do
not run in the emulator's process: create users and groups, act as a person,
read transcripts, inject faults, toggle flood limits, wait for the bot to go
idle.  Bad input (malformed JSON, missing or mistyped fields, unknown users,
chats or buttons) is answered with 400 and ``{"error": "..."}``.

Routes (JSON bodies; ``chat_id`` < 0 acts in a group instead of the private chat):

    GET    /_sandbox/state                      users, groups, webhook, pending updates
    GET    /_sandbox/stats                      request/status counters, 429 count, busiest windows
    GET    /_sandbox/calls?method=&limit=       logged Bot API calls
    POST   /_sandbox/users                      {first_name, id?, last_name?, username?,
                                                 language_code?, is_premium?, phone_number?,
                                                 started?}
    POST   /_sandbox/groups                     {title, is_forum?, supergroup?, chat_id?,
                                                 username?, members?: [id], admins?: [id]}
    POST   /_sandbox/groups/{chat_id}/members   {user_id, status?}
    POST   /_sandbox/groups/{chat_id}/topics    {name, user_id}
    POST   /_sandbox/users/{id}/send            {text, chat_id?, message_thread_id?,
                                                 reply_to_message_id?}
    POST   /_sandbox/users/{id}/command         {command, args?, chat_id?, message_thread_id?}
    POST   /_sandbox/users/{id}/photo           {data_base64?, caption?, chat_id?, ...}
    POST   /_sandbox/users/{id}/document        {data_base64?, file_name?, mime_type?, caption?}
    POST   /_sandbox/users/{id}/edit            {message_id, text, chat_id?}
    POST   /_sandbox/users/{id}/press           {text, chat_id?, message_id?} -> callback query
    POST   /_sandbox/users/{id}/press_keyboard  {text, chat_id?}
    POST   /_sandbox/users/{id}/block | unblock
    GET    /_sandbox/chats/{chat_id}/transcript
    GET    /_sandbox/callbacks/{callback_query_id}
    GET    /_sandbox/faults                     active fault rules
    POST   /_sandbox/faults                     {kind: retry_after|server_error|delay|disconnect,
                                                 count? (null = until cleared), method?,
                                                 retry_after?, status?, seconds?}
    DELETE /_sandbox/faults
    POST   /_sandbox/rate_limits                {enabled}
    POST   /_sandbox/wait_idle                  {timeout?, quiet?} (408 if not idle in time)
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import SandboxError, SandboxTimeout
from .faults import FAULT_KINDS
from .people import Group, Person

if TYPE_CHECKING:
    from .server import BotApiEmulator

logger = logging.getLogger(__name__)

PREFIX = "/_sandbox"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlInputError(Exception):
    """Invalid control API input; answered with 400."""


class Body:
    """Typed access to a control request's JSON object."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def _get(self, key: str, kinds: tuple[type, ...], kind_name: str, required: bool) -> Any:
        value = self.values.get(key)
        if value is None:
            if required:
                raise ControlInputError(f"missing required field {key!r}")
            return None
        if isinstance(value, bool) and bool not in kinds:
            raise ControlInputError(f"field {key!r} must be {kind_name}")
        if not isinstance(value, kinds):
            raise ControlInputError(f"field {key!r} must be {kind_name}")
        return value

    def get_str(self, key: str, *, required: bool = False) -> str | None:
        return self._get(key, (str,), "a string", required)

    def get_int(self, key: str, *, required: bool = False) -> int | None:
        return self._get(key, (int,), "an integer", required)

    def get_number(self, key: str, *, required: bool = False) -> float | None:
        value = self._get(key, (int, float), "a number", required)
        return float(value) if value is not None else None

    def get_bool(self, key: str, *, default: bool = False) -> bool:
        value = self._get(key, (bool,), "a boolean", False)
        return default if value is None else value

    def get_int_list(self, key: str) -> list[int]:
        value = self.values.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        ):
            raise ControlInputError(f"field {key!r} must be a list of integers")
        return value

    def get_bytes(self, key: str) -> bytes | None:
        encoded = self.get_str(key)
        if encoded is None:
            return None
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ControlInputError(f"field {key!r} must be base64-encoded bytes") from None


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _route(handler: Callable[[web.Request], Awaitable[Any]]) -> Handler:
    """Wrap a handler returning JSON-able data; map input errors to 400."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            result = await handler(request)
        except (ControlInputError, SandboxError) as error:
            return _json_error(400, str(error))
        except SandboxTimeout as error:
            return _json_error(408, str(error))
        return web.json_response(result)

    return wrapped


async def read_body(request: web.Request) -> Body:
    if not request.body_exists:
        return Body({})
    raw = await request.read()
    if not raw.strip():
        return Body({})
    try:
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ControlInputError("request body must be valid JSON") from None
    if not isinstance(values, dict):
        raise ControlInputError("request body must be a JSON object")
    return Body(values)


def _path_int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise ControlInputError(f"{name} in the path must be an integer") from None


class ControlApi:
    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    def register(self, app: web.Application) -> None:
        routes = [
            ("GET", "/state", self.get_state),
            ("GET", "/stats", self.get_stats),
            ("GET", "/calls", self.get_calls),
            ("POST", "/users", self.create_user),
            ("POST", "/groups", self.create_group),
            ("POST", "/groups/{chat_id}/members", self.add_member),
            ("POST", "/groups/{chat_id}/topics", self.create_topic),
            ("POST", "/users/{user_id}/send", self.send_text),
            ("POST", "/users/{user_id}/command", self.send_command),
            ("POST", "/users/{user_id}/photo", self.send_photo),
            ("POST", "/users/{user_id}/document", self.send_document),
            ("POST", "/users/{user_id}/edit", self.edit_message),
            ("POST", "/users/{user_id}/press", self.press_button),
            ("POST", "/users/{user_id}/press_keyboard", self.press_keyboard_button),
            ("POST", "/users/{user_id}/block", self.block),
            ("POST", "/users/{user_id}/unblock", self.unblock),
            ("GET", "/chats/{chat_id}/transcript", self.get_transcript),
            ("GET", "/callbacks/{callback_id}", self.get_callback),
            ("GET", "/faults", self.get_faults),
            ("POST", "/faults", self.add_fault),
            ("DELETE", "/faults", self.clear_faults),
            ("POST", "/rate_limits", self.set_rate_limits),
            ("POST", "/wait_idle", self.wait_idle),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, PREFIX + path, _route(handler))

    # --- helpers ------------------------------------------------------------

    def _person(self, request: web.Request) -> Person:
        return self.emulator.person(_path_int(request, "user_id"))

    def _chat_option(self, body: Body) -> Group | int | None:
        chat_id = body.get_int("chat_id")
        if chat_id is None:
            return None
        if chat_id < 0:
            return self.emulator.group(chat_id)
        return chat_id

    # --- reading --------------------------------------------------------------

    async def get_state(self, request: web.Request) -> Any:
        return self.emulator.state.snapshot()

    async def get_stats(self, request: web.Request) -> Any:
        return {
            **self.emulator.stats.to_dict(),
            "rate_limits_enabled": self.emulator.rate_limits_enabled,
            "busiest_windows": self.emulator.busiest_windows().to_dict(),
            "pending_updates": self.emulator.pending_updates,
        }

    async def get_calls(self, request: web.Request) -> Any:
        method = request.query.get("method")
        try:
            limit = int(request.query.get("limit", "100"))
        except ValueError:
            raise ControlInputError("limit must be an integer") from None
        calls = self.emulator.calls(method)
        return [call.to_dict() for call in calls[-limit:]] if limit > 0 else []

    async def get_transcript(self, request: web.Request) -> Any:
        chat_id = _path_int(request, "chat_id")
        return [message.to_dict() for message in self.emulator.transcript(chat_id)]

    async def get_callback(self, request: web.Request) -> Any:
        record = self.emulator.state.callback_queries.get(request.match_info["callback_id"])
        if record is None:
            raise ControlInputError("unknown callback query id")
        return record.to_dict()

    # --- people & groups ------------------------------------------------------

    async def create_user(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self.emulator.create_user(
            body.get_str("first_name", required=True) or "",
            user_id=body.get_int("id"),
            last_name=body.get_str("last_name"),
            username=body.get_str("username"),
            language_code=body.get_str("language_code") or "en",
            is_premium=body.get_bool("is_premium"),
            phone_number=body.get_str("phone_number"),
            started=body.get_bool("started", default=True),
        )
        return person.user

    async def create_group(self, request: web.Request) -> Any:
        body = await read_body(request)
        members = [self.emulator.person(uid) for uid in body.get_int_list("members")]
        admins = [self.emulator.person(uid) for uid in body.get_int_list("admins")]
        group = self.emulator.create_group(
            body.get_str("title", required=True) or "",
            is_forum=body.get_bool("is_forum"),
            supergroup=body.get_bool("supergroup", default=True),
            chat_id=body.get_int("chat_id"),
            username=body.get_str("username"),
            members=members,
            admins=admins,
        )
        return self.emulator.state.chat_json(group.chat)

    async def add_member(self, request: web.Request) -> Any:
        body = await read_body(request)
        group = self.emulator.group(_path_int(request, "chat_id"))
        person = self.emulator.person(body.get_int("user_id", required=True) or 0)
        group.add_member(person, body.get_str("status") or "member")
        return {"ok": True}

    async def create_topic(self, request: web.Request) -> Any:
        body = await read_body(request)
        group = self.emulator.group(_path_int(request, "chat_id"))
        person = self.emulator.person(body.get_int("user_id", required=True) or 0)
        topic = await group.create_topic(body.get_str("name", required=True) or "", by=person)
        return topic.to_api()

    # --- acting as a person -------------------------------------------------------

    async def send_text(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        message = await person.send(
            body.get_str("text", required=True) or "",
            chat=self._chat_option(body),
            thread=body.get_int("message_thread_id"),
            reply_to=body.get_int("reply_to_message_id"),
        )
        return message.to_dict()

    async def send_command(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        message = await person.command(
            body.get_str("command", required=True) or "",
            body.get_str("args"),
            chat=self._chat_option(body),
            thread=body.get_int("message_thread_id"),
        )
        return message.to_dict()

    async def send_photo(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        kwargs: dict[str, Any] = {}
        if (data := body.get_bytes("data_base64")) is not None:
            kwargs["data"] = data
        message = await person.send_photo(
            caption=body.get_str("caption"),
            chat=self._chat_option(body),
            thread=body.get_int("message_thread_id"),
            **kwargs,
        )
        return message.to_dict()

    async def send_document(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        kwargs: dict[str, Any] = {}
        if (data := body.get_bytes("data_base64")) is not None:
            kwargs["data"] = data
        message = await person.send_document(
            file_name=body.get_str("file_name") or "document.pdf",
            mime_type=body.get_str("mime_type"),
            caption=body.get_str("caption"),
            chat=self._chat_option(body),
            thread=body.get_int("message_thread_id"),
            **kwargs,
        )
        return message.to_dict()

    async def edit_message(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        chat_id = body.get_int("chat_id") or person.id
        message_id = body.get_int("message_id", required=True)
        message = self.emulator.state.chat(chat_id).get_message(message_id)
        if message is None:
            raise ControlInputError(f"no message {message_id} in chat {chat_id}")
        edited = await person.edit(message, body.get_str("text", required=True) or "")
        return edited.to_dict()

    async def press_button(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        chat = self._chat_option(body)
        message = None
        message_id = body.get_int("message_id")
        if message_id is not None:
            chat_id = chat.id if isinstance(chat, Group) else (chat or person.id)
            message = self.emulator.state.chat(chat_id).get_message(message_id)
            if message is None:
                raise ControlInputError(f"no message {message_id} in chat {chat_id}")
        press = await person.press(
            body.get_str("text", required=True) or "", message=message, chat=chat
        )
        return press.record.to_dict()

    async def press_keyboard_button(self, request: web.Request) -> Any:
        body = await read_body(request)
        person = self._person(request)
        message = await person.press_keyboard_button(
            body.get_str("text", required=True) or "", chat=self._chat_option(body)
        )
        return message.to_dict()

    async def block(self, request: web.Request) -> Any:
        await self._person(request).block_bot()
        return {"ok": True}

    async def unblock(self, request: web.Request) -> Any:
        await self._person(request).unblock_bot()
        return {"ok": True}

    # --- faults, limits, idling --------------------------------------------------

    async def get_faults(self, request: web.Request) -> Any:
        return [rule.to_dict() for rule in self.emulator.faults.active]

    async def add_fault(self, request: web.Request) -> Any:
        body = await read_body(request)
        kind = body.get_str("kind", required=True)
        if kind not in FAULT_KINDS:
            raise ControlInputError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        count = body.get_int("count") if "count" in body.values else 1
        method = body.get_str("method")
        faults = self.emulator.faults
        try:
            if kind == "retry_after":
                rule = faults.add_retry_after(
                    body.get_int("retry_after") or 1, count=count, method=method
                )
            elif kind == "server_error":
                rule = faults.add_server_error(
                    body.get_int("status") or 500, count=count, method=method
                )
            elif kind == "delay":
                seconds = body.get_number("seconds", required=True) or 0.0
                rule = faults.add_delay(seconds, count=count, method=method)
            else:
                rule = faults.add_disconnect(count=count, method=method)
        except ValueError as error:
            raise ControlInputError(str(error)) from None
        return rule.to_dict()

    async def clear_faults(self, request: web.Request) -> Any:
        self.emulator.faults.clear()
        return {"ok": True}

    async def set_rate_limits(self, request: web.Request) -> Any:
        body = await read_body(request)
        if "enabled" not in body.values:
            raise ControlInputError("missing required field 'enabled'")
        self.emulator.enable_rate_limits(body.get_bool("enabled"))
        return {"enabled": self.emulator.rate_limits_enabled}

    async def wait_idle(self, request: web.Request) -> Any:
        body = await read_body(request)
        timeout = body.get_number("timeout")
        quiet = body.get_number("quiet")
        await self.emulator.wait_idle(
            timeout=5.0 if timeout is None else timeout,
            quiet=0.05 if quiet is None else quiet,
        )
        return {"idle": True}


@web.middleware
async def json_errors_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer routing errors and crashes in JSON instead of HTML or tracebacks."""
    is_control = request.path.startswith(PREFIX)
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        if is_control:
            return _json_error(error.status, error.reason)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
    except Exception as error:
        if not is_control:
            raise
        logger.exception("sandbox control API failed on %s", request.path)
        return _json_error(500, f"internal error: {type(error).__name__}")
