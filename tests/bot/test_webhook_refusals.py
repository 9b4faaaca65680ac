"""Requests to the webhook without Telegram's secret are refused, and logged at most once
a minute with the count of the others, so a scanner cannot flood the log."""

import logging

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.telegram.webhook import refuse_without_secret

SECRET = "s3cret"


async def test_refusals_are_logged_once_a_minute_with_a_count(caplog):
    now = [1000.0]
    app = web.Application(middlewares=[refuse_without_secret(SECRET, clock=lambda: now[0])])

    async def telegram(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_post("/telegram", telegram)
    caplog.set_level(logging.WARNING, logger="bot.telegram.webhook")

    def refusals() -> list[str]:
        return [r.getMessage() for r in caplog.records if "without the secret" in r.getMessage()]

    async with TestClient(TestServer(app)) as http:
        for _ in range(500):
            assert (await http.post("/telegram", json={})).status == 403
        assert len(refusals()) == 1 and "more" not in refusals()[0]

        now[0] += 59
        assert (
            await http.post("/telegram", headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
        ).status == 403
        assert len(refusals()) == 1
        ok = await http.post("/telegram", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert ok.status == 200

        now[0] += 1  # a minute after the first line
        assert (await http.post("/telegram", json={})).status == 403
        assert len(refusals()) == 2
        assert "(500 more refused since the last such line)" in refusals()[1]

        now[0] += 600  # quiet for ten minutes: the next one is logged as the first was
        assert (await http.post("/telegram", json={})).status == 403
        assert len(refusals()) == 3 and "more" not in refusals()[2]
