"""Reading Bot API call parameters from any body the Bot API accepts.

A method's parameters may arrive in the query string, as JSON, as
``application/x-www-form-urlencoded`` or as ``multipart/form-data`` (which is
what aiogram sends when it uploads a file).  In form bodies every value is a
string and nested objects (``reply_markup``, ``entities``, ``media``...) are
JSON-encoded strings; ``Params`` hides those differences behind typed getters
that fail with Bot API style 400 errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.multipart import MultipartResponseWrapper

from .errors import TelegramApiError, bad_request

ATTACH_PREFIX = "attach://"


@dataclass
class UploadedFile:
    """A file part of a multipart body."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Parameters of one Bot API call plus the files uploaded with it."""

    def __init__(
        self,
        values: dict[str, Any] | None = None,
        files: dict[str, UploadedFile] | None = None,
    ) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.files: dict[str, UploadedFile] = dict(files or {})

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, (dict, list)):
            raise bad_request(f"wrong parameter {name} in request")
        return str(value) if not isinstance(value, bool) else ("true" if value else "false")

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f"wrong parameter {name} in request")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"wrong parameter {name} in request") from None

    def get_float(self, name: str, *, required: bool = False) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name} in request") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise bad_request(f"wrong parameter {name} in request")

    def get_json(self, name: str, *, error: str | None = None) -> Any:
        """A nested object: native in JSON bodies, a JSON string in form bodies."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (dict, list)):
            return value
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def chat_id(self, name: str = "chat_id", *, required: bool = True) -> int | str | None:
        """An integer chat id or an ``@username``."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def file(self, name: str) -> UploadedFile | str | None:
        """An uploaded file (direct part or ``attach://``), or a file_id / URL string."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise bad_request(f"wrong parameter {name} in request")
        return self.attachment(value)

    def attachment(self, reference: str) -> UploadedFile | str:
        if reference.startswith(ATTACH_PREFIX):
            key = reference.removeprefix(ATTACH_PREFIX)
            if key not in self.files:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return self.files[key]
        return reference

    def loggable(self) -> dict[str, Any]:
        """Values plus short descriptions of uploaded files, safe to keep in a log."""
        logged = dict(self.values)
        for key, upload in self.files.items():
            logged[key] = f"<file {upload.filename!r}, {len(upload.data)} bytes>"
        return logged


async def read_multipart(reader: MultipartReader | MultipartResponseWrapper) -> Params:
    values: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            # Nested multipart bodies are not something a Bot API client sends.
            raise bad_request("can't parse request body")
        name = part.name or ""
        if part.filename is not None:
            data = bytes(await part.read(decode=True))
            files[name] = UploadedFile(name, part.filename, part.headers.get("Content-Type"), data)
        else:
            values[name] = await part.text()
    return Params(values, files)


async def read_request_params(request: web.Request) -> Params:
    """Merge query string and body parameters of a Bot API call."""
    values: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if not request.body_exists:
        return Params(values)
    try:
        if content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("can't parse request JSON object")
            values.update(body)
            return Params(values)
        if content_type.startswith("multipart/"):
            params = await read_multipart(await request.multipart())
            values.update(params.values)
            return Params(values, params.files)
        form = await request.post()
        values.update({key: value for key, value in form.items() if isinstance(value, str)})
        return Params(values)
    except TelegramApiError:
        raise
    except (ValueError, UnicodeDecodeError):
        raise bad_request("can't parse request body") from None
