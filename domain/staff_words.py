"""What a staff member means by a few words typed where a button was expected.

Engineers answer a card or a page the way they would answer a colleague: «беру», «взял»,
«я возьму», «принял», «ок, смотрю». Such a message is an action, not a text for the
client, when it is short and made of these words only (a ticket number may come with it:
«беру №15»). «Принял, перезагрузите роутер» says more than that: it stays an answer.

- `StaffWords.TAKE`: taking the ticket («беру», «взял», «я возьму», «принял», "on it").
- `StaffWords.ACKNOWLEDGE`: only acknowledging («ок», «смотрю», «еду», "got it"): enough
  to answer a page, which asks for nothing else, but not to take a ticket from its card.

Pure and table-tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class StaffWords(StrEnum):
    TAKE = "take"
    ACKNOWLEDGE = "acknowledge"


# Words that take the ticket (any form of "take", "accept").
_TAKE = frozenset(
    {
        "беру", "берем", "взял", "взяла", "взяли", "возьму", "возьмем", "забираю", "заберу",
        "принял", "приняла", "приняли", "принято", "принимаю", "занимаюсь", "займусь",
        "take", "taking", "took", "mine", "ack", "acknowledged", "accepted",
    }
)  # fmt: skip
# Words that acknowledge without taking.
_ACKNOWLEDGE = frozenset(
    {
        "ок", "окей", "ok", "okay", "понял", "поняла", "смотрю", "посмотрю", "гляну",
        "выезжаю", "еду", "подключаюсь", "подключусь", "разбираюсь", "got", "looking",
        "on", "roger",
    }
)  # fmt: skip
# Words that may come with them and change nothing.
_FILLER = frozenset(
    {
        "я", "уже", "сейчас", "щас", "ща", "в", "работу", "на", "себя", "себе", "это", "эту",
        "заявку", "ее", "тоже", "да", "хорошо", "сам", "сама", "все", "всё", "так", "тогда",
        "it", "i", "i'll", "will", "it's", "now", "this", "one", "yes", "a", "look",
    }
)  # fmt: skip
_MOST_WORDS = 6
_NUMBER = re.compile(r"(?:№|#)\s*(\d{1,9})\b|\b(\d{1,9})\b")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_OTHER = re.compile(r"[\s.,!?:;()\-–—…+)]*")


@dataclass(frozen=True, slots=True)
class StaffAction:
    words: StaffWords
    ticket: int | None = None  # a ticket number typed with the words


def read_staff_words(text: str) -> StaffAction | None:
    """The action a short message of staff means, or None when it says something else (an
    answer for the client, a question, talk among staff)."""
    said = text.lower().replace("ё", "е").strip()
    if not said or "?" in said:
        return None
    numbers = [int(a or b) for a, b in _NUMBER.findall(said)]
    if len(numbers) > 1:
        return None
    rest = _NUMBER.sub(" ", said)
    words = _WORD.findall(rest)
    if not words or len(words) > _MOST_WORDS or _OTHER.sub("", _WORD.sub("", rest)):
        return None  # nothing but words and punctuation, and not many of them
    if any(w not in _TAKE | _ACKNOWLEDGE | _FILLER for w in words):
        return None
    if any(w in _TAKE for w in words):
        kind = StaffWords.TAKE
    elif any(w in _ACKNOWLEDGE for w in words):
        kind = StaffWords.ACKNOWLEDGE
    else:
        return None  # «да», «хорошо»: filler alone means nothing
    return StaffAction(kind, numbers[0] if numbers else None)
