"""Chats: getChat, members and administrators, leaveChat; forum topics (create, edit,
close, reopen, delete); the menu button, pins and reactions.
"""

from __future__ import annotations

from .. import errors
from ..errors import bad_request, forbidden
from ..model import ChatRecord, JsonDict
from ..payloads import Params
from ..state import TOPIC_ICON_COLORS
from .core import BotApiCore, MethodHandler

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


class ChatMethods(BotApiCore):
    """Chats and their members, forum topics, menu button, pins, reactions."""

    def chat_methods(self) -> dict[str, MethodHandler]:
        return {
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
                "date": self.state.now(),
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
