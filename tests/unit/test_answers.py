"""Typed answers to the intake's questions: what people write instead of pressing a button."""

from __future__ import annotations

import pytest

from domain.answers import Question, Reply, read_answer
from domain.enums import RequestType, Scope, TicketKind, WorkImpact

Q = Question


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        (Q.KIND_GUESS, "да", Reply.YES),
        (Q.KIND_GUESS, "Да, верно", Reply.YES),
        (Q.KIND_GUESS, "ага", Reply.YES),
        (Q.KIND_GUESS, "нет", Reply.NO),
        (Q.KIND_GUESS, "нет, не так", Reply.NO),
        (Q.KIND_GUESS, "yes", Reply.YES),
        (Q.KIND_GUESS, "и ещё почта не работает", None),
        (Q.KIND, "сломалось", TicketKind.INCIDENT),
        (Q.KIND, "что-то не работает", TicketKind.INCIDENT),
        (Q.KIND, "нужна помощь", TicketKind.REQUEST),
        (Q.KIND, "хз", None),
        (Q.KIND, "и ещё почта не работает", None),  # more of the description
        (Q.IMPACT, "нет работа стоит", WorkImpact.BLOCKED),
        (Q.IMPACT, "не могу", WorkImpact.BLOCKED),
        (Q.IMPACT, "нет", WorkImpact.BLOCKED),
        (Q.IMPACT, "с трудом", WorkImpact.HAMPERED),
        (Q.IMPACT, "да, но медленно", WorkImpact.HAMPERED),
        (Q.IMPACT, "могу", WorkImpact.NOT_HINDERED),
        (Q.IMPACT, "да, не мешает", WorkImpact.NOT_HINDERED),
        (Q.IMPACT, "да", WorkImpact.NOT_HINDERED),
        (Q.IMPACT, "принтер стоит в бухгалтерии на втором этаже справа", None),
        (Q.SCOPE, "только я", Scope.ME),
        (Q.SCOPE, "меня", Scope.ME),
        (Q.SCOPE, "я", Scope.ME),
        (Q.SCOPE, "несколько коллег", Scope.SEVERAL),
        (Q.SCOPE, "вся бухгалтерия", Scope.SEVERAL),
        (Q.SCOPE, "весь офис", Scope.COMPANY),
        (Q.SCOPE, "все", Scope.COMPANY),
        (Q.SCOPE, "всего двое", Scope.SEVERAL),
        (Q.SCOPE, "всегда так", None),
        (Q.REQUEST_TYPE, "помощь", RequestType.SERVICE),
        (Q.REQUEST_TYPE, "нужно купить новый ноутбук", RequestType.CHANGE),
        (Q.SUMMARY, "отправить", Reply.YES),
        (Q.SUMMARY, "отправляй", Reply.YES),
        (Q.SUMMARY, "да", Reply.YES),
        (Q.SUMMARY, "отмена", Reply.CANCEL),
        (Q.SUMMARY, "не надо", Reply.CANCEL),
        (Q.SUMMARY, "ещё сканер не сканирует", None),
        # "call the on-duty engineer now?": yes calls, no (or "it can wait") waits
        (Q.EMERGENCY, "да", Reply.YES),
        (Q.EMERGENCY, "да, вызывайте", Reply.YES),
        (Q.EMERGENCY, "срочно", Reply.YES),
        (Q.EMERGENCY, "нет", Reply.NO),
        (Q.EMERGENCY, "нет, подождёт", Reply.NO),
        (Q.EMERGENCY, "подождёт до утра", Reply.NO),
        (Q.EMERGENCY, "не надо", Reply.NO),  # "do not call", not "cancel the request"
        (Q.EMERGENCY, "сейчас не надо", Reply.NO),
        (Q.EMERGENCY, "отмена", Reply.CANCEL),
        (Q.EMERGENCY, "и ещё сканер", None),
        (Q.SCOPE, "", None),
        (Q.KIND, "Не работает 1С: " + "а" * 4000, None),  # a long text split by Telegram
    ],
)
def test_a_typed_answer_names_the_option(question: Question, text: str, answer: object) -> None:
    assert read_answer(question, text) == answer
