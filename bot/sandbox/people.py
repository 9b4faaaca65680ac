"""The people's side: Python handles for the humans and groups the bot talks to.

A ``Person`` acts like a Telegram user would (sends text, commands, media,
presses inline and reply-keyboard buttons, edits messages, blocks the bot);
each action creates the message in the chat and queues the matching update
for the bot.  ``Person`` (their private chat with the bot) and ``Group`` are
also ``ChatView``s: transcripts plus awaiting helpers that wake on state
changes instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from .errors import SandboxError
from .files import (
    SAMPLE_GIF,
    SAMPLE_OGG,
    SAMPLE_PDF,
    SAMPLE_PNG,
    media_object,
    photo_sizes,
)
from .formatting import detect_entities, trim_formatted, utf16_len
from .keyboards import button_texts, find_button
from .model import (
    CallbackAnswer,
    CallbackQueryRecord,
    ChatMessage,
    ChatRecord,
    ForumTopicRecord,
    JsonDict,
    PersonRecord,
    poll_object,
)
from .state import MEMBER_STATUSES, TOPIC_ICON_COLORS, SandboxState

MessagePredicate = Callable[[ChatMessage], Any]
ThreadRef = ForumTopicRecord | int | None
# A sticker file that is not sniffed as an image, so it keeps the 512x512 default.
_SAMPLE_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 "


class ChatView:
    """Reading one chat: its transcript and waiting for the bot's messages."""

    def __init__(self, state: SandboxState, chat_id: int) -> None:
        self._state = state
        self.chat_id = chat_id
        self._seen_bot_messages = 0

    @property
    def chat(self) -> ChatRecord:
        return self._state.chat(self.chat_id)

    @property
    def transcript(self) -> list[ChatMessage]:
        """Every message of the chat in order, deleted ones flagged, edits applied."""
        return list(self.chat.messages)

    @property
    def visible_messages(self) -> list[ChatMessage]:
        return [m for m in self.chat.messages if not m.deleted]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        """Messages the bot sent here (service messages excluded), deleted ones included."""
        return [m for m in self.chat.messages if m.from_bot and m.kind != "service"]

    @property
    def last_bot_message(self) -> ChatMessage | None:
        alive = [m for m in self.bot_messages if not m.deleted]
        return alive[-1] if alive else None

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of the reply keyboard currently shown, row by row (empty if none)."""
        keyboard = self.chat.active_keyboard
        if not keyboard:
            return []
        return [[button["text"] for button in row] for row in keyboard["keyboard"]]

    @property
    def chat_actions(self) -> list[str]:
        return [action for action, _ in self.chat.chat_actions]

    def mark_all_seen(self) -> None:
        """Make ``wait_for_message`` ignore the bot messages received so far."""
        self._seen_bot_messages = len(self.bot_messages)

    async def wait_for_message(
        self,
        predicate: MessagePredicate | None = None,
        *,
        contains: str | None = None,
        thread: ThreadRef = None,
        timeout: float = 5.0,
    ) -> ChatMessage:
        """The next bot message not yet returned by this helper that matches.

        Messages already received count: the helper keeps a cursor, so a reply
        that arrived before the call is still found.  Skipped non-matching
        messages are consumed too.
        """
        thread_id = _thread_id_of(thread)

        def matches(message: ChatMessage) -> bool:
            if thread_id is not None and message.thread_id != thread_id:
                return False
            if contains is not None and contains not in (message.text or ""):
                return False
            return predicate is None or bool(predicate(message))

        def find() -> ChatMessage | None:
            messages = self.bot_messages
            for index in range(self._seen_bot_messages, len(messages)):
                if matches(messages[index]):
                    self._seen_bot_messages = index + 1
                    return messages[index]
            return None

        return await self._state.signal.wait_for(
            find, timeout, lambda: f"no new matching bot message in {self._describe()}"
        )

    async def wait_until(
        self,
        condition: Callable[[list[ChatMessage]], Any],
        *,
        timeout: float = 5.0,
    ) -> list[ChatMessage]:
        """Wait until ``condition(transcript)`` is truthy; return the transcript."""

        def check() -> list[ChatMessage] | None:
            transcript = self.transcript
            return transcript if condition(transcript) else None

        return await self._state.signal.wait_for(
            check, timeout, lambda: f"condition false for {self._describe()}"
        )

    def _describe(self) -> str:
        tail = self.transcript[-5:]
        lines = "; ".join(repr(m) for m in tail) or "empty transcript"
        return f"chat {self.chat_id} (last messages: {lines})"


def _thread_id_of(thread: ThreadRef) -> int | None:
    if isinstance(thread, ForumTopicRecord):
        return thread.message_thread_id
    return thread


class CallbackPress:
    """An inline button press (a callback_query) and the bot's answer to it."""

    def __init__(self, state: SandboxState, record: CallbackQueryRecord, message: ChatMessage):
        self._state = state
        self.record = record
        self.message = message

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def data(self) -> str:
        return self.record.data

    @property
    def answered(self) -> bool:
        return self.record.answered

    @property
    def answer(self) -> CallbackAnswer | None:
        return self.record.answer

    @property
    def answer_text(self) -> str | None:
        return self.record.answer.text if self.record.answer else None

    async def wait_answered(self, timeout: float = 5.0) -> CallbackAnswer:
        """Wait until the bot calls answerCallbackQuery for this press."""
        return await self._state.signal.wait_for(
            lambda: self.record.answer,
            timeout,
            lambda: f"callback query {self.id} (data={self.data!r}) was not answered",
        )

    def __repr__(self) -> str:
        return f"<CallbackPress {self.id} data={self.data!r} answered={self.answered}>"


