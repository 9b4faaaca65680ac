"""A request left half-way: the reminder once per pause, and the answers it is sent with."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.enums import RequestType, Scope, TicketKind, WorkImpact
from domain.unfinished import REMIND_AFTER, as_it_stands, reminder_due

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
INC, REQ = TicketKind.INCIDENT, TicketKind.REQUEST


@pytest.mark.parametrize(
    ("idle", "reminded", "due"),
    [
        (timedelta(minutes=3), False, False),  # still answering, or thinking
        (REMIND_AFTER, False, True),
        (timedelta(hours=5), False, True),
        (timedelta(hours=5), True, False),  # told once already, untouched since
    ],
)
def test_the_reminder_comes_once_after_ten_quiet_minutes(
    idle: timedelta, reminded: bool, due: bool
) -> None:
    assert reminder_due(NOW - idle, NOW, reminded=reminded) is due


@pytest.mark.parametrize(
    ("description", "given", "expected"),
    [
        # nothing answered: the guess, the mildest impact that gets it worked on
        ("не печатает принтер", {"guess": INC}, (INC, WorkImpact.HAMPERED, Scope.ME, None)),
        # what the description says plainly stands for the answers
        (
            "не работает принтер в приемной работа стоит",
            {"guess": INC},
            (INC, WorkImpact.BLOCKED, Scope.ME, None),
        ),
        (
            "интернет не работает во всём офисе, никто не может работать",
            {"guess": INC},
            (INC, WorkImpact.BLOCKED, Scope.COMPANY, None),
        ),
        (
            "the whole office is down, work has stopped",
            {},
            (INC, WorkImpact.BLOCKED, Scope.COMPANY, None),
        ),
        # an answer given is kept, whatever the description says
        (
            "работа стоит",
            {"kind": INC, "impact": WorkImpact.NOT_HINDERED},
            (INC, WorkImpact.NOT_HINDERED, Scope.ME, None),
        ),
        # requests: help, unless they said it is something new
        ("нужна новая учётка", {"guess": REQ}, (REQ, None, None, RequestType.SERVICE)),
        (
            "купить ноутбук",
            {"kind": REQ, "request_type": RequestType.CHANGE},
            (REQ, None, None, RequestType.CHANGE),
        ),
    ],
)
def test_a_request_sent_as_it_stands_keeps_the_answers_and_fills_the_rest(
    description: str, given: dict, expected: tuple
) -> None:
    args = {"kind": None, "guess": None, "impact": None, "scope": None, "request_type": None}
    got = as_it_stands(description, **{**args, **given})
    assert (got.kind, got.impact, got.scope, got.request_type) == expected
