"""Self-help before a request is registered: when the intake may suggest an article, and
how a typed answer to "Возможно, поможет: …" is read.

An article is suggested after the description and before the urgency questions, so the
priority is not known yet. What must never wait for a suggestion is told apart from the
description and the clock: outside the client's working hours (an office that is down at
night calls the on-duty engineer: no delay), and a description that already says many
people or the whole office are stopped, or that names an emergency (a Highest incident
in the making). Table-tested in tests/unit/test_self_help.py.
"""

from __future__ import annotations

import re
import unicodedata

from domain.classification import Classification

_WORD = re.compile(r"[^\W_]+")

# Words of an outage that stops more than one person: never delayed by a suggestion.
_WIDESPREAD = (
    "весь офис", "всего офиса", "во всем офисе", "всему офису", "у всех", "все сотрудники",
    "никто не", "ни у кого", "вся компания", "всей компании", "весь отдел", "всего отдела",
    "авари", "сервер упал", "упал сервер", "лежит сервер", "сервер лежит", "нет света",
    "свет отключ", "пропал свет", "офис стоит", "все стоит", "работа стоит",
    "whole office", "everyone", "nobody can", "outage", "server is down", "server down",
)  # fmt: skip

_HELPED = ("помогло", "помогла", "помог", "получилось", "заработал", "заработало", "решил",
           "решено", "разобрал", "спасибо", "it helped", "helped", "worked", "solved",
           "fixed")  # fmt: skip
_NOT_HELPED = ("не помог", "не получ", "не заработ", "не работает", "нужна помощь", "нужен",
               "нет", "не то", "не решил", "помогите", "didnt help", "did not help", "no",
               "not", "need help")  # fmt: skip


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return " " + " ".join(_WORD.findall(text.replace("’", "").replace("'", ""))) + " "


def _has(said: str, phrases: tuple[str, ...]) -> bool:
    """A phrase begins a word ("авари" in "авария"); a short one must be the whole word."""
    return any((f" {p} " if len(p) <= 3 else f" {p}") in said for p in phrases)


def may_suggest(description: str, *, working_hours: bool) -> bool:
    """Whether an article may be suggested before this request's questions."""
    return working_hours and not _has(_normal(description), _WIDESPREAD)


MAX_ANSWER_WORDS = 6  # longer is a description ("нет, теперь он пишет ошибку 0x8…")


def read_self_help_answer(text: str) -> bool | None:
    """ "помогло", "да, спасибо" → True; "нет", "не помогло", "нужна помощь" → False;
    anything else (a question, a longer text) → None."""
    said = _normal(text)
    if not said.strip() or len(said.split()) > MAX_ANSWER_WORDS or "?" in text:
        return None
    if _has(said, _NOT_HELPED):
        return False
    if _has(said, _HELPED) or said.strip() in ("да", "ок", "ok", "yes", "да спасибо"):
        return True
    return None


# A message the classifier is unsure of ("работаете после 18?") is still taken as a question
# about the service when a FAQ article answers it at least this well (domain/kb_search.py's
# score; its threshold for a suggestion is lower) and the classifier gives a question some
# chance ("работает" alone shares a stem with "работаете ли вы вечером", and is none).
FAQ_ON_ITS_OWN = 0.5
SOME_CHANCE = 0.3


def asks_about_service(classification: Classification, best_faq_score: float) -> bool:
    """Whether a message is a question about the service, to answer rather than register."""
    if classification.is_service_question:
        return True
    return (
        best_faq_score >= FAQ_ON_ITS_OWN
        and classification.service_question >= SOME_CHANCE
        and not classification.is_confident
    )