class Group(ChatView):
    """A group or supergroup (optionally a forum) with the bot in it."""

    @property
    def id(self) -> int:
        return self.chat_id

    @property
    def title(self) -> str:
        return self.chat.title or ""

    @property
    def is_forum(self) -> bool:
        return self.chat.is_forum

    @property
    def topics(self) -> list[ForumTopicRecord]:
        return list(self.chat.topics.values())

    def add_member(self, person: Person, status: str = "member") -> None:
        if status not in MEMBER_STATUSES:
            raise SandboxError(f"status must be one of {', '.join(MEMBER_STATUSES)}")
        self.chat.members[person.id] = status
        self._state.signal.notify()

    def topic(self, name: str) -> ForumTopicRecord:
        for topic in self.chat.topics.values():
            if topic.name == name:
                return topic
        raise SandboxError(f"no topic named {name!r} in {self.title!r}")

    async def create_topic(
        self,
        name: str,
        *,
        by: Person,
        icon_color: int = TOPIC_ICON_COLORS[0],
    ) -> ForumTopicRecord:
        """A member creates a forum topic; the bot gets the service message."""
        chat = self.chat
        if not chat.is_forum:
            raise SandboxError(f"{self.title!r} is not a forum")
        by.check_member(chat)
        if not name or len(name) > 128:
            raise SandboxError("topic name must be 1-128 characters")
        topic, message = self._state.create_topic(
            chat, name, icon_color=icon_color, creator=by.record
        )
        self._state.push_update("message", message.to_api())
        return topic

    async def set_bot_status(self, status: str, *, by: Person | None = None) -> None:
        """Add, promote or remove the bot; the bot gets a my_chat_member update."""
        if status not in MEMBER_STATUSES or status == "creator":
            raise SandboxError(
                "bot status must be administrator, member, restricted, left or kicked"
            )
        chat = self.chat
        actor = by.record if by else self._any_admin()
        old = _bot_member(self._state, chat.bot_status)
        chat.bot_status = status
        self._state.push_update(
            "my_chat_member",
            {
                "chat": self._state.chat_json(chat),
                "from": actor.to_user(),
                "date": self._state.now(),
                "old_chat_member": old,
                "new_chat_member": _bot_member(self._state, status),
            },
        )

    def _any_admin(self) -> PersonRecord:
        for user_id, status in self.chat.members.items():
            if status in ("creator", "administrator"):
                return self._state.person(user_id)
        for user_id in self.chat.members:
            return self._state.person(user_id)
        raise SandboxError("the group has no members to act")

    def __repr__(self) -> str:
        return f"<Group {self.chat_id} {self.title!r}>"


