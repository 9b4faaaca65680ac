"""What a typed answer to one of the intake's questions means.

People answer "Можете сейчас работать?" with "нет, всё стоит" rather than pressing «Нет,
работа стоит», and "отправляй" rather than «✅ Отправить». `read_answer` maps such a text to
the option it names, or None when it names none (then the text adds to the description).
Pure and table-tested; the words are Russian and English, with the usual typos tolerated by
matching word beginnings.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from domain.enums import RequestType, Scope, TicketKind, WorkImpact


class Question(StrEnum):
    KIND_GUESS = "kind_guess"  # "Похоже, что-то сломалось. Верно?"
    KIND = "kind"  # "Что у вас?": broken, or help/a change
    IMPACT = "impact"  # "Можете сейчас работать?"
    SCOPE = "scope"  # "Кого это затрагивает?"
    REQUEST_TYPE = "request_type"  # help/routine, or something new/a purchase
    SUMMARY = "summary"  # the card: send or cancel
    EMERGENCY = "emergency"  # after hours: "call the on-duty engineer now?" yes, or wait


class Reply(StrEnum):
    YES = "yes"  # the guess is right / send it / call now
    NO = "no"  # the guess is wrong / it can wait until the morning
    CANCEL = "cancel"


Answer = Reply | TicketKind | WorkImpact | Scope | RequestType

_WORD = re.compile(r"[^\W_]+")

# A text longer than this is a description, not an answer to a button question.
MAX_WORDS = 6
MAX_CHARACTERS = 60

_YES = ("да", "ага", "угу", "верно", "правильно", "точно", "конечно", "yes", "yep", "right",
        "correct", "ок", "окей", "ok")  # fmt: skip
_NO = ("нет", "неверно", "не так", "неправильно", "no", "wrong", "nope")
_SEND = ("отправ", "send", "регистр", "да", "ок", "ok", "готово", "верно", "yes")
_WAITS = ("подожд", "подожде", "до утра", "утром", "wait", "morning")
_CALL = ("вызыва", "вызови", "вызвать", "срочно", "сейчас", "call", "now", "urgent")
_CANCEL = ("отмен", "не надо", "не нужно", "cancel")
_BROKEN = ("слома", "не работа", "не печата", "не включа", "не откры", "ошибк", "глюч",
           "завис", "упал", "broken", "not working", "error", "doesnt work")  # fmt: skip
_REQUEST = ("помощ", "помоч", "нужн", "надо", "установ", "настро", "заявк", "запрос", "help",
            "need", "request", "install")  # fmt: skip
_BLOCKED = ("не могу", "нельзя", "невозможно", "стоит", "встал", "нет", "no", "cannot", "cant",
            "stopped", "не работаю")  # fmt: skip
_HAMPERED = ("трудно", "с трудом", "тяжело", "медленно", "тормоз", "мешает", "неудобно",
             "но ", "slow", "hard", "difficult")  # fmt: skip
_NOT_HINDERED = ("могу", "да", "нормально", "yes", "fine")
_ME = ("только я", "только меня", "я", "меня", "мне", "один", "одна", "me", "only me", "just me")
_SEVERAL = ("несколько", "коллег", "пару", "пара", "двое", "трое", "отдел", "бухгалтерия",
            "several", "colleagues", "few")  # fmt: skip
_COMPANY = ("весь офис", "все", "всех", "всю", "вся компания", "всю компанию", "всем",
            "офис", "компан", "everyone", "whole office", "all", "company")  # fmt: skip
_SERVICE = ("помощ", "консульт", "настро", "рутин", "обычн", "help", "consult", "routine")
_CHANGE = ("ново", "новы", "нова", "нову", "покуп", "закуп", "купить", "измен", "new",
           "purchase", "buy", "change")  # fmt: skip


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return " ".join(_WORD.findall(text.replace("’", "").replace("'", "")))


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    """A phrase begins a word of the text ("слома" in "сломался"); a short one (up to three
    letters: "да", "все", "я") must be the whole word."""
    padded = f" {text} "
    return any(
        (f" {p} " if len(p) <= 3 else f" {p}") in padded
        for p in (phrase.replace("ё", "е") for phrase in phrases)
    )


def read_answer(question: Question, text: str) -> Answer | None:
    """The option a typed answer names, or None (a description, or unclear)."""
    said = _normal(text)
    if not said or len(said.split()) > MAX_WORDS or len(text) > MAX_CHARACTERS:
        return None
    if question is Question.EMERGENCY:  # "не надо" here means "do not call", not "cancel"
        if _has(said, ("отмен", "cancel")):
            return Reply.CANCEL
        if _has(said, _NO) or _has(said, _WAITS) or _has(said, ("не надо", "не нужно")):
            return Reply.NO
        return Reply.YES if _has(said, _YES) or _has(said, _CALL) else None
    if _has(said, _CANCEL):
        return Reply.CANCEL
    if question is Question.SUMMARY:
        return Reply.YES if _has(said, _SEND) else None
    if question is Question.KIND_GUESS:
        if _has(said, _NO):
            return Reply.NO
        return Reply.YES if _has(said, _YES) else None
    if question is Question.KIND:
        if len(said.split()) > 4:  # "и ещё почта не работает" tells more, it picks nothing
            return None
        broken, request = _has(said, _BROKEN), _has(said, _REQUEST)
        if broken != request:
            return TicketKind.INCIDENT if broken else TicketKind.REQUEST
        return None
    if question is Question.IMPACT:
        # Order matters: "не мешает" is no "мешает", and "да, но медленно" is no "да".
        if _has(said, ("не мешает", "терпит", "подожд", "can wait")):
            return WorkImpact.NOT_HINDERED
        if _has(said, _HAMPERED):
            return WorkImpact.HAMPERED
        if _has(said, _BLOCKED):
            return WorkImpact.BLOCKED
        return WorkImpact.NOT_HINDERED if _has(said, _NOT_HINDERED) else None
    if question is Question.SCOPE:
        for scope, words in (
            (Scope.COMPANY, _COMPANY),
            (Scope.SEVERAL, _SEVERAL),
            (Scope.ME, _ME),
        ):
            if _has(said, words):
                return scope
        return None
    if question is Question.REQUEST_TYPE:
        service, change = _has(said, _SERVICE), _has(said, _CHANGE)
        if service != change:
            return RequestType.SERVICE if service else RequestType.CHANGE
    return None
