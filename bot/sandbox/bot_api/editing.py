"""Changing what is already in a chat: editMessageText, editMessageCaption,
editMessageReplyMarkup, deleteMessage(s), and answerCallbackQuery, the answer to a
button press. Edits in groups count against the flood limits, as Telegram counts them.
"""

from __future__ import annotations

from .. import errors
from ..errors import bad_request
from ..formatting import utf16_len
from ..keyboards import parse_reply_markup
from ..model import MEDIA_KEYS, CallbackAnswer, ChatMessage, ChatRecord, JsonDict
from ..payloads import Params
from .core import MAX_TEXT_LENGTH, BotApiCore, MethodHandler


class EditingMethods(BotApiCore):
    """Edits, deletions and answers to button presses."""

    def editing_methods(self) -> dict[str, MethodHandler]:
        return {
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
        }

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

    # --- answers to button presses ------------------------------------------------------

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
