"""Records the emulator keeps about people, chats, messages and callback queries.

These are plain data classes.  ``ChatMessage`` doubles as the transcript entry
people-side code reads: it holds the Bot API ``Message`` JSON as the bot last
saw it (``data``) plus what Telegram's own client would show on top of that
(reply keyboards, the deleted flag, the edit history).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

# Keys of a Message object that make up its content; used by copy/forward.
CONTENT_KEYS = (
    "text",
    "entities",
    "link_preview_options",
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "sticker",
    "caption",
    "caption_entities",
    "location",
    "contact",
    "poll",
    "has_media_spoiler",
    "show_caption_above_media",
)
MEDIA_KEYS = ("photo", "document", "voice", "audio", "video", "video_note", "animation", "sticker")


@dataclass
class PersonRecord:
    """A human Telegram account the emulator plays."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool = False
    phone_number: str | None = None
    blocked_bot: bool = False
    started_bot: bool = True

    def to_user(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        if self.is_premium:
            user["is_premium"] = True
        return user

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class ForumTopicRecord:
    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    is_closed: bool = False

    def to_api(self) -> JsonDict:
        topic: JsonDict = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class MessageVersion:
    """A superseded state of an edited message."""

    text: str | None
    entities: list[JsonDict]
    reply_markup: JsonDict | None
    edit_date: int | None


@dataclass
class ChatMessage:
    """One message of a chat transcript, with edits and deletion applied."""

    chat_id: int
    message_id: int
    from_bot: bool
    sender_id: int
    data: JsonDict
    reply_markup: JsonDict | None = None
    deleted: bool = False
    history: list[MessageVersion] = field(default_factory=list)
    disable_notification: bool = False

    @property
    def text(self) -> str | None:
        """The text, or the caption of a media message."""
        return self.data.get("text", self.data.get("caption"))

    @property
    def entities(self) -> list[JsonDict]:
        data = self.data
        return list(data["entities"] if "entities" in data else data.get("caption_entities", []))

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def date(self) -> int:
        return int(self.data["date"])

    @property
    def edit_date(self) -> int | None:
        return self.data.get("edit_date")

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def thread_id(self) -> int | None:
        return self.data.get("message_thread_id")

    @property
    def reply_to_message_id(self) -> int | None:
        replied = self.data.get("reply_to_message")
        return replied["message_id"] if replied else None

    @property
    def media_group_id(self) -> str | None:
        return self.data.get("media_group_id")

    @property
    def kind(self) -> str:
        """What the message is: "text", "photo", "document", ..., or "service"."""
        for key in ("text", *MEDIA_KEYS, "location", "contact", "poll"):
            if key in self.data:
                return key
        return "service"

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup["inline_keyboard"]
        return []

    @property
    def keyboard(self) -> list[list[JsonDict]]:
        """Rows of a reply keyboard sent with this message (empty if none)."""
        if self.reply_markup and "keyboard" in self.reply_markup:
            return self.reply_markup["keyboard"]
        return []

    @property
    def button_texts(self) -> list[list[str]]:
        """Visible texts of the inline or reply keyboard, row by row."""
        rows = self.inline_keyboard or self.keyboard
        return [[button["text"] for button in row] for row in rows]

    def inline_button(self, text: str) -> JsonDict | None:
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == text:
                    return button
        return None

    @property
    def file_ids(self) -> list[str]:
        ids: list[str] = []
        for key in MEDIA_KEYS:
            media = self.data.get(key)
            if isinstance(media, list):
                ids.extend(size["file_id"] for size in media)
            elif isinstance(media, dict):
                ids.append(media["file_id"])
        return ids

    def content(self) -> JsonDict:
        """The content part of the Message JSON (no ids, dates, sender or markup)."""
        return {k: copy.deepcopy(v) for k, v in self.data.items() if k in CONTENT_KEYS}

    def to_api(self) -> JsonDict:
        """The current Bot API ``Message`` JSON (a copy)."""
        return copy.deepcopy(self.data)

    def to_dict(self) -> JsonDict:
        """Transcript entry for the control API and logs."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "from_bot": self.from_bot,
            "sender_id": self.sender_id,
            "kind": self.kind,
            "text": self.text,
            "entities": self.entities,
            "reply_markup": copy.deepcopy(self.reply_markup),
            "message_thread_id": self.thread_id,
            "reply_to_message_id": self.reply_to_message_id,
            "deleted": self.deleted,
            "edited": self.edited,
            "history": [
                {
                    "text": v.text,
                    "entities": v.entities,
                    "reply_markup": v.reply_markup,
                    "edit_date": v.edit_date,
                }
                for v in self.history
            ],
            "file_ids": self.file_ids,
            "message": self.to_api(),
        }

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else f"user {self.sender_id}"
        flags = " deleted" if self.deleted else ""
        return f"<ChatMessage {self.chat_id}/{self.message_id} from {who}{flags}: {self.text!r}>"


@dataclass
class ChatRecord:
    """A private chat with a person, or a group/supergroup the bot is in."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    is_forum: bool = False
    person_id: int | None = None
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"
    topics: dict[int, ForumTopicRecord] = field(default_factory=dict)
    messages: list[ChatMessage] = field(default_factory=list)
    by_id: dict[int, ChatMessage] = field(default_factory=dict)
    last_message_id: int = 0
    # Reply keyboard currently shown under the input field (None = no keyboard).
    active_keyboard: JsonDict | None = None
    menu_button: JsonDict | None = None
    chat_actions: list[tuple[str, int | None]] = field(default_factory=list)
    # A group that became a supergroup: the new chat's id (Telegram refuses the old one).
    migrated_to: int | None = None

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def to_chat(self, people: dict[int, PersonRecord]) -> JsonDict:
        if self.is_private and self.person_id is not None:
            person = people[self.person_id]
            chat: JsonDict = {"id": self.id, "type": "private", "first_name": person.first_name}
            if person.last_name:
                chat["last_name"] = person.last_name
            if person.username:
                chat["username"] = person.username
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def get_message(self, message_id: int | None) -> ChatMessage | None:
        """A message that still exists (not deleted)."""
        if message_id is None:
            return None
        message = self.by_id.get(message_id)
        return None if message is None or message.deleted else message


@dataclass
class CallbackAnswer:
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int

    def to_dict(self) -> JsonDict:
        return {
            "text": self.text,
            "show_alert": self.show_alert,
            "url": self.url,
            "cache_time": self.cache_time,
        }


@dataclass
class CallbackQueryRecord:
    id: str
    person_id: int
    chat_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None

    @property
    def answered(self) -> bool:
        return self.answer is not None

    def to_dict(self) -> JsonDict:
        return {
            "callback_query_id": self.id,
            "user_id": self.person_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "answer": self.answer.to_dict() if self.answer else None,
        }


def poll_object(
    poll_id: str,
    question: str,
    options: list[str],
    *,
    is_anonymous: bool = True,
    allows_multiple_answers: bool = False,
    poll_type: str = "regular",
) -> JsonDict:
    """A Bot API ``Poll`` with no votes yet."""
    return {
        "id": poll_id,
        "question": question,
        "options": [
            {"persistent_id": str(index), "text": text, "voter_count": 0}
            for index, text in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": is_anonymous,
        "type": poll_type,
        "allows_multiple_answers": allows_multiple_answers,
        "allows_revoting": True,
        "members_only": False,
    }
