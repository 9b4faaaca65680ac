"""Files: getFile, and the downloads at ``/file/bot<token>/<file_path>``."""

from __future__ import annotations

from aiohttp import web

from .. import errors
from ..errors import bad_request
from ..model import JsonDict
from ..payloads import Params
from .core import BotApiCore, MethodHandler, error_response


class FileMethods(BotApiCore):
    """getFile and the file download route."""

    def file_methods(self) -> dict[str, MethodHandler]:
        return {"getFile": self.get_file}

    async def get_file(self, params: Params) -> JsonDict:
        stored = self.state.files.get(params.get_str("file_id", required=True) or "")
        if stored is None:
            raise bad_request(errors.INVALID_FILE_ID)
        if stored.file_size > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return stored.to_file()

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """Route handler of ``/file/bot<token>/<file_path>``."""
        if request.match_info["token"] != self.state.token:
            return error_response(errors.unauthorized())
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None:
            return error_response(errors.not_found())
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
