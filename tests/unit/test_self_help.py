"""When a known fix may be suggested before the questions, and typed answers to it."""

from __future__ import annotations

import pytest

from domain.classification import Classification
from domain.enums import Category, TicketKind
from domain.self_help import asks_about_service, may_suggest, read_self_help_answer


@pytest.mark.parametrize(
    ("description", "working", "suggest"),
    [
        ("принтер не печатает", True, True),
        ("принтер не печатает", False, False),  # after hours: nothing delays a call
        ("нет интернета во всем офисе", True, False),
        ("у всех не открывается 1с", True, False),
        ("никто не может войти в почту", True, False),
        ("авария, сервер упал", True, False),
        ("пропал свет в офисе", True, False),
        ("the whole office has no internet", True, False),
        ("у меня не открывается 1с, у коллег работает", True, True),
    ],
)
def test_a_suggestion_only_when_nothing_urgent_is_said(description, working, suggest):
    assert may_suggest(description, working_hours=working) is suggest


@pytest.mark.parametrize(
    ("typed", "helped"),
    [
        ("помогло", True),
        ("Да, помогло, спасибо!", True),
        ("получилось", True),
        ("да", True),
        ("it helped", True),
        ("нет", False),
        ("нет, не помогло", False),
        ("не помогло", False),
        ("нужна помощь", False),
        ("не получилось", False),
        ("no", False),
        ("а это точно поможет?", None),  # a question answers nothing
        ("принтер", None),
        ("", None),
        ("нет, теперь он пишет ошибку 0x00000bcb при печати из 1с", None),  # a description
    ],
)
def test_typed_answers_to_the_suggestion(typed, helped):
    assert read_self_help_answer(typed) is helped


def _said(kind_confidence: float, service: float) -> Classification:
    return Classification(TicketKind.INCIDENT, kind_confidence, Category.OTHER, 0.5, service)


@pytest.mark.parametrize(
    ("kind_confidence", "service", "faq_score", "question"),
    [
        (0.1, 0.95, 0.0, True),  # the classifier says so: asked even without an answer
        (0.5, 0.45, 0.62, True),  # unsure, and a FAQ answers it well: "работаете после 18?"
        (0.5, 0.45, 0.35, False),  # unsure, and the FAQ barely matches: the intake asks
        (0.6, 0.14, 0.57, False),  # "работает": a FAQ shares its stem, the classifier says no
        (0.95, 0.0, 0.7, False),  # surely a breakdown, whatever the FAQ says
    ],
)
def test_a_question_about_the_service(kind_confidence, service, faq_score, question):
    said = _said(kind_confidence, service)
    assert asks_about_service(said, faq_score) is question
