"""The bot's side: Bot API methods served at ``/bot<token>/<method>``.

Each method reads its parameters the way the Bot API does (JSON, form or
multipart bodies), validates them with Telegram's error codes and
descriptions, updates ``SandboxState`` and answers with the real response
envelope.  Every call first passes the fault injector and, for sending
methods and edits in groups, the flood-limit check.  Calls are logged and counted, and in-flight
calls are tracked so the emulator can tell when the bot has gone quiet.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import errors
from .errors import TelegramApiError, bad_request, forbidden
from .faults import FaultInjector, RateLimiter
from .files import StoredFile, media_object, photo_sizes
from .formatting import detect_entities, parse_formatted, trim_formatted, utf16_len
from .keyboards import parse_reply_markup
from .model import MEDIA_KEYS, CallbackAnswer, ChatMessage, ChatRecord, JsonDict, poll_object
from .payloads import Params, UploadedFile, read_request_params
from .state import TOPIC_ICON_COLORS, SandboxState, now

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Media-sending methods and the kind of file each one carries.
MEDIA_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvoice": "voice",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendanimation": "animation",
    "sendsticker": "sticker",
    "sendvideonote": "video_note",
}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_pin_messages",
    "can_manage_topics",
)


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


class BotApi:
    """Implementation of the Bot API methods over a ``SandboxState``."""

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
        table: dict[str, MethodHandler] = {
            "getMe": self.get_me,
            "logOut": self.no_op,
            "close": self.no_op,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendMediaGroup": self.send_media_group,
            "sendLocation": self.send_location,
            "sendContact": self.send_contact,
            "sendPoll": self.send_poll,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyName": self._bot_text_setter("name"),
            "getMyName": self._bot_text_getter("name"),
            "setMyDescription": self._bot_text_setter("description"),
            "getMyDescription": self._bot_text_getter("description"),
            "setMyShortDescription": self._bot_text_setter("short_description"),
            "getMyShortDescription": self._bot_text_getter("short_description"),
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
            "leaveChat": self.leave_chat,
            "createForumTopic": self.create_forum_topic,
            "editForumTopic": self.edit_forum_topic,
            "closeForumTopic": self.close_forum_topic,
            "reopenForumTopic": self.reopen_forum_topic,
            "deleteForumTopic": self.delete_forum_topic,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "pinChatMessage": self.pin_chat_message,
            "unpinChatMessage": self.unpin_chat_message,
            "unpinAllChatMessages": self.unpin_all_chat_messages,
            "setMessageReaction": self.set_message_reaction,
        }
        for name, kind in MEDIA_METHODS.items():
            table[name] = self._media_sender(kind)
        return table

    # --- HTTP layer ---------------------------------------------------------

    async def handle_method(self, request: web.Request) -> web.StreamResponse:
        """Route handler of ``/bot<token>/<method>``."""
        if request.match_info["token"] != self.state.token:
            return _error_response(errors.unauthorized())
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
            return _error_response(error)
        except Exception as error:  # an emulator bug: answer like Telegram, remember it
            logger.exception("Bot API emulator failed in %s", method)
            self.stats.internal_errors.append(f"{method}: {type(error).__name__}: {error}")
            failure_answer = errors.server_error(500)
            self._log(method, logged_params, 500, failure_answer.description, started)
            return _error_response(failure_answer)
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

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """Route handler of ``/file/bot<token>/<file_path>``."""
        if request.match_info["token"] != self.state.token:
            return _error_response(errors.unauthorized())
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None:
            return _error_response(errors.not_found())
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

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

    @staticmethod
    def _reply_target(chat: ChatRecord, params: Params) -> ChatMessage | None:
        parameters = params.get_json(
            "reply_parameters", error="can't parse reply parameters JSON object"
        )
        if parameters is not None and not isinstance(parameters, dict):
            raise bad_request("can't parse reply parameters JSON object")
        if parameters:
            message_id = parameters.get("message_id")
            allow_without = bool(parameters.get("allow_sending_without_reply"))
            other_chat = parameters.get("chat_id")
            if other_chat not in (None, chat.id, f"@{chat.username}"):
                message_id = None if allow_without else -1  # cross-chat quotes unsupported
        else:
            message_id = params.get_int("reply_to_message_id")
            allow_without = params.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        target = chat.get_message(message_id) if isinstance(message_id, int) else None
        if target is None and not allow_without:
            raise bad_request(errors.REPLIED_MESSAGE_NOT_FOUND)
        return target

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

    def _post(
        self,
        chat: ChatRecord,
        thread_id: int | None,
        params: Params,
        content: JsonDict,
        *,
        reply_markup: JsonDict | None,
        reply_to: ChatMessage | None,
        extra: JsonDict | None = None,
        throttle: bool = True,
    ) -> ChatMessage:
        if throttle:
            self._throttle(chat)
        extra = dict(extra or {})
        if params.get_bool("protect_content"):
            extra["has_protected_content"] = True
        return self.state.add_message(
            chat,
            content,
            reply_markup=reply_markup,
            thread_id=thread_id,
            reply_to=reply_to,
            extra=extra,
            disable_notification=params.get_bool("disable_notification"),
        )

    def _store_input(self, source: UploadedFile | str, kind: str) -> StoredFile:
        """Turn a file parameter (upload, file_id or URL) into a stored file."""
        files = self.state.files
        if isinstance(source, UploadedFile):
            if not source.data:
                raise bad_request("file must be non-empty")
            mime = source.content_type
            if mime in (None, "application/octet-stream"):
                mime = None
            return files.add(source.data, kind, file_name=source.filename, mime_type=mime)
        existing = files.get(source)
        if existing is not None:
            return existing
        if re.match(r"^https?://\S+$", source):
            # No internet here: an HTTP URL becomes an empty placeholder file.
            name = source.rstrip("/").rsplit("/", 1)[-1] or None
            return files.add(b"", kind, file_name=name)
        raise bad_request(errors.WRONG_FILE_ID)

    def _media_content(self, kind: str, stored: StoredFile, params: Params) -> JsonDict:
        if kind == "photo":
            content: JsonDict = {"photo": photo_sizes(self.state.files, stored)}
        else:
            attributes: dict[str, int | str | None] = {
                name: params.get_int(name) for name in ("duration", "width", "height", "length")
            }
            attributes["title"] = params.get_str("title")
            attributes["performer"] = params.get_str("performer")
            attributes["emoji"] = params.get_str("emoji")
            content = {kind: media_object(kind, stored, **attributes)}
            if kind == "animation":
                # Telegram sends animations with a Document copy for old clients.
                content["document"] = media_object("document", stored)
        if params.get_bool("has_spoiler"):
            content["has_media_spoiler"] = True
        return content

    def _editable(self, params: Params) -> ChatMessage:
        if params.get_str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
        chat = self._chat(params)
        self._ensure_can_write(chat)
        message = chat.get_message(params.get_int("message_id", required=True))
        if message is None:
            raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        if not message.from_bot:
            raise bad_request(errors.MESSAGE_CANT_BE_EDITED)
        return message

    @staticmethod
    def _markup_unchanged(message: ChatMessage, markup: JsonDict | None) -> bool:
        return message.data.get("reply_markup") == markup

    # --- updates & webhook ---------------------------------------------------

    async def get_me(self, params: Params) -> JsonDict:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def no_op(self, params: Params) -> bool:
        return True

    async def get_updates(self, params: Params) -> list[JsonDict]:
        state = self.state
        if state.webhook.url:
            raise errors.conflict(errors.GET_UPDATES_WITH_WEBHOOK)
        offset = params.get_int("offset") or 0
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = max(params.get_int("timeout") or 0, 0)
        allowed = params.get_json("allowed_updates", error="can't parse allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates")
        state.updates.set_allowed_updates(allowed)
        state.updates.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        state.signal.notify()  # an older parked getUpdates gets terminated
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise errors.conflict(errors.GET_UPDATES_TERMINATED)
            if state.updates.pending:
                batch = [update.to_api() for update in state.updates.peek(limit)]
                self.activity.touch()
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closing or state.webhook.url:
                return []
            self.long_polls_waiting += 1
            state.signal.notify()
            try:
                await state.signal.wait_changed(remaining)
            finally:
                self.long_polls_waiting -= 1

    async def set_webhook(self, params: Params) -> Described:
        url = params.get_str("url") or ""
        if not url:
            return await self._remove_webhook(params)
        if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get_str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get_int("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get_json("allowed_updates", error="can't parse allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates")
        webhook = self.state.webhook
        changed = (url, secret) != (webhook.url, webhook.secret_token)
        webhook.url = url
        webhook.secret_token = secret
        webhook.max_connections = max_connections
        webhook.ip_address = params.get_str("ip_address")
        webhook.has_custom_certificate = "certificate" in params
        if changed:
            webhook.last_error_date = None
            webhook.last_error_message = None
        self.state.updates.set_allowed_updates(allowed)
        if params.get_bool("drop_pending_updates"):
            self.state.updates.drop_pending()
        self._webhook_changed()
        return Described(True, "Webhook was set" if changed else "Webhook is already set")

    async def delete_webhook(self, params: Params) -> Described:
        return await self._remove_webhook(params)

    async def _remove_webhook(self, params: Params) -> Described:
        webhook = self.state.webhook
        was_set = bool(webhook.url)
        webhook.url = ""
        webhook.secret_token = None
        webhook.last_error_date = None
        webhook.last_error_message = None
        if params.get_bool("drop_pending_updates"):
            self.state.updates.drop_pending()
        self._webhook_changed()
        return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _webhook_changed(self) -> None:
        self.state.signal.notify()
        self.on_webhook_changed()

    async def get_webhook_info(self, params: Params) -> JsonDict:
        updates = self.state.updates
        return self.state.webhook.info(len(updates), updates.allowed_updates)

    # --- sending ------------------------------------------------------------

    async def send_message(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        text, entities = self._formatted(params, "text", "entities")
        if not text:
            raise bad_request(errors.MESSAGE_TEXT_EMPTY)
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request(errors.MESSAGE_TOO_LONG)
        markup = parse_reply_markup(params.get_json("reply_markup"))
        reply_to = self._reply_target(chat, params)
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        preview = params.get_json("link_preview_options")
        if isinstance(preview, dict) and preview:
            content["link_preview_options"] = preview
        elif params.get_bool("disable_web_page_preview"):
            content["link_preview_options"] = {"is_disabled": True}
        message = self._post(
            chat, thread_id, params, content, reply_markup=markup, reply_to=reply_to
        )
        return message.to_api()

    def _media_sender(self, kind: str) -> MethodHandler:
        async def send_media(params: Params) -> JsonDict:
            chat, thread_id = self._writable_chat(params)
            source = params.file(kind)
            if source is None:
                raise bad_request(f"there is no {kind} in the request")
            stored = self._store_input(source, kind)
            content = self._media_content(kind, stored, params)
            if kind not in ("sticker", "video_note"):
                content.update(self._caption(params))
            markup = parse_reply_markup(params.get_json("reply_markup"))
            reply_to = self._reply_target(chat, params)
            message = self._post(
                chat, thread_id, params, content, reply_markup=markup, reply_to=reply_to
            )
            return message.to_api()

        return send_media

    async def send_media_group(self, params: Params) -> list[JsonDict]:
        chat, thread_id = self._writable_chat(params)
        media = params.get_json("media", error="can't parse media JSON object")
        if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
            raise bad_request("can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media items: must be 2-10")
        reply_to = self._reply_target(chat, params)
        contents: list[JsonDict] = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request(f"unsupported media type {kind!r} in a media group")
            reference = item.get("media")
            if not isinstance(reference, str) or not reference:
                raise bad_request(errors.WRONG_FILE_ID)
            item_params = Params(item, params.files)
            stored = self._store_input(params.attachment(reference), kind)
            content = self._media_content(kind, stored, item_params)
            content.update(self._caption(item_params))
            contents.append(content)
        self._throttle(chat)
        group_id = str(13_000_000_000_000_000 + self.state.next_sequence())
        messages = [
            self._post(
                chat,
                thread_id,
                params,
                content,
                reply_markup=None,
                reply_to=reply_to,
                extra={"media_group_id": group_id},
                throttle=False,
            )
            for content in contents
        ]
        return [message.to_api() for message in messages]

    async def send_location(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        latitude = params.get_float("latitude", required=True)
        longitude = params.get_float("longitude", required=True)
        assert latitude is not None and longitude is not None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong coordinates specified")
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        markup = parse_reply_markup(params.get_json("reply_markup"))
        message = self._post(
            chat,
            thread_id,
            params,
            content,
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return message.to_api()

    async def send_contact(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        contact: JsonDict = {
            "phone_number": params.get_str("phone_number", required=True),
            "first_name": params.get_str("first_name", required=True),
        }
        for key in ("last_name", "vcard"):
            if value := params.get_str(key):
                contact[key] = value
        markup = parse_reply_markup(params.get_json("reply_markup"))
        message = self._post(
            chat,
            thread_id,
            params,
            {"contact": contact},
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return message.to_api()

    async def send_poll(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        question = params.get_str("question")
        if not question:
            raise bad_request("poll question must be non-empty")
        options = params.get_json("options", error="can't parse options JSON object")
        if not isinstance(options, list) or not 2 <= len(options) <= 12:
            raise bad_request("poll must have 2-12 options")
        texts: list[Any] = [o.get("text") if isinstance(o, dict) else o for o in options]
        if not all(isinstance(text, str) and text for text in texts):
            raise bad_request("poll options must be non-empty")
        content = {
            "poll": poll_object(
                str(5_000_000_000_000_000 + self.state.next_sequence()),
                question,
                texts,
                is_anonymous=params.get_bool("is_anonymous", True),
                allows_multiple_answers=params.get_bool("allows_multiple_answers"),
                poll_type=params.get_str("type") or "regular",
            )
        }
        markup = parse_reply_markup(params.get_json("reply_markup"))
        message = self._post(
            chat,
            thread_id,
            params,
            content,
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return message.to_api()

    def _source_message(self, params: Params, missing: str) -> ChatMessage:
        source_chat = self._chat(params, "from_chat_id")
        source = source_chat.get_message(params.get_int("message_id", required=True))
        if source is None:
            raise bad_request(missing)
        return source

    async def copy_message(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        source = self._source_message(params, "message to copy not found")
        content = source.content()
        if not content:
            raise bad_request("message can't be copied")
        if "caption" in params or "caption_entities" in params:
            for key in ("caption", "caption_entities", "show_caption_above_media"):
                content.pop(key, None)
            content.update(self._caption(params))
        if "poll" in content:
            content["poll"]["id"] = str(5_000_000_000_000_000 + self.state.next_sequence())
        markup = parse_reply_markup(params.get_json("reply_markup"))
        message = self._post(
            chat,
            thread_id,
            params,
            content,
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return {"message_id": message.message_id}

    async def forward_message(self, params: Params) -> JsonDict:
        chat, thread_id = self._writable_chat(params)
        source = self._source_message(params, "message to forward not found")
        content = source.content()
        if not content:
            raise bad_request("message can't be forwarded")
        origin = source.data.get("forward_origin") or {
            "type": "user",
            "date": source.date,
            "sender_user": source.data["from"],
        }
        message = self._post(
            chat,
            thread_id,
            params,
            content,
            reply_markup=None,
            reply_to=None,
            extra={"forward_origin": origin},
        )
        return message.to_api()

    async def send_chat_action(self, params: Params) -> bool:
        chat, thread_id = self._writable_chat(params)
        action = params.get_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_actions.append((action, thread_id))
        self.state.signal.notify()
        return True

    # --- editing & deleting --------------------------------------------------

    async def edit_message_text(self, params: Params) -> JsonDict:
        message = self._editable(params)
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(params, "text", "entities")
        if not text:
            raise bad_request(errors.MESSAGE_TEXT_EMPTY)
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request(errors.MESSAGE_TOO_LONG)
        markup = parse_reply_markup(params.get_json("reply_markup"), inline_only=True)
        if (
            text == message.data["text"]
            and entities == message.data.get("entities", [])
            and self._markup_unchanged(message, markup)
        ):
            raise bad_request(errors.MESSAGE_NOT_MODIFIED)
        changes: JsonDict = {"text": text, "entities": entities or None}
        preview = params.get_json("link_preview_options")
        if isinstance(preview, dict) and preview:
            changes["link_preview_options"] = preview
        self._throttle(self.state.chat(message.chat_id), "edit")
        self.state.apply_edit(message, changes, reply_markup=markup)
        return message.to_api()

    async def edit_message_caption(self, params: Params) -> JsonDict:
        message = self._editable(params)
        if not any(key in message.data for key in MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        markup = parse_reply_markup(params.get_json("reply_markup"), inline_only=True)
        if (
            caption.get("caption") == message.data.get("caption")
            and caption.get("caption_entities") == message.data.get("caption_entities")
            and self._markup_unchanged(message, markup)
        ):
            raise bad_request(errors.MESSAGE_NOT_MODIFIED)
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
            "show_caption_above_media": caption.get("show_caption_above_media"),
        }
        self._throttle(self.state.chat(message.chat_id), "edit")
        self.state.apply_edit(message, changes, reply_markup=markup)
        return message.to_api()

    async def edit_message_reply_markup(self, params: Params) -> JsonDict:
        message = self._editable(params)
        markup = parse_reply_markup(params.get_json("reply_markup"), inline_only=True)
        if self._markup_unchanged(message, markup):
            raise bad_request(errors.MESSAGE_NOT_MODIFIED)
        self._throttle(self.state.chat(message.chat_id), "edit")
        self.state.apply_edit(message, {}, reply_markup=markup)
        return message.to_api()

    def _deletable(self, chat: ChatRecord, message_id: int | None) -> ChatMessage:
        message = chat.get_message(message_id)
        if message is None:
            raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
        is_admin = chat.bot_status in ("administrator", "creator")
        if not message.from_bot and not chat.is_private and not is_admin:
            raise bad_request("message can't be deleted")
        return message

    async def delete_message(self, params: Params) -> bool:
        chat = self._chat(params)
        message = self._deletable(chat, params.get_int("message_id", required=True))
        self.state.delete_message(message)
        return True

    async def delete_messages(self, params: Params) -> bool:
        chat = self._chat(params)
        ids = params.get_json("message_ids", error="can't parse message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            message = chat.get_message(message_id if isinstance(message_id, int) else None)
            if message is not None:
                self.state.delete_message(message)
        return True

    # --- callback queries ------------------------------------------------------

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.get_str("callback_query_id", required=True)
        record = self.state.callback_queries.get(query_id or "")
        if record is None or record.answered:
            raise bad_request(errors.QUERY_ID_INVALID)
        text = params.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answer = CallbackAnswer(
            text=text,
            show_alert=params.get_bool("show_alert"),
            url=params.get_str("url"),
            cache_time=params.get_int("cache_time") or 0,
        )
        self.state.signal.notify()
        return True

    # --- files -------------------------------------------------------------------

    async def get_file(self, params: Params) -> JsonDict:
        stored = self.state.files.get(params.get_str("file_id", required=True) or "")
        if stored is None:
            raise bad_request(errors.INVALID_FILE_ID)
        if stored.file_size > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return stored.to_file()

    # --- commands & bot profile --------------------------------------------------

    def _command_scope_key(self, params: Params) -> tuple[str, str]:
        scope = params.get_json("scope", error="can't parse BotCommandScope JSON object")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        canonical: JsonDict = {"type": scope["type"]}
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if scope.get("chat_id") in (None, ""):
                raise bad_request("chat_id is empty")
            chat = self.state.find_chat(Params(scope).chat_id() or 0)
            if chat is None:
                raise bad_request(errors.CHAT_NOT_FOUND)
            canonical["chat_id"] = chat.id
        if scope["type"] == "chat_member":
            user_id = Params(scope).get_int("user_id", required=True)
            if user_id not in self.state.people:
                raise bad_request(errors.USER_NOT_FOUND)
            canonical["user_id"] = user_id
        language = params.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-zA-Z]{2}", language):
            raise bad_request("invalid language code specified")
        return json.dumps(canonical, sort_keys=True), language.lower()

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.get_json("commands", error="can't parse commands JSON object")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        normalised: list[JsonDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse commands JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND_RE.match(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            normalised.append({"command": command, "description": description})
        key = self._command_scope_key(params)
        if normalised:
            self.state.commands[key] = normalised
        else:
            self.state.commands.pop(key, None)
        self.state.signal.notify()
        return True

    async def get_my_commands(self, params: Params) -> list[JsonDict]:
        return list(self.state.commands.get(self._command_scope_key(params), []))

    async def delete_my_commands(self, params: Params) -> bool:
        self.state.commands.pop(self._command_scope_key(params), None)
        self.state.signal.notify()
        return True

    def _bot_text_setter(self, field_name: str) -> MethodHandler:
        limits = {"name": 64, "description": 512, "short_description": 120}

        async def set_text(params: Params) -> bool:
            value = params.get_str(field_name) or ""
            if len(value) > limits[field_name]:
                raise bad_request(f"{field_name} is too long")
            key = (field_name, (params.get_str("language_code") or "").lower())
            if value:
                self.state.bot_texts[key] = value
            else:
                self.state.bot_texts.pop(key, None)
            return True

        return set_text

    def _bot_text_getter(self, field_name: str) -> MethodHandler:
        async def get_text(params: Params) -> JsonDict:
            language = (params.get_str("language_code") or "").lower()
            texts = self.state.bot_texts
            default = self.state.bot_first_name if field_name == "name" else ""
            value = texts.get((field_name, language), texts.get((field_name, ""), default))
            return {field_name: value}

        return get_text

    # --- chats & members ------------------------------------------------------------

    async def get_chat(self, params: Params) -> JsonDict:
        chat = self._chat(params)
        info = self.state.chat_json(chat)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        if not chat.is_private:
            info["permissions"] = {"can_send_messages": True}
        return info

    def _member_json(self, chat: ChatRecord, user_id: int) -> JsonDict:
        user = self.state.user_json(user_id)
        if user is None:
            raise bad_request(errors.USER_NOT_FOUND)
        status = self.state.member_status(chat, user_id)
        member: JsonDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False)
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(is_member=True, until_date=0, can_send_messages=False)
        return member

    async def get_chat_member(self, params: Params) -> JsonDict:
        chat = self._chat(params)
        return self._member_json(chat, params.get_int("user_id", required=True) or 0)

    async def get_chat_administrators(self, params: Params) -> list[JsonDict]:
        chat = self._chat(params)
        if chat.is_private:
            raise bad_request("there are no administrators in the private chat")
        ids = [
            uid for uid, status in chat.members.items() if status in ("creator", "administrator")
        ]
        if chat.bot_status in ("creator", "administrator"):
            ids.append(self.state.bot_id)
        return [self._member_json(chat, uid) for uid in ids]

    async def get_chat_member_count(self, params: Params) -> int:
        chat = self._chat(params)
        if chat.is_private:
            return 2
        present = [s for s in chat.members.values() if s not in ("left", "kicked")]
        return len(present) + (1 if chat.bot_status not in ("left", "kicked") else 0)

    async def leave_chat(self, params: Params) -> bool:
        """The bot leaves a group; like Telegram, it gets its own my_chat_member update."""
        chat = self._chat(params)
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        if chat.bot_status in ("left", "kicked"):
            raise forbidden("bot is not a member of the group chat")
        old = {"status": chat.bot_status, "user": self.state.bot_user}
        chat.bot_status = "left"
        self.state.push_update(
            "my_chat_member",
            {
                "chat": self.state.chat_json(chat),
                "from": self.state.bot_user,
                "date": now(),
                "old_chat_member": old,
                "new_chat_member": {"status": "left", "user": self.state.bot_user},
            },
        )
        return True

    # --- forum topics ----------------------------------------------------------------

    def _forum(self, params: Params) -> ChatRecord:
        chat = self._chat(params)
        if not chat.is_forum:
            raise bad_request(errors.NOT_A_FORUM)
        self._ensure_can_write(chat)
        return chat

    def _topic_service(self, chat: ChatRecord, thread_id: int, content: JsonDict) -> None:
        self.state.add_message(chat, content, thread_id=thread_id)

    async def create_forum_topic(self, params: Params) -> JsonDict:
        chat = self._forum(params)
        name = params.get_str("name") or ""
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        icon_color = params.get_int("icon_color") or TOPIC_ICON_COLORS[0]
        if icon_color not in TOPIC_ICON_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic, _ = self.state.create_topic(
            chat,
            name,
            icon_color=icon_color,
            icon_custom_emoji_id=params.get_str("icon_custom_emoji_id"),
        )
        return topic.to_api()

    async def edit_forum_topic(self, params: Params) -> bool:
        chat = self._forum(params)
        topic = chat.topics.get(params.get_int("message_thread_id", required=True) or 0)
        if topic is None:
            raise bad_request(errors.THREAD_NOT_FOUND)
        name = params.get_str("name")
        emoji = params.get_str("icon_custom_emoji_id")
        if name is not None and len(name) > 128:
            raise bad_request("TOPIC_TITLE_TOO_LONG")
        if (name is None or name == topic.name) and (
            emoji is None or emoji == (topic.icon_custom_emoji_id or "")
        ):
            raise bad_request(errors.TOPIC_NOT_MODIFIED)
        edited: JsonDict = {}
        if name is not None:
            topic.name = edited["name"] = name
        if emoji is not None:
            topic.icon_custom_emoji_id = emoji or None
            edited["icon_custom_emoji_id"] = emoji
        self._topic_service(chat, topic.message_thread_id, {"forum_topic_edited": edited})
        return True

    async def _set_topic_closed(self, params: Params, closed: bool) -> bool:
        chat = self._forum(params)
        topic = chat.topics.get(params.get_int("message_thread_id", required=True) or 0)
        if topic is None:
            raise bad_request(errors.THREAD_NOT_FOUND)
        if topic.is_closed == closed:
            raise bad_request(errors.TOPIC_NOT_MODIFIED)
        topic.is_closed = closed
        service = "forum_topic_closed" if closed else "forum_topic_reopened"
        self._topic_service(chat, topic.message_thread_id, {service: {}})
        return True

    async def close_forum_topic(self, params: Params) -> bool:
        return await self._set_topic_closed(params, True)

    async def reopen_forum_topic(self, params: Params) -> bool:
        return await self._set_topic_closed(params, False)

    async def delete_forum_topic(self, params: Params) -> bool:
        chat = self._forum(params)
        thread_id = params.get_int("message_thread_id", required=True)
        if chat.topics.pop(thread_id or 0, None) is None:
            raise bad_request(errors.THREAD_NOT_FOUND)
        for message in chat.messages:
            if message.thread_id == thread_id and not message.deleted:
                self.state.delete_message(message)
        return True

    # --- menu button, pins, reactions ------------------------------------------------

    async def set_chat_menu_button(self, params: Params) -> bool:
        button = params.get_json("menu_button", error="can't parse menu button JSON object")
        if button is None:
            button = {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        if params.get_str("chat_id") is None:
            self.state.default_menu_button = button
            return True
        chat = self._chat(params)
        if not chat.is_private:
            raise bad_request("menu button can be set only in private chats")
        chat.menu_button = button
        return True

    async def get_chat_menu_button(self, params: Params) -> JsonDict:
        if params.get_str("chat_id") is None:
            return self.state.default_menu_button
        chat = self._chat(params)
        return chat.menu_button or self.state.default_menu_button

    async def pin_chat_message(self, params: Params) -> bool:
        chat = self._chat(params)
        if chat.get_message(params.get_int("message_id", required=True)) is None:
            raise bad_request("message to pin not found")
        return True

    async def unpin_chat_message(self, params: Params) -> bool:
        self._chat(params)
        return True

    async def unpin_all_chat_messages(self, params: Params) -> bool:
        self._chat(params)
        return True

    async def set_message_reaction(self, params: Params) -> bool:
        chat = self._chat(params)
        if chat.get_message(params.get_int("message_id", required=True)) is None:
            raise bad_request("message to react not found")
        return True


def _is_entity(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and all(
            isinstance(value.get(key), int) and not isinstance(value.get(key), bool)
            for key in ("offset", "length")
        )
    )


def _error_response(error: TelegramApiError) -> web.Response:
    return web.json_response(error.to_payload(), status=error.status)
