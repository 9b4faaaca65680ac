"""Times, durations and deadlines as people read them, in their language and the client's
time zone: "ответим до 14:30, решим до завтра 11:00", "отсчёт начнётся в понедельник в 09:00"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from domain.calendar import WorkCalendar
from handlers.ui.texts import N_

# After "by" / "до": Russian needs the genitive of the weekday.
_BY_WEEKDAY = (
    N_("Monday {time}"),
    N_("Tuesday {time}"),
    N_("Wednesday {time}"),
    N_("Thursday {time}"),
    N_("Friday {time}"),
    N_("Saturday {time}"),
    N_("Sunday {time}"),
)
# "The clock starts ...": Russian needs the accusative, and "во вторник".
_ON_WEEKDAY = (
    N_("on Monday at {time}"),
    N_("on Tuesday at {time}"),
    N_("on Wednesday at {time}"),
    N_("on Thursday at {time}"),
    N_("on Friday at {time}"),
    N_("on Saturday at {time}"),
    N_("on Sunday at {time}"),
)

# "Until" a later day this week, each with its own case in Russian ("до среды").
_UNTIL_WEEKDAY = (
    N_("until Monday"),
    N_("until Tuesday"),
    N_("until Wednesday"),
    N_("until Thursday"),
    N_("until Friday"),
    N_("until Saturday"),
    N_("until Sunday"),
)
# From this hour on, the next day's start is "the morning" to whoever writes.
_EVENING = 17


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def _date(at: datetime, today_year: int, locale: str) -> str:
    pattern = "d MMMM" if at.year == today_year else "d MMMM y"
    return format_date(at.date(), pattern, locale=locale)


def deadline(
    moment: datetime, now: datetime, timezone: str, locale: str, *, lasting: bool = False
) -> str:
    """A due time to follow "by": "14:30" today, "tomorrow 11:00", "Monday 09:00" within a
    week, else "2 December 09:00". `lasting` for a text read long after it was written (a
    card edited in place, its date not shown): no "today" or "tomorrow", which turn false at
    midnight, nor today's weekday, read as next week's: "Tuesday 09:00" for the six days
    after today, else the date, today's included."""
    at, today = local(moment, timezone), local(now, timezone).date()
    clock = at.strftime("%H:%M")
    days = (at.date() - today).days
    if lasting:
        if 0 < days < 7:
            return _(_BY_WEEKDAY[at.weekday()]).format(time=clock)
        return f"{_date(at, today.year, locale)} {clock}"
    if days <= 0:
        return clock if days == 0 else f"{_date(at, today.year, locale)} {clock}"
    if days == 1:
        return _("tomorrow {time}").format(time=clock)
    if days < 7:
        return _(_BY_WEEKDAY[at.weekday()]).format(time=clock)
    return f"{_date(at, today.year, locale)} {clock}"


# A date agreed with somebody, said in full after "by": "до пятницы, 18 декабря, 18:00".
_BY_WEEKDAY_DATE = (
    N_("Monday, {date}, {time}"),
    N_("Tuesday, {date}, {time}"),
    N_("Wednesday, {date}, {time}"),
    N_("Thursday, {date}, {time}"),
    N_("Friday, {date}, {time}"),
    N_("Saturday, {date}, {time}"),
    N_("Sunday, {date}, {time}"),
)


