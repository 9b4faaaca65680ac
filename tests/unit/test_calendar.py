"""WorkCalendar: working days and hours, Russian holidays and working Saturdays, DST, 24/7."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkCalendar
from tests.unit.fakes import msk

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = frozenset(range(5))
ALL_WEEK = frozenset(range(7))

MOSCOW = WorkCalendar("Europe/Moscow", time(9), time(18), WEEKDAYS, "RU")


def hours(amount: float) -> timedelta:
    return timedelta(hours=amount)


# Concrete examples on Mon–Fri 09:00–18:00 in Moscow with the Russian calendar.


def test_friday_evening_plus_one_hour_is_monday_morning() -> None:
    assert MOSCOW.add_working_time(msk(2025, 10, 17, 17, 30), hours(1)) == msk(2025, 10, 20, 9, 30)


def test_start_before_opening_counts_from_opening() -> None:
    assert MOSCOW.add_working_time(msk(2025, 10, 20, 7, 0), hours(1)) == msk(2025, 10, 20, 10, 0)


def test_new_year_holidays_are_skipped() -> None:
    # 2026-12-31 (Thursday) is a transferred day off, then 1-8 January 2027 and a weekend.
    assert not MOSCOW.is_working(msk(2026, 12, 31, 12, 0))
    assert MOSCOW.add_working_time(msk(2026, 12, 30, 17, 30), hours(1)) == msk(2027, 1, 11, 9, 30)
    assert MOSCOW.next_working_moment(msk(2026, 12, 31, 10, 0)) == msk(2027, 1, 11, 9, 0)


def test_may_holidays_are_skipped() -> None:
    # 2025: 1-2 May and 8-9 May are days off, both Thursday and Friday.
    assert MOSCOW.add_working_time(msk(2025, 4, 30, 17, 0), hours(2)) == msk(2025, 5, 5, 10, 0)
    assert MOSCOW.add_working_time(msk(2025, 5, 7, 17, 0), hours(2)) == msk(2025, 5, 12, 10, 0)


@pytest.mark.parametrize(
    "saturday", [msk(2024, 4, 27), msk(2024, 11, 2), msk(2024, 12, 28), msk(2025, 11, 1)]
)
def test_russian_working_saturdays_are_working_days(saturday: datetime) -> None:
    assert saturday.weekday() == 5
    assert MOSCOW.is_working_day(saturday.date())
    assert MOSCOW.is_working(saturday.replace(hour=12))


def test_weekend_workday_transferred_across_new_year() -> None:
    # Azerbaijan worked Sunday 2024-12-29 for a day off on 3 January 2025.
    baku = WorkCalendar("Asia/Baku", time(9), time(18), WEEKDAYS, "AZ")
    assert baku.is_working_day(date(2024, 12, 29))
    assert not baku.is_working_day(date(2025, 1, 3))


def test_russian_transfers_of_2026_and_2027_are_known() -> None:
    """What pyproject's floor of `holidays` (0.107) is for: earlier versions do not know
    these transfers and would count the days as ordinary ones."""
    days_off = [(2026, 1, 9), (2026, 3, 9), (2026, 5, 11), (2026, 12, 31)]
    days_off += [(2027, 2, 22), (2027, 5, 3), (2027, 5, 10), (2027, 6, 14), (2027, 11, 5)]
    for day in days_off:
        assert not MOSCOW.is_working_day(date(*day)), day
    assert MOSCOW.is_working_day(date(2027, 2, 20))  # a Saturday, worked for 22 February


def test_ordinary_saturday_is_not_working() -> None:
    assert not MOSCOW.is_working(msk(2024, 4, 20, 12, 0))


def test_working_saturday_before_may_holidays() -> None:
    # 2024: Saturday 27 April works, 29 April - 1 May are days off.
    assert MOSCOW.add_working_time(msk(2024, 4, 26, 17, 30), hours(1)) == msk(2024, 4, 27, 9, 30)
    assert MOSCOW.add_working_time(msk(2024, 4, 27, 17, 30), hours(1)) == msk(2024, 5, 2, 9, 30)
    # Mon-Fri plus the Saturday (6 x 9 h), then Thursday and Friday (2 x 9 h).
    assert MOSCOW.working_time_between(msk(2024, 4, 22), msk(2024, 5, 6)) == hours(72)


def test_deadline_at_closing_time_stays_there() -> None:
    due = MOSCOW.add_working_time(msk(2025, 10, 20, 9, 0), hours(9))
    assert due == msk(2025, 10, 20, 18, 0)
    assert not MOSCOW.is_working(due)
    assert MOSCOW.is_working(due - timedelta(minutes=1))


def test_zero_amount_moves_only_outside_working_hours() -> None:
    assert MOSCOW.add_working_time(msk(2025, 10, 20, 12, 0), hours(0)) == msk(2025, 10, 20, 12, 0)
    assert MOSCOW.add_working_time(msk(2025, 10, 20, 18, 0), hours(0)) == msk(2025, 10, 21, 9, 0)
    assert MOSCOW.next_working_moment(msk(2025, 10, 20, 18, 0)) == msk(2025, 10, 21, 9, 0)


def test_working_time_between_reversed_is_negative() -> None:
    monday, friday_noon = msk(2025, 10, 20), msk(2025, 10, 24, 12, 0)
    assert MOSCOW.working_time_between(monday, friday_noon) == hours(39)
    assert MOSCOW.working_time_between(friday_noon, monday) == -hours(39)
    assert MOSCOW.working_time_between(monday, monday) == timedelta(0)


def test_results_are_utc_whatever_the_input_zone() -> None:
    start = msk(2025, 10, 17, 17, 30)
    due = MOSCOW.add_working_time(start.astimezone(NEW_YORK), hours(1))
    assert due.tzinfo is UTC
    assert due == datetime(2025, 10, 20, 6, 30, tzinfo=UTC)
    assert MOSCOW.next_working_moment(start).tzinfo is UTC


def test_round_the_clock_ignores_hours_weekends_and_holidays() -> None:
    calendar = WorkCalendar("Europe/Moscow", time(9), time(18), WEEKDAYS, "RU", True)
    new_year_night = msk(2027, 1, 1, 3, 0)
    assert calendar.is_working(new_year_night)
    assert calendar.next_working_moment(new_year_night) == new_year_night
    assert calendar.add_working_time(new_year_night, hours(80)) == new_year_night + hours(80)
    assert calendar.working_time_between(new_year_night, msk(2027, 1, 3)) == hours(45)


def test_no_country_means_no_holidays() -> None:
    calendar = WorkCalendar("Europe/Moscow", time(9), time(18), WEEKDAYS, None)
    assert calendar.is_working(msk(2027, 1, 4, 12, 0))
    assert not calendar.is_working(msk(2024, 4, 27, 12, 0))


# Daylight saving time: opening hours stay at their local time.


@pytest.mark.parametrize(
    ("friday", "monday_opening_utc"),
    [
        (datetime(2025, 3, 28, 17, tzinfo=BERLIN), datetime(2025, 3, 31, 7, tzinfo=UTC)),
        (datetime(2025, 10, 24, 17, tzinfo=BERLIN), datetime(2025, 10, 27, 8, tzinfo=UTC)),
    ],
)
def test_berlin_keeps_local_opening_across_dst(
    friday: datetime, monday_opening_utc: datetime
) -> None:
    calendar = WorkCalendar("Europe/Berlin", time(9), time(18), WEEKDAYS, "DE")
    due = calendar.add_working_time(friday, hours(2))
    assert due == monday_opening_utc + hours(1)
    assert due.astimezone(BERLIN).time() == time(10)


@pytest.mark.parametrize(
    ("friday", "due_local"),
    [
        (datetime(2025, 3, 7, 17, tzinfo=NEW_YORK), datetime(2025, 3, 10, 10, tzinfo=NEW_YORK)),
        (datetime(2025, 10, 31, 17, tzinfo=NEW_YORK), datetime(2025, 11, 3, 10, tzinfo=NEW_YORK)),
    ],
)
def test_new_york_keeps_local_opening_across_dst(friday: datetime, due_local: datetime) -> None:
    calendar = WorkCalendar("America/New_York", time(9), time(18), WEEKDAYS, "US")
    assert calendar.add_working_time(friday, hours(2)) == due_local


@pytest.mark.parametrize("switch_day", [(2025, 3, 30), (2025, 10, 26)])
def test_working_day_keeps_its_length_on_a_dst_switch(switch_day: tuple[int, int, int]) -> None:
    calendar = WorkCalendar("Europe/Berlin", time(9), time(18), ALL_WEEK, None)
    midnight = datetime(*switch_day, tzinfo=BERLIN)
    next_midnight = datetime.combine(midnight.date() + timedelta(days=1), time(0), BERLIN)
    assert calendar.working_time_between(midnight, next_midnight) == hours(9)
    assert calendar.add_working_time(midnight, hours(9)).astimezone(BERLIN).time() == time(18)


# Validation and value semantics.


@pytest.mark.parametrize(
    "call",
    [
        lambda: MOSCOW.is_working(datetime(2025, 10, 20, 12)),
        lambda: MOSCOW.next_working_moment(datetime(2025, 10, 20, 12)),
        lambda: MOSCOW.add_working_time(datetime(2025, 10, 20, 12), hours(1)),
        lambda: MOSCOW.working_time_between(msk(2025, 10, 20), datetime(2025, 10, 21)),
        lambda: MOSCOW.add_working_time(msk(2025, 10, 20, 12), hours(-1)),
    ],
)
def test_naive_datetimes_and_negative_amounts_are_rejected(call) -> None:
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Europe/Moscow", time(18), time(9), WEEKDAYS, "RU"), "must be before closing"),
        (("Europe/Moscow", time(9), time(9), WEEKDAYS, "RU"), "must be before closing"),
        (("Mars/Olympus", time(9), time(18), WEEKDAYS, "RU"), "time zone"),
        (("Europe/Moscow", time(9), time(18), WEEKDAYS, "XX"), "country"),
        (("Europe/Moscow", time(9), time(18), frozenset(), "RU"), "weekdays"),
        (("Europe/Moscow", time(9), time(18), frozenset({7}), "RU"), "weekdays"),
    ],
)
def test_invalid_calendars_are_rejected(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar(*args)


def test_calendar_is_a_hashable_value() -> None:
    same = WorkCalendar("Europe/Moscow", time(9), time(18), {0, 1, 2, 3, 4}, "RU")  # type: ignore[arg-type]
    assert same == MOSCOW
    assert hash(same) == hash(MOSCOW)
    assert isinstance(same.weekdays, frozenset)


# Properties, on the Russian calendar around New Year and May and on a DST zone.

BERLIN_ALL_WEEK = WorkCalendar("Europe/Berlin", time(8, 30), time(17, 15), ALL_WEEK, "DE")
BERLIN_WEEKDAYS = WorkCalendar("Europe/Berlin", time(9), time(18), WEEKDAYS, "DE")


def _window(first: tuple[int, ...], last: tuple[int, ...]) -> tuple[datetime, datetime]:
    return datetime(*first, tzinfo=UTC), datetime(*last, tzinfo=UTC)


RUSSIAN_WINDOWS = [
    _window((2024, 1, 1), (2028, 1, 1)),
    *(_window((year, 12, 15), (year + 1, 1, 20)) for year in range(2023, 2027)),
    *(_window((year, 4, 20), (year, 5, 20)) for year in range(2024, 2028)),
]
DST_WINDOWS = [
    *(_window((year, 3, 20), (year, 4, 5)) for year in range(2024, 2028)),
    *(_window((year, 10, 20), (year, 11, 5)) for year in range(2024, 2028)),
]
CASES = [(MOSCOW, RUSSIAN_WINDOWS), (BERLIN_ALL_WEEK, DST_WINDOWS), (BERLIN_WEEKDAYS, DST_WINDOWS)]


def moments(windows: list[tuple[datetime, datetime]]) -> st.SearchStrategy[datetime]:
    """Whole-minute UTC moments inside one of `windows`."""

    def inside(window: tuple[datetime, datetime]) -> st.SearchStrategy[datetime]:
        first, last = window
        span = int((last - first) / timedelta(minutes=1))
        return st.integers(0, span).map(lambda minute: first + timedelta(minutes=minute))

    return st.sampled_from(windows).flatmap(inside)


amounts = st.integers(0, 120 * 60).map(lambda minutes: timedelta(minutes=minutes))
cases = pytest.mark.parametrize(
    ("calendar", "windows"), CASES, ids=["moscow", "berlin_all_week", "berlin_weekdays"]
)
properties = settings(max_examples=100, deadline=None)


@cases
@properties
@given(data=st.data(), amount=amounts)
def test_measuring_what_was_added_gives_the_amount(calendar, windows, data, amount) -> None:
    start = data.draw(moments(windows))
    due = calendar.add_working_time(start, amount)
    assert calendar.working_time_between(calendar.next_working_moment(start), due) == amount
    assert calendar.working_time_between(start, due) == amount


@cases
@properties
@given(data=st.data(), amount=amounts)
def test_result_is_monotonic_in_the_start(calendar, windows, data, amount) -> None:
    earlier, later = sorted(data.draw(st.lists(moments(windows), min_size=2, max_size=2)))
    assert calendar.add_working_time(earlier, amount) <= calendar.add_working_time(later, amount)


@cases
@properties
@given(data=st.data(), amount=amounts, more=amounts)
def test_result_is_monotonic_in_the_amount(calendar, windows, data, amount, more) -> None:
    start = data.draw(moments(windows))
    assert calendar.add_working_time(start, amount) <= calendar.add_working_time(
        start, amount + more
    )


@cases
@properties
@given(data=st.data(), amount=amounts.filter(lambda amount: amount > timedelta(0)))
def test_minute_before_a_result_is_working_time(calendar, windows, data, amount) -> None:
    start = data.draw(moments(windows))
    due = calendar.add_working_time(start, amount)
    assert calendar.is_working(due - timedelta(minutes=1))
    assert calendar.is_working(calendar.next_working_moment(start))


@cases
@properties
@given(data=st.data())
def test_working_time_between_adds_up(calendar, windows, data) -> None:
    a, b, c = sorted(data.draw(st.lists(moments(windows), min_size=3, max_size=3)))
    between = calendar.working_time_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(c, a) == -between(a, c)
