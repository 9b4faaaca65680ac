"""The emulated Telegram world: the bot, people, chats, messages, files, updates.

``SandboxState`` is shared by the Bot API routes (the bot's side), the people
API and the control API.  It owns identifiers (per-chat increasing message ids,
user and group ids), builds Bot API ``Message`` objects, records edits and
keeps the update queue.  Every mutation notifies ``signal`` so that waiters
(long polling, people-side ``wait_*`` helpers) re-check their conditions.
"""

from __future__ import annotations

import copy
import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from .errors import SandboxError
from .files import FileStore
from .model import (
    CallbackQueryRecord,
    ChatMessage,
    ChatRecord,
    ForumTopicRecord,
    JsonDict,
    MessageVersion,
    PersonRecord,
)
from .updates import UpdateQueue, WebhookConfig
from .waiting import ChangeSignal

logger = logging.getLogger(__name__)

# Called with ("new" | "edited" | "deleted", message) after every transcript change.
MessageListener = Callable[[str, ChatMessage], None]

TOPIC_ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


# Telegram delivers a button press on a message older than this (by Telegram's clock) with
# an InaccessibleMessage: only the chat and the message_id, and a date of 0.
# https://core.telegram.org/bots/api#maybeinaccessiblemessage
ACCESSIBLE_FOR_SECONDS = 48 * 3600


