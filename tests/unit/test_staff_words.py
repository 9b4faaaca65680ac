"""A few words typed by staff instead of a button: taking, acknowledging, or nothing."""

import pytest

from domain.staff_words import StaffAction, StaffWords, read_staff_words

TAKE, ACK = StaffWords.TAKE, StaffWords.ACKNOWLEDGE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("беру", StaffAction(TAKE)),
        ("Беру!", StaffAction(TAKE)),
        ("взял", StaffAction(TAKE)),
        ("взяла", StaffAction(TAKE)),
        ("я возьму", StaffAction(TAKE)),
        ("принял", StaffAction(TAKE)),
        ("Принял, смотрю", StaffAction(TAKE)),
        ("беру в работу", StaffAction(TAKE)),
        ("забираю себе", StaffAction(TAKE)),
        ("беру №15", StaffAction(TAKE, 15)),
        ("взял #7", StaffAction(TAKE, 7)),
        ("I'll take it", StaffAction(TAKE)),
        ("on it", StaffAction(ACK)),
        ("ок, смотрю", StaffAction(ACK)),
        ("ок", StaffAction(ACK)),
        ("уже еду", StaffAction(ACK)),
        ("Ок. Подключаюсь", StaffAction(ACK)),
    ],
)
def test_short_words_of_taking_or_acknowledging(text, expected):
    assert read_staff_words(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "да",  # filler alone means nothing
        "хорошо",
        "беру?",  # a question
        "кто берет?",
        "принял, перезагрузите роутер",  # says more: an answer to the client
        "Поменяем картридж через полчаса",
        "беру №1 и №2",  # which one?
        "клиент ждет, кто возьмет",
        "я возьму, если Иван не успеет к вечеру",  # too many other words
    ],
)
def test_anything_else_is_not_an_action(text):
    assert read_staff_words(text) is None
