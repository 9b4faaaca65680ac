"""The system's clock: the real time, in UTC, for the domain's `Clock` port
(domain/ports.py). Production passes it in; tests and the sandbox pass a clock they move
(bot/clock.py). Storage falls back on it when given none."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
