"""When the monthly report goes out by itself, and to whom."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.enums import EmployeeRole, SlaTier
from domain.model import Client, Employee
from domain.monthly_report import (
    due_report_month,
    next_sending_moment,
    report_recipients,
    sending_moment,
)
from tests.unit.fakes import MSK, msk


def client(tier: SlaTier = SlaTier.GOLD, **kwargs) -> Client:
    kwargs.setdefault("created_at", datetime(2026, 1, 15, 12, 0, tzinfo=MSK))
    return Client(
        name="ООО Ромашка",
        tier=tier,
        timezone="Europe/Moscow",
        opens=time(9),
        closes=time(18),
        weekdays=frozenset(range(5)),
        country="RU",
        id=1,
        **kwargs,
    )


def test_the_report_goes_out_on_the_first_working_day_at_ten_local_time():
    assert sending_moment(client(), date(2026, 12, 1)) == msk(2026, 12, 1, 10, 0)  # a Tuesday
    # Saturday 1 August 2026: Monday the 3rd.
    assert sending_moment(client(), date(2026, 8, 1)) == msk(2026, 8, 3, 10, 0)
    # The New Year holidays in Russia last to 8 January; the 9th and 10th are a weekend.
    assert sending_moment(client(), date(2027, 1, 1)) == msk(2027, 1, 11, 10, 0)


def test_the_clients_own_time_zone_decides_ten_oclock():
    far_east = Client(
        name="ООО Восток",
        tier=SlaTier.PLATINUM,
        timezone="Asia/Vladivostok",
        opens=time(9),
        closes=time(18),
        weekdays=frozenset(range(5)),
        country="RU",
        id=2,
    )
    moment = sending_moment(far_east, date(2026, 12, 1))
    assert moment == datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))
    assert moment.astimezone(MSK).hour == 3


def test_the_previous_month_is_due_from_that_moment_to_the_end_of_the_month():
    gold = client()
    assert due_report_month(gold, msk(2026, 12, 1, 9, 59)) is None
    assert due_report_month(gold, msk(2026, 12, 1, 10, 0)) == date(2026, 11, 1)
    assert due_report_month(gold, msk(2026, 12, 31, 23, 0)) == date(2026, 11, 1)
    assert due_report_month(gold, msk(2027, 1, 11, 10, 0)) == date(2026, 12, 1)
    assert due_report_month(gold, msk(2027, 1, 5, 12, 0)) is None  # holidays: not yet


def test_only_gold_and_platinum_receive_it():
    at = msk(2026, 12, 2, 12, 0)
    assert due_report_month(client(SlaTier.PLATINUM), at) == date(2026, 11, 1)
    assert due_report_month(client(SlaTier.SILVER), at) is None
    assert due_report_month(client(SlaTier.BRONZE), at) is None
    assert next_sending_moment(client(SlaTier.SILVER), at) is None


def test_a_client_who_came_this_month_has_no_report_of_the_last_one():
    newcomer = client(created_at=msk(2026, 12, 1, 9, 0))
    assert due_report_month(newcomer, msk(2026, 12, 1, 11, 0)) is None
    came_last_month = client(created_at=msk(2026, 11, 30, 17, 0))
    assert due_report_month(came_last_month, msk(2026, 12, 1, 11, 0)) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("ended", "now", "due"),
    [
        (msk(2026, 11, 20, 12, 0), msk(2026, 12, 1, 11, 0), date(2026, 11, 1)),  # the final one
        (msk(2026, 11, 20, 12, 0), msk(2027, 1, 11, 11, 0), None),  # none after it
        (msk(2026, 12, 1, 10, 30), msk(2026, 12, 1, 11, 0), date(2026, 11, 1)),  # ended lately
        (msk(2026, 12, 1, 10, 30), msk(2027, 1, 11, 11, 0), date(2026, 12, 1)),  # its last month
    ],
)
def test_a_client_whose_contract_ended_gets_the_final_report_and_none_after(ended, now, due):
    assert due_report_month(client(deactivated_at=ended), now) == due


def test_the_next_moment_is_this_months_until_it_passes():
    gold = client()
    assert next_sending_moment(gold, msk(2026, 11, 30, 12, 0)) == msk(2026, 12, 1, 10, 0)
    assert next_sending_moment(gold, msk(2026, 12, 1, 10, 0)) == msk(2027, 1, 11, 10, 0)


def test_directors_receive_it_and_without_one_the_personal_manager():
    gold = client(manager_tg_id=700)
    staff = [
        Employee(1, 11, "Анна"),
        Employee(1, 12, "Борис", role=EmployeeRole.DIRECTOR),
        Employee(1, 13, "Вера", role=EmployeeRole.DIRECTOR, active=False),
    ]
    assert report_recipients(gold, staff) == [12]
    assert report_recipients(gold, staff[:1]) == [700]
    assert report_recipients(client(), staff[:1]) == []
