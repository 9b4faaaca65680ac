"""`/time`: where the sandbox clock should go, from what a person types.

- an amount forward: `+3h`, `+1h30m`, `+90m`, `+2d`, `+1w`; Russian units too: `+2д`,
  `+1ч30мин`, `+3 часа`;
- a clock time, the next time it comes: `/time 22:00` is today at 22:00 if that is still
  ahead, tomorrow's 22:00 if it has passed;
- a day and a time: `/time sat 09:00`, `/time сб 09:00` (the next Saturday's 09:00),
  `/time tomorrow 09:00`, `/time завтра 9:00`, `/time today 18:00`;
- a date and a time, as `--at` takes it: `/time 2026-11-24 09:00`.

The clock only moves forward: a time that has already passed is refused with a word
saying so, never quietly taken backwards.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

USAGE = (
    "/time +1h30m (+90m, +2d, +2д, +1ч30м), /time 22:00 (the next 22:00), "
    "/time sat 09:00 (сб 09:00), /time tomorrow 09:00 or /time 2026-11-24 09:00; "
    "/time alone shows the sandbox time"
)
LONGEST = timedelta(days=366)

_UNITS: dict[str, str] = {}
for _unit, _words in {
    "minutes": "m min mins minute minutes м мин минута минуты минут минуту",
    "hours": "h hr hrs hour hours ч час часа часов",
    "days": "d day days д дн день дня дней сут суток сутки",
    "weeks": "w wk week weeks н нед неделя недели недель неделю",
}.items():
    for _word in _words.split():
        _UNITS[_word] = _unit

_WEEKDAYS: dict[str, int] = {}
for _number, _words in enumerate(
    (
        "mon monday пн пон понедельник",
        "tue tues tuesday вт вторник",
        "wed wednesday ср среда среду",
        "thu thur thurs thursday чт четверг",
        "fri friday пт пятница пятницу",
        "sat saturday сб суббота субботу",
        "sun sunday вс воскресенье",
    )
):
    for _word in _words.split():
        _WEEKDAYS[_word] = _number

_TODAY = frozenset({"today", "сегодня"})
_TOMORROW = frozenset({"tomorrow", "завтра"})

_AMOUNT = re.compile(r"(\d+)\s*([^\W\d_]+)")
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class TimeMoveError(ValueError):
    """What a person typed after /time, and why it cannot be a move; one line."""


def amount_of(text: str) -> timedelta | None:
    """`+1h30m` and the like as a timedelta; None when `text` is not an amount."""
    text = text.strip().lower()
    body = text[1:].lstrip() if text.startswith("+") else text
    if not body or not body[0].isdigit():
        return None
    total = timedelta(0)
    position = 0
    for match in _AMOUNT.finditer(body):
        if body[position : match.start()].strip():
            return None
        unit = _UNITS.get(match.group(2))
        if unit is None:
            raise TimeMoveError(f"no unit {match.group(2)!r}: say m, h, d or w (м, ч, д, н)")
        try:
            total += timedelta(**{unit: int(match.group(1))})
        except OverflowError:
            raise TimeMoveError("that is too far: at most a year at a time") from None
        position = match.end()
    if position == 0 or body[position:].strip():
        return None
    return total


def target_of(text: str, now: datetime) -> datetime:
    """Where `/time TEXT` takes a clock that shows `now` (an aware datetime, in the zone
    the person thinks in); TimeMoveError when it cannot, with the reason."""
    text = " ".join(text.split())
    amount = amount_of(text)
    if amount is not None:
        if amount > LONGEST:
            raise TimeMoveError("that is too far: at most a year at a time")
        return now + amount
    words = text.lower().split(" ")
    clock = _CLOCK.fullmatch(words[-1]) if words else None
    if clock is None or len(words) > 2:
        raise TimeMoveError(USAGE)
    hour, minute = int(clock.group(1)), int(clock.group(2))
    if hour > 23 or minute > 59:
        raise TimeMoveError(f"there is no {words[-1]} on a clock")
    at = time(hour, minute)
    if len(words) == 1:  # the next time the clock shows it
        target = _on(now.date(), at, now)
        return target if target > now else _on(now.date() + timedelta(days=1), at, now)
    day = words[0]
    if day in _WEEKDAYS:
        ahead = (_WEEKDAYS[day] - now.weekday()) % 7
        target = _on(now.date() + timedelta(days=ahead), at, now)
        return target if target > now else target + timedelta(days=7)
    if day in _TODAY or day in _TOMORROW:
        target = _on(now.date() + timedelta(days=1 if day in _TOMORROW else 0), at, now)
    elif (found := _DATE.fullmatch(day)) is not None:
        try:
            target = _on(date(*(int(part) for part in found.groups())), at, now)
        except ValueError:
            raise TimeMoveError(f"there is no day {day}") from None
    else:
        raise TimeMoveError(USAGE)
    if target <= now:
        raise TimeMoveError(
            f"{target:%a %d %b %Y %H:%M} has passed: the sandbox clock only moves forward "
            f"(it is {now:%a %d %b %Y %H:%M})"
        )
    if target - now > LONGEST:
        raise TimeMoveError("that is too far: at most a year at a time")
    return target


def span(delta: timedelta) -> str:
    """`1 day 2 h 30 min`: how far the clock went."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day" + ("s" if days > 1 else ""))
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def _on(day: date, at: time, now: datetime) -> datetime:
    return datetime.combine(day, at, tzinfo=now.tzinfo)
