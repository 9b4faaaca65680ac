"""Fixtures for end-to-end tests through the built-in Bot API emulator."""

from __future__ import annotations

import asyncio
import ssl
import types
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import bot.sandbox
from bot.sandbox import BotApiEmulator
from tests.e2e.harness import FAST_FLOOD_LIMITS, Desk, running_desk

_SANDBOX_DIR = str(Path(bot.sandbox.__file__).parent)
_E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/e2e is `e2e`: `pytest -m "not e2e"` runs the fast layer.
    (A conftest's hook sees the whole session's items, hence the check of the path.)"""
    for item in items:
        if _E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True, scope="session")
def _one_tls_context() -> Iterator[None]:
    """aiogram's session loads the CA bundle into a TLS context of its own for every bot
    (40 ms here, a few hundred bots a run), and the emulator speaks plain HTTP: one
    context serves them all."""
    import aiogram.client.session.aiohttp as aiohttp_session

    context = ssl.create_default_context()
    with pytest.MonkeyPatch.context() as patch:
        shared = types.SimpleNamespace(create_default_context=lambda **_: context)
        patch.setattr(aiohttp_session, "ssl", shared)
        yield


def _sandbox_tasks() -> list[asyncio.Task]:
    """Running tasks whose coroutine is emulator code."""
    leftovers = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code is not None and code.co_filename.startswith(_SANDBOX_DIR) and not task.done():
            leftovers.append(task)
    return leftovers


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[BotApiEmulator]:
    """A started emulator on a free 127.0.0.1 port, stopped after the test.

    It counts Telegram's flood limits 20 times faster (`FAST_FLOOD_LIMITS`; the desk
    keeps the same), unless the test is marked `real_flood_limits`. Teardown also checks
    that the emulator left no task running and hit no internal error (an emulator bug
    answers the bot with a 500).
    """
    real = request.node.get_closest_marker("real_flood_limits") is not None
    emulator = BotApiEmulator(rate_limits=True if real else FAST_FLOOD_LIMITS)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()
    assert not _sandbox_tasks(), _sandbox_tasks()
    assert not emulator.stats.internal_errors, emulator.stats.internal_errors


@pytest.fixture
async def desk(
    emulator: BotApiEmulator, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Desk]:
    """The whole front desk running against the emulator, on a temporary database, with a
    frozen business clock on a Monday morning in Moscow and a staff group. A handler that
    raised or a Bot API call that failed fails the test, unless it is marked
    `expect_failures` (it provokes them on purpose)."""
    expect_failures = request.node.get_closest_marker("expect_failures") is not None
    async with running_desk(emulator, tmp_path, expect_failures=expect_failures) as running:
        yield running
