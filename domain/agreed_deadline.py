"""A change request's resolution time is agreed with the client case by case (seed 001,
DOMAIN.md "Priority"): which tickets wait for such an agreement, and the agreed moment as
staff type it.

Staff type the date the way people say it, in Russian or English: "16.12", "16 декабря",
"до пятницы", "пятница 15:00", "через 3 дня", "через 2 рабочих дня", "завтра",
"by Friday 3pm", "in a week", "December 16". Read on the client's calendar:

- a date without a time is the end of that working day (the client's closing time); a
  weekend day means the end of the working day before it (by Saturday is by Friday), unless
  that is over already; a day off in a longer run of them (the New Year holidays), the
  first working day after it;
- a weekday is its next occurrence after today ("до пятницы" said on a Friday is next
  Friday); a date without a year is the next one to come;
- a time alone is its next occurrence (today's, or tomorrow's once it has passed);
- "через N дней" counts calendar days, "через N рабочих дней" working days.

Pure: `now` and the calendar are parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar
from domain.enums import RequestType, TicketKind

# Further ahead than this is a typo ("16.12.2062"), not an agreement.
FURTHEST_AHEAD = timedelta(days=366)


def resolution_by_agreement(kind: TicketKind, request_type: RequestType | None) -> bool:
    """Whether the ticket's resolution time is agreed with the client rather than taken from
    the SLA table: a change request's (a purchase, a new workplace), whatever its priority."""
    return kind is TicketKind.REQUEST and request_type is RequestType.CHANGE


class Unreadable(StrEnum):
    """Why a typed date gives no deadline."""

    NOT_A_DATE = "not_a_date"
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(frozen=True, slots=True)
class ReadDeadline:
    """The moment read (UTC), or why there is none."""

    due: datetime | None = None
    problem: Unreadable | None = None