def full_deadline(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """A due time in full, to follow "by", true whenever it is read: "Friday, 18 December,
    18:00" (the year too when it is not this one)."""
    at, today = local(moment, timezone), local(now, timezone).date()
    return _(_BY_WEEKDAY_DATE[at.weekday()]).format(
        date=_date(at, today.year, locale), time=at.strftime("%H:%M")
    )


def moment_phrase(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """A moment as a whole phrase: "today at 14:30", "on Monday at 09:00"."""
    at, today = local(moment, timezone), local(now, timezone).date()
    clock = at.strftime("%H:%M")
    days = (at.date() - today).days
    if days == 0:
        return _("today at {time}").format(time=clock)
    if days == 1:
        return _("tomorrow at {time}").format(time=clock)
    if 1 < days < 7:
        return _(_ON_WEEKDAY[at.weekday()]).format(time=clock)
    return _("on {date} at {time}").format(date=_date(at, today.year, locale), time=clock)


def until_phrase(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """How long something can wait, to the day it is taken up: "until 09:00" (today),
    "until the morning" (tonight for tomorrow), "until tomorrow", "until Monday", "until 11
    January". Never "the morning" for a start days away (a Friday night, the holidays)."""
    at, now_here = local(moment, timezone), local(now, timezone)
    days = (at.date() - now_here.date()).days
    if days <= 0:
        return _("until {time}").format(time=at.strftime("%H:%M"))
    if days == 1:
        return _("until the morning") if now_here.hour >= _EVENING else _("until tomorrow")
    if days < 7:
        return _(_UNTIL_WEEKDAY[at.weekday()])
    return _("until {date}").format(date=_date(at, now_here.year, locale))


def stamp(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """A short time stamp of a past message: "14:30" today, else "2 December 14:30"."""
    at, today = local(moment, timezone), local(now, timezone).date()
    clock = at.strftime("%H:%M")
    return clock if at.date() == today else f"{_date(at, today.year, locale)} {clock}"


class Measure(Enum):
    """What an amount of time counts, so that it is written as what it is.

    WORKING: hours of a client's working calendar (Mon–Fri 09:00–18:00 by default). Always
    written in working hours and minutes, never turned into days: 64 working hours are
    eight working days, not "2 days 16 hours".
    CALENDAR: hours of the clock (a round-the-clock calendar's time, a stay): days, hours,
    minutes."""

    WORKING = "working"
    CALENDAR = "calendar"


def measure_of(calendar: WorkCalendar) -> Measure:
    """SLA time runs on the ticket's calendar: working hours, or the clock's with 24/7."""
    return Measure.CALENDAR if calendar.round_the_clock else Measure.WORKING


def _count(text: str, count: int, locale: str) -> str:
    return text.format(n=format_decimal(count, locale=locale))


def duration(amount: timedelta, measure: Measure, locale: str, *, dense: bool = False) -> str:
    """An amount of time, rounded down to minutes, saying what it counts: "5 рабочих часов",
    "21 рабочий час 10 минут", "40 рабочих минут"; calendar time "2 дня 3 часа", "1 час 20
    минут". `dense` for a staff member's line: "5 раб. ч 10 мин", "2 дн. 3 ч". Numbers as
    the locale writes them ("1 234")."""
    minutes = max(int(amount.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if measure is Measure.WORKING:
        if not hours:
            said = (
                _("{n} working min")
                if dense
                else ngettext("{n} working minute", "{n} working minutes", minutes)
            )
            return _count(said, minutes, locale)
        said = (
            _("{n} working h")
            if dense
            else ngettext("{n} working hour", "{n} working hours", hours)
        )
        parts.append(_count(said, hours, locale))
    else:
        days, hours = divmod(hours, 24)
        if days:
            said = _("{n} d") if dense else ngettext("{n} day", "{n} days", days)
            parts.append(_count(said, days, locale))
        if hours:
            said = _("{n} h") if dense else ngettext("{n} hour", "{n} hours", hours)
            parts.append(_count(said, hours, locale))
        if days:  # two units at most: "2 дня 3 часа", the minutes left out
            return " ".join(parts)
    if minutes or not parts:
        said = _("{n} min") if dense else ngettext("{n} minute", "{n} minutes", minutes)
        parts.append(_count(said, minutes, locale))
    return " ".join(parts)


# --- numbers ----------------------------------------------------------------------------
# Every number people read goes through Babel in their locale: "16 000", "66,7 %", "2,0 из 5"
# in Russian, "16,000", "66.7%", "2.0 of 5" in English. (Ticket numbers are names, not
# amounts: "№16000" is written as it is.)


def number(value: int | float | Decimal, locale: str) -> str:
    """A count or an amount, with the locale's grouping and decimal sign, at most two
    decimals: "16 000", "12,5", "0,25"."""
    return format_decimal(value, format="#,##0.##", locale=locale)


def percent(value: Decimal | float | None, locale: str) -> str:
    """A percentage given as 0–100, with one decimal at most: "66,7 %", "100 %"; "—" for
    none."""
    if value is None:
        return "—"
    share = Decimal(str(value)).quantize(Decimal("0.1")) / 100
    return format_percent(share, locale=locale, decimal_quantization=False)


def rating(value: Decimal | float, locale: str) -> str:
    """An average rating, always with one decimal: "4,5", "2,0"."""
    return format_decimal(value, format="0.0", locale=locale)


def time_spent(minutes: int, locale: str) -> str:
    """Work logged, in hours and minutes however many: "1 ч 30 мин", "26 ч", "45 min"."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = [_count(_("{n} h"), hours, locale)] if hours else []
    if rest or not hours:
        parts.append(_count(_("{n} min"), rest, locale))
    return " ".join(parts)


def estimate_size(minutes: int, amount: int | None, locale: str) -> str:
    """An estimate as people say it: "~3 ч", "~2 ч 30 мин (≈ 5 000 ₽)"."""
    said = "~" + time_spent(minutes, locale)
    if amount is not None:
        said += " (≈ " + number(amount, locale) + " ₽)"
    return said


# --- short texts ----------------------------------------------------------------------------


# Words that lead into the next one: a cut text does not end on them ("принтер в…").
_LEADING_WORDS = frozenset(
    re.findall(
        r"\w+",
        "в во на и с со к ко по о об у за из от до а но не для при без про "
        "a an the of to in on at and or for with by from not my your our their",
    )
)


def few_words(text: str, limit: int) -> str:
    """A text on one line within `limit` characters, cut after a whole word with "…":
    "не печатает принтер…", never "не печатает прин…" nor "не печатает принтер в…". A
    single word longer than the limit is the only one cut inside."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    head = line[: limit - 1]  # room for "…"
    if line[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    words = head.rstrip(" ,.;:-–—").split(" ")
    while len(words) > 1 and words[-1].lower() in _LEADING_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,.;:-–—") + "…"
