"""Amounts of time written as what they count: working time in working hours and minutes,
never turned into days ("64 working hours" is eight working days, not "2 days 16 hours");
calendar time in days, hours and minutes. Due times that stay true in a text read later."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.i18n import create_i18n
from handlers.ui.formatting import Measure, deadline, duration, until_phrase

W, C = Measure.WORKING, Measure.CALENDAR
NBSP = "\xa0"  # Babel's group separator in Russian: "1 234"


I18N = create_i18n("ru")


def said(locale: str, amount: timedelta, measure: Measure, *, dense: bool = False) -> str:
    with I18N.context(), I18N.use_locale(locale):
        return duration(amount, measure, locale, dense=dense)


def h(hours: float = 0, minutes: int = 0) -> timedelta:
    return timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize(
    ("amount", "measure", "russian", "english"),
    [
        # working time: hours and minutes, however many hours
        (h(0), W, "0 рабочих минут", "0 working minutes"),
        (timedelta(seconds=59), W, "0 рабочих минут", "0 working minutes"),
        (h(minutes=1), W, "1 рабочая минута", "1 working minute"),
        (h(minutes=2), W, "2 рабочие минуты", "2 working minutes"),
        (h(minutes=40), W, "40 рабочих минут", "40 working minutes"),
        (h(1), W, "1 рабочий час", "1 working hour"),
        (h(2), W, "2 рабочих часа", "2 working hours"),
        (h(5), W, "5 рабочих часов", "5 working hours"),
        (h(5, 20), W, "5 рабочих часов 20 минут", "5 working hours 20 minutes"),
        (h(21), W, "21 рабочий час", "21 working hours"),
        (h(21, 1), W, "21 рабочий час 1 минута", "21 working hours 1 minute"),
        (h(24), W, "24 рабочих часа", "24 working hours"),
        (h(64), W, "64 рабочих часа", "64 working hours"),  # not "2 дня 16 часов"
        (h(157, 5), W, "157 рабочих часов 5 минут", "157 working hours 5 minutes"),
        (h(302), W, "302 рабочих часа", "302 working hours"),
        (h(1234), W, f"1{NBSP}234 рабочих часа", "1,234 working hours"),
        (h(-3), W, "0 рабочих минут", "0 working minutes"),  # never negative
        # calendar time: the two largest of days, hours, minutes
        (h(0), C, "0 минут", "0 minutes"),
        (h(minutes=45), C, "45 минут", "45 minutes"),
        (h(1, 20), C, "1 час 20 минут", "1 hour 20 minutes"),
        (h(21), C, "21 час", "21 hours"),
        (h(24), C, "1 день", "1 day"),
        (h(51, 30), C, "2 дня 3 часа", "2 days 3 hours"),
        (h(24 * 5 + 1), C, "5 дней 1 час", "5 days 1 hour"),
        (h(24 * 1234), C, f"1{NBSP}234 дня", "1,234 days"),
    ],
)
def test_an_amount_says_what_it_counts(
    amount: timedelta, measure: Measure, russian: str, english: str
) -> None:
    assert said("ru", amount, measure) == russian
    assert said("en", amount, measure) == english


@pytest.mark.parametrize(
    ("amount", "measure", "russian", "english"),
    [
        (h(0), W, "0 раб. мин", "0 working min"),
        (h(minutes=40), W, "40 раб. мин", "40 working min"),
        (h(5), W, "5 раб. ч", "5 working h"),
        (h(21, 10), W, "21 раб. ч 10 мин", "21 working h 10 min"),
        (h(157), W, "157 раб. ч", "157 working h"),
        (h(1234), W, f"1{NBSP}234 раб. ч", "1,234 working h"),
        (h(minutes=40), C, "40 мин", "40 min"),
        (h(5, 20), C, "5 ч 20 мин", "5 h 20 min"),
        (h(51, 30), C, "2 дн. 3 ч", "2 d 3 h"),
    ],
)
def test_a_dense_staff_line_abbreviates_but_still_says_working(
    amount: timedelta, measure: Measure, russian: str, english: str
) -> None:
    assert said("ru", amount, measure, dense=True) == russian
    assert said("en", amount, measure, dense=True) == english


MONDAY_NOON = datetime.fromisoformat("2026-11-23T12:00:00+03:00")


@pytest.mark.parametrize(
    ("due", "usual", "lasting"),
    [
        ("2026-11-23T17:00:00+03:00", "17:00", "23 ноября 17:00"),
        ("2026-11-24T11:00:00+03:00", "завтра 11:00", "вторника 11:00"),
        ("2026-11-27T16:00:00+03:00", "пятницы 16:00", "пятницы 16:00"),
        ("2026-12-02T09:00:00+03:00", "2 декабря 09:00", "2 декабря 09:00"),
        ("2026-11-20T18:00:00+03:00", "20 ноября 18:00", "20 ноября 18:00"),
    ],
)
def test_a_lasting_due_time_never_says_today_or_tomorrow(
    due: str, usual: str, lasting: str
) -> None:
    at = datetime.fromisoformat(due)
    with I18N.context(), I18N.use_locale("ru"):
        assert deadline(at, MONDAY_NOON, "Europe/Moscow", "ru") == usual
        assert deadline(at, MONDAY_NOON, "Europe/Moscow", "ru", lasting=True) == lasting


MSK = "Europe/Moscow"


def until(moment: datetime, now: datetime, locale: str) -> str:
    with I18N.context(), I18N.use_locale(locale):
        return until_phrase(moment, now, MSK, locale)


def msk(*args: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo(MSK))


@pytest.mark.parametrize(
    ("now", "starts", "russian", "english"),
    [
        # Monday night for Tuesday morning: the morning, as people say it
        (msk(2026, 11, 23, 21, 0), msk(2026, 11, 24, 9, 0), "до утра", "until the morning"),
        # early in the morning of a working day: the hour
        (msk(2026, 12, 7, 8, 30), msk(2026, 12, 7, 9, 0), "до 09:00", "until 09:00"),
        # just past midnight: the same day's start
        (msk(2026, 12, 8, 0, 30), msk(2026, 12, 8, 9, 0), "до 09:00", "until 09:00"),
        # a Sunday afternoon: tomorrow, not "the morning" at two in the afternoon
        (msk(2026, 12, 6, 14, 0), msk(2026, 12, 7, 9, 0), "до завтра", "until tomorrow"),
        # a Friday evening waits for Monday, never "the morning"
        (msk(2026, 12, 11, 21, 0), msk(2026, 12, 14, 9, 0), "до понедельника", "until Monday"),
        (msk(2026, 12, 9, 19, 0), msk(2026, 12, 11, 9, 0), "до пятницы", "until Friday"),
        # the New Year holidays: the date
        (msk(2027, 1, 3, 14, 0), msk(2027, 1, 11, 9, 0), "до 11 января", "until 11 January"),
        (msk(2026, 12, 31, 20, 0), msk(2027, 1, 11, 9, 0), "до 11 января 2027", None),
    ],
)
def test_how_long_a_request_can_wait_names_the_day_it_is_taken_up(
    now: datetime, starts: datetime, russian: str, english: str | None
) -> None:
    assert until(starts, now, "ru") == russian
    if english is not None:
        assert until(starts, now, "en") == english
