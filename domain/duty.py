"""The duty rota: who the on-duty engineer (дежурный инженер) is at a given moment.

A rota is made of one-off shifts ("from 2026-11-23 18:00 to 2026-11-24 09:00") and weekly
patterns ("mon-fri 18:00-09:00" in a time zone). A weekly pattern names the days its shifts
START on; a shift whose end is at or before its start ends on the next day, so
"mon-fri 18:00-09:00" covers Monday 18:00 to Tuesday 09:00, ..., Friday 18:00 to Saturday
09:00, and "sat,sun 00:00-00:00" covers the whole weekend. Several people may be on duty at
once; nobody on duty is a valid state (the paging policy then turns to the leads).

Gaps: after-hours time (outside a client's working hours) that no shift covers. A page then
goes to the leads, so the rota's gaps are worth knowing in advance (`uncovered`).

What people are told ("on duty until ...", "next: ...") is a person's unbroken duty: their
shifts that overlap or follow each other back to back read as one `DutyStretch`, so
"sat,sun 00:00-00:00" is on duty until Monday, not "until Sunday, and next: the same person".

Pure: stdlib only. Times are aware; results are in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
# How far ahead "who is next" looks: a weekly pattern repeats within a week.
LOOKAHEAD = timedelta(days=8)
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class DutyShift:
    """One stretch of duty: [starts_at, ends_at)."""

    staff_tg_id: int
    starts_at: datetime
    ends_at: datetime
    id: int | None = None  # the rota entry it comes from

    def __post_init__(self) -> None:
        for moment in (self.starts_at, self.ends_at):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("duty shifts need aware datetimes")
        if not self.starts_at < self.ends_at:
            raise ValueError("a duty shift must end after it starts")

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True, slots=True)
class WeeklyDuty:
    """A shift repeated every week on `weekdays` (Monday = 0), local time of `timezone`."""

    staff_tg_id: int
    weekdays: frozenset[int]
    starts: time
    ends: time  # at or before `starts`: the next day
    timezone: str
    id: int | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        days = frozenset(self.weekdays)
        if not days or not days <= set(range(7)):
            raise ValueError(f"weekdays must be a non-empty subset of 0..6, got {sorted(days)}")
        object.__setattr__(self, "weekdays", days)
        if self.starts.tzinfo is not None or self.ends.tzinfo is not None:
            raise ValueError("weekly duty times are local wall-clock times, without tzinfo")

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    def describe(self) -> str:
        """ "mon-fri 18:00-09:00", the way it is typed."""
        return f"{weekdays_text(self.weekdays)} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def occurrences(self, since: datetime, until: datetime) -> Iterator[DutyShift]:
        """Its shifts that end after `since` and start before `until`, in order."""
        zone = ZoneInfo(self.timezone)
        day = since.astimezone(zone).date() - timedelta(days=1)  # last night's shift may last
        while True:
            start = datetime.combine(day, self.starts, zone).astimezone(UTC)
            if start >= until:
                return
            if day.weekday() in self.weekdays:
                end_day = day + timedelta(days=1) if self.overnight else day
                end = datetime.combine(end_day, self.ends, zone).astimezone(UTC)
                if end > since and end > start:  # a DST gap can empty a shift
                    yield DutyShift(self.staff_tg_id, start, end, self.id)
            day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DutyStretch:
    """One person's unbroken duty, from `starts_at` to `ends_at` (None: it never ends, their
    weekly patterns cover the whole week)."""

    staff_tg_id: int
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class DutyRota:
    shifts: tuple[DutyShift, ...] = ()
    weekly: tuple[WeeklyDuty, ...] = ()

    def around(self, at: datetime, ahead: timedelta = LOOKAHEAD) -> list[DutyShift]:
        """Every shift that has not ended at `at` and starts within `ahead`, by start time."""
        until = at + ahead
        found = [s for s in self.shifts if s.ends_at > at and s.starts_at < until]
        for pattern in self.weekly:
            found.extend(pattern.occurrences(at, until))
        return sorted(found, key=lambda s: (s.starts_at, s.staff_tg_id))

    def covering(self, at: datetime) -> list[DutyShift]:
        """The shifts that cover `at`, by start time (a person may have several)."""
        return self.around(at, _INSTANT)

    def on_duty_ids(self, at: datetime) -> list[int]:
        return list(dict.fromkeys(s.staff_tg_id for s in self.covering(at)))

    def on_duty(self, at: datetime) -> list[DutyStretch]:
        """Who is on duty at `at`, each with the end of their unbroken duty; by start."""
        first: dict[int, DutyShift] = {}
        for shift in self.covering(at):
            first.setdefault(shift.staff_tg_id, shift)
        stretches = [self._stretch(s.staff_tg_id, s.starts_at, at) for s in first.values()]
        return sorted(stretches, key=lambda s: (s.starts_at, s.staff_tg_id))

    def next_on_duty(self, at: datetime) -> DutyStretch | None:
        """The first duty that starts after `at` (within a week or so) and does not carry on
        someone's duty without a break; None when nothing is planned."""
        for shift in self.around(at):
            if shift.starts_at > at and not self._carries_on(shift.staff_tg_id, shift.starts_at):
                return self._stretch(shift.staff_tg_id, shift.starts_at, shift.starts_at)
        return None

    def _carries_on(self, person: int, moment: datetime) -> bool:
        """Whether `person` is on duty right up to `moment`: a shift of theirs starts before
        it and lasts at least to it."""
        return any(s.staff_tg_id == person for s in self.around(moment - _INSTANT, _INSTANT))

    def _stretch(self, person: int, starts_at: datetime, at: datetime) -> DutyStretch:
        """`person`'s duty covering `at`, followed through their later shifts while unbroken."""
        last_one_off = max((s.ends_at for s in self.shifts if s.staff_tg_id == person), default=at)
        # Past the last one-off shift only weekly patterns are left: once they have covered
        # more than a week without a break, they repeat it for ever.
        endless_after = max(last_one_off, at) + LOOKAHEAD
        ends_at = at
        while True:
            mine = [s.ends_at for s in self.covering(ends_at) if s.staff_tg_id == person]
            if not mine:
                return DutyStretch(person, starts_at, ends_at)
            ends_at = max(mine)
            if ends_at > endless_after:
                return DutyStretch(person, starts_at, None)


