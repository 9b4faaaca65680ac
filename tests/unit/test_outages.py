"""Mass outages (domain/outages.py): which tickets are proposed as one outage, whether a new
message is about an open one, and the outage's priority."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.enums import Category, Priority, TicketKind
from domain.outages import (
    OutageRule,
    Report,
    cluster,
    likeness,
    parent_priority,
    same_symptom,
    similar,
    topic_of_cluster,
)
from tests.unit.fakes import msk

T0 = msk(2026, 11, 23, 10, 0)
NET, PRINTER, OTHER = Category.INTERNET_NETWORK, Category.PRINTER, Category.OTHER
INCIDENT, REQUEST = TicketKind.INCIDENT, TicketKind.REQUEST


def r(
    number: int,
    minutes: float = 0,
    category: Category = NET,
    text: str = "не работает интернет",
    *,
    client: int = 1,
    kind: TicketKind = INCIDENT,
    linked: bool = False,
) -> Report:
    return Report(
        number, client, kind, category, text, T0 + timedelta(minutes=minutes), linked=linked
    )


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        pytest.param(r(1), r(2, 5), True, id="same client, same topic"),
        pytest.param(r(1), r(2, 5, client=2), False, id="another client: never"),
        pytest.param(r(1), r(2, 5, PRINTER, "не печатает принтер"), False, id="another topic"),
        pytest.param(r(1), r(2, 5, kind=REQUEST), False, id="a request is never an outage"),
        pytest.param(
            r(1), r(2, 5, OTHER, "интернета нет"), True, id="no topic: the words are alike"
        ),
        pytest.param(
            r(1, 0, OTHER, "не работает интернет"),
            r(2, 5, OTHER, "не работает принтер"),
            False,
            id="alike only in 'не работает': not the same",
        ),
    ],
)
def test_similar(a: Report, b: Report, alike: bool) -> None:
    assert similar(a, b) is alike


RULE = OutageRule()


@pytest.mark.parametrize(
    ("new", "recent", "rule", "found"),
    [
        pytest.param(r(3, 10), [r(1), r(2, 5)], RULE, [1, 2, 3], id="three within 10 minutes"),
        pytest.param(r(2, 5), [r(1)], RULE, [], id="two are not an outage yet"),
        pytest.param(
            r(2, 5), [r(1)], OutageRule(min_tickets=2), [1, 2], id="the minimum is a setting"
        ),
        pytest.param(
            r(3, 40), [r(1), r(2, 5)], RULE, [], id="the first two are older than the window"
        ),
        pytest.param(
            r(3, 40),
            [r(1), r(2, 5)],
            OutageRule(window=timedelta(hours=1)),
            [1, 2, 3],
            id="the window is a setting",
        ),
        pytest.param(r(3, 10), [r(1), r(2, 5, client=2)], RULE, [], id="another client's"),
        pytest.param(
            r(3, 10), [r(1), r(2, 5, linked=True)], RULE, [], id="one is in an outage already"
        ),
        pytest.param(r(3, 10, linked=True), [r(1), r(2, 5)], RULE, [], id="the new one is"),
        pytest.param(
            r(4, 10),
            [r(1), r(2, 2, PRINTER, "не печатает принтер"), r(3, 5)],
            RULE,
            [1, 3, 4],
            id="the printer in between is not part of it",
        ),
    ],
)
def test_cluster(new: Report, recent: list[Report], rule: OutageRule, found: list[int]) -> None:
    assert cluster(new, recent, rule) == found


def test_the_outage_has_the_topic_most_of_its_tickets_share() -> None:
    assert topic_of_cluster([r(1, 0, OTHER), r(2), r(3)]) is NET
    assert topic_of_cluster([r(1, 0, OTHER)]) is OTHER


@pytest.mark.parametrize(
    ("text", "category", "outage_category", "outage_text", "same"),
    [
        ("у меня тоже нет интернета", NET, NET, "не работает интернет", True),
        ("не печатает принтер", PRINTER, NET, "не работает интернет", False),
        ("интернета нет", OTHER, NET, "не работает интернет во всём офисе", True),
        ("помогите", OTHER, NET, "не работает интернет", False),
    ],
)
def test_same_symptom(
    text: str, category: Category, outage_category: Category, outage_text: str, same: bool
) -> None:
    assert same_symptom(text, category, outage_category, outage_text, RULE) is same


@pytest.mark.parametrize(
    ("children", "priority"),
    [
        ([Priority.STANDARD, Priority.HIGH, Priority.LOW], Priority.HIGH),
        ([Priority.STANDARD, Priority.HIGHEST], Priority.HIGHEST),
        ([], Priority.STANDARD),
    ],
)
def test_the_outage_has_the_highest_priority_of_its_children(
    children: list[Priority], priority: Priority
) -> None:
    assert parent_priority(children) is priority


def test_likeness_is_of_what_is_wrong_not_of_how_it_is_said() -> None:
    assert likeness("не работает интернет", "нет интернета") > 0.5
    assert likeness("не работает интернет", "не работает принтер") < 0.5
