"""Waiting for the emulator's state to change, without sleeping.

Every mutation of the emulator's state calls ``ChangeSignal.notify()``; waiters
re-check their condition each time and give up after a timeout.  Nothing here
polls on a timer: a waiter only wakes on a change or on its deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from .errors import SandboxTimeout

T = TypeVar("T")


class ChangeSignal:
    """A broadcast "something changed" notification."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.version = 0

    def notify(self) -> None:
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait_changed(self, timeout: float | None) -> bool:
        """Wait for the next change; False if ``timeout`` passed first."""
        event = self._event
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True

    async def wait_for(
        self,
        condition: Callable[[], T | None],
        timeout: float,
        describe: Callable[[], str] | None = None,
    ) -> T:
        """Return the first truthy value of ``condition()``; raise SandboxTimeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                detail = f": {describe()}" if describe else ""
                raise SandboxTimeout(f"condition not met within {timeout:g}s{detail}")
            await self.wait_changed(remaining)
