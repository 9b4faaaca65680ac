"""Where a message an employee types belongs: the rule that lets people simply talk to the
front desk instead of pressing buttons.

People answer the engineer's question by typing, send the photo that was asked for, say
"спасибо, заработало" or "всё равно не печатает", or greet the bot. `gist_of` reads what a
message is; `route` decides, from that and the employee's tickets, where it goes:

- a Telegram reply to a bot message about ticket N is about N, in any state;
- the ticket the employee was writing to a few minutes ago takes the next messages too;
- exactly one ticket waiting for the employee's answer (it waits for the client, or staff's
  latest word to them was a question not answered yet): the message is the answer, whatever
  its words; several: which one?
- "it works" confirms a resolved ticket, "it still fails" reopens it, with those words;
- "уже не надо" about a ticket the employee may still withdraw (nobody started on it, or it
  waits for their answer) asks whether to close it or pass the words on;
- anything else soon after an exchange about a ticket is asked about: that ticket or a new one
  (unless it is plainly about another topic); a short message naming another topic than the
  ticket being written to ("1с виснит" after "комп не вкл") is asked about too;
- "работает" with "еле", "плохо", "через раз" is a problem report, never a confirmation;
- "что с моей заявкой?", "а когда?", a lone "?" are answered with the open tickets' status
  (with none open: what the bot can do), unless the engineer waits for the employee's
  answer: then it is that answer, a question back;
- "алло", "где инженер???" go to the one request in work (several: how they stand); a
  complaint about how it goes ("два часа без 1с, никто не позвонил", "как это
  стандартный??") goes to it too and to the personal manager as a complaint;
- small talk gets a friendly word, never a new request; the rest starts a new intake.

Pure: the caller gathers the tickets (`Conversation`) and carries out the answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.enums import Category, TicketStatus

# An exchange about a ticket this recent makes a new message possibly about it: we ask.
RECENT_EXCHANGE = timedelta(hours=24)
# The employee wrote to a ticket this recently: their next messages continue it.
CONTINUING = timedelta(minutes=10)
# A closed ticket may be reopened for this long after it was closed; later, a new one.
REOPEN_CLOSED_WITHIN = timedelta(days=14)
# "Всё равно не работает" this soon after a suggested article helped goes on with that
# request, its description first (the article promised nothing written would be lost).
SELF_HELP_RETURNS = timedelta(hours=24)
# At most this many tickets are offered in one question, the most recent first.
MAX_OPTIONS = 3
# Staff asked the employee a question in a plain answer ("какая ошибка пишет?"), not with
# «Вопрос клиенту»: their next message is the answer for this long, as a waiting ticket's is.
ASKED_AWAITS = timedelta(hours=24)


class Gist(StrEnum):
    """What a message says, as far as routing cares."""

    GREETING = "greeting"  # "привет", "добрый день"
    THANKS = "thanks"  # "спасибо", "спс"
    YES = "yes"  # "да", "конечно", "можно": an answer to a yes-or-no question
    OK = "ok"  # "ок", "хорошо", "понятно": heard, nothing more
    EMOJI = "emoji"  # no words at all: "👍", "))"
    FINE = "fine"  # "норм", "ну вроде норм": "it works" after a fix, else just "ok"
    STATUS = "status"  # "что с моей заявкой?", "any update?", "а когда?"
    WHAT = "what"  # a lone "?": so what about it? (as a status question, never an answer)
    WORKS = "works"  # "заработало", "всё работает, спасибо" (not "работает?": a question)
    STILL_FAILS = "still_fails"  # "всё равно не печатает", "не помогло", "нет"
    NOT_NEEDED = "not_needed"  # "уже не надо, сам заработал", "неактуально"
    NUDGE = "nudge"  # "алло", "вы вообще работаете?", "где инженер???": anybody there?
    COMPLAINT = "complaint"  # "два часа без 1с, никто не позвонил", "как это стандартный??"
    CONTENT = "content"  # anything with substance: a description, an answer, a question


SMALL_TALK = frozenset({Gist.GREETING, Gist.THANKS, Gist.YES, Gist.OK, Gist.EMOJI, Gist.FINE})

# Word beginnings, so that endings and common typos still match ("спасибки", "заработал").
_GREETING = ("привет", "здравств", "здраств", "здрасьт", "здрасте", "добр", "салют")
_GREETING_WORDS = frozenset({"день", "утро", "вечер", "хай", "ку", "hi", "hello", "hey",
                             "morning", "afternoon", "evening"})  # fmt: skip
_THANKS = ("спасиб", "пасиб", "спс", "благодар", "мерси", "сенкс", "thank", "thx")
_YES = frozenset({"да", "ага", "угу", "конечно", "можно", "разумеется", "yes", "yep", "sure"})
_OK = frozenset(
    {"ок", "окей", "оки", "ok", "okay", "хорошо", "ладно", "понял", "поняла", "понятно",
     "ясно", "принято", "принял", "приняла", "отлично", "супер", "класс", "договорились",
     "fine", "great", "cool", "good", "got", "noted", "норм", "нормально"}
)  # fmt: skip
# Words that go with small talk without adding substance.
_FILLER = frozenset(
    {"большое", "огромное", "вам", "тебе", "всем", "очень", "и", "еще", "раз", "так",
     "ну", "вот", "уважаемые", "коллеги", "you", "so", "much", "very", "a", "lot", "all",
     "it", "ty"}
)  # fmt: skip
_WORKS = ("заработал", "работает", "работают", "работаит", "работет", "помогл", "получил",
          "починил", "исправил", "наладил", "works", "working", "fixed", "solved",
          "helped")  # fmt: skip
_WORKS_PHRASES = ("все ок", "все хорошо", "все норм", "все отлично", "все в порядке",
                  "all good", "all fine")  # fmt: skip
_NEGATIONS = frozenset({"не", "нет", "ни", "not", "no", "doesnt", "dont", "didnt", "isnt",
                        "never", "cannot", "cant"})  # fmt: skip
# A fix that did not last, whatever else is said.
_STILL_PHRASES = ("все равно", "по прежнему", "до сих пор", "опять", "снова", "still",
                  "again", "не помогл", "не заработал", "didnt help", "doesnt help",
                  "не получил")  # fmt: skip
# The request has gone away by itself: a few words, no question.
_NOT_NEEDED_PHRASES = ("уже не надо", "уже не нужн", "больше не надо", "больше не нужн",
                       "не актуальн", "неактуальн", "отбой", "сам разобрал", "сама разобрал",
                       "разобрались", "сам справил", "сама справил", "справились",
                       "само заработ", "сам заработ", "сама заработ", "заработало само",
                       "сам починил", "сама починил", "no longer need", "not needed",
                       "never mind", "nevermind", "no need", "sorted it")  # fmt: skip
NOT_NEEDED_WORDS = 8
# "Works, we just need…", "works for now, the certificate expires": a request that reassures
# first, not a confirmation of a fix.
_ASKS = ("нужн", "надо", "хоти", "хотел", "хочу", "прошу", "заканчива", "закончит", "истека",
         "истеч", "продл", "need", "want", "expir", "renew")  # fmt: skip
# "Еле работает", "работает через раз": working badly is a problem, not a fix that took.
_POORLY = ("еле", "плохо", "медлен", "тормоз", "глюч", "виснет", "висн", "зависа", "перебо",
           "barely", "hardly", "slow", "sometimes", "intermittent", "badly")  # fmt: skip
_POORLY_PHRASES = ("через раз", "не всегда", "не очень", "так себе", "с трудом", "not well",
                   "on and off")  # fmt: skip
# Words that hedge a confirmation without adding substance: "ну вроде норм", "теперь ок".
_HEDGES = frozenset({"вроде", "бы", "кажется", "похоже", "теперь", "сейчас",
                     "уже", "пока", "now", "seems", "think", "i"})  # fmt: skip
# "Норм", "нормально" after a fix: it works, said the short way.
_FINE = frozenset({"норм", "нормально", "норма", "порядок", "fine"})
# "Что с моей заявкой?", "ну что там?", "any update?": asking how the request stands, in
# these words only (more words, "а когда придёт мастер?", are something to pass on).
_STATUS_PHRASES = ("что там", "как там", "что с заяв", "что по заяв", "что с моей",
                   "что по моей", "что с нашей", "что по нашей", "как с заяв", "как дела",
                   "какой статус", "статус", "когда", "есть новост", "какие новост",
                   "новости", "ну что", "и что", "скоро", "долго еще", "сколько еще",
                   "any update", "any news", "update", "status", "when", "how long",
                   "whats up", "how is it going", "news", "whats going on", "where is my",
                   "где моя", "где наша", "где заявк")  # fmt: skip
_STATUS_WORDS = frozenset(
    {"что", "там", "как", "с", "по", "моей", "моя", "мою", "нашей", "наша", "нашу",
     "заявкой", "заявка", "заявке", "заявку", "заявочкой", "обращением", "задачей",
     "вопросом", "проблемой", "ну", "а", "и", "когда", "статус", "какой", "какие", "есть",
     "новости", "уже", "скоро", "долго", "еще", "сколько", "ждать", "будет", "дела",
     "сделаете", "сделают", "решите", "решат", "почините", "починят", "же", "заявки", "any",
     "update", "updates", "news", "whats", "what", "is", "the", "status", "of", "my", "on",
     "our", "request", "ticket", "when", "how", "long", "going", "up", "there", "with",
     "where", "где", "it", "be", "will", "fixed", "done", "ready",
     "вы", "you", "are", "at", "this", "happening"}
)  # fmt: skip
# "Алло", "вы вообще работаете?", "где инженер???": is anybody there? In a few words only,
# alongside status words and small talk; "вы работаете в субботу?" is a question.
_NUDGE_PHRASES = ("алло", "ало", "ау", "есть кто", "кто нибудь", "вы работаете",
                  "вы вообще работаете", "вы там", "где инженер", "где мастер",
                  "где специалист", "где техник", "где админ", "где все", "где вы",
                  "anybody there", "anyone there", "are you there", "where is the engineer",
                  "where are you")  # fmt: skip
_NUDGE_WORDS = frozenset({"вообще", "инженер", "мастер", "специалист", "техник", "админ",
                          "все", "кто", "нибудь", "вы", "алло", "ало", "ау", "работаете",
                          "anybody", "anyone", "engineer", "you", "there", "эй",
                          "люди"})  # fmt: skip
_NUDGE_AFTER = frozenset({"суббот", "воскрес", "выходн", "праздник", "ночь", "ночью", "после",
                          "до", "завтра", "weekend", "saturday", "sunday", "after"})  # fmt: skip
# Nobody called, hours without the system, the priority disputed: a complaint about how a
# request is handled, not a new problem and not a question about the contract.
_COMPLAINT_PHRASES = ("никто не позвон", "никто не перезвон", "никто не звон",
                      "никто не отвеч", "никто не ответил", "никто не приш", "никто не прих",
                      "никто не связ", "никто не пиш", "никто не реаг", "никто не берет",
                      "никто не взял", "никто не занима", "никто не чин", "сколько можно",
                      "почему так долго", "почему никто", "как это стандарт",
                      "почему стандарт", "почему обычн", "почему низк", "безобраз",
                      "возмутительн", "не отвечаете", "игнорир", "жалоб", "nobody called",
                      "no one called", "nobody answered", "no one answered", "nobody came",
                      "unacceptable", "how much longer", "ignoring us",
                      "ignoring me")  # fmt: skip
# "Два часа без 1с", "третий день без интернета": time gone without it.
_HOURS_WITHOUT = re.compile(
    r"\b(час|часа|часов|день|дня|дней|минут|hours?|days?)\s+(без|without)\b"
)
# "Works, but…": a reservation makes it content, not a confirmation.
_RESERVATIONS = frozenset({"но", "кроме", "только", "однако", "хотя", "but", "except",
                           "though", "however", "only"})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е").replace("’", "'")
    text = text.replace("'", "")  # "doesn't" → "doesnt"
    return [_LONG_RUN.sub(r"\1", w) for w in _WORD.findall(text)]


def _starts(word: str, stems: Sequence[str]) -> bool:
    return any(word.startswith(stem) for stem in stems)


def gist_of(text: str) -> Gist:
    """What the message says: small talk, "it works", "it still fails", or content."""
    words = _words(text)
    if not words:
        return Gist.WHAT if "?" in text else Gist.EMOJI
    joined = " ".join(words)
    negated = any(w in _NEGATIONS for w in words)
    padded = f" {joined}"
    if any(f" {p}" in padded for p in _COMPLAINT_PHRASES) or _HOURS_WITHOUT.search(joined):
        return Gist.COMPLAINT
    if _nudges(words, padded):
        return Gist.NUDGE
    if any(phrase in joined for phrase in _STILL_PHRASES):
        return Gist.STILL_FAILS
    if (
        "?" not in text
        and len(words) <= NOT_NEEDED_WORDS
        and any(f" {phrase}" in padded for phrase in _NOT_NEEDED_PHRASES)
    ):
        return Gist.NOT_NEEDED
    works = any(_starts(w, _WORKS) for w in words) or any(p in joined for p in _WORKS_PHRASES)
    if works and "?" in text:  # "работает?", "всё ок?": a question, not a confirmation
        return Gist.CONTENT
    poorly = any(_starts(w, _POORLY) for w in words) or any(
        f" {phrase}" in padded for phrase in _POORLY_PHRASES
    )
    if works and poorly:  # "интернет еле работает", "1с работает очень медленно": a problem
        return Gist.STILL_FAILS
    if works and negated and len(words) <= 4:  # "не работает", "нет, всё ещё не работает"
        return Gist.STILL_FAILS
    asks = any(_starts(w, _ASKS) for w in words)
    if works and not negated and len(words) <= 8 and not _RESERVATIONS & set(words) and not asks:
        return Gist.WORKS
    if words in (["нет"], ["no"]):
        return Gist.STILL_FAILS
    if (
        "?" not in text
        and _FINE & set(words)
        and all(w in _HEDGES or _small_talk_kind(w) is not None for w in words)
    ):
        return Gist.FINE  # "ну вроде норм", "норм, спасибо"
    if any(f" {phrase}" in padded for phrase in _STATUS_PHRASES) and all(
        w in _STATUS_WORDS or w.isdigit() or _small_talk_kind(w) is not None for w in words
    ):
        return Gist.STATUS
    kinds = {_small_talk_kind(w) for w in words}
    if None in kinds:
        return Gist.CONTENT
    return next(g for g in (Gist.THANKS, Gist.GREETING, Gist.YES, Gist.OK) if g in kinds)


def _nudges(words: list[str], padded: str) -> bool:
    """ "Алло", "вы вообще работаете?", "где инженер???": nothing but "is anybody there"."""
    return (
        any(f" {phrase}" in f"{padded} " for phrase in _NUDGE_PHRASES)
        and not any(_starts(w, tuple(_NUDGE_AFTER)) for w in words)
        and all(
            w in _NUDGE_WORDS or w in _STATUS_WORDS or _small_talk_kind(w) is not None
            for w in words
        )
    )


def says_nothing_to_keep(text: str) -> bool:
    """Thanks, "ок", an emoji, a bare "?": nothing to keep as a review of the work."""
    return gist_of(text) in SMALL_TALK | {Gist.STATUS, Gist.WHAT}


def _small_talk_kind(word: str) -> Gist | None:
    """The kind of small talk a word is (filler counts as "ok"), or None for substance."""
    if _starts(word, _THANKS):
        return Gist.THANKS
    if word in _GREETING_WORDS or _starts(word, _GREETING):
        return Gist.GREETING
    if word in _YES:
        return Gist.YES
    if word in _OK or word in _FILLER:
        return Gist.OK
    return None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One of the employee's own tickets, as the routing sees it."""

    number: int
    status: TicketStatus
    category: Category
    title: str
    last_exchange_at: datetime  # registered, or staff last wrote or resolved it
    last_employee_at: datetime | None = None  # the employee last wrote to it (or sent it)
    closed_at: datetime | None = None
    staff_messages: int = 0  # how many times staff have written to the employee about it
    # The conversation's latest message, when it is staff's (a reply or a question): when,
    # and its words. None and "" once the employee has written since.
    last_staff_at: datetime | None = None
    last_staff_text: str = ""


