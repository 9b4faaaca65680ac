"""How long a staff member worked on a ticket, as they type it.

Engineers write the time the way they say it: "1,5 часа", "1.5 ч", "90 мин", "1ч 30м",
"1 час 30 минут", "1:30", "полчаса", "1h 30m", "90 min", or just "90" (minutes; "1,5"
alone is hours, as nobody logs a minute and a half). `read_time_spent` gives the minutes,
rounded to the nearest one, or what is wrong with the text: unreadable, nothing (zero), or
more than one entry may hold (a day of work at most: each day is logged on its own).

What was done may follow the time, for the client's report ("кто, по какой задаче, когда
и что делал"): "1ч 30м заменил картридж", "45 мин — перезагрузил роутер".
`read_work_entry` takes the longest beginning that reads as time, and the rest (without
a leading dash, colon or comma) as the note. Pure and table-tested.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MOST_IN_ONE_ENTRY = 24 * 60  # minutes


class SpentProblem(StrEnum):
    UNREADABLE = "unreadable"
    NOTHING = "nothing"
    TOO_MUCH = "too_much"


_NUMBER = r"\d{1,5}(?:[.,]\d{1,3})?"
_HOURS = r"hours|hour|hrs|hr|h|часов|часа|час|ч"
_MINUTES = r"minutes|minute|mins|min|m|минуты|минута|минут|мин|м"
_END = r"(?![^\W\d_])"  # a unit ends where letters do: "1h30m", "1 hour"
_AMOUNT = re.compile(
    rf"^(?:(?P<hours>{_NUMBER})\s*(?:{_HOURS}){_END}\.?)?"
    r"\s*(?:,|и|and)?\s*"
    rf"(?:(?P<minutes>{_NUMBER})\s*(?P<unit>(?:{_MINUTES}){_END}\.?)?)?$"
)
_CLOCK = re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>[0-5]\d)$")
# Words for amounts, said before the numbers are read.
_WORDS = (
    (re.compile(r"\bполчаса\b"), "30 мин"),
    (re.compile(r"^полтора(?:\s+(?:часа|ч))?$"), "90 мин"),
    (re.compile(r"\bhalf\s+an\s+hour\b"), "30 min"),
    (re.compile(r"^(?:an?\s+|one\s+|один\s+)?(?:hour|час)$"), "1 ч"),
)


def _amount(number: str) -> Decimal:
    return Decimal(number.replace(",", "."))


def read_time_spent(text: str, *, most: int = MOST_IN_ONE_ENTRY) -> int | SpentProblem:
    """Minutes worked (or, with `most`, any amount of work up to it: an estimate), or the
    problem with the text."""
    said = " ".join(text.lower().replace("ё", "е").split())
    for words, instead in _WORDS:
        said = words.sub(instead, said)
    if clock := _CLOCK.match(said):
        minutes = Decimal(int(clock["hours"]) * 60 + int(clock["minutes"]))
    elif (match := _AMOUNT.match(said)) and (match["hours"] or match["minutes"]):
        minutes = Decimal(0)
        if match["hours"]:
            minutes += _amount(match["hours"]) * 60
        if match["minutes"]:
            amount = _amount(match["minutes"])
            alone = not match["hours"] and not match["unit"]
            if alone and amount != amount.to_integral_value():
                minutes += amount * 60  # "1,5" alone: hours
            else:
                minutes += amount
    else:
        return SpentProblem.UNREADABLE
    whole = int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole <= 0:
        return SpentProblem.NOTHING
    if whole > most:
        return SpentProblem.TOO_MUCH
    return whole


_NOTE_START = " \t-–—:,."


def read_work_entry(text: str) -> tuple[int, str] | SpentProblem:
    """Minutes worked and what was done (maybe ""), or the problem with the time."""
    words = text.split()
    for count in range(len(words), 0, -1):
        last = words[count - 1].rstrip(_NOTE_START)  # "1,5 часа: ..."
        read = read_time_spent(" ".join([*words[: count - 1], last]))
        if read is SpentProblem.UNREADABLE:
            continue
        if isinstance(read, SpentProblem):
            return read
        return read, " ".join(words[count:]).lstrip(_NOTE_START).strip()
    return SpentProblem.UNREADABLE


# The time menu («⏱ Время»: 15 min, 30 min, 1 hour, Other…) takes a typed time for this long
# after it was shown: "полчаса" typed under it is an answer to it, not to a client.
MENU_TAKES_TYPED_TIME = timedelta(minutes=30)


def typed_under_menu(shown_at: datetime, now: datetime) -> bool:
    """Whether a message written at `now` still answers a time menu shown at `shown_at`."""
    return timedelta(0) <= now - shown_at <= MENU_TAKES_TYPED_TIME