def _bot_member(state: SandboxState, status: str) -> JsonDict:
    member: JsonDict = {"status": status, "user": state.bot_user}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_send_welcome_messages=False,
            can_pin_messages=True,
            can_manage_topics=True,
        )
    elif status == "restricted":
        member.update(is_member=True, until_date=0, can_send_messages=False)
    return member


class Person(ChatView):
    """A human user; as a ChatView it is their private chat with the bot."""

    def __init__(self, state: SandboxState, record: PersonRecord) -> None:
        super().__init__(state, record.id)
        self.record = record

    # --- identity ---------------------------------------------------------

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def first_name(self) -> str:
        return self.record.first_name

    @property
    def username(self) -> str | None:
        return self.record.username

    @property
    def user(self) -> JsonDict:
        """The Bot API ``User`` object of this person."""
        return self.record.to_user()

    @property
    def has_blocked_bot(self) -> bool:
        return self.record.blocked_bot

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.record.full_name!r}>"

    # --- sending ----------------------------------------------------------

    async def send(
        self,
        text: str,
        *,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
        reply_to: ChatMessage | int | None = None,
        extra: JsonDict | None = None,
    ) -> ChatMessage:
        """Send a text message (entities such as /commands and URLs are detected); `extra`
        adds fields of the Message as Telegram would set them (`sender_chat` for an
        anonymous admin or a channel, `forward_origin` for a forwarded message)."""
        return self._post(
            _text_content(text, "text", "entities"),
            chat=chat,
            thread=thread,
            reply_to=reply_to,
            extra=extra,
        )

    async def command(
        self,
        command: str,
        args: str | None = None,
        *,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
        mention_bot: bool = False,
    ) -> ChatMessage:
        """Send ``/command [args]``; ``mention_bot`` appends ``@bot_username``."""
        name = command.removeprefix("/")
        if not name or " " in name:
            raise SandboxError(f"invalid command {command!r}")
        text = f"/{name}"
        if mention_bot:
            text += f"@{self._state.bot_username}"
        if args:
            text += f" {args}"
        return await self.send(text, chat=chat, thread=thread)

    async def send_photo(
        self,
        data: bytes = SAMPLE_PNG,
        *,
        caption: str | None = None,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
        reply_to: ChatMessage | int | None = None,
    ) -> ChatMessage:
        stored = self._state.files.add(data, "photo", mime_type="image/jpeg")
        content: JsonDict = {"photo": photo_sizes(self._state.files, stored)}
        content.update(_caption_content(caption))
        return self._post(content, chat=chat, thread=thread, reply_to=reply_to)

    async def send_document(
        self,
        data: bytes = SAMPLE_PDF,
        *,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
        reply_to: ChatMessage | int | None = None,
    ) -> ChatMessage:
        stored = self._state.files.add(data, "document", file_name=file_name, mime_type=mime_type)
        content: JsonDict = {"document": media_object("document", stored)}
        content.update(_caption_content(caption))
        return self._post(content, chat=chat, thread=thread, reply_to=reply_to)

    async def send_album(
        self,
        items: Sequence[bytes],
        *,
        kind: Literal["photo", "document"] = "photo",
        caption: str | None = None,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> list[ChatMessage]:
        """Send 2-10 photos or documents as one album (a shared media_group_id).

        The bot gets one message update per item; the caption goes on the first.
        """
        if not 2 <= len(items) <= 10:
            raise SandboxError("an album has 2-10 items")
        group_id = str(13_000_000_000_000_000 + self._state.next_sequence())
        messages: list[ChatMessage] = []
        for index, data in enumerate(items):
            if kind == "photo":
                stored = self._state.files.add(data, "photo", mime_type="image/jpeg")
                content: JsonDict = {"photo": photo_sizes(self._state.files, stored)}
            else:
                stored = self._state.files.add(data, "document", file_name=f"file{index + 1}")
                content = {"document": media_object("document", stored)}
            if index == 0:
                content.update(_caption_content(caption))
            messages.append(
                self._post(content, chat=chat, thread=thread, extra={"media_group_id": group_id})
            )
        return messages

    async def send_voice(
        self,
        data: bytes = SAMPLE_OGG,
        *,
        duration: int = 2,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> ChatMessage:
        stored = self._state.files.add(data, "voice", mime_type="audio/ogg")
        content = {"voice": media_object("voice", stored, duration=duration)}
        return self._post(content, chat=chat, thread=thread)

    async def send_sticker(
        self,
        emoji: str = "👍",
        *,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> ChatMessage:
        stored = self._state.files.add(_SAMPLE_WEBP, "sticker", mime_type="image/webp")
        content = {"sticker": media_object("sticker", stored, emoji=emoji)}
        return self._post(content, chat=chat, thread=thread)

    async def send_animation(
        self,
        data: bytes = SAMPLE_GIF,
        *,
        file_name: str = "animation.gif",
        caption: str | None = None,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> ChatMessage:
        """Send a GIF; like Telegram, the message carries both animation and document."""
        stored = self._state.files.add(
            data, "animation", file_name=file_name, mime_type="image/gif"
        )
        content: JsonDict = {
            "animation": media_object("animation", stored),
            "document": media_object("document", stored),
        }
        content.update(_caption_content(caption))
        return self._post(content, chat=chat, thread=thread)

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> ChatMessage:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise SandboxError("latitude must be within ±90 and longitude within ±180")
        content = {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
        return self._post(content, chat=chat, thread=thread)

    async def send_poll(
        self,
        question: str,
        options: Sequence[str],
        *,
        is_anonymous: bool = True,
        allows_multiple_answers: bool = False,
        chat: Group | int | None = None,
        thread: ThreadRef = None,
    ) -> ChatMessage:
        if not question or not 2 <= len(options) <= 12 or not all(options):
            raise SandboxError("a poll needs a question and 2-12 non-empty options")
        poll = poll_object(
            str(5_000_000_000_000_000 + self._state.next_sequence()),
            question,
            list(options),
            is_anonymous=is_anonymous,
            allows_multiple_answers=allows_multiple_answers,
        )
        return self._post({"poll": poll}, chat=chat, thread=thread)

    async def share_contact(
        self,
        phone_number: str | None = None,
        *,
        chat: Group | int | None = None,
    ) -> ChatMessage:
        """Share their own contact, as a request_contact keyboard button does."""
        contact: JsonDict = {
            "phone_number": phone_number or self.record.phone_number,
            "first_name": self.record.first_name,
            "user_id": self.id,
        }
        if self.record.last_name:
            contact["last_name"] = self.record.last_name
        return self._post({"contact": contact}, chat=chat)

    async def edit(self, message: ChatMessage, text: str) -> ChatMessage:
        """Edit one of their earlier messages; the bot gets an edited_message update."""
        if message.sender_id != self.id or message.from_bot:
            raise SandboxError("people can only edit their own messages")
        if message.deleted:
            raise SandboxError("the message was deleted")
        if "text" in message.data:
            changes = _text_content(text, "text", "entities")
            changes.setdefault("entities", None)
        elif any(key in message.data for key in ("photo", "document", "voice", "animation")):
            changes = _caption_content(text)
            changes.setdefault("caption", None)
            changes.setdefault("caption_entities", None)
        else:
            raise SandboxError(f"a {message.kind} message can't be edited")
        if message.text == (changes.get("text") or changes.get("caption")):
            raise SandboxError("the new text is the same as the current one")
        self._state.apply_edit(message, changes, reply_markup=None, keep_markup=True)
        self._state.push_update("edited_message", message.to_api())
        return message

    # --- buttons ----------------------------------------------------------

    async def press(
        self,
        button_text: str,
        *,
        message: ChatMessage | None = None,
        chat: Group | int | None = None,
    ) -> CallbackPress:
        """Press an inline button by its visible text.

        Without ``message`` the newest message of the chat showing such a
        button is used.  The bot gets a callback_query with the button's data.
        """
        chat_record = self._chat(chat)
        self._check_can_send(chat_record)
        if message is not None:
            if message.chat_id != chat_record.id:
                chat_record = self._state.chat(message.chat_id)
                self._check_can_send(chat_record)
            candidates = [message]
        else:
            candidates = [m for m in reversed(chat_record.messages) if m.inline_keyboard]
        target = next(
            (m for m in candidates if not m.deleted and m.inline_button(button_text)), None
        )
        if target is None:
            raise SandboxError(self._no_button_message(button_text, candidates))
        button = target.inline_button(button_text) or {}
        if "callback_data" not in button:
            action = next((k for k in button if k != "text"), "no action")
            raise SandboxError(
                f"button {button_text!r} is a {action} button ({button.get(action)!r}), "
                "it sends no callback_query"
            )
        record = CallbackQueryRecord(
            id=str(4_000_000_000_000_000_000 + self._state.next_sequence()),
            person_id=self.id,
            chat_id=chat_record.id,
            message_id=target.message_id,
            data=button["callback_data"],
        )
        self._state.callback_queries[record.id] = record
        self._state.push_update(
            "callback_query",
            {
                "id": record.id,
                "from": self.user,
                "message": self._state.pressed_message(target),
                "chat_instance": self._state.chat_instance(chat_record),
                "data": record.data,
            },
        )
        return CallbackPress(self._state, record, target)

    async def press_with_data(self, message: ChatMessage, data: str) -> CallbackPress:
        """Send a callback_query with any data for `message`, as a tampered client can:
        bots must not trust callback data."""
        chat_record = self._state.chat(message.chat_id)
        self._check_can_send(chat_record)
        record = CallbackQueryRecord(
            id=str(4_000_000_000_000_000_000 + self._state.next_sequence()),
            person_id=self.id,
            chat_id=chat_record.id,
            message_id=message.message_id,
            data=data,
        )
        self._state.callback_queries[record.id] = record
        self._state.push_update(
            "callback_query",
            {
                "id": record.id,
                "from": self.user,
                "message": self._state.pressed_message(message),
                "chat_instance": self._state.chat_instance(chat_record),
                "data": data,
            },
        )
        return CallbackPress(self._state, record, message)

    @staticmethod
    def _no_button_message(text: str, candidates: list[ChatMessage]) -> str:
        alive = [m for m in candidates if not m.deleted]
        if not alive:
            return f"no inline button {text!r}: no message with an inline keyboard"
        available = button_texts(alive[0].inline_keyboard)
        return f"no inline button {text!r}; the latest inline keyboard has {available!r}"

    async def press_keyboard_button(
        self,
        text: str,
        *,
        chat: Group | int | None = None,
    ) -> ChatMessage:
        """Press a button of the reply keyboard shown in the chat.

        Sends the button's text, or the person's contact / a location for
        request_contact / request_location buttons.
        """
        chat_record = self._chat(chat)
        keyboard = chat_record.active_keyboard
        if not keyboard:
            raise SandboxError(f"no reply keyboard is shown in chat {chat_record.id}")
        button = find_button(keyboard["keyboard"], text)
        if button is None:
            available = button_texts(keyboard["keyboard"])
            raise SandboxError(f"no keyboard button {text!r}; the keyboard has {available!r}")
        if button.get("request_contact"):
            message = await self.share_contact(chat=chat)
        elif button.get("request_location"):
            message = await self.send_location(51.5074, -0.1278, chat=chat)
        elif any(
            key in button for key in ("request_users", "request_chat", "request_poll", "web_app")
        ):
            raise SandboxError(f"keyboard button {text!r} is not supported by the emulator")
        else:
            message = await self.send(text, chat=chat)
        if keyboard.get("one_time_keyboard"):
            chat_record.active_keyboard = None
            self._state.signal.notify()
        return message

    # --- blocking ---------------------------------------------------------

    async def block_bot(self) -> None:
        """Block the bot: the bot gets my_chat_member (kicked) and 403s afterwards."""
        await self._set_blocked(True)

    async def unblock_bot(self) -> None:
        """Unblock the bot: the bot gets my_chat_member (member)."""
        await self._set_blocked(False)

    async def _set_blocked(self, blocked: bool) -> None:
        if self.record.blocked_bot == blocked:
            return
        self.record.blocked_bot = blocked
        bot = self._state.bot_user
        member = {"status": "member", "user": bot}
        kicked = {"status": "kicked", "user": bot, "until_date": 0}
        self._state.push_update(
            "my_chat_member",
            {
                "chat": self._state.chat_json(self.chat),
                "from": self.user,
                "date": self._state.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )

    # --- internals --------------------------------------------------------

    def _chat(self, chat: Group | int | None) -> ChatRecord:
        if chat is None:
            return self.chat
        if isinstance(chat, Group):
            return chat.chat
        if isinstance(chat, bool) or not isinstance(chat, int):
            raise SandboxError(f"chat must be a Group or a chat id, not {chat!r}")
        record = self._state.chat(chat)
        if record.is_private and record.id != self.id:
            raise SandboxError(f"{self!r} can't write in another person's private chat")
        return record

    def check_member(self, chat: ChatRecord) -> None:
        if chat.members.get(self.id, "left") in ("left", "kicked"):
            raise SandboxError(f"{self!r} is not a member of {chat.title!r}")

    def _check_can_send(self, chat: ChatRecord) -> None:
        if chat.is_private:
            if self.record.blocked_bot:
                raise SandboxError(f"{self!r} has blocked the bot; call unblock_bot() first")
        else:
            self.check_member(chat)
            if chat.bot_status in ("left", "kicked"):
                raise SandboxError(f"the bot is not in {chat.title!r}")

    def _post(
        self,
        content: JsonDict,
        *,
        chat: Group | int | None,
        thread: ThreadRef = None,
        reply_to: ChatMessage | int | None = None,
        extra: JsonDict | None = None,
    ) -> ChatMessage:
        chat_record = self._chat(chat)
        self._check_can_send(chat_record)
        thread_id = self._thread(chat_record, thread)
        target = None
        if reply_to is not None:
            reply_id = reply_to.message_id if isinstance(reply_to, ChatMessage) else reply_to
            target = chat_record.get_message(reply_id)
            if target is None:
                raise SandboxError(f"no message {reply_id} to reply to in chat {chat_record.id}")
        if chat_record.is_private:
            self.record.started_bot = True
        message = self._state.add_message(
            chat_record,
            content,
            sender=self.record,
            thread_id=thread_id,
            reply_to=target,
            extra=extra,
        )
        self._state.push_update("message", message.to_api())
        return message

    @staticmethod
    def _thread(chat: ChatRecord, thread: ThreadRef) -> int | None:
        thread_id = _thread_id_of(thread)
        if thread_id is None:
            return None
        if not chat.is_forum:
            raise SandboxError(f"{chat.title or chat.id!r} is not a forum, it has no topics")
        topic = chat.topics.get(thread_id)
        if topic is None:
            raise SandboxError(f"no topic {thread_id} in {chat.title!r}")
        if topic.is_closed:
            raise SandboxError(f"topic {topic.name!r} is closed")
        return thread_id


def _text_content(text: str, text_key: str, entities_key: str) -> JsonDict:
    if not isinstance(text, str):
        raise SandboxError(f"text must be a string, not {type(text).__name__}")
    plain, _ = trim_formatted(text, [])
    if not plain:
        raise SandboxError("message text is empty")
    if utf16_len(plain) > 4096:
        raise SandboxError("message text is longer than 4096 characters")
    content: JsonDict = {text_key: plain}
    entities = detect_entities(plain)
    if entities:
        content[entities_key] = entities
    return content


def _caption_content(caption: str | None) -> JsonDict:
    if not caption:
        return {}
    content = _text_content(caption, "caption", "caption_entities")
    if utf16_len(content["caption"]) > 1024:
        raise SandboxError("caption is longer than 1024 characters")
    return content