@dataclass(frozen=True, slots=True)
class Incoming:
    """The message to route."""

    gist: Gist
    has_files: bool = False
    category: Category = Category.OTHER  # what it is about, when the classifier is sure
    reply_to: Conversation | None = None  # the ticket of the bot message it replies to
    # The topic a message too short to classify names ("1с виснит"): enough to doubt that
    # it continues a ticket about something else, not enough to decide it is new.
    names: Category = Category.OTHER


class Action(StrEnum):
    ATTACH = "attach"  # add to the ticket's conversation (the answer, when it waits for one)
    CONFIRM = "confirm"  # it works: close the resolved ticket
    REOPEN = "reopen"  # it still fails: back to work, with these words
    CLOSE = "close"  # no longer needed: withdrawn (nobody started) or closed (waiting)
    COMPLAIN = "complain"  # add to the ticket and tell the manager it is a complaint
    NEW = "new"  # a new request, this message its description


@dataclass(frozen=True, slots=True)
class Option:
    action: Action
    ticket: int | None = None


@dataclass(frozen=True, slots=True)
class Do:
    """Carry this out."""

    option: Option


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask where the message belongs, once; it is held until the person chooses."""

    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class AskIfWorks:
    """Thanks after a fix: one tap to confirm that it works (or to say it does not)."""

    ticket: int


@dataclass(frozen=True, slots=True)
class Chat:
    """Small talk with nothing to act on: a friendly answer, mentioning an awaited answer."""

    gist: Gist
    waiting: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Status:
    """ "Что с моей заявкой?": how these tickets stand, answered from the tickets (the most
    recent first); none open: what the bot can do."""

    tickets: tuple[int, ...]


Route = Do | Ask | AskIfWorks | Chat | Status


def returns_after_self_help(
    text: str,
    helped_at: datetime | None,
    now: datetime,
    *,
    names: Category = Category.OTHER,
    about: Category = Category.OTHER,
) -> bool:
    """Whether the message says that what a suggested article fixed (a request `about` a
    topic) fails again ("нет, всё равно не работает", "не помогло"), soon enough to go on
    with that request; "не работает принтер" (it `names` another topic) is another one."""
    return (
        helped_at is not None
        and now - helped_at <= SELF_HELP_RETURNS
        and gist_of(text) is Gist.STILL_FAILS
        and names in (Category.OTHER, about)
    )


# Staff's question in a plain answer makes a ticket in these states wait for the employee.
_WORKED_ON = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED})


def awaits_answer(ticket: Conversation, now: datetime) -> bool:
    """Whether staff wait for the employee's answer on the ticket: it waits for the client,
    or the conversation's latest word is staff's question (a "?" in it) asked lately
    ("какая ошибка пишет? пришлите скрин", sent as a plain answer)."""
    if ticket.status is TicketStatus.WAITING_CLIENT:
        return True
    asked = ticket.last_staff_at
    return (
        ticket.status in _WORKED_ON
        and asked is not None
        and "?" in ticket.last_staff_text
        and now - asked <= ASKED_AWAITS
    )


# A ticket the employee may still close with "не надо": nobody has started on it, or it
# waits for their answer (domain/lifecycle.py).
WITHDRAWABLE = frozenset({TicketStatus.NEW, TicketStatus.WAITING_CLIENT})


def route(message: Incoming, tickets: Sequence[Conversation], now: datetime) -> Route:
    """Where `message` goes, given the employee's own tickets (any order)."""
    where = _route(message, tickets, now)
    if message.gist is not Gist.NOT_NEEDED or message.has_files:
        return where
    if isinstance(where, Do) and where.option.action is Action.NEW:
        return Chat(Gist.OK)  # "уже не надо" with nothing to withdraw is no new request
    about = [where.option] if isinstance(where, Do) else []
    if isinstance(where, Ask):
        about = list(where.options)
    by_number = {t.number: t for t in tickets}
    if message.reply_to is not None:
        by_number[message.reply_to.number] = message.reply_to
    closable = [
        o.ticket
        for o in about
        if o.action is Action.ATTACH
        and o.ticket is not None
        and by_number.get(o.ticket) is not None
        and by_number[o.ticket].status in WITHDRAWABLE
    ]
    if len(closable) == 1:
        n = closable[0]
        return Ask((Option(Action.CLOSE, n), Option(Action.ATTACH, n)))
    return where


