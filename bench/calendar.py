"""Benchmark: WorkCalendar.add_working_time and working_time_between against the
`businesstimedelta` package.

Both add 80 working hours to the same start moments on a Moscow Mon–Fri 09:00–18:00
calendar with the Russian holidays, transferred days off and working Saturdays. The
script checks that both give the same instant for every start and prints calls per
second of each and their ratio (the goal is ours at least 5x faster).

Then both measure the working time between each start and its result (80 h), and
between each start and a moment `--far` days later (an overdue ticket's time left, read
months on): the same durations required, and ours per call at most twice the cost of
adding (the goal).

Run from the repository root: .venv/bin/python bench/calendar.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path and this file would shadow the
# stdlib `calendar` that `holidays` imports: put the repository root there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import random
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import businesstimedelta
import holidays
import pytz

from domain.calendar import WorkCalendar

TIMEZONE = "Europe/Moscow"
OPENS, CLOSES = time(9), time(18)
WEEKDAYS = frozenset(range(5))
AMOUNT = timedelta(hours=80)
STARTS = 1000
FAR = timedelta(days=200)
SEED = 20240427


class WeekendWorkdayRule(businesstimedelta.Rule):
    """Working hours on listed weekend dates: businesstimedelta has no such rule built in."""

    def __init__(self, days: list[date], start_time: time, end_time: time, tz) -> None:
        super().__init__(tz=tz)
        self.shifts = [
            (
                tz.localize(datetime.combine(day, start_time)),
                tz.localize(datetime.combine(day, end_time)),
            )
            for day in sorted(days)
        ]
        never = tz.localize(datetime(9000, 1, 1))
        self.never = (never, never + timedelta(hours=1))

    def next(self, dt):
        for start, end in self.shifts:
            if end > dt:
                return max(start, dt), end
        return self.never


def start_moments() -> list[datetime]:
    rng = random.Random(SEED)
    first = datetime(2024, 1, 1, tzinfo=UTC)
    minutes = int((datetime(2028, 1, 1, tzinfo=UTC) - first).total_seconds() // 60)
    return [first + timedelta(minutes=rng.randrange(minutes)) for _ in range(STARTS)]


def calls_per_second(add, starts: list[datetime]) -> tuple[float, list[datetime]]:
    began = clock.perf_counter()
    results = [add(start) for start in starts]
    return len(starts) / (clock.perf_counter() - began), results


def main() -> None:
    starts = start_moments()
    ours = WorkCalendar(TIMEZONE, OPENS, CLOSES, WEEKDAYS, "RU")

    ru = holidays.country_holidays("RU", years=range(2023, 2030))
    tz = pytz.timezone(TIMEZONE)
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=OPENS, end_time=CLOSES, working_days=sorted(WEEKDAYS), tz=tz
            ),
            WeekendWorkdayRule(sorted(ru.weekend_workdays), OPENS, CLOSES, tz),
            businesstimedelta.HolidayRule(frozenset(ru), tz=tz),
        ]
    )
    theirs = businesstimedelta.BusinessTimeDelta(rules, timedelta=AMOUNT)

    # Warm both up (holiday caches, imports) before timing.
    ours.add_working_time(starts[0], AMOUNT)
    _ = starts[0] + theirs

    our_rate, our_results = calls_per_second(lambda s: ours.add_working_time(s, AMOUNT), starts)
    their_rate, their_results = calls_per_second(lambda s: s + theirs, starts)
    mismatches = [
        (start, mine, other.astimezone(UTC))
        for start, mine, other in zip(starts, our_results, their_results, strict=True)
        if mine != other.astimezone(UTC)
    ]

    print(f"starts: {len(starts)} moments in 2024-2027, amount: {AMOUNT / timedelta(hours=1):g} h")
    print(f"ours: {our_rate:,.0f} calls/s")
    print(f"businesstimedelta: {their_rate:,.0f} calls/s")
    print(f"ratio: {our_rate / their_rate:.1f}x")
    print(f"mismatches: {len(mismatches)}")
    for start, mine, other in mismatches[:5]:
        print(f"  start {start.isoformat()}: ours {mine.isoformat()}, theirs {other.isoformat()}")

    add_us = 1e6 / our_rate
    for label, ends in (
        ("80 h", our_results),
        (f"{FAR.days} days", [start + FAR for start in starts]),
    ):
        pairs = list(zip(starts, ends, strict=True))
        rate, measured = calls_per_second(lambda p: ours.working_time_between(*p), pairs)
        their, expected = calls_per_second(lambda p: business_time(rules.difference(*p)), pairs)
        wrong = sum(mine != other for mine, other in zip(measured, expected, strict=True))
        between_us = 1e6 / rate
        print(
            f"working time between a start and {label} later: ours {between_us:.1f} µs a call "
            f"({between_us / add_us:.2f}x adding 80 h; goal at most 2x), businesstimedelta "
            f"{1e6 / their:.1f} µs, mismatches: {wrong}"
        )


def business_time(delta: businesstimedelta.BusinessTimeDelta) -> timedelta:
    return timedelta(hours=delta.hours, seconds=delta.seconds)


if __name__ == "__main__":
    main()
