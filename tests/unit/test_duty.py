"""The duty rota: who is on duty at a moment, who is next, weekly patterns across nights,
weekends and DST changes, and the parsing of what an administrator types."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar
from domain.duty import (
    DutyRota,
    DutyShift,
    WeeklyDuty,
    merge_gaps,
    parse_weekdays,
    parse_weekly,
    uncovered,
)
from tests.unit.fakes import msk

BERLIN = ZoneInfo("Europe/Berlin")
ANNA, BORIS, VERA = 11, 12, 13


def weekly(staff: int, text: str, timezone: str = "Europe/Moscow") -> WeeklyDuty:
    days, starts, ends = parse_weekly(text)
    return WeeklyDuty(staff, days, starts, ends, timezone)


def test_weeknights_run_from_evening_to_the_next_morning():
    rota = DutyRota(weekly=(weekly(ANNA, "mon-fri 18:00-09:00"),))
    assert rota.on_duty_ids(msk(2026, 11, 23, 17, 59)) == []  # Monday, still working hours
    assert rota.on_duty_ids(msk(2026, 11, 23, 18, 0)) == [ANNA]
    assert rota.on_duty_ids(msk(2026, 11, 24, 3, 0)) == [ANNA]  # Tuesday night
    assert rota.on_duty_ids(msk(2026, 11, 24, 9, 0)) == []  # the shift has ended
    # Friday's shift lasts into Saturday morning; Saturday evening has none.
    assert rota.on_duty_ids(msk(2026, 11, 28, 8, 59)) == [ANNA]
    assert rota.on_duty_ids(msk(2026, 11, 28, 20, 0)) == []
    # Sunday starts no shift; Monday morning before 09:00 is nobody's.
    assert rota.on_duty_ids(msk(2026, 11, 30, 7, 0)) == []


def test_the_whole_weekend():
    rota = DutyRota(weekly=(weekly(BORIS, "sat,sun 00:00-00:00"),))
    assert rota.on_duty_ids(msk(2026, 11, 27, 23, 59)) == []  # Friday night
    for hour in range(0, 48, 5):
        assert rota.on_duty_ids(msk(2026, 11, 28) + timedelta(hours=hour)) == [BORIS]
    assert rota.on_duty_ids(msk(2026, 11, 29, 23, 59)) == [BORIS]
    assert rota.on_duty_ids(msk(2026, 11, 30, 0, 0)) == []  # Monday


def test_the_current_shift_ends_when_the_pattern_says():
    rota = DutyRota(weekly=(weekly(ANNA, "mon-fri 18:00-09:00"),))
    (shift,) = rota.on_duty(msk(2026, 11, 27, 23, 0))  # Friday night
    assert shift.starts_at == msk(2026, 11, 27, 18, 0)
    assert shift.ends_at == msk(2026, 11, 28, 9, 0)


def test_one_off_shifts_and_patterns_together():
    holiday_cover = DutyShift(VERA, msk(2026, 12, 31, 18, 0), msk(2027, 1, 9, 9, 0))
    rota = DutyRota(shifts=(holiday_cover,), weekly=(weekly(ANNA, "mon-fri 18:00-09:00"),))
    assert rota.on_duty_ids(msk(2027, 1, 3, 12, 0)) == [VERA]  # Sunday of the holidays
    assert sorted(rota.on_duty_ids(msk(2027, 1, 4, 20, 0))) == [ANNA, VERA]  # both
    assert rota.on_duty_ids(msk(2027, 1, 9, 9, 0)) == []  # the one-off shift is over


def test_next_shift_is_the_first_that_starts_later():
    rota = DutyRota(
        shifts=(DutyShift(VERA, msk(2026, 11, 25, 12, 0), msk(2026, 11, 25, 14, 0)),),
        weekly=(weekly(ANNA, "mon-fri 18:00-09:00"), weekly(BORIS, "sat,sun 00:00-00:00")),
    )
    at = msk(2026, 11, 25, 10, 0)  # Wednesday morning
    assert rota.on_duty_ids(at) == []
    upcoming = rota.next_on_duty(at)
    assert upcoming is not None
    assert (upcoming.staff_tg_id, upcoming.starts_at) == (VERA, msk(2026, 11, 25, 12, 0))
    friday_night = rota.next_on_duty(msk(2026, 11, 27, 19, 0))
    assert friday_night is not None
    assert (friday_night.staff_tg_id, friday_night.starts_at) == (BORIS, msk(2026, 11, 28))


def test_nobody_on_duty_and_nothing_planned():
    rota = DutyRota()
    assert rota.on_duty(msk(2026, 11, 23, 22, 0)) == []
    assert rota.next_on_duty(msk(2026, 11, 23, 22, 0)) is None


def test_overlapping_shifts_of_one_person_count_once():
    rota = DutyRota(
        shifts=(DutyShift(ANNA, msk(2026, 11, 23, 20, 0), msk(2026, 11, 24, 12, 0)),),
        weekly=(weekly(ANNA, "mon-fri 18:00-09:00"),),
    )
    (shift,) = rota.on_duty(msk(2026, 11, 23, 22, 0))
    assert shift.ends_at == msk(2026, 11, 24, 12, 0)  # the one lasting longest


def test_shifts_back_to_back_are_one_duty():
    day_cover = DutyShift(ANNA, msk(2026, 11, 24, 9, 0), msk(2026, 11, 24, 18, 0))
    rota = DutyRota(
        shifts=(day_cover,),
        weekly=(weekly(ANNA, "mon-fri 18:00-09:00"), weekly(BORIS, "sat,sun 00:00-00:00")),
    )
    (anna,) = rota.on_duty(msk(2026, 11, 23, 22, 0))  # Monday night, then Tuesday's cover
    assert (anna.starts_at, anna.ends_at) == (msk(2026, 11, 23, 18, 0), msk(2026, 11, 25, 9, 0))
    (boris,) = rota.on_duty(msk(2026, 11, 28, 10, 0))  # Saturday and Sunday: one weekend
    assert boris.ends_at == msk(2026, 11, 30, 0, 0)
    # Friday night, Anna hands over to Boris at 09:00 on Saturday; Boris's Sunday is no news
    nights_end = rota.next_on_duty(msk(2026, 11, 27, 19, 0))
    assert nights_end is not None
    assert (nights_end.staff_tg_id, nights_end.ends_at) == (BORIS, msk(2026, 11, 30, 0, 0))
    after_him = rota.next_on_duty(msk(2026, 11, 28, 10, 0))
    assert after_him is not None
    assert (after_him.staff_tg_id, after_him.starts_at) == (ANNA, msk(2026, 11, 30, 18, 0))


def test_the_next_duty_is_not_someone_carrying_on():
    rota = DutyRota(
        shifts=(DutyShift(VERA, msk(2026, 11, 24, 0, 0), msk(2026, 11, 24, 3, 0)),),
        weekly=(weekly(ANNA, "daily 12:00-00:00"), weekly(ANNA, "daily 00:00-12:00")),
    )
    upcoming = rota.next_on_duty(msk(2026, 11, 23, 22, 30))  # Anna's next day starts at 00:00
    assert upcoming is not None
    assert (upcoming.staff_tg_id, upcoming.starts_at) == (VERA, msk(2026, 11, 24, 0, 0))
    assert upcoming.ends_at == msk(2026, 11, 24, 3, 0)


def test_round_the_clock_duty_has_no_end():
    always = DutyRota(weekly=(weekly(ANNA, "daily 00:00-00:00"),))
    (anna,) = always.on_duty(msk(2026, 11, 23, 22, 30))
    assert anna.ends_at is None
    assert always.next_on_duty(msk(2026, 11, 23, 22, 30)) is None
    in_two_halves = DutyRota(
        weekly=(
            weekly(ANNA, "daily 09:00-21:00"),
            weekly(ANNA, "daily 21:00-09:00", "Europe/Berlin"),
        )
    )
    # Berlin's 21:00-09:00 is 23:00-11:00 in Moscow: nobody from 21:00 to 23:00
    assert in_two_halves.on_duty(msk(2026, 11, 23, 10, 0))[0].ends_at == msk(2026, 11, 23, 21, 0)
    with_a_gap = DutyRota(weekly=(weekly(ANNA, "mon-sat 00:00-00:00"),))
    assert with_a_gap.on_duty(msk(2026, 11, 23, 10, 0))[0].ends_at == msk(2026, 11, 29, 0, 0)


def test_a_long_one_off_shift_ends_when_it_says():
    holidays = DutyShift(VERA, msk(2026, 12, 31, 18, 0), msk(2027, 1, 12, 9, 0))
    weekends = weekly(VERA, "sat,sun 00:00-00:00")
    rota = DutyRota(shifts=(holidays,), weekly=(weekends,))
    (vera,) = rota.on_duty(msk(2026, 12, 31, 20, 0))
    assert vera.ends_at == msk(2027, 1, 12, 9, 0)  # twelve days ahead, longer than a week
    covered = DutyRota(shifts=(holidays,), weekly=(weekends, weekly(VERA, "mon-fri 00:00-00:00")))
    assert covered.on_duty(msk(2026, 12, 31, 20, 0))[0].ends_at is None


def test_local_times_hold_across_daylight_saving_changes():
    # Berlin moves its clocks forward on Sunday 29 March 2026 and back on 25 October 2026.
    rota = DutyRota(weekly=(weekly(ANNA, "daily 18:00-09:00", "Europe/Berlin"),))
    for day in (27, 28, 29, 30):
        evening = datetime(2026, 3, day, 18, 0, tzinfo=BERLIN)
        assert rota.on_duty_ids(evening - timedelta(minutes=1)) == []
        assert rota.on_duty_ids(evening) == [ANNA]
        morning = datetime(2026, 3, day + 1, 9, 0, tzinfo=BERLIN)
        assert rota.on_duty_ids(morning - timedelta(minutes=1)) == [ANNA]
        assert rota.on_duty_ids(morning) == []
    (short_night,) = rota.on_duty(datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN))
    assert short_night.ends_at - short_night.starts_at == timedelta(hours=14)  # an hour less
    (long_night,) = rota.on_duty(datetime(2026, 10, 24, 23, 0, tzinfo=BERLIN))
    assert long_night.ends_at - long_night.starts_at == timedelta(hours=16)  # an hour more


def test_whole_weekend_across_the_spring_change_has_no_gap():
    rota = DutyRota(weekly=(weekly(BORIS, "sat,sun 00:00-00:00", "Europe/Berlin"),))
    start = datetime(2026, 3, 28, 0, 0, tzinfo=BERLIN).astimezone(UTC)
    end = datetime(2026, 3, 30, 0, 0, tzinfo=BERLIN).astimezone(UTC)
    assert end - start == timedelta(hours=47)
    moment = start
    while moment < end:
        assert rota.on_duty_ids(moment) == [BORIS], moment
        moment += timedelta(minutes=30)
    assert rota.on_duty_ids(end) == []


@pytest.mark.parametrize(
    ("text", "days", "starts", "ends"),
    [
        ("mon-fri 18:00-09:00", {0, 1, 2, 3, 4}, time(18), time(9)),
        ("sat,sun 00:00-00:00", {5, 6}, time(0), time(0)),
        ("Sun-Thu 20:30-08:15", {6, 0, 1, 2, 3}, time(20, 30), time(8, 15)),
        ("daily 9:00-21:00", set(range(7)), time(9), time(21)),
        ("friday 18:00-24:00", {4}, time(18), time(0)),
    ],
)
def test_parse_weekly(text, days, starts, ends):
    assert parse_weekly(text) == (frozenset(days), starts, ends)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon-fri", 'expected days and hours like "mon-fri 18:00-09:00"'),
        ("mon-fri 18:00 - 09:00", 'expected days and hours like "mon-fri 18:00-09:00"'),
        ("mon-fry 18:00-09:00", "expected days like mon-fri or mon,wed,fri"),
        ("mon-fri 18-09", "expected hours like 18:00-09:00, got '18-09'"),
        ("mon-fri 25:00-09:00", "expected times from 00:00 to 23:59, got '25:00-09:00'"),
        ("mon-fri 18:60-09:00", "expected times from 00:00 to 23:59"),
    ],
)
def test_parse_weekly_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        parse_weekly(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [("mon-fri", {0, 1, 2, 3, 4}), ("mon, wed,fri", {0, 2, 4}), ("fri-mon", {4, 5, 6, 0})],
)
def test_parse_weekdays(text, days):
    assert parse_weekdays(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "mon,,fri", "mon-", "weekend", "пн-пт"])
def test_parse_weekdays_rejects_what_it_does_not_know(text):
    with pytest.raises(ValueError, match="expected days like mon-fri or mon,wed,fri"):
        parse_weekdays(text)


def test_entries_check_themselves():
    with pytest.raises(ValueError, match="must end after it starts"):
        DutyShift(ANNA, msk(2026, 11, 24, 9, 0), msk(2026, 11, 23, 18, 0))
    with pytest.raises(ValueError, match="aware"):
        DutyShift(ANNA, datetime(2026, 11, 23, 18), datetime(2026, 11, 24, 9))
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        WeeklyDuty(ANNA, frozenset({0}), time(18), time(9), "Mars/Olympus")
    with pytest.raises(ValueError, match="non-empty"):
        WeeklyDuty(ANNA, frozenset(), time(18), time(9), "Europe/Moscow")


def test_a_pattern_describes_itself_as_typed():
    assert weekly(ANNA, "mon-fri 18:00-09:00").describe() == "mon-fri 18:00-09:00"
    assert weekly(ANNA, "sat,sun 00:00-00:00").describe() == "sat,sun 00:00-00:00"


# --- gaps: after-hours time nobody is on duty for ------------------------------------------

MOSCOW_OFFICE = WorkCalendar("Europe/Moscow", time(9), time(18), frozenset(range(5)), "RU")
MONDAY_MORNING = msk(2026, 11, 23, 10, 0)
README_ROTA = (weekly(ANNA, "mon-fri 18:00-09:00"), weekly(BORIS, "sat,sun 00:00-00:00"))
WHOLE_WEEK = (weekly(ANNA, "mon-fri 18:00-09:00"), weekly(BORIS, "sat,sun 09:00-09:00"))


def gaps(rota: DutyRota, since: datetime = MONDAY_MORNING, days: int = 14, calendar=None):
    calendar = calendar or MOSCOW_OFFICE
    until = since + timedelta(days=days)
    found = uncovered(rota, calendar.working_hours(since, until), since, until)
    return [(g.starts_at.astimezone(MSK), g.ends_at.astimezone(MSK)) for g in found]


MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("rota", "expected"),
    [
        pytest.param(
            DutyRota(weekly=README_ROTA),
            [
                (msk(2026, 11, 30, 0, 0), msk(2026, 11, 30, 9, 0)),
                (msk(2026, 12, 7, 0, 0), msk(2026, 12, 7, 9, 0)),
            ],
            id="weeknights and 'sat,sun 00:00-00:00': Monday 00:00-09:00 is nobody's",
        ),
        pytest.param(DutyRota(weekly=WHOLE_WEEK), [], id="weekends 09:00-09:00: no gap"),
        pytest.param(
            DutyRota(weekly=WHOLE_WEEK[:1]),
            [
                (msk(2026, 11, 28, 9, 0), msk(2026, 11, 30, 9, 0)),
                (msk(2026, 12, 5, 9, 0), msk(2026, 12, 7, 9, 0)),
            ],
            id="weeknights only: the weekends after Saturday morning",
        ),
        pytest.param(
            DutyRota(
                shifts=(DutyShift(VERA, msk(2026, 11, 30, 0, 0), msk(2026, 11, 30, 9, 0)),),
                weekly=README_ROTA,
            ),
            [(msk(2026, 12, 7, 0, 0), msk(2026, 12, 7, 9, 0))],
            id="a one-off shift fills one Monday morning",
        ),
        pytest.param(
            DutyRota(
                shifts=(DutyShift(VERA, msk(2026, 11, 30, 3, 0), msk(2026, 11, 30, 4, 0)),),
                weekly=README_ROTA,
            ),
            [
                (msk(2026, 11, 30, 0, 0), msk(2026, 11, 30, 3, 0)),
                (msk(2026, 11, 30, 4, 0), msk(2026, 11, 30, 9, 0)),
                (msk(2026, 12, 7, 0, 0), msk(2026, 12, 7, 9, 0)),
            ],
            id="a shift inside a gap splits it",
        ),
    ],
)
def test_uncovered_after_hours_in_the_next_two_weeks(rota, expected):
    assert gaps(rota) == expected


def test_with_nobody_on_the_rota_all_after_hours_is_a_gap():
    found = gaps(DutyRota())
    assert found[0] == (msk(2026, 11, 23, 18, 0), msk(2026, 11, 24, 9, 0))
    assert (msk(2026, 11, 27, 18, 0), msk(2026, 11, 30, 9, 0)) in found  # the weekend, whole
    assert len(found) == 10  # 4 weeknights and a weekend, twice


def test_working_hours_are_no_gap_and_a_holiday_is_after_hours():
    # 2027: 1-8 January are days off in Russia; weeknight and weekend shifts leave the days
    found = gaps(DutyRota(weekly=WHOLE_WEEK), since=msk(2026, 12, 28, 10, 0))
    assert (msk(2027, 1, 5, 9, 0), msk(2027, 1, 5, 18, 0)) in found
    assert not any(start.date() == datetime(2026, 12, 29).date() for start, _ in found)


def test_the_gaps_of_several_calendars_are_merged():
    yekaterinburg = WorkCalendar(
        "Asia/Yekaterinburg", time(9), time(18), frozenset(range(5)), "RU"
    )  # two hours ahead of Moscow: its morning starts at 07:00 Moscow time
    rota = DutyRota(weekly=(weekly(ANNA, "mon-fri 18:00-09:00"),))  # weeknights, Moscow
    moscow = uncovered(
        rota,
        MOSCOW_OFFICE.working_hours(MONDAY_MORNING, MONDAY_MORNING + timedelta(days=1)),
        MONDAY_MORNING,
        MONDAY_MORNING + timedelta(days=1),
    )
    ekb = uncovered(
        rota,
        yekaterinburg.working_hours(MONDAY_MORNING, MONDAY_MORNING + timedelta(days=1)),
        MONDAY_MORNING,
        MONDAY_MORNING + timedelta(days=1),
    )
    assert moscow == []
    # Yekaterinburg's 16:00-18:00 Moscow time is after its hours, before the shift
    assert [(g.starts_at.astimezone(MSK), g.ends_at.astimezone(MSK)) for g in ekb] == [
        (msk(2026, 11, 23, 16, 0), msk(2026, 11, 23, 18, 0))
    ]
    assert merge_gaps(moscow, ekb, ekb) == ekb
