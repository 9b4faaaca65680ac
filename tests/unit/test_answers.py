"""Typed answers to the intake's questions: what people write instead of pressing a button."""

from __future__ import annotations

import pytest

from domain.answers import (
    Question,
    Reply,
    correction_of,
    is_bare_cancel,
    meant_as_an_answer,
    read_answer,
    read_score,
    topic_instead,
)
from domain.enums import Category, RequestType, Scope, TicketKind, WorkImpact

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
        (Q.KIND_GUESS, "верно?", None),  # a question agrees to nothing
        (Q.KIND_GUESS, "неа", Reply.NO),
        (Q.KIND_GUESS, "тема другая", Reply.TOPIC),
        (Q.KIND_GUESS, "нет, тема не та", Reply.TOPIC),
        (Q.KIND_GUESS, "это не поломка, а просьба", TicketKind.REQUEST),
        (Q.KIND_GUESS, "не сломалось, нужна помощь", TicketKind.REQUEST),
        (Q.KIND_GUESS, "это не просьба", TicketKind.INCIDENT),
        (Q.KIND_GUESS, "это поломка", TicketKind.INCIDENT),
        (Q.KIND_GUESS, "нет работа стоит", TicketKind.INCIDENT),  # "no" says what it is
        (Q.KIND_GUESS, "нет, не работает", TicketKind.INCIDENT),
        (Q.KIND_GUESS, "нет, всё встало", TicketKind.INCIDENT),
        (Q.KIND_GUESS, "нет, просто нужна помощь", TicketKind.REQUEST),
        (Q.KIND_GUESS, "нет, не надо", Reply.CANCEL),
        (Q.TOPIC, "интернет", Category.INTERNET_NETWORK),
        (Q.TOPIC, "интирнет", Category.INTERNET_NETWORK),
        (Q.TOPIC, "это про почту", Category.EMAIL),
        (Q.TOPIC, "1ска", Category.ONE_C),
        (Q.TOPIC, "принтер", Category.PRINTER),
        (Q.TOPIC, "другое", Category.OTHER),
        (Q.TOPIC, "принтер и почта", None),  # two topics: which one?
        (Q.TOPIC, "прнтер", Category.PRINTER),  # a letter missing, changed, swapped
        (Q.TOPIC, "пачта", Category.EMAIL),
        (Q.TOPIC, "тилефон", Category.PHONE),
        (Q.TOPIC, "програма", Category.SOFTWARE),
        (Q.TOPIC, "интренет", Category.INTERNET_NETWORK),
        (Q.TOPIC, "дочка", None),
        (Q.TOPIC, "не знаю", None),
        (Q.SECOND, "добавить", Reply.ADD),
        (Q.SECOND, "дабавь", Reply.ADD),
        (Q.SECOND, "к этой", Reply.ADD),
        (Q.SECOND, "отдельная", Reply.SEPARATE),
        (Q.SECOND, "атдельная", Reply.SEPARATE),
        (Q.SECOND, "это новая", Reply.SEPARATE),
        (Q.SECOND, "не знаю", None),
        (Q.CANCEL_TICKET, "да", Reply.YES),
        (Q.CANCEL_TICKET, "да, отменяйте", Reply.YES),
        (Q.CANCEL_TICKET, "отменить", Reply.YES),
        (Q.CANCEL_TICKET, "нет, оставьте", Reply.NO),
        (Q.CANCEL_TICKET, "не надо", Reply.NO),
        (Q.CANCEL_TICKET, "не отменяйте", Reply.NO),
        (Q.CANCEL_TICKET, "отменить?", None),
        (Q.CANCEL_TICKET, "атменить", Reply.YES),
        (Q.CANCEL_TICKET, "не нада", Reply.NO),
        (Q.CANCEL_TICKET, "а когда придут?", None),
        (Q.CLOSE_TICKET, "да", Reply.YES),
        (Q.CLOSE_TICKET, "да, закрывайте", Reply.YES),
        (Q.CLOSE_TICKET, "не нужна", Reply.YES),
        (Q.CLOSE_TICKET, "нет, уже не нужна", Reply.YES),
        (Q.CLOSE_TICKET, "не надо", Reply.YES),
        (Q.CLOSE_TICKET, "закрыть", Reply.YES),
        (Q.CLOSE_TICKET, "нет", Reply.NO),
        (Q.CLOSE_TICKET, "нужна", Reply.NO),
        (Q.CLOSE_TICKET, "нет, ещё нужна", Reply.NO),
        (Q.CLOSE_TICKET, "не закрывайте", Reply.NO),
        (Q.CLOSE_TICKET, "передайте инженеру", Reply.NO),
        (Q.CLOSE_TICKET, "закрыть?", None),
        (Q.CLOSE_TICKET, "не приходит почта от клиентов", None),  # a new problem
        (Q.CLOSE_TICKET, "нужно поставить Zoom", None),  # a new request, not "still needed"
        (Q.CLOSE_TICKET, "да, спасибо", Reply.YES),
        (Q.CLOSE_TICKET, "yes", Reply.YES),
        (Q.CLOSE_TICKET, "no, I still need it", Reply.NO),
        (Q.KIND, "сломалось", TicketKind.INCIDENT),
        (Q.KIND, "что-то не работает", TicketKind.INCIDENT),
        (Q.KIND, "нужна помощь", TicketKind.REQUEST),
        (Q.KIND, "хз", None),
        (Q.KIND, "сламалось", TicketKind.INCIDENT),  # typed in a hurry
        (Q.KIND, "не работет", TicketKind.INCIDENT),
        (Q.KIND, "нужна памощь", TicketKind.REQUEST),
        (Q.KIND, "просьба", TicketKind.REQUEST),
        (Q.KIND, "это не поломка", TicketKind.REQUEST),
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
        (Q.SUMMARY, "атправить", Reply.YES),  # as typed in a hurry
        (Q.SUMMARY, "да", Reply.YES),
        (Q.SUMMARY, "отправить?", None),  # asks, it does not agree
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
        (Q.EMERGENCY, "до понедельника", Reply.NO),  # the button's words on a Friday night
        (Q.EMERGENCY, "пусть ждёт до понедельника", Reply.NO),
        (Q.EMERGENCY, "не надо", Reply.NO),  # "do not call", not "cancel the request"
        (Q.EMERGENCY, "сейчас не надо", Reply.NO),
        (Q.EMERGENCY, "отмена", Reply.CANCEL),
        (Q.EMERGENCY, "и ещё сканер", None),
        (Q.EMERGENCY, "ну что там??", None),
        # Waiting denied is a call, whatever "подожд" or "wait" it holds.
        (Q.EMERGENCY, "до утра не подождёт", Reply.YES),
        (Q.EMERGENCY, "подождать не можем", Reply.YES),
        (Q.EMERGENCY, "до утра ждать нельзя", Reply.YES),
        (Q.EMERGENCY, "утром будет поздно", Reply.YES),
        (Q.EMERGENCY, "ждать не можем, пришлите инженера", Reply.YES),
        (Q.EMERGENCY, "we can't wait", Reply.YES),
        (Q.EMERGENCY, "it cannot wait", Reply.YES),
        (Q.EMERGENCY, "call someone now", Reply.YES),
        (Q.EMERGENCY, "нет, вызывайте", Reply.YES),
        (Q.EMERGENCY, "не вызывайте", Reply.NO),
        (Q.EMERGENCY, "можем подождать", Reply.NO),
        (Q.SUMMARY, "call someone now", Reply.EMERGENCY),
        (Q.SUMMARY, "до утра не подождёт", Reply.EMERGENCY),
        (Q.SUMMARY, "спасибо", None),
        (Q.IMPACT, "могу, но долго", WorkImpact.HAMPERED),
        (Q.IMPACT, "ну так себе", WorkImpact.HAMPERED),
        (Q.IMPACT, "barely", WorkImpact.HAMPERED),
        (Q.IMPACT, "вообще никак", WorkImpact.BLOCKED),
        (Q.IMPACT, "никак", WorkImpact.BLOCKED),
        (Q.IMPACT, "стоим", WorkImpact.BLOCKED),
        (Q.IMPACT, "not at all", WorkImpact.BLOCKED),
        (Q.IMPACT, "не знаю", WorkImpact.HAMPERED),  # the middle; the summary shows it
        (Q.SCOPE, "я и Вера", Scope.SEVERAL),
        (Q.SCOPE, "me and my colleague", Scope.SEVERAL),
        (Q.SCOPE, "the whole team", Scope.SEVERAL),
        (Q.SCOPE, "никто не может", Scope.COMPANY),
        (Q.SCOPE, "не знаю", Scope.ME),
        (Q.SECOND, "да", Reply.ADD),  # "yes, add it"
        (Q.SECOND, "нет", Reply.ADD),  # "no, it is no other problem"
        # a number typed instead of pressing: the button in that place
        (Q.KIND, "1", TicketKind.INCIDENT),
        (Q.KIND, "2", TicketKind.REQUEST),
        (Q.IMPACT, "3", WorkImpact.BLOCKED),
        (Q.SCOPE, "2", Scope.SEVERAL),
        (Q.SCOPE, "4", None),
        (Q.REQUEST_TYPE, "2", RequestType.CHANGE),
        # the after-hours summary's own buttons, typed
        (Q.SUMMARY, "подождёт до утра", Reply.NO),
        (Q.SUMMARY, "это авария, вызывайте", Reply.EMERGENCY),
        (Q.SUMMARY, "атправить", Reply.YES),
        (Q.SUMMARY, "где моя заявка?", None),
        (Q.SCOPE, "", None),
        (Q.KIND, "Не работает 1С: " + "а" * 4000, None),  # a long text split by Telegram
    ],
)
def test_a_typed_answer_names_the_option(question: Question, text: str, answer: object) -> None:
    assert read_answer(question, text) == answer


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("весь офис", True),  # the next question's answer, typed too early
        ("атправить", True),
        ("2", True),
        ("где моя заявка?", True),
        ("ну что там??", True),
        ("с трудом", True),
        ("горит красная лампа", False),  # more about the problem
        ("HP LaserJet 1020", False),
        ("сканер тоже", False),
        ("не печатает принтер, а нужно срочно распечатать договор", False),
    ],
)
def test_a_few_words_that_answer_some_question_are_not_a_description(
    text: str, meant: bool
) -> None:
    assert meant_as_an_answer(text) is meant


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("5", 5),
        ("5/5", 5),
        ("5 из 5", 5),
        ("2 из 5", 2),
        ("на 4", 4),
        ("оценка 3", 3),
        ("на пятёрку", 5),
        ("отлично!", 5),
        ("хорошо", 4),
        ("ну на троечку", 3),
        ("плохо", 2),
        ("ужасно", 1),
        ("great", 5),
        ("6", None),
        ("0", None),
        ("не очень хорошо", None),  # not a plain word of praise
        ("когда будет готово?", None),
        ("спасибо, работает", None),
        ("и ещё принтер не печатает", None),
    ],
)
def test_a_typed_score_under_the_rating_question(text: str, score: int | None) -> None:
    assert read_score(text) == score


