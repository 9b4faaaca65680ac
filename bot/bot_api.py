"""The Bot API session: aiogram's aiohttp session, sending JSON bodies, with orjson.

aiogram encodes every call as a form (each nested object JSON-encoded into a field, then
the whole form URL-encoded): about a quarter of the bot's cost of a call. The Bot API
takes ``application/json`` bodies for everything but file uploads, so calls without files
go as one JSON document; calls with files keep aiogram's multipart form. Answers are
checked and parsed by aiogram as before (`check_response`), and the session's request
middlewares run as before.
"""

from __future__ import annotations

import datetime
from typing import Any

import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

_JSON = {"Content-Type": "application/json"}


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonBotApiSession(AiohttpSession):
    def __init__(self, api: TelegramAPIServer) -> None:
        super().__init__(api=api, json_loads=orjson.loads, json_dumps=_dumps)

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

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        body = self.build_json(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url, data=body, headers=_JSON, timeout=self.timeout if timeout is None else timeout
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=raw_result
        )
        return response.result  # type: ignore[return-value]
