"""A change request's resolution time is agreed with the client: which tickets wait for an
agreement, the agreed date as staff type it, and the SLA clock that follows it."""

from datetime import time, timedelta

import pytest

from domain import Priority, SlaTier, WorkCalendar, sla_targets
from domain.agreed_deadline import Unreadable, read_deadline, resolution_by_agreement
from domain.enums import RequestType, TicketKind
from domain.sla import AgreedResolution, Pause, SlaClock
from tests.unit.fakes import msk

CAL = WorkCalendar("Europe/Moscow", time(9), time(18), frozenset(range(5)), "RU")
NOW = msk(2026, 12, 8, 10, 0)  # Tuesday, 10:00 in Moscow


@pytest.mark.parametrize(
    ("kind", "request_type", "agreed"),
    [
        (TicketKind.REQUEST, RequestType.CHANGE, True),
        (TicketKind.REQUEST, RequestType.SERVICE, False),
        (TicketKind.REQUEST, None, False),
        (TicketKind.INCIDENT, None, False),
    ],
)
def test_only_a_change_request_has_its_resolution_time_agreed(kind, request_type, agreed):
    assert resolution_by_agreement(kind, request_type) is agreed


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        # a date without a time: the end of that working day
        ("16.12", msk(2026, 12, 16, 18)),
        ("16.12.2026", msk(2026, 12, 16, 18)),
        ("16/12/26", msk(2026, 12, 16, 18)),
        ("2026-12-16", msk(2026, 12, 16, 18)),
        ("16 декабря", msk(2026, 12, 16, 18)),
        ("до 16 декабря", msk(2026, 12, 16, 18)),
        ("16 дек.", msk(2026, 12, 16, 18)),
        ("16 December", msk(2026, 12, 16, 18)),
        ("December 16", msk(2026, 12, 16, 18)),
        ("by Dec 16th", msk(2026, 12, 16, 18)),
        # weekdays: the next one after today, in any case the phrase needs
        ("пятница", msk(2026, 12, 11, 18)),
        ("до пятницы", msk(2026, 12, 11, 18)),
        ("к пятнице", msk(2026, 12, 11, 18)),
        ("в пятницу", msk(2026, 12, 11, 18)),
        ("пт", msk(2026, 12, 11, 18)),
        ("by Friday", msk(2026, 12, 11, 18)),
        ("до вторника", msk(2026, 12, 15, 18)),  # said on a Tuesday: next week's
        ("в следующую среду", msk(2026, 12, 9, 18)),
        # with a time: that moment
        ("пятница 15:00", msk(2026, 12, 11, 15)),
        ("пятница, 15:00", msk(2026, 12, 11, 15)),
        ("15:00 пятница", msk(2026, 12, 11, 15)),
        ("до пятницы 12:30", msk(2026, 12, 11, 12, 30)),
        ("16.12 в 15:00", msk(2026, 12, 16, 15)),
        ("16 декабря в 11", msk(2026, 12, 16, 11)),
        ("by Friday 3pm", msk(2026, 12, 11, 15)),
        ("Friday at 3 pm", msk(2026, 12, 11, 15)),
        ("завтра в 12", msk(2026, 12, 9, 12)),
        # a time alone: today's, or tomorrow's once it has passed
        ("15:00", msk(2026, 12, 8, 15)),
        ("9:00", msk(2026, 12, 9, 9)),
        # relative days
        ("сегодня", msk(2026, 12, 8, 18)),
        ("завтра", msk(2026, 12, 9, 18)),
        ("Tomorrow", msk(2026, 12, 9, 18)),
        ("послезавтра", msk(2026, 12, 10, 18)),
        ("через 3 дня", msk(2026, 12, 11, 18)),
        ("через день", msk(2026, 12, 9, 18)),
        ("in 3 days", msk(2026, 12, 11, 18)),
        ("через неделю", msk(2026, 12, 15, 18)),
        ("in a week", msk(2026, 12, 15, 18)),
        ("через две недели", msk(2026, 12, 22, 18)),
        ("через 2 рабочих дня", msk(2026, 12, 10, 18)),
        ("in 5 working days", msk(2026, 12, 15, 18)),
        # a day off: the end of the working day before it
        ("суббота", msk(2026, 12, 11, 18)),
        ("до воскресенья", msk(2026, 12, 11, 18)),
        ("20.12", msk(2026, 12, 18, 18)),
        ("31.12", msk(2026, 12, 30, 18)),  # a day off in Russia's 2026 calendar
        # a date without a year that has passed this year: next year's
        ("01.12", msk(2027, 12, 1, 18)),
        ("5 января", msk(2027, 1, 11, 18)),  # the New Year holidays: the first day after
    ],
)
def test_the_agreed_date_as_staff_type_it(typed, due):
    assert read_deadline(typed, NOW, CAL).due == due