def _route(message: Incoming, tickets: Sequence[Conversation], now: datetime) -> Route:
    asks_status = message.gist in (Gist.STATUS, Gist.WHAT) and not message.has_files
    # "А когда?" to the engineer's "можно подключиться?" is the answer, a question back;
    # a lone "?" answers nothing.
    answers = message.gist is Gist.STATUS
    if message.reply_to is not None:
        waits = awaits_answer(message.reply_to, now)
        if asks_status and not (waits and answers):
            return Status((message.reply_to.number,))
        if message.gist is Gist.COMPLAINT and message.reply_to.status.is_open:
            return Do(Option(Action.COMPLAIN, message.reply_to.number))
        return _about(message, message.reply_to, now)
    open_ = sorted(
        (t for t in tickets if t.status.is_open), key=lambda t: t.last_exchange_at, reverse=True
    )
    waiting = [t for t in open_ if awaits_answer(t, now)]
    waiting_any = bool(waiting)
    if asks_status and not (waiting_any and answers):
        return Status(tuple(t.number for t in open_[:MAX_OPTIONS]))
    resolved = [t for t in open_ if t.status is TicketStatus.RESOLVED]
    recent = [t for t in open_ if now - t.last_exchange_at <= RECENT_EXCHANGE]
    chased = _chased(message, open_, waiting)
    if chased is not None:
        return chased
    small_talk = message.gist in SMALL_TALK and not message.has_files

    if small_talk:
        if message.gist is Gist.YES and len(waiting) == 1:  # "да" to "можно подключиться?"
            return Do(Option(Action.ATTACH, waiting[0].number))
        just_resolved = [t for t in resolved if t in recent]
        if message.gist is Gist.FINE and len(just_resolved) == 1:  # "ну вроде норм"
            return Do(Option(Action.CONFIRM, just_resolved[0].number))
        if message.gist is not Gist.GREETING and len(just_resolved) == 1:
            return AskIfWorks(just_resolved[0].number)
        return Chat(message.gist, tuple(t.number for t in waiting))

    if message.gist in (Gist.WORKS, Gist.STILL_FAILS, Gist.NOT_NEEDED):
        # "уже не надо" to a resolved ticket: nothing is left to do, as with "заработало"
        action = Action.REOPEN if message.gist is Gist.STILL_FAILS else Action.CONFIRM
        fitting = [t for t in resolved if _fits(message, t)]
        if len(fitting) == 1:
            return Do(Option(action, fitting[0].number))
        if fitting:
            options = tuple(Option(action, t.number) for t in fitting[:MAX_OPTIONS])
            return Ask(options if action is Action.CONFIRM else (*options, Option(Action.NEW)))
        if message.gist is Gist.WORKS:  # "заработало" while it is in work: tell the engineer
            talked_about = waiting or recent
            if len(talked_about) == 1:
                return Do(Option(Action.ATTACH, talked_about[0].number))
            if talked_about:
                return Ask(
                    tuple(Option(Action.ATTACH, t.number) for t in talked_about[:MAX_OPTIONS])
                )
            return Chat(Gist.WORKS)

    continuing = [
        t
        for t in open_
        if t.last_employee_at is not None
        and now - t.last_employee_at <= CONTINUING
        and t.status is not TicketStatus.RESOLVED
        and _fits(message, t)
        and message.names in (Category.OTHER, t.category)
    ]
    if len(continuing) == 1:
        return Do(Option(Action.ATTACH, continuing[0].number))
    if len(waiting) == 1:
        return Do(Option(Action.ATTACH, waiting[0].number))
    candidates = waiting or [t for t in recent if _fits(message, t)]
    if candidates:
        # To a resolved ticket, more words mean it is not fixed: back to work, if so.
        options = tuple(
            Option(Action.REOPEN if t.status is TicketStatus.RESOLVED else Action.ATTACH, t.number)
            for t in candidates[:MAX_OPTIONS]
        )
        return Ask((*options, Option(Action.NEW)))
    return Do(Option(Action.NEW))


