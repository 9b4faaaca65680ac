"""The work calendar of a client: when its SLA clock runs (DOMAIN.md, "Working hours").

A `WorkCalendar` knows the client's time zone, working weekdays, opening hours and
country. A day is a working day when its weekday is one of `weekdays` and the country
does not list it as a public holiday or a transferred day off, or when the country
lists it as a weekend working day (the Russian production calendar moves working days
to Saturdays). Working hours are [opens, closes) in local time, so they keep their
local clock across daylight saving switches. With `round_the_clock` every moment is
working time and holidays do not matter.

All methods take aware datetimes in any time zone (naive ones raise ValueError) and
return datetimes in UTC. Adding working time walks day by day, so its cost grows with the
number of days spanned, never with the number of minutes. Measuring the working time
between two moments reads each year's running totals (the working time before each of
its days, computed once per calendar and year): it costs the same for a day as for a year.
Pure: stdlib and `holidays`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
# Longer than any run of holidays plus weekends: walking further means no day ever works.
_MAX_IDLE_DAYS = 366


@cache
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=256)
def _days_off_and_weekend_workdays(
    country: str, year: int
) -> tuple[frozenset[date], frozenset[date]]:
    """Holidays and weekend working days of `country` falling in `year`.

    Neighbouring years are loaded too: `holidays` may record a weekend working day
    under the year of the day off it pays for (transfers across New Year, e.g. "AZ").
    """
    calendar = holidays.country_holidays(country, years=(year - 1, year, year + 1))
    days_off = frozenset(day for day in calendar if day.year == year)
    workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class WorkCalendar:
    """Working time of one client. Immutable, hashable and cheap to build.

    `weekdays` use Python's numbering, Monday=0 .. Sunday=6. `country` is an ISO 3166
    code known to the `holidays` package, or None for no holidays at all.
    """

    timezone: str
    opens: time
    closes: time
    weekdays: frozenset[int]
    country: str | None
    round_the_clock: bool = False
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        object.__setattr__(self, "_zone", zone)
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are local wall-clock times, without tzinfo")
        if not self.opens < self.closes:
            raise ValueError(
                f"opening time {self.opens:%H:%M} must be before closing time {self.closes:%H:%M}"
            )
        weekdays = frozenset(self.weekdays)
        if not weekdays or not weekdays <= set(range(7)):
            raise ValueError(f"weekdays must be a non-empty subset of 0..6, got {sorted(weekdays)}")
        object.__setattr__(self, "weekdays", weekdays)
        if self.country is not None and self.country not in _supported_countries():
            raise ValueError(f"no holiday calendar for country {self.country!r}")

    def is_working_day(self, day: date) -> bool:
        """Whether the local calendar date `day` has working hours (ignores 24/7)."""
        if self.country is None:
            return day.weekday() in self.weekdays
        days_off, weekend_workdays = _days_off_and_weekend_workdays(self.country, day.year)
        if day in weekend_workdays:
            return True
        return day.weekday() in self.weekdays and day not in days_off

    def is_working(self, at: datetime) -> bool:
        """Whether `at` falls within working hours of a working day."""
        at = _to_utc(at)
        if self.round_the_clock:
            return True
        opening, _ = next(self._shifts_from(at))
        return opening <= at

    def next_working_moment(self, at: datetime) -> datetime:
        """`at` itself if it is working time, else the next opening."""
        at = _to_utc(at)
        if self.round_the_clock:
            return at
        opening, _ = next(self._shifts_from(at))
        return max(at, opening)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment when `amount` of working time has passed since `start`.

        Outside working hours the clock starts at the next opening, so a zero amount
        gives `next_working_moment(start)`. A result landing exactly at closing time
        stays there rather than moving to the next opening.
        """
        start = _to_utc(start)
        if amount < _ZERO:
            raise ValueError(f"amount of working time must not be negative, got {amount}")
        if self.round_the_clock:
            return start + amount
        left = amount
        for opening, closing in self._shifts_from(start):
            begin = max(start, opening)
            available = closing - begin
            if left <= available:
                return begin + left
            left -= available
        raise AssertionError("unreachable: _shifts_from never ends")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time within [a, b); for b before a, the negated time within [b, a)."""
        a, b = _to_utc(a), _to_utc(b)
        if b < a:
            return -self.working_time_between(b, a)
        if self.round_the_clock:
            return b - a
        year_a, before_a = self._worked_this_year(a)
        year_b, before_b = self._worked_this_year(b)
        years = sum((_running_totals(self, year)[-1] for year in range(year_a, year_b)), _ZERO)
        return years + before_b - before_a

    def _worked_this_year(self, at: datetime) -> tuple[int, timedelta]:
        """The local year of `at` and the working time from its first day's midnight to `at`."""
        day = at.astimezone(self._zone).date()
        before = _running_totals(self, day.year)[day.timetuple().tm_yday - 1]
        shift = self._hours(day) if self.is_working_day(day) else None
        if shift is not None and at > shift[0]:
            before += min(at, shift[1]) - shift[0]
        return day.year, before

    def _hours(self, day: date) -> tuple[datetime, datetime] | None:
        """The opening hours of the local date `day` in UTC (None when a DST gap leaves
        them empty), whether it is a working day or not."""
        opening = datetime.combine(day, self.opens, self._zone).astimezone(UTC)
        closing = datetime.combine(day, self.closes, self._zone).astimezone(UTC)
        return (opening, closing) if closing > opening else None

    def working_hours(self, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        """The working intervals within [since, until), in UTC, in order (24/7: all of it)."""
        since, until = _to_utc(since), _to_utc(until)
        if self.round_the_clock:
            return [(since, until)] if since < until else []
        found = []
        for opening, closing in self._shifts_from(since):
            if opening >= until:
                break
            found.append((max(opening, since), min(closing, until)))
        return found

    def _shifts_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working hours in UTC, day after day, from the first one that ends after `at`."""
        day = at.astimezone(self._zone).date()
        idle_days = 0
        while True:
            if self.is_working_day(day):
                idle_days = 0
                shift = self._hours(day)
                if shift is not None and shift[1] > at:
                    yield shift
            else:
                idle_days += 1
                if idle_days > _MAX_IDLE_DAYS:
                    raise ValueError(f"{self} has no working day after {at.isoformat()}")
            day += _ONE_DAY


@lru_cache(maxsize=1024)
def _running_totals(calendar: WorkCalendar, year: int) -> tuple[timedelta, ...]:
    """The working time of `calendar`'s local `year` before each of its days (index 0:
    1 January), and last the whole year's."""
    totals = [_ZERO]
    day = date(year, 1, 1)
    while day.year == year:
        shift = calendar._hours(day) if calendar.is_working_day(day) else None
        totals.append(totals[-1] + (shift[1] - shift[0] if shift else _ZERO))
        day += _ONE_DAY
    return tuple(totals)


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