def test_a_day_off_tomorrow_after_todays_closing_means_the_next_working_day():
    friday_evening = msk(2026, 12, 11, 19, 0)
    assert read_deadline("суббота", friday_evening, CAL).due == msk(2026, 12, 14, 18)
    assert read_deadline("завтра", friday_evening, CAL).due == msk(2026, 12, 14, 18)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Unreadable.NOT_A_DATE),
        ("как договоримся", Unreadable.NOT_A_DATE),
        ("32.12", Unreadable.NOT_A_DATE),
        ("30 февраля", Unreadable.NOT_A_DATE),
        ("25:00", Unreadable.NOT_A_DATE),
        ("13pm", Unreadable.NOT_A_DATE),
        ("через 0 дней", Unreadable.NOT_A_DATE),
        ("пятница 15:00 и суббота", Unreadable.NOT_A_DATE),
        ("07.12.2026", Unreadable.PAST),
        ("вчера", Unreadable.PAST),
        ("yesterday 15:00", Unreadable.PAST),
        ("06.12.2026", Unreadable.PAST),  # a Sunday: not moved to a working day ahead
        ("сегодня в 9:30", Unreadable.PAST),
        ("01.12.2026", Unreadable.PAST),
        ("16.12.2062", Unreadable.TOO_FAR),
    ],
)
def test_what_gives_no_date_says_why(typed, problem):
    read = read_deadline(typed, NOW, CAL)
    assert read.due is None and read.problem is problem


def test_today_after_closing_is_past():
    assert read_deadline("сегодня", msk(2026, 12, 8, 18, 30), CAL).problem is Unreadable.PAST


# --- the SLA clock of a change request ---------------------------------------------------

REGISTERED = msk(2026, 12, 7, 10, 0)  # Monday
LOW = sla_targets(SlaTier.GOLD, Priority.LOW)


def change(agreed: AgreedResolution | None = None, pauses=()) -> SlaClock:
    return SlaClock.of(CAL, LOW, REGISTERED, pauses, by_agreement=True, agreed=agreed)


def test_a_change_request_keeps_its_reaction_time_and_has_no_resolution_date_until_agreed():
    clock = change()
    d = clock.deadlines()
    assert d.reaction_due == SlaClock.of(CAL, LOW, REGISTERED).deadlines().reaction_due
    assert (d.resolution_due, d.resolution_warning_at) == (None, None)
    assert clock.resolution_target is None
    assert clock.resolution_left(msk(2027, 1, 30, 10)) is None
    assert clock.resolution_overdue(msk(2027, 1, 30, 10)) == timedelta(0)


@pytest.mark.parametrize(
    ("agreed", "pauses", "due", "warning_at"),
    [
        pytest.param(  # Tuesday 10:00 agreed for Friday 18:00: 35 working hours ahead
            AgreedResolution(msk(2026, 12, 11, 18), msk(2026, 12, 8, 10)),
            (),
            msk(2026, 12, 11, 18),
            msk(2026, 12, 11, 9, 15),  # 75% of the 35 working hours left then
            id="agreed: due at the moment agreed, warned at 75% of what was left",
        ),
        pytest.param(  # agreed for a moment after closing: kept as agreed
            AgreedResolution(msk(2026, 12, 11, 20), msk(2026, 12, 8, 10)),
            (),
            msk(2026, 12, 11, 20),
            msk(2026, 12, 11, 9, 15),
            id="agreed outside working hours: kept as agreed",
        ),
        pytest.param(  # waited 3 working hours for the client after the agreement
            AgreedResolution(msk(2026, 12, 11, 18), msk(2026, 12, 8, 10)),
            (Pause(msk(2026, 12, 9, 10), msk(2026, 12, 9, 13)),),
            msk(2026, 12, 14, 12),
            msk(2026, 12, 11, 12, 15),
            id="waiting for the client afterwards moves it on",
        ),
        pytest.param(
            AgreedResolution(msk(2026, 12, 11, 18), msk(2026, 12, 8, 10)),
            (Pause(msk(2026, 12, 9, 10)),),
            None,
            None,
            id="while waiting for the client: no due time",
        ),
        pytest.param(  # waited before the agreement: the date is what was agreed
            AgreedResolution(msk(2026, 12, 11, 18), msk(2026, 12, 8, 10)),
            (Pause(msk(2026, 12, 7, 11), msk(2026, 12, 7, 15)),),
            msk(2026, 12, 11, 18),
            msk(2026, 12, 11, 9, 15),
            id="waiting before the agreement changes nothing",
        ),
    ],
)
def test_an_agreed_date_is_the_resolution_due_time(agreed, pauses, due, warning_at):
    d = change(agreed, pauses).deadlines()
    assert (d.resolution_due, d.resolution_warning_at) == (due, warning_at)


def test_after_the_agreed_date_the_resolution_is_overdue_in_working_time():
    clock = change(AgreedResolution(msk(2026, 12, 11, 18), msk(2026, 12, 8, 10)))
    assert clock.resolution_overdue(msk(2026, 12, 11, 17)) == timedelta(0)
    assert clock.resolution_left(msk(2026, 12, 11, 17)) == timedelta(hours=1)
    assert clock.resolution_overdue(msk(2026, 12, 14, 11)) == timedelta(hours=2)
    assert clock.resolution_met(msk(2026, 12, 11, 18))
    assert not clock.resolution_met(msk(2026, 12, 14, 9, 1))
