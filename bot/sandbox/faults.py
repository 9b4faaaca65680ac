"""Injected faults and Telegram's flood limits.

``FaultInjector`` holds rules that make the next N Bot API calls (optionally of
given methods only) fail the way the real network and Telegram do: a 429 with
``retry_after``, a 5xx, a delay before answering, or a dropped connection.
``RateLimiter`` enforces Telegram's sending limits as sliding windows (about one
message a second per private chat with a short burst tolerated, 20 a minute per
group, 30 a second overall) when switched on, and records what they counted.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Window:
    """At most ``limit`` messages in any ``seconds`` (a sliding window, not a bucket that
    refills: 20 at 0:00 and 20 more at 0:59 are 40 within a minute)."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class RateLimits:
    """Telegram's sending limits, counted the way Telegram counts them.

    - a private chat: about one message a second, short bursts tolerated. Telegram does
      not publish the exact rule; here it is one a second on average over 20 s, so a
      conversation's quick replies pass (a person pressing buttons at machine speed gets
      up to 12 within 5 s in the tests) and a steady stream faster than that does not.
      The record keeps every message, so a test can still check that the outbox sent
      no two within one second (``Busiest.private_chat_second``);
    - a group (the staff chat is one): 20 messages a minute;
    - everything together: about 30 messages a second.

    What counts: every message sent (text, media, an album counts as one call), in any
    chat; an edit (editMessageText, editMessageCaption, editMessageReplyMarkup) only in a
    group, where Telegram counts edits against the group's minute in practice. Edits in
    private chats, answerCallbackQuery, chat actions, forum topic management and getters
    do not count.
    """

    private: Window = Window(20, 20.0)
    group: Window = Window(20, 60.0)
    overall: Window = Window(30, 1.0)


@dataclass(frozen=True)
class Counted:
    """One call the limits counted, at the moment the emulator accepted it."""

    at: float
    chat_id: int
    is_private: bool
    kind: str  # "message" or "edit"


@dataclass(frozen=True)
class Busiest:
    """The most calls the emulator accepted within one window of each kind."""

    private_chat: int  # within the private window (20 s), in one private chat
    private_chat_second: int  # within one second, in one private chat
    group: int  # within a minute, in one group
    overall: int  # within a second, everything together

    def to_dict(self) -> dict[str, int]:
        return {
            "private_chat": self.private_chat,
            "private_chat_second": self.private_chat_second,
            "group": self.group,
            "overall": self.overall,
        }


def most_within(times: Iterable[float], seconds: float) -> int:
    """The most of ``times`` that fall within one window of ``seconds`` (sorted input)."""
    ordered = list(times)
    most = first = 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


class RateLimiter:
    """Telegram's flood limits as sliding windows, and a record of what they counted.

    Every counted call that was accepted is recorded (with the limits on or off), so a
    test can check from the record that no window went over its limit.
    """

    def __init__(
        self,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        record_size: int = 200_000,
    ) -> None:
        self.limits = limits or RateLimits()
        self.enabled = False
        self._clock = clock
        self._recent: dict[int | None, deque[float]] = {}  # chat (None: all) → recent times
        self.accepted: deque[Counted] = deque(maxlen=record_size)
        self.refused = 0

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self._recent.clear()

    def _window(self, chat_id: int | None, is_private: bool) -> Window:
        if chat_id is None:
            return self.limits.overall
        return self.limits.private if is_private else self.limits.group

    def _wait(self, chat_id: int | None, window: Window, now: float) -> float:
        """Seconds until one more message fits into the window of ``chat_id``."""
        times = self._recent.setdefault(chat_id, deque())
        while times and times[0] <= now - window.seconds:
            times.popleft()
        if len(times) < window.limit:
            return 0.0
        return times[-window.limit] + window.seconds - now

    def check(self, chat_id: int, is_private: bool, kind: str = "message") -> int | None:
        """Count one message to ``chat_id``; return retry_after seconds if refused."""
        now = self._clock()
        if self.enabled:
            chat_window = self._window(chat_id, is_private)
            wait = max(
                self._wait(chat_id, chat_window, now),
                self._wait(None, self.limits.overall, now),
            )
            if wait > 0:
                self.refused += 1
                return max(1, math.ceil(wait))  # when the oldest message leaves the window
            self._recent[chat_id].append(now)
            self._recent[None].append(now)
            if len(self._recent) > 10_000:
                self._forget_idle(now)
        self.accepted.append(Counted(now, chat_id, is_private, kind))
        return None

    def _forget_idle(self, now: float) -> None:
        longest = max(self.limits.private.seconds, self.limits.group.seconds)
        for chat_id in [c for c, t in self._recent.items() if not t or t[-1] <= now - longest]:
            del self._recent[chat_id]

    def busiest(self) -> Busiest:
        """The busiest windows in the record of accepted calls."""
        by_chat: dict[int, list[float]] = defaultdict(list)
        private: set[int] = set()
        for counted in self.accepted:
            by_chat[counted.chat_id].append(counted.at)
            if counted.is_private:
                private.add(counted.chat_id)

        def most(chats: Iterable[int], seconds: float) -> int:
            return max((most_within(by_chat[c], seconds) for c in chats), default=0)

        groups = by_chat.keys() - private
        return Busiest(
            private_chat=most(private, self.limits.private.seconds),
            private_chat_second=most(private, 1.0),
            group=most(groups, self.limits.group.seconds),
            overall=most_within((c.at for c in self.accepted), self.limits.overall.seconds),
        )