# How far ahead the rota's gaps are looked for.
GAPS_AHEAD = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class DutyGap:
    """After-hours time nobody is on duty for: [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime


Interval = tuple[datetime, datetime]


def _subtract(spans: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """`spans` (sorted, disjoint) without the parts any of `holes` covers."""
    for hole_start, hole_end in holes:
        rest: list[Interval] = []
        for start, end in spans:
            if hole_end <= start or end <= hole_start:
                rest.append((start, end))
                continue
            if start < hole_start:
                rest.append((start, hole_start))
            if hole_end < end:
                rest.append((hole_end, end))
        spans = rest
    return spans


def uncovered(
    rota: DutyRota,
    working_hours: Iterable[Interval],
    since: datetime,
    until: datetime,
) -> list[DutyGap]:
    """The after-hours time between `since` and `until` that nobody is on duty for, in order.

    `working_hours`: the working intervals of the calendar (the client's, from
    `WorkCalendar.working_hours`) that fall in that time; everything else is after hours.
    Pure: the caller gives the calendar's intervals, so this file needs no calendar."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    after_hours = _subtract([(since, until)], working_hours)
    shifts = ((s.starts_at, s.ends_at) for s in rota.around(since, until - since))
    return [DutyGap(start, end) for start, end in _subtract(after_hours, shifts) if end > start]


def merge_gaps(*gap_lists: Iterable[DutyGap]) -> list[DutyGap]:
    """Gaps of several calendars as one list: overlapping or touching gaps are joined."""
    merged: list[DutyGap] = []
    for gap in sorted((g for gaps in gap_lists for g in gaps), key=lambda g: g.starts_at):
        if merged and gap.starts_at <= merged[-1].ends_at:
            last = merged[-1]
            merged[-1] = DutyGap(last.starts_at, max(last.ends_at, gap.ends_at))
        else:
            merged.append(gap)
    return merged


def parse_weekly(text: str) -> tuple[frozenset[int], time, time]:
    """ "mon-fri 18:00-09:00" → ({0..4}, 18:00, 09:00). ValueError says what is wrong."""
    parts = text.strip().lower().split()
    if len(parts) != 2:
        raise ValueError(f'expected days and hours like "mon-fri 18:00-09:00", got {text!r}')
    days = parse_weekdays(parts[0])
    match = _HOURS.fullmatch(parts[1])
    if match is None:
        raise ValueError(f"expected hours like 18:00-09:00, got {parts[1]!r}")
    h1, m1, h2, m2 = (int(p) for p in match.groups())
    try:
        return days, time(h1, m1), time(h2 % 24 if (h2, m2) == (24, 0) else h2, m2)
    except ValueError:
        raise ValueError(f"expected times from 00:00 to 23:59, got {parts[1]!r}") from None


def parse_weekdays(text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri`, `sat,sun`, `daily`; a range may wrap around: `sun-thu`."""
    text = text.strip().lower()
    if text in ("daily", "every", "all"):
        return frozenset(range(7))
    days: set[int] = set()
    try:
        for part in text.split(","):
            first, dash, last = part.partition("-")
            start = _weekday(first)
            end = _weekday(last) if dash else start
            days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    except ValueError:
        raise ValueError(
            f"expected days like mon-fri or mon,wed,fri (days: {', '.join(WEEKDAYS)}, or daily), "
            f"got {text!r}"
        ) from None
    return frozenset(days)


def _weekday(name: str) -> int:
    name = name.strip()
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    return _FULL_WEEKDAYS.index(name)  # ValueError when it is neither


def weekdays_text(days: Iterable[int]) -> str:
    """{0,1,2,3,4} → mon-fri; {5,6} → sat,sun; runs of three days or more as ranges."""
    ordered = sorted(set(days))
    if ordered == list(range(7)):
        return "daily"
    parts: list[str] = []
    run: list[int] = []
    for day in [*ordered, None]:
        if run and (day is None or day != run[-1] + 1):
            names = [WEEKDAYS[d] for d in run]
            parts.append(f"{names[0]}-{names[-1]}" if len(run) >= 3 else ",".join(names))
            run = []
        if day is not None:
            run.append(day)
    return ",".join(parts)
