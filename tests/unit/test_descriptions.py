"""What a description tells the intake before any question: whether it names anything, its
topic, and whether a text typed in the middle of the questions is another problem."""

from __future__ import annotations

import pytest

from domain.descriptions import (
    Device,
    another_problem,
    described_anew,
    on_its_own,
    printing_device,
    says_what,
    topic_of,
)
from domain.enums import Category, TicketKind

C = Category


@pytest.mark.parametrize(
    ("text", "names_something"),
    [
        ("помогите", False),
        ("Помогите!!!", False),
        ("help", False),
        ("HELP please", False),
        ("срочно", False),
        ("не работает", False),
        ("у меня ничего не работает", False),
        ("что-то сломалось", False),
        ("Здравствуйте! Помогите, пожалуйста, срочно!!", False),
        ("нужна помощь", False),
        ("ошибка", False),
        ("SOS", False),
        ("", False),
        ("🔥🔥", False),
        ("не печатает", True),
        ("принтер", True),
        ("1с", True),
        ("не работает почта", True),
        ("помогите установить программу", True),
        ("срочно нужен пропуск", True),
        ("low internet speed", True),
    ],
)
def test_words_that_name_nothing_ask_what_happened(text: str, names_something: bool) -> None:
    assert says_what(text) is names_something


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("не печатает принтер", C.PRINTER),
        ("купить ноутбук", C.NEW_WORKPLACE_PURCHASE),
        ("у нас проблема с почтой", C.EMAIL),
        # the classifier would guess "computer" at 12%: no topic is claimed
        ("не работает", C.OTHER),
        ("сломалось", C.OTHER),
        ("помогите", C.OTHER),
    ],
)
def test_a_topic_is_stated_only_when_the_classifier_is_sure(text: str, topic: Category) -> None:
    assert topic_of(text) is topic


@pytest.mark.parametrize(
    ("text", "topic", "another"),
    [
        ("а ещё не работает 1С", C.PRINTER, True),
        ("и ещё почта не приходит", C.PRINTER, True),
        ("нужно купить новый ноутбук бухгалтеру", C.PRINTER, True),
        ("и ещё одна проблема: сканер", C.PRINTER, True),  # says so
        ("горит красная лампа", C.PRINTER, False),  # more about the printer
        ("у бухгалтера тоже не печатает", C.PRINTER, False),
        ("модель HP LaserJet 1020", C.PRINTER, False),
        ("стоит на втором этаже справа", C.PRINTER, False),
        ("почта", C.PRINTER, False),  # one word tells too little
        # a few words naming a device of another topic, which the classifier is unsure of
        ("мышка заедает", C.SERVER, True),
        ("у меня ещё мышка заедает", C.SERVER, True),
        ("клавиатура западает", C.INTERNET_NETWORK, True),
        ("мышка не работает", C.COMPUTER_HARDWARE, False),  # the same topic
        ("сервер так и не отвечает", C.SERVER, False),
        ("никто не может работать", C.SERVER, False),  # names no device
        ("всё зависло", C.SERVER, False),
        # a detail of the server's outage that mentions computers, in more words
        ("на всех компьютерах ничего не открывается", C.SERVER, False),
        # a request about no topic yet: the next words explain it
        ("не печатает принтер в бухгалтерии", C.OTHER, False),
        # a part of a long description that Telegram split
        ("а ещё не работает 1С " + "и склад " * 40, C.PRINTER, False),
    ],
)
def test_another_problem_typed_during_the_questions(
    text: str, topic: Category, another: bool
) -> None:
    assert another_problem(text, topic) is another


@pytest.mark.parametrize(
    ("text", "topic", "kind", "another"),
    [
        # begun as a second thing, and surely of the other kind: asked about
        ("а ещё нужно поставить Zoom новой сотруднице", C.SOFTWARE, TicketKind.INCIDENT, True),
        ("а ещё нужно купить картридж", C.PRINTER, TicketKind.INCIDENT, True),
        ("а ещё не открывается почта", C.EMAIL, TicketKind.REQUEST, True),
        # more about the same breakdown
        ("и ещё он мигает красным", C.PRINTER, TicketKind.INCIDENT, False),
        ("а ещё горит красная лампа", C.PRINTER, TicketKind.INCIDENT, False),
        # not begun as a second thing: the same topic, more words
        ("нужно поставить Zoom новой сотруднице", C.SOFTWARE, TicketKind.INCIDENT, False),
    ],
)
def test_a_second_thing_of_the_other_kind_is_another_problem(
    text: str, topic: Category, kind: TicketKind, another: bool
) -> None:
    assert another_problem(text, topic, kind) is another


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("а ещё не работает 1С у главбуха", "не работает 1С у главбуха"),
        ("И еще, почта не приходит", "почта не приходит"),
        ("также сломалась мышь", "сломалась мышь"),
        ("кстати: нужен новый монитор", "нужен новый монитор"),
        ("не работает 1С", "не работает 1С"),
        ("Ещё одна проблема: сканер", "Ещё одна проблема: сканер"),
        ("ещё", "ещё"),
    ],
)
def test_a_separate_request_is_described_without_what_tied_it_to_the_first(
    text: str, alone: str
) -> None:
    assert on_its_own(text) == alone


@pytest.mark.parametrize(
    ("text", "device"),
    [
        ("не работает сканер", Device.SCANNER),
        ("сканер не отправляет сканы на почту", Device.SCANNER),
        ("не сканирует в общую папку, выдаёт ошибку", Device.SCANNER),
        ("Как отсканировать документ в PDF?", Device.SCANNER),
        ("МФУ не сканирует, пишет ошибка сканера", Device.MFP),
        ("мфу завис на прогреве", Device.MFP),
        ("ксерокс зажевал бумагу", Device.COPIER),
        ("не печатает принтер в бухгалтерии", Device.PRINTER),
        ("принтер не сканирует", Device.PRINTER),  # the device they named
        ("закончился картридж, замените", Device.PRINTER),
        ("не печатает", Device.PRINTER),
        ("the scanner just stopped working", Device.SCANNER),
        ("help, the MFP shows an error", Device.MFP),
    ],
)
def test_the_printing_topic_names_the_device_that_was_reported(text: str, device: Device) -> None:
    assert printing_device(text) is device


@pytest.mark.parametrize(
    ("text", "anew"),
    [
        (
            "ой нет не то у меня вообще компьютер не включается",
            "у меня вообще компьютер не включается",
        ),
        ("я не то написала, не работает почта", "не работает почта"),
        ("ошиблась: не печатает принтер", "не печатает принтер"),
        ("ой нет не то", None),  # nothing said instead
        ("не то чтобы срочно", None),  # names nothing
        ("не работает почта", None),  # no words that take the first back
        ("нет, работа стоит", None),
    ],
)
def test_a_description_taken_back_gives_the_new_one(text: str, anew: str | None) -> None:
    assert described_anew(text) == anew
