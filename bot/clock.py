"""Clocks for the domain's Clock port (domain/ports.py): the system's, the real time in
UTC, which production passes in; and a movable one for the sandbox and the tests. The
domain never reads the time itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that can be moved forward: `advance(hours=3)` is "three hours later".

    Ticking, it runs with real time from `start` (the sandbox); frozen, it stands still
    between moves (tests that assert exact deadlines).
    """

    def __init__(self, start: datetime | None = None, *, ticking: bool = True) -> None:
        self._ticking = ticking
        self._base = (start or datetime.now(UTC)).astimezone(UTC)
        self._real_base = datetime.now(UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        if self._ticking:
            return self._base + (datetime.now(UTC) - self._real_base)
        return self._base

    def advance(self, amount: timedelta | None = None, **parts: float) -> datetime:
        step = (amount or timedelta(0)) + timedelta(**parts)
        if step < timedelta(0):
            raise ValueError("time only moves forward")
        self._base += step
        for listener in list(self._listeners):
            listener()
        return self.now()

    def set(self, at: datetime) -> datetime:
        """Move to `at` (which must not be in the clock's past)."""
        return self.advance(at.astimezone(UTC) - self.now())

    def on_move(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every move (the scheduler re-checks its timers)."""
        self._listeners.append(listener)
