"""What a newcomer means when they type instead of pressing a button, while the bot asks
how to call them ("Как к вам обращаться? Олег — верно?").

"да" agrees, "нет" asks to type the name, "нет, Оля" or "меня зовут Ольга Петровна" is
the name, and anything else ("а что это за бот?", "не печатает принтер") is not a name: the
question is asked again and the invitation stays open. Pure and table-tested
(tests/unit/test_names.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from domain.classification import classify
from domain.enums import Category

MAX_NAME_LENGTH = 100
MAX_NAME_WORDS = 3
# A text the classifier takes for a problem this surely ("зависает", "глючит") is no name;
# names themselves score up to about 0.7 ("Олег Иванович" a request at 0.67).
PROBLEM_CONFIDENCE = 0.8

_YES = frozenset({"да", "ага", "угу", "верно", "правильно", "конечно", "точно", "yes",
                  "yep", "yeah", "right", "correct", "sure", "ok", "ок", "окей"})  # fmt: skip
_NO = frozenset({"нет", "неа", "no", "nope", "неверно", "неправильно"})
# How people introduce a name: "меня зовут Оля", "зовите Олей", "call me Ollie".
_INTRODUCTIONS = re.compile(
    r"^(?:(?:нет|no|не совсем|лучше|можно)[\s,.!:-]+)?"
    r"(?:меня зовут|зовут|зовите меня|зовите|обращайтесь ко мне|обращайтесь|моё имя|мое имя|"
    r"я|call me|my name is|i am|i'm)?[\s,.!:-]*(?:просто|just)?[\s,.!:-]*",
    re.IGNORECASE,
)
# Words that are no name: greetings, small talk, questions.
_NOT_NAMES = frozenset(
    {"привет", "здравствуйте", "здраствуйте", "добрый", "день", "утро", "вечер", "спасибо",
     "hello", "hi", "hey", "thanks", "что", "как", "где", "кто", "зачем", "почему", "это",
     "бот", "не", "what", "who", "why", "how", "bot", "the", "is", "помогите", "help",
     "ок", "ok", "хорошо", "ладно", "пожалуйста", "please", "имя", "name"}
)  # fmt: skip
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?$")
# Rows of the Russian and Latin keyboards, both ways: "фывапр" or "asdf" is a hand run
# along the keys, not a name. No name has four neighbouring keys of a row in it.
_KEY_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_RUNS = frozenset(
    run[i : i + 4] for row in _KEY_ROWS for run in (row, row[::-1]) for i in range(len(run) - 3)
)
_VOWELS = frozenset("аеёиоуыэюяaeiouy")


class Said(StrEnum):
    YES = "yes"  # the name offered is right
    NO = "no"  # it is not: they will type another one
    NAME = "name"  # they typed the name to use
    UNCLEAR = "unclear"  # not an answer: ask again


@dataclass(frozen=True, slots=True)
class NameReply:
    said: Said
    name: str = ""


def read_name_reply(text: str, *, asked_to_type: bool = False) -> NameReply:
    """What a typed answer to "how shall we call you?" says. `asked_to_type`: the person was
    asked to type their name, so a name is expected and "да" is not an answer."""
    text = unicodedata.normalize("NFKC", text).strip()
    words = [w.strip(",.!") for w in text.lower().replace("ё", "е").split()]
    words = [w for w in words if w]
    if not words or text.startswith("/"):
        return NameReply(Said.UNCLEAR)
    if words[0] in _YES and len(words) <= 3:
        yes = not asked_to_type and "?" not in text
        return NameReply(Said.YES) if yes else NameReply(Said.UNCLEAR)
    if words in ([w] for w in _NO):
        return NameReply(Said.NO)
    name = _name_in(text, strict=not asked_to_type)
    return NameReply(Said.NAME, name) if name else NameReply(Said.UNCLEAR)


def _name_in(text: str, *, strict: bool) -> str:
    """The name a text gives, or "" when it gives none."""
    if "?" in text or len(text) > MAX_NAME_LENGTH:
        return ""
    rest = _INTRODUCTIONS.sub("", text, count=1).strip(" ,.!")
    words = rest.split()
    if not words or len(words) > MAX_NAME_WORDS:
        return ""
    if not all(_NAME_WORD.match(w) for w in words):
        return ""
    if any(w.lower().strip(".") in _NOT_NAMES or _is_mashed(w) for w in words):
        return ""
    if strict:
        # Not a problem described without a greeting ("принтер", "не печатает").
        result = classify(rest)
        if result.category_confidence >= 0.5 and result.category is not Category.OTHER:
            return ""
        if result.confidence >= PROBLEM_CONFIDENCE:
            return ""
    if rest.islower():
        rest = " ".join(w[:1].upper() + w[1:] for w in words)
    return rest


def _is_mashed(word: str) -> bool:
    """Keys hit at random: a run along a keyboard row ("фывапр", "asdf"), a letter three
    times running ("ааа"), or three letters or more without a vowel ("пврл"). Initials
    ("А.") are too short to be taken for any of these."""
    word = word.lower().strip(".")
    if any(word[i : i + 4] in _KEY_RUNS for i in range(len(word) - 3)):
        return True
    if re.search(r"(.)\1\1", word):
        return True
    return len(word) >= 3 and not _VOWELS.intersection(word)


class PhoneSaid(StrEnum):
    """What a newcomer typed where the bot asks for their phone number."""

    NUMBER = "number"  # "+7 916 123-45-67"
    SKIP = "skip"  # "не надо", "нет", "пропустить"
    PROBLEM = "problem"  # "не работает интернет": they came to report it
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class PhoneReply:
    said: PhoneSaid
    phone: str = ""


_PHONE_CHARS = re.compile(r"^\+?[\d\s()\-]{10,24}$")
_SKIP_PHONE = ("не надо", "не нужно", "не хочу", "нет", "неа", "пропуст", "потом", "skip",
               "no", "later")  # fmt: skip


def read_phone_answer(text: str) -> PhoneReply:
    """A phone number typed (10 to 15 digits, spaces, dashes and brackets allowed), a wish to
    skip, or a problem described at once (two words or more that name no number)."""
    text = text.strip()
    if _PHONE_CHARS.match(text):
        digits = re.sub(r"\D", "", text)
        if 10 <= len(digits) <= 15:
            return PhoneReply(PhoneSaid.NUMBER, ("+" if text.startswith("+") else "") + digits)
    said = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    bare = " ".join(re.sub(r"[^\w\s]", " ", said).split())
    if any(bare == p or bare.startswith(p + " ") or (len(p) > 3 and bare.startswith(p))
           for p in _SKIP_PHONE):  # fmt: skip
        return PhoneReply(PhoneSaid.SKIP)
    if len(bare.split()) >= 2 and "?" not in text:
        return PhoneReply(PhoneSaid.PROBLEM)
    return PhoneReply(PhoneSaid.UNCLEAR)