@pytest.mark.parametrize(
    ("text", "cancels"),
    [
        ("отмена", True),
        ("Отменить", True),
        ("ой, всё, не надо", True),
        ("cancel", True),
        ("отменить подписку на антивирус", False),  # a request that names cancelling
        ("не надо переустанавливать", False),
        ("не печатает", False),
    ],
)
def test_a_bare_cancel_where_a_description_is_asked(text: str, cancels: bool) -> None:
    assert is_bare_cancel(text) is cancels


@pytest.mark.parametrize(
    ("text", "stated", "topic"),
    [
        ("нет это сканер а не принтер", Category.SOFTWARE, Category.PRINTER),
        ("нет, это про почту", Category.PRINTER, Category.EMAIL),
        ("это 1с, а не почта", Category.EMAIL, Category.ONE_C),
        ("тема интернет", Category.PHONE, Category.INTERNET_NETWORK),
        ("нет, принтер печатает полосами", Category.PRINTER, None),  # the same topic
        ("нет", Category.PRINTER, None),
        ("тема другая", Category.PRINTER, None),
        ("это не поломка, а просьба", Category.PRINTER, None),
        ("это почта?", Category.PRINTER, None),
    ],
)
def test_the_guess_corrected_by_naming_the_topic(
    text: str, stated: Category, topic: Category | None
) -> None:
    assert topic_instead(text, stated) is topic


@pytest.mark.parametrize(
    ("earlier", "text", "answer"),
    [
        (Q.IMPACT, "ой нет, работать могу, просто неудобно", WorkImpact.HAMPERED),
        (Q.IMPACT, "нет, не могу работать вообще", WorkImpact.BLOCKED),
        (Q.IMPACT, "вернее, с трудом", WorkImpact.HAMPERED),
        (Q.SCOPE, "ой, нет, весь офис", Scope.COMPANY),
        (Q.IMPACT, "работать могу, просто неудобно", None),  # nothing says it corrects
        (Q.IMPACT, "ой нет", None),
        (Q.IMPACT, "нет, а когда придёте?", None),
    ],
)
def test_a_correction_answers_the_earlier_question_again(
    earlier: Q, text: str, answer: object
) -> None:
    assert correction_of(earlier, text) == answer
