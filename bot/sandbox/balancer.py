"""A load balancer of a few lines in front of webhook replicas, as Caddy or nginx would be
(compose.yaml's `replicas` profile): each request Telegram posts goes to the next replica in
turn, to another when one refuses the connection, and gets 502 when none answers, so that
Telegram (or the emulator) sends the update again. The failover test and the throughput
bench put it between the emulator and `frontdesk run` replicas."""

from __future__ import annotations

import itertools
from collections import Counter

import aiohttp
from aiohttp import web


class Balancer:
    """Forwards each POST to the next target in turn; to the others when one refuses the
    connection; 502 when none answers, or when the one it reached died with the request in
    hand (the update is then sent again, as Telegram does)."""

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self._turn = itertools.cycle(range(len(targets)))
        self.sent: Counter[str] = Counter()  # requests answered, by target
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def start(self, port: int, host: str = "127.0.0.1") -> None:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/{path:.*}", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def forward(self, request: web.Request) -> web.StreamResponse:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        first = next(self._turn)
        for index in (first, *(i for i in range(len(self.targets)) if i != first)):
            target = self.targets[index]
            try:
                async with self._http.post(target, data=body, headers=headers) as response:
                    answer = await response.read()
                    self.sent[target] += 1
                    return web.Response(
                        status=response.status,
                        body=answer,
                        content_type=response.content_type,
                    )
            except aiohttp.ClientConnectorError:
                continue  # refused: that replica is down, try the next
            except aiohttp.ClientError:
                break  # it died with the request in hand: Telegram will send it again
        return web.Response(status=502)
