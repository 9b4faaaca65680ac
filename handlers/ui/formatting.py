"""Times, durations and deadlines as people read them, in their language and the client's
time zone: "ответим до 14:30, решим до завтра 11:00", "отсчёт начнётся в понедельник в 09:00"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

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


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def _date(at: datetime, today_year: int, locale: str) -> str:
    pattern = "d MMMM" if at.year == today_year else "d MMMM y"
    return format_date(at.date(), pattern, locale=locale)


def deadline(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """A due time to follow "by": "14:30" today, "tomorrow 11:00", "Monday 09:00" within a
    week, else "2 December 09:00"."""
    at, today = local(moment, timezone), local(now, timezone).date()
    clock = at.strftime("%H:%M")
    days = (at.date() - today).days
    if days <= 0:
        return clock if days == 0 else f"{_date(at, today.year, locale)} {clock}"
    if days == 1:
        return _("tomorrow {time}").format(time=clock)
    if days < 7:
        return _(_BY_WEEKDAY[at.weekday()]).format(time=clock)
    return f"{_date(at, today.year, locale)} {clock}"


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


def stamp(moment: datetime, now: datetime, timezone: str, locale: str) -> str:
    """A short time stamp of a past message: "14:30" today, else "2 December 14:30"."""
    at, today = local(moment, timezone), local(now, timezone).date()
    clock = at.strftime("%H:%M")
    return clock if at.date() == today else f"{_date(at, today.year, locale)} {clock}"


def duration(amount: timedelta) -> str:
    """ "1 час 20 минут", "2 дня 3 часа": the two largest units, rounded down to minutes."""
    minutes = max(int(amount.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("{n} day", "{n} days", days).format(n=days))
    if hours:
        parts.append(ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if minutes and not days:
        parts.append(ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes))
    return " ".join(parts[:2]) or ngettext("{n} minute", "{n} minutes", 0).format(n=0)
