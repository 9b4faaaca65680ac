"""The bot's profile: its command menus per scope and language (setMyCommands,
getMyCommands, deleteMyCommands), its name and descriptions.
"""

from __future__ import annotations

import json
import re

from .. import errors
from ..errors import bad_request
from ..model import JsonDict
from ..payloads import Params
from .core import BotApiCore, MethodHandler

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
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ProfileMethods(BotApiCore):
    """Commands, name and descriptions."""

    def profile_methods(self) -> dict[str, MethodHandler]:
        return {
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyName": self._bot_text_setter("name"),
            "getMyName": self._bot_text_getter("name"),
            "setMyDescription": self._bot_text_setter("description"),
            "getMyDescription": self._bot_text_getter("description"),
            "setMyShortDescription": self._bot_text_setter("short_description"),
            "getMyShortDescription": self._bot_text_getter("short_description"),
        }

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
