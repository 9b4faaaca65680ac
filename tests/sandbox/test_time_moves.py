"""`/time` in the sandbox: what a person types and where the clock goes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.terminal.time_moves import TimeMoveError, amount_of, span, target_of

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("typed", "forward"),
    [
        ("+3h", timedelta(hours=3)),
        ("3h", timedelta(hours=3)),
        ("+1h30m", timedelta(minutes=90)),
        ("+1h 30m", timedelta(minutes=90)),
        ("+90m", timedelta(minutes=90)),
        ("+90min", timedelta(minutes=90)),
        ("+2d", timedelta(days=2)),
        ("+1w", timedelta(days=7)),
        ("+2д", timedelta(days=2)),
        ("+1ч30м", timedelta(minutes=90)),
        ("+1ч 30мин", timedelta(minutes=90)),
        ("+3 часа", timedelta(hours=3)),
        ("+1д2ч", timedelta(hours=26)),
        ("+2 дня", timedelta(days=2)),
        ("+1 нед", timedelta(days=7)),
        ("+1H30M", timedelta(minutes=90)),
    ],
)
def test_amounts_in_english_and_russian_units_add_up(typed, forward):
    assert target_of(typed, MONDAY_10) == MONDAY_10 + forward


def test_a_clock_time_still_ahead_today_is_today():
    assert target_of("22:00", MONDAY_10) == at(23, 22)
    assert target_of("9:05", at(23, 8)) == at(23, 9, 5)


def test_a_clock_time_already_past_is_tomorrow_never_backwards():
    assert target_of("09:00", MONDAY_10) == at(24, 9)
    assert target_of("10:00", MONDAY_10) == at(24, 10)  # now is not "the next" 10:00


@pytest.mark.parametrize("day", ["sat", "сб", "saturday", "суббота", "субботу", "Сб"])
def test_a_weekday_and_time_is_the_next_such_day(day):
    assert target_of(f"{day} 09:00", MONDAY_10) == at(28, 9)


def test_the_same_weekday_is_today_while_the_time_is_ahead_else_next_week():
    saturday_8 = at(28, 8)
    assert target_of("сб 09:00", saturday_8) == at(28, 9)
    assert target_of("sat 07:00", saturday_8) == datetime(2026, 12, 5, 7, tzinfo=MOSCOW)
    assert target_of("mon 10:00", MONDAY_10) == at(30, 10)


def test_today_tomorrow_and_a_date():
    assert target_of("tomorrow 09:00", MONDAY_10) == at(24, 9)
    assert target_of("завтра 9:00", MONDAY_10) == at(24, 9)
    assert target_of("today 18:00", MONDAY_10) == at(23, 18)
    assert target_of("сегодня 18:00", MONDAY_10) == at(23, 18)
    assert target_of("2026-11-25 14:30", MONDAY_10) == at(25, 14, 30)


@pytest.mark.parametrize("typed", ["today 09:00", "сегодня 10:00", "2026-11-20 10:00"])
def test_a_time_that_has_passed_is_refused_and_says_the_clock_only_moves_forward(typed):
    with pytest.raises(TimeMoveError, match="only moves forward"):
        target_of(typed, MONDAY_10)


@pytest.mark.parametrize(
    "typed",
    [
        "soon",
        "+",
        "+5x",
        "+1h junk",
        "25:00",
        "10:75",
        "sat",
        "9",
        "вчера 10:00",
        "sat sun 10:00",
        "2026-02-30 10:00",
        "+400d",
        "+99999999999d",
    ],
)
def test_bad_input_is_one_line_saying_why(typed):
    with pytest.raises(TimeMoveError) as refused:
        target_of(typed, MONDAY_10)
    message = str(refused.value)
    assert message and "\n" not in message


def test_the_usage_shows_every_form():
    with pytest.raises(TimeMoveError) as refused:
        target_of("soon", MONDAY_10)
    for form in ("+1h30m", "+2д", "22:00", "sat 09:00", "сб 09:00"):
        assert form in str(refused.value)


def test_amount_of_tells_an_amount_from_a_time():
    assert amount_of("+1h") == timedelta(hours=1)
    assert amount_of("22:00") is None
    assert amount_of("sat 09:00") is None


def test_span_says_how_far():
    assert span(timedelta(hours=23)) == "23 h"
    assert span(timedelta(days=4, hours=23)) == "4 days 23 h"
    assert span(timedelta(days=1, minutes=5)) == "1 day 5 min"
    assert span(timedelta(minutes=45)) == "45 min"
