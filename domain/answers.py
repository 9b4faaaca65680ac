"""What a typed answer to one of the intake's questions means.

People answer "Можете сейчас работать?" with "нет, всё стоит" rather than pressing «Нет,
работа стоит», and "отправляй" rather than «✅ Отправить». `read_answer` maps such a text to
the option it names, or None when it names none (then the text adds to the description).
A question ("отправить?", "верно?") agrees to nothing. Pure and table-tested; the words are
Russian and English, with the usual typos tolerated by matching word beginnings.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from domain.enums import Category, RequestType, Scope, TicketKind, WorkImpact


class Question(StrEnum):
    KIND_GUESS = "kind_guess"  # "Похоже, что-то сломалось. Тема: принтер. Верно?"
    TOPIC = "topic"  # "Какая тема?"
    KIND = "kind"  # "Что у вас?": broken, or help/a change
    IMPACT = "impact"  # "Можете сейчас работать?"
    SCOPE = "scope"  # "Кого это затрагивает?"
    REQUEST_TYPE = "request_type"  # help/routine, or something new/a purchase
    SUMMARY = "summary"  # the card: send or cancel
    EMERGENCY = "emergency"  # after hours: "call the on-duty engineer now?" yes, or wait
    SECOND = "second"  # "Добавить к этой заявке или это отдельная?"
    CANCEL_TICKET = "cancel_ticket"  # "Отменить заявку №5?": yes or no
    CLOSE_TICKET = "close_ticket"  # "Заявка №5 больше не нужна?": yes (close) or no


class Reply(StrEnum):
    YES = "yes"  # the guess is right / send it / call now
    NO = "no"  # the guess is wrong / it can wait until the morning
    TOPIC = "topic"  # the guessed topic is wrong
    ADD = "add"  # the second problem adds to this request
    SEPARATE = "separate"  # the second problem is a separate request
    EMERGENCY = "emergency"  # on the summary after hours: "это авария, вызывайте"
    CANCEL = "cancel"


Answer = Reply | TicketKind | WorkImpact | Scope | RequestType | Category

_WORD = re.compile(r"[^\W_]+")

# A text longer than this is a description, not an answer to a button question.
MAX_WORDS = 6
MAX_CHARACTERS = 60

_YES = ("да", "ага", "угу", "верно", "правильно", "точно", "конечно", "yes", "yep", "right",
        "correct", "ок", "окей", "ok")  # fmt: skip
_NO = ("нет", "неа", "нит", "неверно", "не так", "неправильно", "no", "wrong", "nope")
_SEND = ("отправ", "атправ", "отпрв", "send", "регистр", "да", "ок", "ok", "готово", "верно", "yes")
_WAITS = (
    "подожд",
    "подожде",
    "до утра",
    "утром",
    "до понедельника",
    "после праздник",
    "wait",
    "morning",
)
# "До утра не подождёт", "ждать не можем", "утром будет поздно", "we can't wait": the
# opposite of waiting, whatever "подожд" or "wait" they hold; read before _WAITS.
_CANNOT_WAIT = ("не подожд", "не ждет", "не ждёт", "не можем ждать", "не могу ждать",
                "не можем подожд", "не могу подожд", "подождать не", "ждать не", "нельзя ждать",
                "нельзя подожд", "ждать нельзя", "подождать нельзя", "поздно", "не терпит",
                "cant wait", "cannot wait", "can not wait", "wont wait", "couldnt wait",
                "too late")  # fmt: skip
# Work stopped, said again to the emergency question: a call.
_BLOCKED_NOW = ("не можем работать", "не могу работать", "никто не может", "стоим", "все стоит",
                "работа стоит", "cant work", "cannot work", "nobody can work")  # fmt: skip
# "Не вызывайте", "не надо никого": no call, although "вызыва" is in it.
_DONT_CALL = ("не вызыва", "не звон", "не надо", "не нужно", "не стоит", "dont call",
              "do not call", "no need")  # fmt: skip
_CALL = ("вызыва", "вызови", "вызвать", "срочно", "сейчас", "немедленно", "пришлите",
         "присылайте", "приезж", "приедь", "инженер", "звоните", "позвоните", "call", "now",
         "urgent", "asap", "send someone", "someone", "engineer", "help now")  # fmt: skip
_ALARM = ("авари", "вызыва", "вызови", "вызвать", "вызов", "дежурн", "немедленно", "пришлите",
          "приезж", "emergency", "call", "send someone", "someone now", "asap")  # fmt: skip
# A number typed instead of pressing: the options in the order of their buttons.
_NUMBERED: dict[Question, tuple[Answer, ...]] = {}
_CANCEL = ("отмен", "не надо", "не нужно", "cancel")
_BROKEN = ("слома", "слама", "полом", "не работ", "не печата", "не включа", "не откры",
           "ошибк", "глюч", "завис", "упал", "broken", "not working", "error",
           "doesnt work")  # fmt: skip
_REQUEST = ("помощ", "помоч", "памощ", "памоч", "просьб", "нужн", "надо", "установ", "настро",
            "заявк", "запрос", "help", "need", "request", "install")  # fmt: skip
_BLOCKED = ("не могу", "не можем", "нельзя", "невозможно", "стоит", "стоим", "встал", "нет",
            "вообще никак", "никак не", "ничего не работает", "no", "cannot", "cant",
            "stopped", "не работаю", "not at all", "no way", "nothing works")  # fmt: skip
_HAMPERED = ("трудно", "с трудом", "тяжело", "медленно", "тормоз", "мешает", "неудобно",
             "но", "долго", "еле", "плохо", "так себе", "кое как", "через раз", "терпимо",
             "частично", "slow", "hard", "difficult", "barely", "partly", "sort of",
             "kind of", "but")  # fmt: skip
_NOT_HINDERED = ("могу", "да", "нормально", "yes", "fine")
# "Не знаю": the middle answer, which the summary shows and «« Назад» corrects.
_DONT_KNOW = ("не знаю", "не уверен", "хз", "сложно сказать", "трудно сказать", "dont know",
              "not sure", "no idea")  # fmt: skip
_ME = ("только я", "только меня", "я", "меня", "мне", "один", "одна", "me", "only me", "just me")
_SEVERAL = ("несколько", "коллег", "пару", "пара", "двое", "трое", "отдел", "бухгалтерия",
            "команд", "я и", "мы с", "нас двое", "нас трое", "мы", "several", "colleague",
            "few", "team", "department", "me and", "and me", "two of us", "we")  # fmt: skip
_COMPANY = ("весь офис", "все", "всех", "всю", "вся компания", "всю компанию", "всем",
            "офис", "компан", "никто", "everyone", "everybody", "whole office", "all",
            "company", "nobody", "no one")  # fmt: skip
# The guess is wrong about the topic, or about the kind ("это не поломка, а просьба").
_WRONG_TOPIC = ("тема", "тему", "теме", "темы", "topic", "subject")
_NOT_BROKEN = ("не полом", "не слома", "не инцидент", "не авари", "ничего не слома",
               "not broken", "nothing broken", "not an incident")  # fmt: skip
_NOT_REQUEST = ("не просьб", "не запрос", "не заявк", "не помощ", "not a request")
_BROKEN_NOUNS = ("полом", "инцидент", "авари")
# "нет, работа стоит" to a guessed request: the "нет" says what it is, not just "wrong".
_STOPPED = ("работа стоит", "все стоит", "всё стоит", "встал", "встала", "не могу работать")
_REQUEST_NOUNS = ("просьб", "запрос", "заявк")
# "Отменить заявку №5?": "да, отменяйте" is yes; "нет, оставьте", "не надо" are no.
_KEEP = ("не отмен", "не атмен", "оставь", "оставит", "не надо", "не нада", "не нужно",
         "передумал", "keep", "dont")  # fmt: skip
_DO_CANCEL = ("отмен", "атмен", "отзыва", "cancel")
# "Заявка №5 больше не нужна?": "не нужна", "закрывайте" are yes; "нужна", "не закрывайте",
# "передайте инженеру" are no. Read in this order: "не нужна" holds "нужн".
_KEEP_OPEN = ("не закр", "не закрыв", "оставь", "оставит", "передай", "передат", "передайт",
              "keep", "dont close", "pass it on")  # fmt: skip
_NOT_NEEDED = ("не нужн", "не надо", "не нада", "неактуал", "не актуал", "закр", "закрыв",
               "отмен", "атмен", "close", "cancel", "not needed", "no longer")  # fmt: skip
_STILL_NEEDED = ("нужн", "надо", "актуал", "need", "still")
# The words such an answer is made of: anything else ("нужно поставить Zoom") is a message
# of its own, not an answer.
_CLOSE_ANSWER_WORDS = ("да", "ага", "угу", "конечн", "нет", "неа", "не", "нужн", "надо", "нада",
                       "актуал", "неактуал", "закр", "отмен", "атмен", "остав", "переда",
                       "инженер", "уже", "еще", "пока", "пожалуйст", "спасиб", "она", "ее",
                       "заявк", "можно", "больше", "все", "ладно", "ок", "окей", "yes", "yep",
                       "sure", "no", "nope", "not", "i", "it", "still", "need", "longer",
                       "keep", "close", "cancel", "dont", "pass", "on", "to", "the", "engineer",
                       "please", "thanks", "ok", "okay")  # fmt: skip
# "Добавить к этой заявке или это отдельная?"
_ADD = ("добав", "дабав", "к этой", "к той", "к первой", "в эту", "в ту", "эту же", "та же",
        "туда же", "вместе", "одна и та же", "то же самое", "одно и то же", "одна проблема",
        "к заявке", "add", "same", "this one", "together")  # fmt: skip
_SEPARATE = ("отдельн", "атдельн", "отдел", "нова", "нову", "новая", "другая", "другую",
             "вторая", "вторую", "разные", "separate", "new", "another", "second",
             "different")  # fmt: skip
# The topics as people name them.
_TOPICS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.PRINTER, ("принт", "принтр", "печат", "мфу", "сканер", "скан", "картридж",
                        "printer", "print", "scanner")),
    (Category.ONE_C, ("1с", "1c", "одинэс", "1ск", "1ска", "1ске")),
    (Category.EMAIL, ("почт", "email", "e mail", "mail", "outlook", "аутлук", "письм")),
    (Category.INTERNET_NETWORK, ("интер", "интир", "инет", "сеть", "сети", "сетев", "wifi",
                                 "wi fi", "вайфай", "вай фай", "vpn", "впн", "network",
                                 "internet")),
    (Category.COMPUTER_HARDWARE, ("компьют", "компут", "комп", "ноутбук", "ноут", "монитор",
                                  "клавиатур", "мышь", "мышк", "пк", "computer", "laptop",
                                  "monitor", "keyboard", "hardware")),
    (Category.ACCOUNTS_ACCESS, ("учетн", "учетк", "доступ", "парол", "логин", "account",
                                "access", "password", "login")),
    (Category.SOFTWARE, ("программ", "прога", "прогу", "софт", "приложен", "software",
                         "program", "app")),
    (Category.PHONE, ("телефон", "тел", "звонк", "атс", "phone", "call")),
    (Category.NEW_WORKPLACE_PURCHASE, ("рабочее место", "рабочего места", "закуп", "покуп",
                                       "купить", "workplace", "purchase", "buy")),
    (Category.SERVER, ("сервер", "server")),
    (Category.OTHER, ("друг", "проч", "ничего из", "other", "something else", "none")),
)  # fmt: skip
# The topics' own words, for a typo one letter off ("прнтер", "пачта", "тилефон").
_TOPIC_WORDS: tuple[tuple[Category, str], ...] = (
    (Category.PRINTER, "принтер"), (Category.PRINTER, "сканер"),
    (Category.PRINTER, "картридж"), (Category.EMAIL, "почта"), (Category.EMAIL, "почту"),
    (Category.INTERNET_NETWORK, "интернет"), (Category.COMPUTER_HARDWARE, "компьютер"),
    (Category.COMPUTER_HARDWARE, "ноутбук"), (Category.COMPUTER_HARDWARE, "монитор"),
    (Category.SOFTWARE, "программа"), (Category.SOFTWARE, "программы"),
    (Category.PHONE, "телефон"), (Category.PHONE, "телефония"), (Category.SERVER, "сервер"),
    (Category.SERVER, "сервак"), (Category.ACCOUNTS_ACCESS, "доступ"),
    (Category.ACCOUNTS_ACCESS, "пароль"),
)  # fmt: skip
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
    if question is Question.CANCEL_TICKET:  # here "отменить" is the yes
        if _has(said, _KEEP) or _has(said, _NO):
            return Reply.NO
        yes = _has(said, _YES) or _has(said, _DO_CANCEL)
        return Reply.YES if yes and "?" not in text else None
    if question is Question.CLOSE_TICKET:  # here "не надо" is the yes
        if "?" in text or not all(_has(word, _CLOSE_ANSWER_WORDS) for word in said.split()):
            return None
        if _has(said, _KEEP_OPEN):
            return Reply.NO
        if _has(said, _NOT_NEEDED):
            return Reply.YES
        if _has(said, _STILL_NEEDED) or _has(said, _NO):
            return Reply.NO
        return Reply.YES if _has(said, _YES) else None
    if question is Question.EMERGENCY:  # "не надо" here means "do not call", not "cancel"
        if _has(said, ("отмен", "cancel")):
            return Reply.CANCEL
        if _has(said, _CANNOT_WAIT):  # "до утра не подождёт"
            return Reply.YES
        if _has(said, _DONT_CALL) or _has(said, _WAITS):
            return Reply.NO
        if _has(said, _CALL) or _has(said, _BLOCKED_NOW):  # "нет, вызывайте", "стоим"
            return Reply.YES if "?" not in text else None
        if _has(said, _NO):
            return Reply.NO
        return Reply.YES if _has(said, _YES) and "?" not in text else None
    if _has(said, _CANCEL):
        return Reply.CANCEL
    asks = "?" in text  # "отправить?" asks, it does not agree
    if question in _NUMBERED and said.isdigit():  # "2" for the second button
        options = _NUMBERED[question]
        return options[int(said) - 1] if 1 <= int(said) <= len(options) else None
    if question is Question.SUMMARY:
        if asks:
            return None
        if _has(said, _CANNOT_WAIT):  # "до утра не подождёт"
            return Reply.EMERGENCY
        if _has(said, _WAITS):  # "подождёт до утра"
            return Reply.NO
        if _has(said, _ALARM):
            return Reply.EMERGENCY
        return Reply.YES if _has(said, _SEND) else None
    if question is Question.KIND_GUESS:
        return _guess_corrected(said, asks)
    if question is Question.TOPIC:
        return read_topic(said)
    if question is Question.SECOND:
        add, separate = _has(said, _ADD), _has(said, _SEPARATE)
        if add != separate:
            return Reply.ADD if add else Reply.SEPARATE
        # "Да" (add it) and "нет" (it is no other problem) both keep it with this request:
        # nothing is lost and nothing is registered twice.
        if not add and (_has(said, _YES) or _has(said, _NO)) and len(said.split()) <= 2:
            return Reply.ADD
        return None
    if question is Question.KIND:
        if len(said.split()) > 4:  # "и ещё почта не работает" tells more, it picks nothing
            return None
        if _has(said, _NOT_BROKEN):  # "это не поломка"
            return TicketKind.REQUEST
        if _has(said, _NOT_REQUEST):
            return TicketKind.INCIDENT
        broken, request = _has(said, _BROKEN), _has(said, _REQUEST)
        if broken != request:
            return TicketKind.INCIDENT if broken else TicketKind.REQUEST
        return None
    if question is Question.IMPACT:
        # Order matters: "не мешает" is no "мешает", and "да, но медленно" is no "да".
        if _has(said, ("не мешает", "терпит", "подожд", "can wait")):
            return WorkImpact.NOT_HINDERED
        if _has(said, _DONT_KNOW):
            return WorkImpact.HAMPERED
        if _has(said, _HAMPERED):
            return WorkImpact.HAMPERED
        if _has(said, _BLOCKED) or "никак" in said.split():
            return WorkImpact.BLOCKED
        return WorkImpact.NOT_HINDERED if _has(said, _NOT_HINDERED) else None
    if question is Question.SCOPE:
        if _has(said, _DONT_KNOW):
            return Scope.ME
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


_NUMBERED.update(
    {
        Question.KIND: (TicketKind.INCIDENT, TicketKind.REQUEST),
        Question.IMPACT: (WorkImpact.NOT_HINDERED, WorkImpact.HAMPERED, WorkImpact.BLOCKED),
        Question.SCOPE: (Scope.ME, Scope.SEVERAL, Scope.COMPANY),
        Question.REQUEST_TYPE: (RequestType.SERVICE, RequestType.CHANGE),
    }
)


_BARE_CANCELS = frozenset({"отмена", "отменить", "отмени", "отменяй", "отменяю", "отбой", "стоп",
                           "не надо", "не нужно", "передумал", "передумала", "cancel", "stop",
                           "never mind", "nevermind"})  # fmt: skip
_POLITE = frozenset({"все", "ладно", "пожалуйста", "ой", "нет", "please", "ok", "ок"})


def is_bare_cancel(text: str) -> bool:
    """ "Отмена", "ой, всё, не надо" where a description is asked: a wish to stop, not a
    description. Only the words themselves: "отменить подписку" is a request."""
    words = [w for w in _normal(text).split() if w not in _POLITE]
    return " ".join(words) in _BARE_CANCELS


# "Ой, нет", "не так", "точнее", "вернее", "ошиблась": what follows corrects an answer given
# to an earlier question.
_CORRECTING = re.compile(
    r"^\W*(?:(?:ой|ах|упс|oops|sorry|извините)[\s,!.—-]*)?"
    r"(?:нет|не так|ошибл\w*|ошибся|точнее|вернее|no|actually)\b[\s,!.:;—-]*",
    re.IGNORECASE,
)


def correction_of(earlier: Question, text: str) -> Answer | None:
    """The new answer to a question asked before, typed as a correction ("ой нет, работать
    могу, просто неудобно" after «Нет, работа стоит» was pressed), or None: without a word
    that corrects, a text is no answer to an earlier question."""
    match = _CORRECTING.match(text)
    if match is None or "?" in text:
        return None
    rest = text[match.end() :]
    return read_answer(earlier, rest) if rest.strip() else None


def meant_as_an_answer(text: str) -> bool:
    """A few words typed where a question waits that answer some question of the intake but
    not this one ("весь офис" to "Можете работать?", "атправить", "2", "где заявка?"): said
    as an answer rather than more of the description ("горит красная лампа")."""
    said = _normal(text)
    words = said.split()
    if not words or len(words) > 3 or len(text.strip()) > 30:
        return False
    if said.isdigit() or "?" in text:
        return True
    answers = [read_answer(q, text) for q in (Question.SUMMARY, Question.SCOPE)]
    if len(words) <= 2:
        answers.append(read_answer(Question.IMPACT, text))
    return any(a is not None for a in answers)


# What a correction names comes before what it denies: "это сканер, а не принтер".
_DENIED = re.compile(r"\s(?:а\s+)?не\s.*$")


def topic_instead(text: str, stated: Category) -> Category | None:
    """The topic a reply to "Тема: принтер. Верно?" names instead of the one stated ("нет,
    это про почту", "это 1с, а не почта", "тема интернет"), or None (it names none, or the
    same one: then it is about something else)."""
    said = _normal(text)
    if "?" in text or not (_has(said, _NO) or _has(said, ("это", "тема", "про"))):
        return None
    named = read_topic(_DENIED.sub("", f" {said}").strip())
    return named if named not in (None, Category.OTHER, stated) else None


def _guess_corrected(said: str, asks: bool) -> Answer | None:
    """An answer to "Похоже, что-то сломалось. Тема: принтер. Верно?": yes, no, the topic is
    wrong, or the kind it really is ("это не поломка, а просьба")."""
    if _has(said, _WRONG_TOPIC):
        return Reply.TOPIC
    if _has(said, _NOT_BROKEN):
        return TicketKind.REQUEST
    if _has(said, _NOT_REQUEST):
        return TicketKind.INCIDENT
    broken, request = _has(said, _BROKEN_NOUNS), _has(said, _REQUEST_NOUNS)
    if broken != request:
        return TicketKind.INCIDENT if broken else TicketKind.REQUEST
    if _has(said, _NO):
        broken = _has(said, _BROKEN) or _has(said, _STOPPED)
        request = _has(said, _REQUEST)
        if broken != request:  # "нет, работа стоит", "нет, просто нужна помощь"
            return TicketKind.INCIDENT if broken else TicketKind.REQUEST
        return Reply.NO
    return Reply.YES if _has(said, _YES) and not asks else None


# Words that give a score from 1 to 5, by the first letters of the word.
_SCORES = (
    (5, ("пять", "пятер", "отличн", "супер", "прекрасн", "excellent", "great", "five")),
    (4, ("четыр", "четвер", "хорош", "good", "four")),
    (3, ("три", "тройк", "троечк", "нормальн", "средн", "удовлетвор", "so so", "okay",
         "three")),
    (2, ("два", "двойк", "плохо", "bad", "poor", "two")),
    (1, ("один", "единиц", "ужасн", "отвратительн", "terrible", "awful", "one")),
)  # fmt: skip


def read_score(text: str) -> int | None:
    """A rating typed instead of pressed: "5", "5/5", "5 из 5", "на пятёрку", "хорошо",
    "ну на троечку"; None for anything else (a question, more words, two numbers)."""
    said = _normal(text)
    words = said.split()
    if not words or len(words) > 4 or "?" in text:
        return None
    digits = [int(w) for w in words if w.isdigit()]
    if digits:
        score = digits[0]
        rest = digits[1:]  # "5 из 5", "5/5"
        return score if 1 <= score <= 5 and all(r == 5 for r in rest) else None
    if _has(said, ("не ",)) or any(w in ("не", "not") for w in words):  # "не очень хорошо"
        return None
    found = {score for score, stems in _SCORES if _has(said, stems)}
    return found.pop() if len(found) == 1 else None


def topics_named(text: str) -> list[Category]:
    """The topics a text names by their words ("мышка заедает": the computer), in the order
    of the topic list; a long text may name several."""
    said = _normal(text)
    return [category for category, words in _TOPICS if _has(said, words)]


def read_topic(text: str) -> Category | None:
    """The one topic a short text names ("интернет", "это про почту", "1ска"), or None."""
    said = _normal(text)
    if not said or len(said.split()) > MAX_WORDS:
        return None
    named = topics_named(text)
    if not named:  # a typo: a word one letter off a topic's word
        named = list(
            dict.fromkeys(
                category
                for word in said.split()
                if len(word) >= 4
                for category, known in _TOPIC_WORDS
                if _one_off(word, known)
            )
        )
    return named[0] if len(named) == 1 else None


def _one_off(word: str, known: str) -> bool:
    """The two words differ by one letter missing, extra, changed, or two swapped."""
    if word == known or abs(len(word) - len(known)) > 1:
        return word == known
    if len(word) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(word, known, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        if len(diff) != 2 or diff[1] != diff[0] + 1:
            return False
        i = diff[0]
        return word[i] == known[i + 1] and word[i + 1] == known[i]
    short, long_ = (word, known) if len(word) < len(known) else (known, word)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Said in passing in a description, plainly enough to stand for an answer not given.
_STOPPED_IN_PASSING = (*_BLOCKED_NOW, "не работает ничего", "встала работа", "work has stopped",
                       "we are stuck")  # fmt: skip
_COMPANY_IN_PASSING = ("весь офис", "всем офис", "вся компания", "всей компании", "всего офиса",
                       "у всех", "никто не может", "whole office", "whole company", "everyone",
                       "nobody can")  # fmt: skip


def impact_in_passing(description: str) -> WorkImpact | None:
    """ "Не печатает принтер, работа стоит": blocked, as the description says it."""
    return WorkImpact.BLOCKED if _has(_normal(description), _STOPPED_IN_PASSING) else None


def scope_in_passing(description: str) -> Scope | None:
    """ "Интернет не работает во всём офисе": the company, as the description says it."""
    return Scope.COMPANY if _has(_normal(description), _COMPANY_IN_PASSING) else None