def _chased(
    message: Incoming, open_: Sequence[Conversation], waiting: Sequence[Conversation]
) -> Route | None:
    """ "Алло", "где инженер???" and "два часа без 1с, никто не позвонил" are about the
    requests still being worked on, never a new problem: with one, it takes the words (a
    complaint goes to the manager too); with several, which one (a nudge: how they stand).
    A nudge while the engineer waits for the employee's answer reminds them of it."""
    if message.has_files or message.gist not in (Gist.NUDGE, Gist.COMPLAINT):
        return None
    worked_on = [t for t in open_ if t.status is not TicketStatus.RESOLVED]
    if message.gist is Gist.NUDGE:
        if waiting:
            return Chat(Gist.GREETING, tuple(t.number for t in waiting))
        if len(worked_on) == 1:
            return Do(Option(Action.ATTACH, worked_on[0].number))
        if worked_on:
            return Status(tuple(t.number for t in worked_on[:MAX_OPTIONS]))
        return Chat(Gist.STATUS)  # nothing in work: what the bot does
    if len(worked_on) == 1:
        return Do(Option(Action.COMPLAIN, worked_on[0].number))
    if worked_on:
        options = (Option(Action.COMPLAIN, t.number) for t in worked_on[:MAX_OPTIONS])
        return Ask((*options, Option(Action.NEW)))
    return None  # nothing in work to complain about: a description, as any


