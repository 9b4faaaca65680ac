"""What a newcomer types to "Как к вам обращаться? Олег — верно?"."""

from __future__ import annotations

import pytest

from domain.names import NameReply, PhoneSaid, Said, read_name_reply, read_phone_answer

YES, NO, UNCLEAR = NameReply(Said.YES), NameReply(Said.NO), NameReply(Said.UNCLEAR)


def name(text: str) -> NameReply:
    return NameReply(Said.NAME, text)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("да", YES),
        ("Да, верно", YES),
        ("ага", YES),
        ("yes", YES),
        ("да?", UNCLEAR),  # a question agrees to nothing
        ("нет", NO),
        ("нет, Оля", name("Оля")),
        ("меня зовут Ольга Петровна", name("Ольга Петровна")),
        ("можно просто Оля", name("Оля")),
        ("Оля", name("Оля")),
        ("оля", name("Оля")),
        ("Мария-Луиза", name("Мария-Луиза")),
        ("call me Ollie", name("Ollie")),
        ("а что это за бот?", UNCLEAR),
        ("не печатает принтер", UNCLEAR),  # a problem, not a name
        ("зависает", UNCLEAR),
        ("меня зовут Олег Иванович", name("Олег Иванович")),
        ("принтер", UNCLEAR),
        ("фывапр", UNCLEAR),  # a hand run along the keys
        ("asdf", UNCLEAR),
        ("олдж", UNCLEAR),
        ("пврл", UNCLEAR),
        ("ааааа", UNCLEAR),
        ("Ольга Фывапр", UNCLEAR),
        ("Аполлинария", name("Аполлинария")),
        ("Глеб", name("Глеб")),
        ("Lynn", name("Lynn")),
        ("Анна-Мария", name("Анна-Мария")),
        ("привет", UNCLEAR),
        ("Здравствуйте", UNCLEAR),
        ("1234", UNCLEAR),
        ("/start", UNCLEAR),
        ("", UNCLEAR),
    ],
)
def test_an_answer_to_the_name_offered(text: str, reply: NameReply) -> None:
    assert read_name_reply(text) == reply


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Ольга", name("Ольга")),
        ("Олег Иванович", name("Олег Иванович")),
        ("Иван Петров", name("Иван Петров")),
        ("меня зовут Ольга", name("Ольга")),
        ("да", UNCLEAR),  # asked for a name, "да" is none
        ("а зачем?", UNCLEAR),
        ("Ivan 2", UNCLEAR),
    ],
)
def test_a_name_typed_when_asked_for_one(text: str, reply: NameReply) -> None:
    assert read_name_reply(text, asked_to_type=True) == reply


@pytest.mark.parametrize(
    ("text", "said", "phone"),
    [
        ("+7 916 123-45-67", PhoneSaid.NUMBER, "+79161234567"),
        ("8 (916) 123 45 67", PhoneSaid.NUMBER, "89161234567"),
        ("12345", PhoneSaid.UNCLEAR, ""),  # too short for a number
        ("не надо", PhoneSaid.SKIP, ""),
        ("нет, не хочу", PhoneSaid.SKIP, ""),
        ("Пропустить", PhoneSaid.SKIP, ""),
        ("потом", PhoneSaid.SKIP, ""),
        ("не работает интернет", PhoneSaid.PROBLEM, ""),  # came to report it
        ("а зачем?", PhoneSaid.UNCLEAR, ""),
        ("ок", PhoneSaid.UNCLEAR, ""),
    ],
)
def test_what_a_newcomer_types_for_the_phone_number(text: str, said: PhoneSaid, phone: str) -> None:
    reply = read_phone_answer(text)
    assert (reply.said, reply.phone) == (said, phone)
