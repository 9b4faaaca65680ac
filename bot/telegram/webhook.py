"""Updates through a webhook: the aiohttp application Telegram posts to, which refuses
anybody without the secret token, and the small server that runs it (and the monitoring
endpoints)."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

log = logging.getLogger(__name__)


def webhook_application(dp: Dispatcher, bot: Bot, path: str, secret: str) -> web.Application:
    """Telegram's requests at `path`, each answered when its update has been handled: an
    update in hand when the process dies is sent again, and Telegram's max_connections
    bounds the updates in flight as polling does."""
    handler = SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret)
    app = web.Application(middlewares=[refuse_without_secret(secret)])
    # Not `register()`: that closes the bot's session when the server stops, while the
    # outbox still has to be flushed through it.
    app.router.add_post(path, handler.handle)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def refuse_without_secret(
    secret: str, *, every: float = 60.0, clock: Callable[[], float] = time.monotonic
) -> Middleware:
    """Only Telegram knows the secret token set with the webhook: anyone else gets 403.

    A scanner can send thousands of such requests: the first is logged, the rest of the
    minute only counted, and the count goes with the next line."""
    logged_at: float | None = None
    unlogged = 0

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        nonlocal logged_at, unlogged
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            now = clock()
            if logged_at is not None and now - logged_at < every:
                unlogged += 1
            else:
                more = f" ({unlogged} more refused since the last such line)" if unlogged else ""
                log.warning(
                    "webhook request without the secret token from %s refused%s",
                    request.remote,
                    more,
                )
                logged_at, unlogged = now, 0
            return web.Response(status=403, text="Forbidden")
        return await handler(request)

    return check