def _fits(message: Incoming, ticket: Conversation) -> bool:
    """The message may be about the ticket: it names no other topic."""
    return message.category in (Category.OTHER, ticket.category)


def _about(message: Incoming, ticket: Conversation, now: datetime) -> Route:
    """A reply to a bot message about `ticket`."""
    n = ticket.number
    small_talk = message.gist in SMALL_TALK and not message.has_files
    if not ticket.status.is_open:
        if small_talk:
            return Chat(message.gist)
        if message.gist is Gist.NOT_NEEDED and not message.has_files:
            return Chat(Gist.OK)  # "уже не надо" about a finished ticket: nothing to do
        may_reopen = (
            ticket.status is TicketStatus.CLOSED
            and ticket.closed_at is not None
            and now - ticket.closed_at <= REOPEN_CLOSED_WITHIN
        )
        new = Option(Action.NEW)
        return Ask((Option(Action.REOPEN, n), new) if may_reopen else (new,))
    if ticket.status is TicketStatus.RESOLVED:
        if message.gist in (Gist.WORKS, Gist.FINE, Gist.NOT_NEEDED) and not message.has_files:
            return Do(Option(Action.CONFIRM, n))
        if message.gist is Gist.STILL_FAILS:
            return Do(Option(Action.REOPEN, n))
        if small_talk:
            return AskIfWorks(n)
        return Ask((Option(Action.REOPEN, n), Option(Action.ATTACH, n), Option(Action.NEW)))
    awaited = awaits_answer(ticket, now) and message.gist is not Gist.GREETING
    if small_talk and not (awaited or message.gist is Gist.YES):  # "спасибо" to "Иван взял"
        return Chat(message.gist)
    return Do(Option(Action.ATTACH, n))


# Asking for a person rather than telling the problem: "позовите живого человека".
_A_PERSON = ("живого человека", "живой человек", "живым человеком", "с человеком",
             "позовите человека", "позовите оператора", "с оператором", "a human",
             "real person", "an operator", "talk to someone", "speak to someone")  # fmt: skip


def wants_a_person(text: str) -> bool:
    """ "Позовите живого человека", "можно с человеком поговорить?": a wish to reach a
    person, not a description of a problem."""
    joined = " ".join(_words(text))
    return len(joined.split()) <= 8 and any(phrase in joined for phrase in _A_PERSON)
