"""The Bot API session: aiogram's aiohttp session, sending JSON bodies, with orjson.

aiogram encodes every call as a form (each nested object JSON-encoded into a field, then
the whole form URL-encoded): about a quarter of the bot's cost of a call. The Bot API
takes ``application/json`` bodies for everything but file uploads, so calls without files
go as one JSON document; calls with files keep aiogram's multipart form. Only the body
is ours: aiogram's `make_request` posts it, checks and parses the answer, and the
session's request middlewares run as before.
"""

from __future__ import annotations

import datetime
from typing import Any

import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiohttp.payload import BytesPayload


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonBotApiSession(AiohttpSession):
    def __init__(self, api: TelegramAPIServer) -> None:
        super().__init__(api=api, json_loads=orjson.loads, json_dumps=_dumps)

    async def close(self) -> None:
        """aiogram waits 250 ms after closing, for TLS connections to shut down cleanly.
        Over plain HTTP (the emulator, a Bot API server on the same host) there is no
        TLS to wait for: the bot stops, and a test's desk restarts, that much sooner."""
        if self.api.base.startswith("https://"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()

    def build_json(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as a JSON object, or None when it uploads files (a form is needed)."""
        files: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if not prepared:  # what aiogram's form leaves out, this leaves out too
                continue
            if isinstance(value, datetime.datetime | datetime.timedelta):
                prepared = int(prepared)  # a Unix time, which the form sends as text
            payload[key] = prepared
        return None if files else orjson.dumps(payload)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        """What aiogram's `make_request` posts: the JSON document, or its form for uploads."""
        body = self.build_json(bot, method)
        if body is None:
            return super().build_form_data(bot, method)
        return BytesPayload(body, content_type="application/json")
