"""What a description tells the intake, before any question is asked about it.

- `says_what`: whether a text names what is wrong or needed at all. "помогите", "срочно",
  "help", "не работает" alone name nothing: the intake asks what happened, in one line,
  before anything else (rather than guessing a topic from nothing).
- `topic_of`: the topic the intake states ("Тема: принтер"), only when the classifier is
  sure of it; otherwise no topic is claimed.
- `printing_device`: which device of the printing topic a text names (the topic holds
  printers, scanners, МФУ and copiers, as the classifier learnt them), so that "не работает
  сканер" is shown as a scanner, not a printer.
- `another_problem`: whether a text typed in the middle of the questions is plainly a
  second problem ("а ещё не работает 1С" while the printer is being described), so that the
  person is asked whether it joins this request or is a separate one; `on_its_own` is
  such a text as the description of a request of its own ("не работает 1С").

Pure and table-tested (tests/unit/test_descriptions.py).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from domain.answers import topics_named
from domain.classification import classify
from domain.enums import Category, TicketKind

# The topic is stated (and kept) when the classifier is at least this sure of it.
TOPIC_CONFIDENCE = 0.5
# A text typed during the questions is another problem when the classifier is this sure it
# is about another topic than the request's...
ANOTHER_TOPIC_CONFIDENCE = 0.6
# ...or this sure it is of another kind (a request while a breakdown is described), when it
# begins as people add a second thing ("а ещё", "и также", "кстати")...
ANOTHER_KIND_CONFIDENCE = 0.8
# ...and it is a message of this many words: fewer tell too little ("почта"), more are the
# continuation of a long description Telegram split into several messages.
ANOTHER_PROBLEM_WORDS = (3, 60)
# A message of this many words names a device of another topic by its word ("мышка
# заедает", "у меня мышка заедает" while the server is described): another problem, unless
# the classifier is sure of something else. One word ("почта") tells too little; in longer
# ones other devices come up as details ("на всех компьютерах ошибка").
NAMED_PROBLEM_WORDS = (2, 5)

_WORD = re.compile(r"[^\W_]+")
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")

# Words that say nothing of what is wrong: greetings, politeness, a call for help, urgency,
# and the bare "it does not work". Word beginnings, so that endings and typos still match.
_VAGUE_STEMS = (
    "привет", "здравств", "здраств", "здрасьт", "добр", "помог", "памаг", "помощ", "пожалуйст",
    "пожалст", "плиз", "срочн", "скор", "быстр", "спасит", "спаси", "проблем", "сломал",
    "поломк", "работа", "ошибк", "беда", "вопрос", "извин", "подскаж", "hello", "help",
    "pleas", "urgent", "problem", "broke", "work", "error", "issue",
)  # fmt: skip
_VAGUE_WORDS = frozenset(
    {"день", "утро", "вечер", "хай", "hi", "hey", "sos", "не", "нет", "у", "меня", "нас", "мне",
     "нам", "я", "мы", "опять", "снова", "очень", "что", "то", "чтото", "что-то", "все", "всё",
     "ничего", "тут", "здесь", "есть", "с", "и", "а", "вот", "ну", "уже", "совсем", "вообще",
     "нужна", "нужно", "надо", "можно", "асап", "asap", "pls", "plz", "not", "doesnt", "dont",
     "is", "it", "its", "something", "there", "a", "an", "the", "my", "me", "i", "we", "need",
     "again", "nothing", "all", "please", "now", "сейчас", "случилось", "вас", "вы",
     "хелп", "алло", "эй"}
)  # fmt: skip
# How people begin a second thing: "а ещё …", "и также …", "кстати, …".
_ALSO = re.compile(
    r"^\W*(?:а|и|and)?\s*(?:ещ[её]|также|кроме того|кстати|помимо этого|also|by the way)\b",
    re.IGNORECASE,
)
# Words that say plainly that what follows is a second problem.
_ANOTHER_PHRASES = ("еще одна", "еще один", "еще проблема", "еще вопрос", "другая проблема",
                    "другой вопрос", "отдельн", "another problem", "another issue",
                    "one more thing", "separate")  # fmt: skip


# What ties a second problem to the first, at its start: "а ещё", "и также", "кстати".
_LINKING = re.compile(
    r"^(?:(?:а|и|ну|да|and|oh|also|plus)[\s,]+)*"
    r"(?:ещё|еще|также|тоже|кстати|кроме того|помимо этого|also|and also|by the way|plus)"
    r"[\s,:;.!—-]+",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е").replace("’", "'")
    return [_LONG_RUN.sub(r"\1", w) for w in _WORD.findall(text.replace("'", ""))]


def says_what(text: str) -> bool:
    """Whether the text names something: a word beyond greetings, "help", "urgent" and a
    bare "it does not work". No words at all name nothing either."""
    return any(
        w not in _VAGUE_WORDS and not any(w.startswith(s) for s in _VAGUE_STEMS)
        for w in _words(text)
    )


def topic_of(text: str) -> Category:
    """The topic the classifier is sure of, or OTHER (no topic is claimed)."""
    result = classify(text)
    return result.category if result.category_confidence >= TOPIC_CONFIDENCE else Category.OTHER


class Device(StrEnum):
    """A device of the printing topic (Category.PRINTER), as the person named it."""

    PRINTER = "printer"
    SCANNER = "scanner"
    MFP = "mfp"  # МФУ: printer, scanner and copier in one
    COPIER = "copier"


# The devices' words, by the first letters; the first device named in this order is the one:
# an МФУ that does not scan is still the МФУ, and "принтер не сканирует" is the printer.
_DEVICES: tuple[tuple[Device, tuple[str, ...]], ...] = (
    (Device.MFP, ("мфу", "mfp", "multifunction", "all in one")),
    (Device.COPIER, ("ксерокс", "ксерокопир", "копир", "copier", "photocopier", "xerox")),
    (Device.PRINTER, ("принтер", "принтр", "принтак", "плоттер", "printer", "plotter")),
    (Device.SCANNER, ("сканер", "скан", "отскан", "scan")),
)  # fmt: skip


def printing_device(text: str) -> Device:
    """The device a text about printing names: the printer unless it names another one
    ("не печатает", "замените картридж" are about a printer)."""
    words = _words(text)
    for device, stems in _DEVICES:
        if any(w.startswith(stem) for w in words for stem in stems):
            return device
    return Device.PRINTER


def another_problem(text: str, topic: Category, kind: TicketKind | None = None) -> bool:
    """Whether `text`, typed while a request about `topic` (of `kind`, when known) is being
    written, is plainly another problem: it says so ("ещё одна проблема", "отдельно"); or
    it is about another topic the classifier is sure of while the request has a topic of
    its own (about no topic yet, "не печатает принтер" explains "ничего не работает"); or,
    a few words, it names a device of another topic ("мышка заедает" while the server is
    described), which the classifier is seldom sure of in so few words; or it begins as a
    second thing does ("а ещё нужно поставить Zoom") and is surely of the other kind."""
    words = _words(text)
    fewest, most = ANOTHER_PROBLEM_WORDS
    if not NAMED_PROBLEM_WORDS[0] <= len(words) <= most:
        return False
    result = classify(text)
    surely = result.category_confidence >= ANOTHER_TOPIC_CONFIDENCE
    if topic is not Category.OTHER and len(words) <= NAMED_PROBLEM_WORDS[1]:
        named = [c for c in topics_named(text) if c is not Category.OTHER]
        if (
            len(named) == 1
            and named[0] is not topic
            and (not surely or result.category is named[0])
        ):
            return True
    if len(words) < fewest:
        return False
    joined = " ".join(words)
    if any(f" {p}" in f" {joined}" for p in _ANOTHER_PHRASES):
        return True
    if (
        kind is not None
        and _ALSO.match(text)
        and result.kind is not kind
        and result.confidence >= ANOTHER_KIND_CONFIDENCE
    ):
        return True
    if topic is Category.OTHER:
        return False
    return surely and result.category not in (topic, Category.OTHER)


# "Ой, нет, не то", "я не то написала", "ошибся": what follows is the description instead.
_DESCRIBED_ANEW = re.compile(
    r"^\W*(?:(?:ой|ах|упс|извините|sorry|oops)[\s,!.—-]*)?(?:нет[\s,!.—-]*)?"
    r"(?:я\s+)?(?:не\s+то(?!\s+чтобы)(?:\s+написал\w*)?|не\s+так\s+написал\w*|неправильно\s+написал\w*|"
    r"ошибл\w*|ошибся|wrong one|not that)\b[\s,!.:;—-]*",
    re.IGNORECASE,
)


def described_anew(text: str) -> str | None:
    """The new description in a text that takes the first one back ("ой нет не то, у меня
    вообще компьютер не включается"), or None (no such words, or nothing said after them)."""
    match = _DESCRIBED_ANEW.match(text)
    if match is None:
        return None
    rest = text[match.end() :].strip()
    return rest if len(_words(rest)) >= 2 and says_what(rest) else None


# A description that says work has stopped: a bare "да" to "Можете сейчас работать?" then
# contradicts it (it answers "yes, it is broken" more likely than "yes, I can work").
_WORK_STOPPED = ("не могу работать", "не можем работать", "никто не может", "работа стоит",
                 "все стоит", "весь офис стоит", "стоим", "парализ", "nobody can work",
                 "no one can work", "cant work", "cannot work", "work has stopped",
                 "work stopped", "everything stopped")  # fmt: skip


def work_stopped_in(text: str) -> bool:
    """Whether the description itself says that work has stopped."""
    joined = f" {' '.join(_words(text))}"
    return any(f" {phrase}" in joined for phrase in _WORK_STOPPED)


def on_its_own(text: str) -> str:
    """A second problem's words as a description of their own: without the "а ещё" that
    tied them to the first."""
    text = text.strip()
    rest = _LINKING.sub("", text, count=1).strip()
    if rest.lower().startswith(("одн", "один", "one ")):  # "ещё одна проблема: …" stays
        return text
    return rest if says_what(rest) else text
