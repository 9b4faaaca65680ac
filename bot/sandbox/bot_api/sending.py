"""Sending: sendMessage, the media (photo, document, voice, audio, video, animation,
sticker, video note) and albums, location, contact, poll, copyMessage, forwardMessage
and sendChatAction. Every message sent counts against Telegram's flood limits.
"""

from __future__ import annotations

import re
from typing import Any

from .. import errors
from ..errors import bad_request
from ..files import StoredFile, media_object, photo_sizes
from ..formatting import utf16_len
from ..keyboards import parse_reply_markup
from ..model import ChatMessage, ChatRecord, JsonDict, poll_object
from ..payloads import Params, UploadedFile
from .core import MAX_TEXT_LENGTH, BotApiCore, MethodHandler

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


class SendingMethods(BotApiCore):
    """The methods that put a new message into a chat."""

    def sending_methods(self) -> dict[str, MethodHandler]:
        table: dict[str, MethodHandler] = {
            "sendMessage": self.send_message,
            "sendMediaGroup": self.send_media_group,
            "sendLocation": self.send_location,
            "sendContact": self.send_contact,
            "sendPoll": self.send_poll,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "sendChatAction": self.send_chat_action,
        }
        for name, kind in MEDIA_METHODS.items():
            table[name] = self._media_sender(kind)
        return table

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

    # --- what every sending method does ----------------------------------------

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
