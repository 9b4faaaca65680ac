"""The time a staff member logs on a ticket, typed as people say it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.time_spent import (
    MOST_IN_ONE_ENTRY,
    SpentProblem,
    read_time_spent,
    read_work_entry,
    typed_under_menu,
)
from domain.use_cases.staff_tickets import MAX_WORK_LOG_MINUTES

P = SpentProblem


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("1,5 часа", 90),
        ("1.5 ч", 90),
        ("1,5ч", 90),
        ("90 мин", 90),
        ("90 мин.", 90),
        ("90мин", 90),
        ("1ч 30м", 90),
        ("1ч30м", 90),
        ("1 ч. 30 мин.", 90),
        ("1 час 30 минут", 90),
        ("1 час и 30 минут", 90),
        ("2 часа", 120),
        ("5 часов", 300),
        ("1 минута", 1),
        ("3 минуты", 3),
        ("90", 90),
        ("  45 ", 45),
        ("1,5", 90),
        ("1:30", 90),
        ("0:45", 45),
        ("полчаса", 30),
        ("Полчаса", 30),
        ("полтора часа", 90),
        ("полтора", 90),
        ("час", 60),
        ("1ч 30", 90),
        ("1h 30m", 90),
        ("1h30m", 90),
        ("2h", 120),
        ("45m", 45),
        ("90 min", 90),
        ("1 hour 30 minutes", 90),
        ("1.5 hours", 90),
        ("half an hour", 30),
        ("an hour", 60),
        ("0,25 ч", 15),
        ("24 ч", 24 * 60),
        ("0.3 h", 18),
        # nonsense, zero, absurd
        ("", P.UNREADABLE),
        ("долго", P.UNREADABLE),
        ("примерно час", P.UNREADABLE),
        ("-30", P.UNREADABLE),
        ("30м 1ч", P.UNREADABLE),
        ("1:75", P.UNREADABLE),
        ("1,5 дня", P.UNREADABLE),
        ("ч", P.UNREADABLE),
        ("0", P.NOTHING),
        ("0 мин", P.NOTHING),
        ("0:00", P.NOTHING),
        ("0,001 ч", P.NOTHING),
        ("25 ч", P.TOO_MUCH),
        ("24ч 1м", P.TOO_MUCH),
        ("2000", P.TOO_MUCH),
        ("99999 h", P.TOO_MUCH),
    ],
)
def test_time_spent_is_read_as_people_type_it(text: str, read: int | SpentProblem) -> None:
    assert read_time_spent(text) == read


def test_one_entry_holds_what_the_use_case_accepts() -> None:
    assert MOST_IN_ONE_ENTRY == MAX_WORK_LOG_MINUTES


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("1ч 30м заменил картридж", (90, "заменил картридж")),
        ("45 мин — перезагрузил роутер", (45, "перезагрузил роутер")),
        ("1,5 часа: настроил почту, проверил", (90, "настроил почту, проверил")),
        ("90 - obновил драйвер", (90, "obновил драйвер")),
        ("1 час 30 минут", (90, "")),
        ("полчаса звонил поставщику", (30, "звонил поставщику")),
        ("1h 30m replaced the cartridge", (90, "replaced the cartridge")),
        ("заменил картридж", P.UNREADABLE),
        ("0 мин ничего", P.NOTHING),
        ("25 часов работы", P.TOO_MUCH),
    ],
)
def test_what_was_done_may_follow_the_time(text, read):
    assert read_work_entry(text) == read


@pytest.mark.parametrize(
    ("after", "takes"),
    [
        (timedelta(seconds=5), True),
        (timedelta(minutes=30), True),
        (timedelta(minutes=31), False),  # long gone: "час" then means something else
        (timedelta(hours=20), False),
        (timedelta(seconds=-1), False),  # a clock that went back: not the menu's
    ],
)
def test_the_time_menu_takes_a_typed_time_for_half_an_hour(after, takes):
    shown = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert typed_under_menu(shown, shown + after) is takes
