"""What can stop `frontdesk run` from starting, said in one line each, and the wait for
Telegram when it cannot be reached.

A refused token stops the start: "BOT_TOKEN was rejected by Telegram: Unauthorized".
Telegram out of reach (no network yet, a 5xx, a flood wait) is waited for: one log line
per failed attempt, then the next after 1, 2, 4, ... 60 s, for as long as it takes, since
the bot has nothing to do without it and a container restarting in a loop says less.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Iterator

from aiogram import Bot
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe
from aiogram.types import User

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
LONGEST_DELAY = 60.0
# One attempt gives up after this long: a silently dropped connection is said within it.
ATTEMPT_TIMEOUT = 10


class StartupError(Exception):
    """The front desk cannot start; the message says why, in one line."""


def delays(first: float = FIRST_DELAY, longest: float = LONGEST_DELAY) -> Iterator[float]:
    """1, 2, 4, ... seconds, then `longest` for ever."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, longest)


async def reach_telegram(
    bot: Bot,
    api_base: str,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> User:
    """The bot's own account (getMe), once the Bot API at `api_base` answers.

    The call goes past the session's middlewares: their quick retries are for a running
    bot's blips, and here every failed attempt is said, once."""
    waits = delays(FIRST_DELAY, LONGEST_DELAY)
    attempt = 0
    while True:
        attempt += 1
        try:
            return await bot.session.make_request(bot, GetMe(), timeout=ATTEMPT_TIMEOUT)
        except (TelegramUnauthorizedError, TelegramNotFound) as exc:
            # A revoked token gets 401; a malformed one, 404 (Telegram's own answers).
            raise StartupError(f"BOT_TOKEN was rejected by Telegram: {exc.message}") from None
        except TelegramRetryAfter as exc:
            delay = float(exc.retry_after)
            reason = f"flood control, retry after {exc.retry_after} s"
        except (TelegramNetworkError, TelegramServerError) as exc:
            delay = next(waits)
            reason = exc.message
        log.warning(
            "Telegram is unreachable at %s (%s): attempt %d failed, trying again in %g s",
            api_base,
            reason,
            attempt,
            delay,
        )
        await sleep(delay)


async def unless_stopped(work: Awaitable[object], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` is set first (a signal while waiting for Telegram): then
    cancel it and say False."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        task.result()  # its error, if any
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


@contextlib.contextmanager
def listening(settings: str, host: str, port: int) -> Iterator[None]:
    """An address that cannot be listened on (taken, not this machine's) is a setting to
    change: one line naming it. `settings`: "METRICS" for METRICS_HOST and METRICS_PORT."""
    try:
        yield
    except OSError as exc:
        # asyncio's own words wrap the system's ("error while attempting to bind on ...")
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise StartupError(
            f"{settings}_HOST:{settings}_PORT {host}:{port} cannot be listened on: {reason}"
        ) from None
