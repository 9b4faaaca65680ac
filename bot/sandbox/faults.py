"""Injected faults and Telegram's flood limits.

``FaultInjector`` holds rules that make the next N Bot API calls (optionally of
given methods only) fail the way the real network and Telegram do: a 429 with
``retry_after``, a 5xx, a delay before answering, or a dropped connection.
``RateLimiter`` enforces Telegram's documented sending limits with token
buckets (about one message per second per private chat with a short burst,
20 per minute per group, 30 per second overall) when switched on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["retry_after", "server_error", "delay", "disconnect"]
FAULT_KINDS: tuple[FaultKind, ...] = ("retry_after", "server_error", "delay", "disconnect")


@dataclass
class FaultRule:
    """One injected fault; ``remaining`` None means "until cleared"."""

    kind: FaultKind
    remaining: int | None = 1
    methods: frozenset[str] | None = None  # lower-case method names; None = any
    retry_after: int = 1
    status: int = 500
    seconds: float = 0.0
    hits: int = 0

    def matches(self, method: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        return self.methods is None or method.lower() in self.methods

    def consume(self) -> None:
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "methods": sorted(self.methods) if self.methods is not None else None,
            "retry_after": self.retry_after,
            "status": self.status,
            "seconds": self.seconds,
            "hits": self.hits,
        }


@dataclass
class FaultDecision:
    """What to do with one call: wait ``delay`` seconds, then maybe fail."""

    delay: float = 0.0
    failure: FaultRule | None = None


def _method_set(method: str | Iterable[str] | None) -> frozenset[str] | None:
    if method is None:
        return None
    if isinstance(method, str):
        return frozenset({method.lower()})
    return frozenset(m.lower() for m in method)


def _check_count(count: int | None) -> int | None:
    if count is not None and count < 1:
        raise ValueError("count must be a positive number of calls, or None for 'until cleared'")
    return count


class FaultInjector:
    """Faults for upcoming Bot API calls.

    Each ``add_*`` method affects the next ``count`` matching calls
    (``count=None``: every matching call until ``clear()``); ``method`` limits
    the rule to one method name or a collection of names.
    """

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add_retry_after(
        self,
        retry_after: int = 1,
        *,
        count: int | None = 1,
        method: str | Iterable[str] | None = None,
    ) -> FaultRule:
        if retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        return self._add(
            FaultRule(
                "retry_after", _check_count(count), _method_set(method), retry_after=retry_after
            )
        )

    def add_server_error(
        self,
        status: int = 500,
        *,
        count: int | None = 1,
        method: str | Iterable[str] | None = None,
    ) -> FaultRule:
        if not 500 <= status <= 599:
            raise ValueError("status must be a 5xx HTTP status")
        return self._add(
            FaultRule("server_error", _check_count(count), _method_set(method), status=status)
        )

    def add_delay(
        self,
        seconds: float,
        *,
        count: int | None = 1,
        method: str | Iterable[str] | None = None,
    ) -> FaultRule:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        return self._add(
            FaultRule("delay", _check_count(count), _method_set(method), seconds=seconds)
        )

    def add_disconnect(
        self,
        *,
        count: int | None = 1,
        method: str | Iterable[str] | None = None,
    ) -> FaultRule:
        return self._add(FaultRule("disconnect", _check_count(count), _method_set(method)))

    def clear(self) -> None:
        self.rules.clear()

    @property
    def active(self) -> list[FaultRule]:
        return [rule for rule in self.rules if rule.remaining is None or rule.remaining > 0]

    def decide(self, method: str) -> FaultDecision:
        """Consume the rules that apply to this call of ``method``."""
        decision = FaultDecision()
        for rule in self.rules:
            if not rule.matches(method):
                continue
            if rule.kind == "delay":
                rule.consume()
                decision.delay += rule.seconds
            elif decision.failure is None:
                rule.consume()
                decision.failure = rule
        self.rules = self.active
        return decision

    def _add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule


@dataclass
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float = field(init=False)
    updated: float | None = None

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self.refill(now)
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.per_second

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class RateLimits:
    """Telegram's sending limits; bursts let a few messages through at once."""

    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    global_per_second: float = 30.0


class RateLimiter:
    def __init__(
        self,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or RateLimits()
        self.enabled = False
        self._clock = clock
        self._chats: dict[int, TokenBucket] = {}
        self._global = self._new_global_bucket()
        self.refused = 0

    def _new_global_bucket(self) -> TokenBucket:
        per_second = self.limits.global_per_second
        return TokenBucket(per_second, per_second)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self._chats.clear()
        self._global = self._new_global_bucket()

    def check(self, chat_id: int, is_private: bool) -> int | None:
        """Take a sending slot for ``chat_id``; return retry_after seconds if refused."""
        if not self.enabled:
            return None
        now = self._clock()
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if is_private:
                bucket = TokenBucket(self.limits.private_burst, self.limits.private_per_second)
            else:
                per_minute = self.limits.group_per_minute
                bucket = TokenBucket(per_minute, per_minute / 60)
            self._chats[chat_id] = bucket
        wait = max(bucket.wait_time(now), self._global.wait_time(now))
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        bucket.take()
        self._global.take()
        return None
