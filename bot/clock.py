"""Clocks for the domain's Clock port: the system clock, and a movable one for the sandbox
and the tests (it runs with real time, shifted by whatever it was moved by)."""

from __future__ import annotations

import time as _time
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """Real time plus an offset that only grows: `advance(hours=3)` is "three hours later"."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self._offset = start.astimezone(UTC) - datetime.now(UTC)
        self._listeners: list = []

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, amount: timedelta | None = None, **parts: float) -> datetime:
        step = (amount or timedelta(0)) + timedelta(**parts)
        if step < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += step
        for listener in list(self._listeners):
            listener()
        return self.now()

    def set(self, at: datetime) -> datetime:
        return self.advance(at.astimezone(UTC) - self.now())

    def on_move(self, listener) -> None:
        """Call `listener()` after every move (the scheduler re-checks its timers)."""
        self._listeners.append(listener)

    @staticmethod
    def monotonic() -> float:
        return _time.monotonic()