_MONTHS = {
    **dict.fromkeys(("январь", "января", "янв", "january", "jan"), 1),
    **dict.fromkeys(("февраль", "февраля", "фев", "february", "feb"), 2),
    **dict.fromkeys(("март", "марта", "мар", "march", "mar"), 3),
    **dict.fromkeys(("апрель", "апреля", "апр", "april", "apr"), 4),
    **dict.fromkeys(("май", "мая", "may"), 5),
    **dict.fromkeys(("июнь", "июня", "июн", "june", "jun"), 6),
    **dict.fromkeys(("июль", "июля", "июл", "july", "jul"), 7),
    **dict.fromkeys(("август", "августа", "авг", "august", "aug"), 8),
    **dict.fromkeys(("сентябрь", "сентября", "сен", "сент", "september", "sep", "sept"), 9),
    **dict.fromkeys(("октябрь", "октября", "окт", "october", "oct"), 10),
    **dict.fromkeys(("ноябрь", "ноября", "ноя", "нояб", "november", "nov"), 11),
    **dict.fromkeys(("декабрь", "декабря", "дек", "december", "dec"), 12),
}
_WEEKDAYS = {
    **dict.fromkeys(("понедельник", "понедельника", "понедельнику", "пн", "monday", "mon"), 0),
    **dict.fromkeys(("вторник", "вторника", "вторнику", "вт", "tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("среда", "среды", "среду", "среде", "ср", "wednesday", "wed"), 2),
    **dict.fromkeys(("четверг", "четверга", "четвергу", "чт", "thursday", "thu", "thurs"), 3),
    **dict.fromkeys(("пятница", "пятницы", "пятницу", "пятнице", "пт", "friday", "fri"), 4),
    **dict.fromkeys(("суббота", "субботы", "субботу", "субботе", "сб", "saturday", "sat"), 5),
    **dict.fromkeys(("воскресенье", "воскресенья", "воскресенью", "вс", "sunday", "sun"), 6),
}
_RELATIVE_DAYS = {
    "сегодня": 0,
    "today": 0,
    "завтра": 1,
    "tomorrow": 1,
    "послезавтра": 2,
    "вчера": -1,
    "yesterday": -1,
    "позавчера": -2,
}
# Words around the date that say nothing about it.
_FILLER = re.compile(
    r"\b(?:до|к|ко|по|не позднее|не позже|в|во|на|эту|этот|это|этой|следующую|следующий|"
    r"следующей|следующее|ближайшую|ближайший|ближайшей|by|until|till|on|at|the|this|next|"
    r"of|no later than|года|г)\b\.?"
)
_NUMERALS = {
    "один": 1,
    "одну": 1,
    "a": 1,
    "an": 1,
    "one": 1,
    "два": 2,
    "две": 2,
    "two": 2,
    "три": 3,
    "three": 3,
    "четыре": 4,
    "four": 4,
    "пять": 5,
    "five": 5,
    "шесть": 6,
    "six": 6,
    "семь": 7,
    "seven": 7,
    "десять": 10,
    "ten": 10,
}
_COUNT = r"(\d{1,3}|" + "|".join(_NUMERALS) + r")?"
_IN = re.compile(
    r"^(?:через|in)\s+" + _COUNT + r"\s*"
    r"(рабоч\w*\s+|working\s+|business\s+)?"
    r"(дн\w*|день|day|days|недел\w*|week|weeks|месяц\w*|month|months)$"
)
_TIME_COLON = re.compile(r"(?<![\d.:/])(\d{1,2}):(\d{2})(?![\d:])\s*(am|pm)?")
_TIME_AMPM = re.compile(r"(?<![\d.:/])(\d{1,2})\s*(am|pm)\b")
_TIME_HOUR = re.compile(r"(?:^|\s)(?:в|к|at)\s+(\d{1,2})(?:\s*(?:ч|часам|часов|часа|h))?(?=\s|$)")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|-?го|-?е)?\s+([a-zа-яё]+)\.?(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")


def read_deadline(text: str, now: datetime, calendar: WorkCalendar) -> ReadDeadline:
    """The agreed moment staff typed, on the client's calendar (see the module's rules)."""
    zone = ZoneInfo(calendar.timezone)
    local_now = now.astimezone(zone)
    words = " ".join(text.lower().replace("ё", "е").replace(",", " ").split()).strip(" .!")
    try:
        at, words = _time_of(words)
    except ValueError:  # "25:00", "13pm"
        return ReadDeadline(problem=Unreadable.NOT_A_DATE)
    words = " ".join(_FILLER.sub(" ", words).split())
    day = _day_of(words, local_now.date(), calendar)
    if day is None:
        if words or at is None:
            return ReadDeadline(problem=Unreadable.NOT_A_DATE)
        day = local_now.date()  # a time alone: today's, or tomorrow's once it has passed
        if datetime.combine(day, at, zone) <= local_now:
            day += timedelta(days=1)
    if at is None:
        if day >= local_now.date():  # a day gone is gone, whatever day it was
            day = _working_day_near(day, local_now, calendar)
        moment = datetime.combine(day, calendar.closes, zone)
    else:
        moment = datetime.combine(day, at, zone)
    if moment <= local_now:
        return ReadDeadline(problem=Unreadable.PAST)
    if moment - local_now > FURTHEST_AHEAD:
        return ReadDeadline(problem=Unreadable.TOO_FAR)
    return ReadDeadline(due=moment.astimezone(now.tzinfo))


def _time_of(words: str) -> tuple[time | None, str]:
    """The time of day in the text (None if none), and the rest; ValueError for a time
    that cannot be."""
    for pattern in (_TIME_COLON, _TIME_AMPM, _TIME_HOUR):
        match = pattern.search(words)
        if match is None:
            continue
        hour = int(match.group(1))
        minute = int(match.group(2)) if pattern is _TIME_COLON else 0
        suffix = match.group(3) if pattern is _TIME_COLON else None
        if pattern is _TIME_AMPM:
            suffix = match.group(2)
        if suffix:
            if not 1 <= hour <= 12:
                raise ValueError(f"no such time: {match.group(0)}")
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        rest = (words[: match.start()] + " " + words[match.end() :]).strip()
        if hour == 24 and minute == 0:
            return time(23, 59), rest
        if hour > 23 or minute > 59:
            raise ValueError(f"no such time: {match.group(0)}")
        return time(hour, minute), rest
    return None, words


def _day_of(words: str, today: date, calendar: WorkCalendar) -> date | None:
    if not words:
        return None
    if words in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[words])
    if words in ("day after tomorrow",):
        return today + timedelta(days=2)
    if words in _WEEKDAYS:
        ahead = (_WEEKDAYS[words] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    match = _IN.match(words)
    if match:
        return _in(match, today, calendar)
    match = _ISO_DATE.match(words)
    if match:
        return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _NUMERIC_DATE.match(words)
    if match:
        return _dated(int(match.group(1)), int(match.group(2)), match.group(3), today)
    match = _DAY_MONTH.match(words)
    if match and match.group(2) in _MONTHS:
        return _dated(int(match.group(1)), _MONTHS[match.group(2)], match.group(3), today)
    match = _MONTH_DAY.match(words)
    if match and match.group(1) in _MONTHS:
        return _dated(int(match.group(2)), _MONTHS[match.group(1)], match.group(3), today)
    return None


def _in(match: re.Match[str], today: date, calendar: WorkCalendar) -> date | None:
    raw, working, unit = match.group(1), match.group(2), match.group(3)
    count = 1 if raw is None else (_NUMERALS[raw] if raw in _NUMERALS else int(raw))
    if count == 0:
        return None
    if unit.startswith(("дн", "день", "day")):
        if working:
            day = today
            while count:
                day += timedelta(days=1)
                count -= calendar.is_working_day(day)
            return day
        return today + timedelta(days=count)
    if working:
        return None
    if unit.startswith(("недел", "week")):
        return today + timedelta(weeks=count)
    month = today.month - 1 + count
    return _date(today.year + month // 12, month % 12 + 1, today.day, clamp=True)


def _dated(day: int, month: int, year: str | None, today: date) -> date | None:
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _date(full, month, day)
    found = _date(today.year, month, day)
    if found is not None and found < today:
        found = _date(today.year + 1, month, day)
    return found


def _date(year: int, month: int, day: int, *, clamp: bool = False) -> date | None:
    if clamp:
        while day > 28:
            try:
                return date(year, month, day)
            except ValueError:
                day -= 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


# A working day at most this many days before a day off is "the day before it" (a weekend);
# further back, the holidays are long and the first working day after them is meant.
_DAY_BEFORE_WITHIN = 2


def _working_day_near(day: date, local_now: datetime, calendar: WorkCalendar) -> date:
    """The working day a date without a time means (see the module's rules)."""
    if calendar.is_working_day(day):
        return day
    today = local_now.date()
    if today < day:
        before = day - timedelta(days=1)
        while (
            before > today
            and (day - before).days < _DAY_BEFORE_WITHIN
            and not calendar.is_working_day(before)
        ):
            before -= timedelta(days=1)
        open_today = before == today and local_now.time() < calendar.closes
        if calendar.is_working_day(before) and (before > today or open_today):
            return before
    after = day + timedelta(days=1)
    while not calendar.is_working_day(after):
        after += timedelta(days=1)
    return after