class SandboxState:
    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str = "Front Desk",
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        bot_id_part = token.split(":", 1)[0]
        if not bot_id_part.isdigit() or ":" not in token:
            raise ValueError("token must look like '<bot id>:<secret>', e.g. '123456:TEST'")
        self.token = token
        self.signal = ChangeSignal()
        # Telegram's clock: message dates, and how old a message is when a button on it
        # is pressed.  The sandbox and the tests make it follow their movable clock.
        self.wall_clock = wall_clock
        self.bot_id = int(bot_id_part)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.people: dict[int, PersonRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files = FileStore()
        self.updates = UpdateQueue(self.signal)
        self.webhook = WebhookConfig()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.default_menu_button: JsonDict = {"type": "commands"}
        # setMyName / setMyDescription / setMyShortDescription, by (field, language).
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.listeners: list[MessageListener] = []
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1)
        self._sequence = itertools.count(1)

    # --- time -------------------------------------------------------------

    def now(self) -> int:
        """Telegram's clock, in Unix seconds."""
        return int(self.wall_clock())

    def pressed_message(self, message: ChatMessage) -> JsonDict:
        """The ``message`` of a callback query for a button on ``message``: the Message
        itself, or an InaccessibleMessage once it is older than Telegram lets bots see."""
        if self.now() - message.date > ACCESSIBLE_FOR_SECONDS:
            return {
                "chat": self.chat_json(self.chat(message.chat_id)),
                "message_id": message.message_id,
                "date": 0,
            }
        return message.to_api()

    # --- identities -------------------------------------------------------

    @property
    def bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def user_json(self, user_id: int) -> JsonDict | None:
        """The Bot API ``User`` for the bot or a person, None if unknown."""
        if user_id == self.bot_id:
            return self.bot_user
        person = self.people.get(user_id)
        return person.to_user() if person else None

    def next_sequence(self) -> int:
        """A process-wide counter for ids that only need to be unique."""
        return next(self._sequence)

    def add_person(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_premium: bool = False,
        phone_number: str | None = None,
        started: bool = True,
    ) -> PersonRecord:
        if not first_name:
            raise SandboxError("first_name must not be empty")
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.people or user_id == self.bot_id:
                user_id = next(self._user_ids)
        elif user_id <= 0:
            raise SandboxError("user id must be a positive integer")
        elif user_id in self.people or user_id == self.bot_id:
            raise SandboxError(f"user {user_id} already exists")
        if username is not None:
            username = username.removeprefix("@")
            if self.find_username(username) is not None:
                raise SandboxError(f"username @{username} is already taken")
        person = PersonRecord(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
            phone_number=phone_number or f"+1555{user_id % 10_000_000:07d}",
            started_bot=started,
        )
        self.people[user_id] = person
        self.chats[user_id] = ChatRecord(
            id=user_id, type="private", person_id=user_id, members={user_id: "member"}
        )
        self.signal.notify()
        return person

    def add_group(
        self,
        title: str,
        *,
        is_forum: bool = False,
        supergroup: bool = True,
        chat_id: int | None = None,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> ChatRecord:
        if not title:
            raise SandboxError("title must not be empty")
        if is_forum and not supergroup:
            raise SandboxError("only supergroups can be forums")
        if bot_status not in MEMBER_STATUSES:
            raise SandboxError(f"bot_status must be one of {', '.join(MEMBER_STATUSES)}")
        if chat_id is None:
            while True:
                sequence = next(self._group_ids)
                chat_id = -(1_001_000_000_000 + sequence) if supergroup else -(4_000_000 + sequence)
                if chat_id not in self.chats:
                    break
        elif chat_id >= 0:
            raise SandboxError("group chat ids are negative")
        elif chat_id in self.chats:
            raise SandboxError(f"chat {chat_id} already exists")
        if username is not None:
            username = username.removeprefix("@")
            if self.find_username(username) is not None:
                raise SandboxError(f"username @{username} is already taken")
        chat = ChatRecord(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            username=username,
            is_forum=is_forum,
            bot_status=bot_status,
            # Message 1 is the group's creation; topic ids must never be 1 (General).
            last_message_id=1,
        )
        self.chats[chat_id] = chat
        self.signal.notify()
        return chat

    def find_username(self, username: str) -> PersonRecord | ChatRecord | None:
        wanted = username.removeprefix("@").lower()
        for person in self.people.values():
            if person.username and person.username.lower() == wanted:
                return person
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == wanted:
                return chat
        return None

    def person(self, user_id: int) -> PersonRecord:
        person = self.people.get(user_id)
        if person is None:
            raise SandboxError(f"unknown user {user_id}")
        return person

    def chat(self, chat_id: int) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise SandboxError(f"unknown chat {chat_id}")
        return chat

    def find_chat(self, reference: int | str) -> ChatRecord | None:
        """A chat by id or ``@username`` as the Bot API's chat_id parameter allows."""
        if isinstance(reference, str):
            found = self.find_username(reference)
            if isinstance(found, PersonRecord):
                return None  # bots can't address private chats by username
            return found
        return self.chats.get(reference)

    def chat_json(self, chat: ChatRecord) -> JsonDict:
        return chat.to_chat(self.people)

    def member_status(self, chat: ChatRecord, user_id: int) -> str:
        if user_id == self.bot_id:
            if chat.is_private:
                person = self.people[chat.person_id or 0]
                return "kicked" if person.blocked_bot else "member"
            return chat.bot_status
        return chat.members.get(user_id, "left")

    # --- messages ---------------------------------------------------------

    def add_message(
        self,
        chat: ChatRecord,
        content: JsonDict,
        *,
        sender: PersonRecord | None = None,
        reply_markup: JsonDict | None = None,
        thread_id: int | None = None,
        reply_to: ChatMessage | None = None,
        extra: JsonDict | None = None,
        disable_notification: bool = False,
    ) -> ChatMessage:
        """Append a message to ``chat``; ``sender`` None means the bot sent it."""
        message_id = chat.next_message_id()
        data: JsonDict = {
            "message_id": message_id,
            "from": sender.to_user() if sender else self.bot_user,
            "chat": self.chat_json(chat),
            "date": self.now(),
        }
        if thread_id is not None:
            data["message_thread_id"] = thread_id
            data["is_topic_message"] = True
            if reply_to is None and thread_id != message_id:
                # In forum topics Telegram marks plain messages as replies to the
                # topic's creation message.
                reply_to = chat.by_id.get(thread_id)
        if reply_to is not None:
            replied = copy.deepcopy(reply_to.data)
            replied.pop("reply_to_message", None)
            data["reply_to_message"] = replied
        data.update(copy.deepcopy(content))
        if extra:
            data.update(copy.deepcopy(extra))
        if reply_markup is not None and "inline_keyboard" in reply_markup:
            data["reply_markup"] = copy.deepcopy(reply_markup)
        message = ChatMessage(
            chat_id=chat.id,
            message_id=message_id,
            from_bot=sender is None,
            sender_id=sender.id if sender else self.bot_id,
            data=data,
            reply_markup=copy.deepcopy(reply_markup),
            disable_notification=disable_notification,
        )
        chat.messages.append(message)
        chat.by_id[message_id] = message
        if sender is None and reply_markup is not None:
            if "keyboard" in reply_markup:
                chat.active_keyboard = copy.deepcopy(reply_markup)
            elif "remove_keyboard" in reply_markup:
                chat.active_keyboard = None
        self.signal.notify()
        self._emit("new", message)
        return message

    def apply_edit(
        self,
        message: ChatMessage,
        changes: JsonDict,
        *,
        reply_markup: JsonDict | None,
        keep_markup: bool = False,
    ) -> ChatMessage:
        """Edit a message in place, keeping its previous version in ``history``.

        ``changes`` maps Message keys to new values; a None value removes the key.
        Without ``keep_markup`` the inline keyboard becomes ``reply_markup``
        (None removes it), as editMessageText/Caption/ReplyMarkup do.
        """
        message.history.append(
            MessageVersion(
                text=message.text,
                entities=message.entities,
                reply_markup=copy.deepcopy(message.reply_markup),
                edit_date=message.edit_date,
            )
        )
        for key, value in changes.items():
            if value is None:
                message.data.pop(key, None)
            else:
                message.data[key] = copy.deepcopy(value)
        if not keep_markup:
            if reply_markup is not None:
                message.data["reply_markup"] = copy.deepcopy(reply_markup)
            else:
                message.data.pop("reply_markup", None)
            old = message.reply_markup
            if reply_markup is not None or old is None or "inline_keyboard" in old:
                message.reply_markup = copy.deepcopy(reply_markup)
        message.data["edit_date"] = max(self.now(), message.date)
        self.signal.notify()
        self._emit("edited", message)
        return message

    def delete_message(self, message: ChatMessage) -> None:
        message.deleted = True
        self.signal.notify()
        self._emit("deleted", message)

    def _emit(self, event: str, message: ChatMessage) -> None:
        for listener in list(self.listeners):
            try:
                listener(event, message)
            except Exception:  # a display hook must not break the Bot API
                logger.exception("sandbox message listener failed")

    def transcript(self, chat_id: int) -> list[ChatMessage]:
        return list(self.chat(chat_id).messages)

    # --- forum topics -----------------------------------------------------

    def create_topic(
        self,
        chat: ChatRecord,
        name: str,
        *,
        icon_color: int = TOPIC_ICON_COLORS[0],
        icon_custom_emoji_id: str | None = None,
        creator: PersonRecord | None = None,
    ) -> tuple[ForumTopicRecord, ChatMessage]:
        """Create a topic; its creation service message's id is the thread id."""
        thread_id = chat.last_message_id + 1
        created: JsonDict = {"name": name, "icon_color": icon_color}
        if icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = icon_custom_emoji_id
        topic = ForumTopicRecord(thread_id, name, icon_color, icon_custom_emoji_id)
        chat.topics[thread_id] = topic
        message = self.add_message(
            chat, {"forum_topic_created": created}, sender=creator, thread_id=thread_id
        )
        return topic, message

    # --- updates ----------------------------------------------------------

    def push_update(self, kind: str, payload: JsonDict) -> None:
        self.updates.push(kind, copy.deepcopy(payload))

    def chat_instance(self, chat: ChatRecord) -> str:
        return str(abs(chat.id) * 1_000_003 + self.bot_id)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-friendly overview for the control API."""
        return {
            "bot": self.bot_user,
            "users": [
                {**p.to_user(), "blocked_bot": p.blocked_bot, "started_bot": p.started_bot}
                for p in self.people.values()
            ],
            "groups": [
                {
                    **self.chat_json(c),
                    "members": {str(k): v for k, v in c.members.items()},
                    "topics": [t.to_api() | {"is_closed": t.is_closed} for t in c.topics.values()],
                }
                for c in self.chats.values()
                if not c.is_private
            ],
            "pending_updates": len(self.updates),
            "webhook": self.webhook.info(len(self.updates), self.updates.allowed_updates),
        }
