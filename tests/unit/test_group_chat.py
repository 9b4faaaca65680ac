"""The rules of the bot in a client's group chat, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.group_chat import (
    Author,
    GroupCode,
    GroupMessage,
    addressed,
    author_in_group,
    command_name,
    may_bind,
    may_stay_when_added,
    request_words,
    where_author_hears,
)

BOT = "frontdesk_bot"


@pytest.mark.parametrize(
    ("message", "for_the_bot"),
    [
        (GroupMessage("кто брал степлер?"), False),
        (GroupMessage("@frontdesk_bot не печатает", mentions=("@frontdesk_bot",)), True),
        (GroupMessage("@FrontDesk_Bot не печатает", mentions=("@FrontDesk_Bot",)), True),
        (GroupMessage("спроси @ivan", mentions=("@ivan",)), False),
        (GroupMessage("не печатает #заявка", hashtags=("#заявка",)), True),
        (GroupMessage("#Problem printer", hashtags=("#Problem",)), True),
        (GroupMessage("#отпуск с понедельника", hashtags=("#отпуск",)), False),
        (GroupMessage("/new не печатает", command="/new"), True),
        (GroupMessage("/new@frontdesk_bot не печатает", command="/new@frontdesk_bot"), True),
        (GroupMessage("/new@other_bot не печатает", command="/new@other_bot"), False),
        (GroupMessage("да", reply_to_bot=True), True),
    ],
)
def test_the_bot_is_addressed_only_when_spoken_to(message: GroupMessage, for_the_bot: bool):
    assert addressed(message, BOT) is for_the_bot


@pytest.mark.parametrize(
    ("command", "name"),
    [("/new", "new"), ("/NEW@frontdesk_bot", "new"), ("/bind@other_bot", None), (None, None)],
)
def test_a_command_is_ours_unless_it_names_another_bot(command: str | None, name: str | None):
    assert command_name(command, BOT) == name


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (GroupMessage("@frontdesk_bot не печатает принтер"), "не печатает принтер"),
        (GroupMessage("не печатает принтер, @frontdesk_bot"), "не печатает принтер"),
        (GroupMessage("#заявка не работает интернет"), "не работает интернет"),
        (GroupMessage("/new сломался сканер", command="/new"), "сломался сканер"),
        (GroupMessage("/new@frontdesk_bot", command="/new@frontdesk_bot"), ""),
        (GroupMessage("#заявками займётся Иван"), "#заявками займётся Иван"),
    ],
)
def test_the_request_keeps_the_words_not_the_call(message: GroupMessage, words: str):
    assert request_words(message, BOT) == words


def author(**overrides: object) -> Author:
    facts: dict[str, object] = {
        "sender_chat": False,
        "is_staff": False,
        "employee_client_id": None,
        "employee_active": False,
        "group_client_id": 1,
        "members_join": True,
    } | overrides
    return author_in_group(**facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"employee_client_id": 1, "employee_active": True}, Author.EMPLOYEE),
        ({}, Author.JOINS),
        ({"members_join": False}, Author.STRANGER),
        ({"employee_client_id": 2, "employee_active": True}, Author.OTHER_COMPANY),
        ({"employee_client_id": 1, "employee_active": False}, Author.REMOVED),
        ({"employee_client_id": 2, "employee_active": False}, Author.JOINS),
        ({"is_staff": True}, Author.STAFF),
        ({"sender_chat": True, "employee_client_id": 1, "employee_active": True}, Author.ANONYMOUS),
    ],
)
def test_who_the_author_of_a_group_message_is(facts: dict[str, object], expected: Author):
    assert author(**facts) is expected


@pytest.mark.parametrize(
    ("director", "manager", "allowed"),
    [(True, False, True), (False, True, True), (False, False, False)],
)
def test_a_group_is_bound_by_the_director_or_the_manager(director, manager, allowed):
    assert may_bind(is_director_of_client=director, is_manager_of_client=manager) is allowed


@pytest.mark.parametrize(
    ("staff", "director", "stays"),
    [(True, False, True), (False, True, True), (False, False, False)],
)
def test_the_bot_stays_only_where_staff_or_a_director_added_it(staff, director, stays):
    assert may_stay_when_added(by_staff=staff, by_director=director) is stays


@pytest.mark.parametrize(
    ("opened_in_group", "group_active", "started_private", "told"),
    [
        (False, False, True, (False, True)),
        (True, True, True, (True, True)),
        (True, True, False, (True, False)),
        (True, False, True, (False, True)),
        (True, False, False, (False, True)),
    ],
)
def test_where_the_author_hears_of_a_request(opened_in_group, group_active, started_private, told):
    assert (
        where_author_hears(
            opened_in_group=opened_in_group,
            group_active=group_active,
            started_private=started_private,
        )
        == told
    )


def test_a_code_is_good_once_and_until_it_expires():
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    code = GroupCode("abc", client_id=1, expires_at=now + timedelta(hours=1))
    assert code.unusable_reason(now) is None
    assert code.unusable_reason(now + timedelta(hours=1)) == "expired"
    code.used_at = now
    assert code.unusable_reason(now) == "used"
