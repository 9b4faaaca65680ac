"""Fixtures for end-to-end tests through the built-in Bot API emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot.sandbox
from bot.sandbox import BotApiEmulator
from tests.e2e.harness import Desk, running_desk

_SANDBOX_DIR = str(Path(bot.sandbox.__file__).parent)
_E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/e2e is `e2e`: `pytest -m "not e2e"` runs the fast layer.
    (A conftest's hook sees the whole session's items, hence the check of the path.)"""
    for item in items:
        if _E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def _sandbox_tasks() -> list[asyncio.Task]:
    """Running tasks whose coroutine is emulator code."""
    leftovers = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code is not None and code.co_filename.startswith(_SANDBOX_DIR) and not task.done():
            leftovers.append(task)
    return leftovers


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A started emulator on a free 127.0.0.1 port, stopped after the test.

    Teardown also checks that the emulator left no task running and hit no
    internal error (an emulator bug answers the bot with a 500).
    """
    emulator = BotApiEmulator()
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
