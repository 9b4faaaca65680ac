"""How long a staff member worked on a ticket, as they type it.

Engineers write the time the way they say it: "1,5 часа", "1.5 ч", "90 мин", "1ч 30м",
"1 час 30 минут", "1:30", "полчаса", "1h 30m", "90 min", or just "90" (minutes; "1,5"
alone is hours, as nobody logs a minute and a half). `read_time_spent` gives the minutes,
rounded to the nearest one, or what is wrong with the text: unreadable, nothing (zero), or
more than one entry may hold (a day of work at most: each day is logged on its own).
Pure and table-tested.
"""

from __future__ import annotations

import re
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
