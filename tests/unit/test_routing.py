"""Where an employee's typed message goes: what it says, and the table of situations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.enums import Category, TicketStatus
from domain.routing import (
    Action,
    Ask,
    AskIfWorks,
    Chat,
    Conversation,
    Do,
    Gist,
    Incoming,
    Option,
    Status,
    awaits_answer,
    gist_of,
    returns_after_self_help,
    route,
)
from tests.unit.fakes import msk

NOW = msk(2026, 11, 24, 10, 0)
S = TicketStatus


@pytest.mark.parametrize(
    ("text", "gist"),
    [
        ("спасибо", Gist.THANKS),
        ("Спасибо большое!", Gist.THANKS),
        ("спс))", Gist.THANKS),
        ("спасибки", Gist.THANKS),
        ("thanks a lot", Gist.THANKS),
        ("привет", Gist.GREETING),
        ("Добрый день!", Gist.GREETING),
        ("hi", Gist.GREETING),
        ("ок", Gist.OK),
        ("Да", Gist.YES),
        ("конечно", Gist.YES),
        ("хорошо, понял", Gist.OK),
        ("👍", Gist.EMOJI),
        ("))", Gist.EMOJI),
        ("спасибо, заработало", Gist.WORKS),
        ("всё работает", Gist.WORKS),
        ("Всё ок, спасибо", Gist.WORKS),
        ("it works, thanks", Gist.WORKS),
        # a question is not a confirmation: the person asks whether it works now
        ("работает?", Gist.CONTENT),
        ("Всё ок? Можно печатать?", Gist.CONTENT),
        ("it works now?", Gist.CONTENT),
        ("всё равно не печатает", Gist.STILL_FAILS),
        ("не помогло", Gist.STILL_FAILS),
        ("не работает", Gist.STILL_FAILS),
        ("нет", Gist.STILL_FAILS),
        ("опять то же самое", Gist.STILL_FAILS),
        ("still broken", Gist.STILL_FAILS),
        # working badly is a problem report, never "it works"
        ("заработало, но медленно", Gist.STILL_FAILS),
        ("интернет еле работает", Gist.STILL_FAILS),
        ("почта плохо работает", Gist.STILL_FAILS),
        ("сканер работает через раз", Gist.STILL_FAILS),
        ("1с работает очень медленно", Gist.STILL_FAILS),
        ("1с виснит и ещё интернет еле работает", Gist.STILL_FAILS),
        ("ну вроде работает, еле-еле", Gist.STILL_FAILS),
        ("wifi is barely working", Gist.STILL_FAILS),
        ("the vpn works but slow", Gist.STILL_FAILS),
        ("интернет работает с перебоями", Gist.STILL_FAILS),
        ("работает плохо?", Gist.CONTENT),
        # fine, in a few words of one's own
        ("ну вроде норм", Gist.FINE),
        ("норм", Gist.FINE),
        ("норм, спасибо", Gist.FINE),
        ("вроде работает", Gist.WORKS),
        ("ок работает", Gist.WORKS),
        ("норм?", Gist.OK),
        # how the request stands, in these words only
        ("что с моей заявкой?", Gist.STATUS),
        ("ну что там?", Gist.STATUS),
        ("а когда?", Gist.STATUS),
        ("any update?", Gist.STATUS),
        ("what's going on with my request?", Gist.STATUS),
        ("где моя заявка?", Gist.STATUS),
        ("where is my ticket?", Gist.STATUS),
        ("where is the printer driver?", Gist.CONTENT),
        ("Добрый день, что там с заявкой?", Gist.STATUS),
        ("?", Gist.WHAT),
        ("??", Gist.WHAT),
        ("когда заработает?", Gist.CONTENT),
        ("всё работает кроме сканера", Gist.CONTENT),
        # a reassurance before a request: nothing to confirm, something to do
        ("заканчивается срок эцп у главбуха, пока всё работает", Gist.CONTENT),
        ("всё работает, просто хотим второй монитор", Gist.CONTENT),
        ("все ок, надо завести почту стажеру", Gist.CONTENT),
        ("everything works, we just need a second monitor", Gist.CONTENT),
        ("пока всё работает, спасибо", Gist.WORKS),
        ("спасибо, всё работает, пока!", Gist.WORKS),
        ("HP LaserJet 1020", Gist.CONTENT),
        ("Лампочка мигает оранжевым, бумага есть", Gist.CONTENT),
        ("Здравствуйте, не печатает принтер", Gist.CONTENT),
        ("а когда придёт мастер?", Gist.CONTENT),
        ("уже не надо, сам заработал", Gist.NOT_NEEDED),
        ("Неактуально", Gist.NOT_NEEDED),
        ("всё, отбой, разобрались", Gist.NOT_NEEDED),
        ("уже не нужно, спасибо", Gist.NOT_NEEDED),
        ("never mind, sorted it", Gist.NOT_NEEDED),
        ("уже не надо?", Gist.CONTENT),  # a question withdraws nothing
        (
            "не надо ничего переустанавливать, просто почистите кэш и проверьте обновления",
            Gist.CONTENT,
        ),
    ],
)
def test_what_a_message_says(text: str, gist: Gist) -> None:
    assert gist_of(text) is gist


def ticket(
    number: int,
    status: TicketStatus = S.IN_PROGRESS,
    *,
    exchanged: timedelta = timedelta(days=3),
    wrote: timedelta | None = None,
    category: Category = Category.PRINTER,
    closed: timedelta | None = None,
    staff_said: str = "",
) -> Conversation:
    """Ticket `number`: the last exchange `exchanged` ago, the employee's last word `wrote` ago;
    `staff_said`: staff's words, `exchanged` ago, are the conversation's latest."""
    return Conversation(
        number,
        status,
        category,
        f"заявка {number}",
        NOW - exchanged,
        NOW - wrote if wrote is not None else None,
        NOW - closed if closed is not None else None,
        last_staff_at=NOW - exchanged if staff_said else None,
        last_staff_text=staff_said,
    )


def do(action: Action, n: int | None = None) -> Do:
    return Do(Option(action, n))


def ask(*options: tuple[Action, int | None]) -> Ask:
    return Ask(tuple(Option(a, n) for a, n in options))


A, C, R, N, X = Action.ATTACH, Action.CONFIRM, Action.REOPEN, Action.NEW, Action.CLOSE
HOUR = timedelta(hours=1)
WAITING = ticket(1, S.WAITING_CLIENT)
JUST_RESOLVED = ticket(2, S.RESOLVED, exchanged=HOUR)
JUST_ANSWERED = ticket(3, S.IN_PROGRESS, exchanged=HOUR)
OLD_QUIET = ticket(4, S.IN_PROGRESS, exchanged=timedelta(days=5))
CLOSED_YESTERDAY = ticket(5, S.CLOSED, closed=timedelta(days=1))
CLOSED_LONG_AGO = ticket(6, S.CLOSED, closed=timedelta(days=40))
CANCELLED = ticket(7, S.CANCELLED)
JUST_SENT = ticket(8, S.NEW, exchanged=timedelta(minutes=2), wrote=timedelta(minutes=2))
SENT_EARLIER = ticket(12, S.NEW, exchanged=timedelta(minutes=40), wrote=timedelta(minutes=40))
WRITING_TO = ticket(9, S.IN_PROGRESS, wrote=timedelta(minutes=3))


@pytest.mark.parametrize(
    ("gist", "files", "tickets", "expected"),
    [
        # nothing pending: a description starts a request, small talk gets a word
        (Gist.CONTENT, False, [], do(N)),
        (Gist.CONTENT, True, [], do(N)),
        (Gist.CONTENT, False, [OLD_QUIET], do(N)),
        (Gist.GREETING, False, [], Chat(Gist.GREETING)),
        (Gist.THANKS, False, [OLD_QUIET], Chat(Gist.THANKS)),
        (Gist.EMOJI, False, [], Chat(Gist.EMOJI)),
        (Gist.WORKS, False, [], Chat(Gist.WORKS)),
        (Gist.STILL_FAILS, False, [], do(N)),
        # one ticket waits for the employee's answer: the message or file is the answer
        (Gist.CONTENT, False, [WAITING], do(A, 1)),
        (Gist.CONTENT, True, [WAITING, OLD_QUIET], do(A, 1)),
        (Gist.STILL_FAILS, False, [WAITING], do(A, 1)),
        (Gist.YES, False, [WAITING], do(A, 1)),
        (Gist.OK, False, [WAITING], Chat(Gist.OK, (1,))),
        (Gist.GREETING, False, [WAITING], Chat(Gist.GREETING, (1,))),
        (Gist.THANKS, False, [WAITING], Chat(Gist.THANKS, (1,))),
        # two waiting: which one (or a new request)?
        (
            Gist.CONTENT,
            False,
            [WAITING, ticket(10, S.WAITING_CLIENT, exchanged=HOUR)],
            ask((A, 10), (A, 1), (N, None)),
        ),
        # just resolved: it works confirms, it still fails reopens, thanks asks, else ask
        (Gist.WORKS, False, [JUST_RESOLVED], do(C, 2)),
        (Gist.STILL_FAILS, False, [JUST_RESOLVED], do(R, 2)),
        (Gist.THANKS, False, [JUST_RESOLVED], AskIfWorks(2)),
        (Gist.EMOJI, False, [JUST_RESOLVED], AskIfWorks(2)),
        (Gist.GREETING, False, [JUST_RESOLVED], Chat(Gist.GREETING)),
        (Gist.FINE, False, [JUST_RESOLVED], do(C, 2)),  # "ну вроде норм"
        (Gist.FINE, False, [JUST_ANSWERED], Chat(Gist.FINE)),  # "норм" to "Иван взял"
        (Gist.FINE, False, [WAITING], Chat(Gist.FINE, (1,))),
        (Gist.CONTENT, False, [JUST_RESOLVED], ask((R, 2), (N, None))),
        (Gist.CONTENT, True, [JUST_RESOLVED], ask((R, 2), (N, None))),
        # resolved days ago: "it works" still confirms it, thanks is only thanks
        (Gist.WORKS, False, [ticket(2, S.RESOLVED)], do(C, 2)),
        (Gist.THANKS, False, [ticket(2, S.RESOLVED)], Chat(Gist.THANKS)),
        # two resolved: which one?
        (
            Gist.WORKS,
            False,
            [JUST_RESOLVED, ticket(11, S.RESOLVED)],
            ask((C, 2), (C, 11)),
        ),
        # just answered, or just sent: that ticket or a new one?
        (Gist.CONTENT, False, [JUST_ANSWERED, OLD_QUIET], ask((A, 3), (N, None))),
        (Gist.CONTENT, False, [JUST_SENT], do(A, 8)),  # "forgot to say…" right after sending
        (Gist.CONTENT, False, [SENT_EARLIER], ask((A, 12), (N, None))),
        (Gist.WORKS, False, [JUST_ANSWERED], do(A, 3)),
        (Gist.WORKS, False, [JUST_ANSWERED, JUST_SENT], ask((A, 8), (A, 3))),
        (Gist.THANKS, False, [JUST_ANSWERED], Chat(Gist.THANKS)),
        # the employee is writing to a ticket: the next message continues it
        (Gist.CONTENT, True, [WRITING_TO, JUST_ANSWERED], do(A, 9)),
        (Gist.CONTENT, False, [WRITING_TO, WAITING], do(A, 9)),
        # finished tickets are not candidates
        (Gist.CONTENT, False, [CLOSED_YESTERDAY, CANCELLED], do(N)),
        # "уже не надо": close what the employee may still close, or pass it on
        (Gist.NOT_NEEDED, False, [WAITING], ask((X, 1), (A, 1))),
        (Gist.NOT_NEEDED, False, [JUST_SENT], ask((X, 8), (A, 8))),
        (Gist.NOT_NEEDED, False, [SENT_EARLIER], ask((X, 12), (A, 12))),
        (Gist.NOT_NEEDED, False, [WRITING_TO], do(A, 9)),  # in work: the engineer decides
        (Gist.NOT_NEEDED, False, [JUST_RESOLVED], do(C, 2)),  # nothing left to do: closed
        (Gist.NOT_NEEDED, False, [], Chat(Gist.OK)),  # nothing to withdraw, no new request
        (Gist.NOT_NEEDED, False, [CLOSED_YESTERDAY], Chat(Gist.OK)),
        (Gist.NOT_NEEDED, True, [WAITING], do(A, 1)),  # a file is an answer
        (
            Gist.NOT_NEEDED,
            False,
            [WAITING, ticket(10, S.WAITING_CLIENT, exchanged=HOUR)],
            ask((A, 10), (A, 1), (N, None)),  # which one? asked as for any message
        ),
    ],
)
def test_a_message_without_a_reply_goes_where_the_situation_says(
    gist: Gist, files: bool, tickets: list[Conversation], expected: object
) -> None:
    assert route(Incoming(gist, files), tickets, NOW) == expected


def test_a_message_plainly_about_another_topic_is_a_new_request_without_asking() -> None:
    printer = Incoming(Gist.CONTENT, category=Category.PRINTER)
    one_c = Incoming(Gist.CONTENT, category=Category.ONE_C)
    assert route(one_c, [JUST_ANSWERED, JUST_SENT], NOW) == do(N)  # even right after sending
    assert route(printer, [JUST_ANSWERED], NOW) == ask((A, 3), (N, None))
    assert route(one_c, [WAITING], NOW) == do(A, 1)  # an answer may name anything


def test_a_status_question_is_answered_from_the_open_tickets() -> None:
    status = Incoming(Gist.STATUS)
    assert route(status, [JUST_ANSWERED], NOW) == Status((3,))
    assert route(status, [JUST_ANSWERED, OLD_QUIET, CLOSED_YESTERDAY], NOW) == Status((3, 4))
    assert route(status, [CLOSED_YESTERDAY], NOW) == Status(())  # nothing open: what I do
    assert route(Incoming(Gist.STATUS, reply_to=OLD_QUIET), [JUST_ANSWERED], NOW) == Status((4,))
    assert route(Incoming(Gist.STATUS, has_files=True), [WAITING], NOW) == do(A, 1)
    # "а когда?" to the engineer's "можно подключиться?": the answer, a question back
    assert route(status, [WAITING, JUST_ANSWERED], NOW) == do(A, 1)
    assert route(Incoming(Gist.STATUS, reply_to=WAITING), [], NOW) == do(A, 1)
    # a lone "?" answers nothing: the status, which says that the engineer waits
    assert route(Incoming(Gist.WHAT), [WAITING, JUST_ANSWERED], NOW) == Status((3, 1))
    assert route(Incoming(Gist.WHAT, reply_to=WAITING), [], NOW) == Status((1,))


def test_a_short_message_naming_another_topic_is_asked_about_not_added() -> None:
    # "комп не вкл" sent 3 minutes ago, then "1с виснит": that ticket, or a new one?
    computer = ticket(
        8, S.NEW, exchanged=timedelta(minutes=3), wrote=timedelta(minutes=3),
        category=Category.COMPUTER_HARDWARE,
    )  # fmt: skip
    one_c = Incoming(Gist.CONTENT, names=Category.ONE_C)
    assert route(one_c, [computer], NOW) == ask((A, 8), (N, None))
    same = Incoming(Gist.CONTENT, names=Category.COMPUTER_HARDWARE)
    assert route(same, [computer], NOW) == do(A, 8)  # "и монитор тоже" continues it
    assert route(one_c, [WAITING], NOW) == do(A, 1)  # an answer may name anything


def test_working_badly_is_not_a_confirmation_of_another_topic() -> None:
    # the printer's fix waits for confirmation; "интернет еле работает" is a new problem
    message = Incoming(gist_of("интернет еле работает"), category=Category.INTERNET_NETWORK)
    assert route(message, [JUST_RESOLVED], NOW) == do(N)
    assert route(Incoming(gist_of("интернет еле работает")), [], NOW) == do(N)
    scanner = Incoming(gist_of("сканер работает через раз"), category=Category.PRINTER)
    assert route(scanner, [JUST_RESOLVED], NOW) == do(R, 2)  # the same topic: not fixed


def test_it_still_fails_about_another_topic_does_not_reopen_the_resolved_ticket() -> None:
    message = Incoming(Gist.STILL_FAILS, category=Category.INTERNET_NETWORK)
    assert route(message, [JUST_RESOLVED], NOW) == do(N)
    same_topic = Incoming(Gist.STILL_FAILS, category=Category.PRINTER)
    assert route(same_topic, [JUST_RESOLVED], NOW) == do(R, 2)
    two = [JUST_RESOLVED, ticket(11, S.RESOLVED)]
    assert route(same_topic, two, NOW) == ask((R, 2), (R, 11), (N, None))


@pytest.mark.parametrize(
    ("gist", "files", "replied", "expected"),
    [
        # a reply to a bot message about an open ticket goes to it, whatever it is
        (Gist.CONTENT, False, OLD_QUIET, do(A, 4)),
        (Gist.CONTENT, True, OLD_QUIET, do(A, 4)),
        (Gist.YES, False, OLD_QUIET, do(A, 4)),
        (Gist.EMOJI, False, WAITING, do(A, 1)),
        (Gist.THANKS, False, OLD_QUIET, Chat(Gist.THANKS)),
        # ... even when another ticket waits for an answer
        (Gist.CONTENT, False, JUST_ANSWERED, do(A, 3)),
        # a resolved one: confirm, reopen, ask if it works, or ask what is meant
        (Gist.WORKS, False, JUST_RESOLVED, do(C, 2)),
        (Gist.STILL_FAILS, False, JUST_RESOLVED, do(R, 2)),
        (Gist.THANKS, False, JUST_RESOLVED, AskIfWorks(2)),
        (Gist.CONTENT, False, JUST_RESOLVED, ask((R, 2), (A, 2), (N, None))),
        (Gist.CONTENT, True, JUST_RESOLVED, ask((R, 2), (A, 2), (N, None))),
        # a finished one: reopen it (closed lately) or a new request
        (Gist.CONTENT, False, CLOSED_YESTERDAY, ask((R, 5), (N, None))),
        (Gist.STILL_FAILS, True, CLOSED_YESTERDAY, ask((R, 5), (N, None))),
        (Gist.CONTENT, False, CLOSED_LONG_AGO, ask((N, None))),
        (Gist.CONTENT, False, CANCELLED, ask((N, None))),
        (Gist.THANKS, False, CLOSED_YESTERDAY, Chat(Gist.THANKS)),
        (Gist.NOT_NEEDED, False, WAITING, ask((X, 1), (A, 1))),
        (Gist.NOT_NEEDED, False, JUST_RESOLVED, do(C, 2)),
        (Gist.NOT_NEEDED, False, CLOSED_YESTERDAY, Chat(Gist.OK)),
    ],
)
def test_a_reply_to_a_message_about_a_ticket_is_about_that_ticket(
    gist: Gist, files: bool, replied: Conversation, expected: object
) -> None:
    others = [WAITING, JUST_RESOLVED, OLD_QUIET]
    assert route(Incoming(gist, files, reply_to=replied), others, NOW) == expected


# Иван answered with a question ("💬 Ответить", not «Вопрос клиенту»): the ticket is in work.
ASKED = ticket(
    13, S.IN_PROGRESS, exchanged=timedelta(minutes=5), wrote=timedelta(minutes=20),
    category=Category.ONE_C, staff_said="какая ошибка пишет? пришлите скрин",
)  # fmt: skip


@pytest.mark.parametrize(
    ("incoming", "tickets", "expected"),
    [
        # whatever its words, the next message answers the question: even on another topic
        (Incoming(Gist.CONTENT, category=Category.INTERNET_NETWORK), [ASKED], do(A, 13)),
        (
            Incoming(Gist.CONTENT, category=Category.NEW_WORKPLACE_PURCHASE),
            [ASKED, OLD_QUIET],
            do(A, 13),
        ),
        (Incoming(Gist.CONTENT, names=Category.SERVER), [ASKED], do(A, 13)),
        (Incoming(Gist.STILL_FAILS), [ASKED], do(A, 13)),  # "нет" to "мигает индикатор?"
        (Incoming(Gist.YES), [ASKED], do(A, 13)),  # "да" to "можно подключиться?"
        (Incoming(Gist.STATUS), [ASKED], do(A, 13)),  # "а когда?": a question back
        (Incoming(Gist.THANKS), [ASKED], Chat(Gist.THANKS, (13,))),  # reminded of it
        (Incoming(Gist.CONTENT, reply_to=ASKED), [], do(A, 13)),
        # the question asked on two tickets: which one?
        (
            Incoming(Gist.CONTENT),
            [ASKED, WAITING],
            ask((A, 13), (A, 1), (N, None)),
        ),
        # a plain answer without a question is no question: asked about, or new on its topic
        (
            Incoming(Gist.CONTENT),
            [ticket(14, exchanged=timedelta(minutes=5), staff_said="Посмотрю через час")],
            ask((A, 14), (N, None)),
        ),
        (
            Incoming(Gist.CONTENT, category=Category.ONE_C),
            [ticket(14, exchanged=timedelta(minutes=5), staff_said="Посмотрю через час")],
            do(N),
        ),
        # a question two days old, or on a resolved ticket, waits for nobody's answer
        (
            Incoming(Gist.CONTENT, category=Category.INTERNET_NETWORK),
            [ticket(15, exchanged=timedelta(days=2), staff_said="Какая ошибка?")],
            do(N),
        ),
        (
            Incoming(Gist.CONTENT, category=Category.INTERNET_NETWORK),
            [ticket(16, S.RESOLVED, exchanged=HOUR, staff_said="Проверите?")],
            do(N),
        ),
    ],
)
def test_the_message_after_staffs_question_is_its_answer_whatever_its_words(
    incoming: Incoming, tickets: list[Conversation], expected: object
) -> None:
    assert route(incoming, tickets, NOW) == expected


def test_a_question_waits_for_an_answer_until_it_is_answered_or_a_day_old() -> None:
    assert awaits_answer(ASKED, NOW)
    assert awaits_answer(WAITING, NOW)  # «Вопрос клиенту»: however long ago
    assert not awaits_answer(JUST_ANSWERED, NOW)  # nothing asked
    answered = ticket(13, exchanged=timedelta(minutes=5))  # she wrote since: no staff's word
    assert not awaits_answer(answered, NOW)
    assert not awaits_answer(ASKED, NOW + timedelta(hours=25))


@pytest.mark.parametrize(
    ("text", "gist"),
    [
        ("алло", Gist.NUDGE),
        ("алло??? есть кто?", Gist.NUDGE),
        ("вы вообще работаете?", Gist.NUDGE),
        ("где инженер???", Gist.NUDGE),
        ("hello? anybody there?", Gist.NUDGE),
        ("два часа без 1с, никто не позвонил", Gist.COMPLAINT),
        ("как это стандартный?? я вообще не могу работать", Gist.COMPLAINT),
        ("третий день без интернета", Gist.COMPLAINT),
        ("сколько можно ждать", Gist.COMPLAINT),
        ("still waiting, nobody called", Gist.COMPLAINT),
        # questions and problems that only share a word with them
        ("вы работаете в субботу?", Gist.CONTENT),
        ("а вы в выходные работаете?", Gist.CONTENT),
        ("никто не может работать", Gist.CONTENT),
        ("сервер упал никто не может работать", Gist.CONTENT),
        ("принтер не печатает уже два часа", Gist.CONTENT),
        ("ну что там", Gist.STATUS),
    ],
)
def test_anybody_there_and_complaints_are_told_from_questions_and_problems(
    text: str, gist: Gist
) -> None:
    assert gist_of(text) is gist


NEW_ONE = ticket(17, S.NEW, exchanged=timedelta(minutes=35), wrote=timedelta(minutes=35))


@pytest.mark.parametrize(
    ("incoming", "tickets", "expected"),
    [
        # one request in work: "алло" goes to it, never held behind "к №1 или новая?"
        (Incoming(Gist.NUDGE), [NEW_ONE], do(A, 17)),
        (Incoming(Gist.NUDGE), [NEW_ONE, CLOSED_YESTERDAY], do(A, 17)),
        (Incoming(Gist.NUDGE), [NEW_ONE, JUST_RESOLVED], do(A, 17)),
        # several: how they stand; none: what the bot does; an awaited answer: reminded
        (Incoming(Gist.NUDGE), [NEW_ONE, JUST_ANSWERED], Status((17, 3))),  # the latest first
        (Incoming(Gist.NUDGE), [], Chat(Gist.STATUS)),
        (Incoming(Gist.NUDGE), [NEW_ONE, WAITING], Chat(Gist.GREETING, (1,))),
        # a complaint goes to the request in work and to the manager
        (Incoming(Gist.COMPLAINT), [NEW_ONE], do(Action.COMPLAIN, 17)),
        (Incoming(Gist.COMPLAINT, category=Category.ONE_C), [OLD_QUIET], do(Action.COMPLAIN, 4)),
        (Incoming(Gist.COMPLAINT, reply_to=OLD_QUIET), [NEW_ONE], do(Action.COMPLAIN, 4)),
        (
            Incoming(Gist.COMPLAINT),
            [NEW_ONE, JUST_ANSWERED],
            ask((Action.COMPLAIN, 17), (Action.COMPLAIN, 3), (N, None)),
        ),
        # nothing in work: a complaint about something nobody reported is a description
        (Incoming(Gist.COMPLAINT), [], do(N)),
        (Incoming(Gist.COMPLAINT, has_files=True), [NEW_ONE], ask((A, 17), (N, None))),
    ],
)
def test_anybody_there_and_complaints_go_to_the_request_in_work(
    incoming: Incoming, tickets: list[Conversation], expected: object
) -> None:
    assert route(incoming, tickets, NOW) == expected


@pytest.mark.parametrize(
    ("text", "helped", "later", "expected"),
    [
        ("нет все равно не работает", True, timedelta(minutes=20), True),
        ("не помогло", True, timedelta(hours=5), True),
        ("опять не открывается", True, timedelta(hours=23), True),
        ("нет все равно не работает", True, timedelta(hours=25), False),  # a new day
        ("нет все равно не работает", False, timedelta(minutes=20), False),  # nothing helped
        ("не печатает принтер", True, timedelta(minutes=20), False),  # another problem
        ("спасибо", True, timedelta(minutes=20), False),
    ],
)
def test_still_failing_soon_after_an_article_helped_goes_on_with_that_request(
    text: str, helped: bool, later: timedelta, expected: bool
) -> None:
    helped_at = NOW if helped else None
    assert returns_after_self_help(text, helped_at, NOW + later) is expected


def test_still_failing_of_another_topic_after_an_article_helped_is_another_request() -> None:
    later, email = NOW + timedelta(minutes=20), Category.EMAIL
    still = "не работает принтер"
    assert not returns_after_self_help(still, NOW, later, names=Category.PRINTER, about=email)
    again = "outlook опять не открывается"
    assert returns_after_self_help(again, NOW, later, names=email, about=email)


@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("позовите живого человека", True),
        ("можно поговорить с человеком?", True),
        ("позовите оператора", True),
        ("Talk to a human please", True),
        ("can I speak to someone?", True),
        ("не работает принтер", False),
        ("оператор связи не работает", False),  # a problem with the carrier
        ("human resources просит новый ноутбук", False),
        ("живого человека не дозвониться, а интернет в офисе пропал с утра и нет", False),
    ],
)
def test_asking_for_a_person_is_told_from_a_problem(text: str, wants: bool) -> None:
    from domain.routing import wants_a_person

    assert wants_a_person(text) is wants
