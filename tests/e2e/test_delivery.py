"""The outbox delivery end to end: rows written into the outbox reach Telegram (the
emulator) exactly once and in order per chat, through 429s, 5xx, dropped connections, a
blocked person, a crash, and Telegram's own flood limits."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.sandbox import BotApiEmulator, ChatMessage, ChatView, RateLimits, Window
from bot.sandbox.errors import SandboxTimeout
from domain import StaffRole
from domain.ports import OutboxMessage
from storage import Database
from storage.codec import parse_utc
from storage.outbox import OutboxDelivery
from tests.e2e.harness import Desk, msk, running_desk

ROOT = Path(__file__).resolve().parents[2]
MANAGER_ID = 700
# A Monday morning long past. The worker delivers a row once the later of the wall clock
# and the business clock reaches its time, and times its retries on that too: a frozen
# business clock ahead of the wall clock would hold every retry back until the wall
# clock caught up. These tests are about Telegram's time, so keep the business clock
# behind it whatever the date the tests run on.
PAST_MONDAY = msk(2024, 11, 25, 10, 0)


@pytest.fixture
async def desk(
    emulator: BotApiEmulator, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Desk]:
    expect_failures = request.node.get_closest_marker("expect_failures") is not None
    async with running_desk(
        emulator, tmp_path, start=PAST_MONDAY, expect_failures=expect_failures
    ) as running:
        yield running


async def queue(desk: Desk, rows: Iterable[OutboxMessage]) -> list[int | None]:
    """Write rows straight into the outbox, as a use case does, and wake the worker."""
    async with desk.db.unit_of_work() as uow:
        ids = [await uow.outbox.add(row) for row in rows]
        await uow.commit()
    desk.app.delivery.wake()
    return ids


def text(chat_id: int, body: str, key: str | None = None) -> OutboxMessage:
    return OutboxMessage(
        chat_id=chat_id, method="sendMessage", payload={"text": body}, dedup_key=key or body
    )


def texts(chat: ChatView, prefix: str) -> list[str]:
    """The texts of the bot's messages in `chat` that start with `prefix`, in order."""
    return [m.text for m in chat.bot_messages if (m.text or "").startswith(prefix)]


async def wait_for_texts(chat: ChatView, prefix: str, count: int, timeout: float) -> None:
    await chat.wait_until(lambda _: len(texts(chat, prefix)) >= count, timeout=timeout)


def send_calls(emulator: BotApiEmulator, chat_id: int) -> list[int]:
    """Statuses of the sendMessage calls to `chat_id` that reached the method."""
    return [
        call.status
        for call in emulator.calls("sendMessage")
        if str(call.params.get("chat_id")) == str(chat_id)
    ]


async def until(condition: Callable[[], object], timeout: float) -> None:
    """Wait for something the emulator does not signal (a fault rule being hit)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s")
        await asyncio.sleep(0.01)


async def settled(desk: Desk, timeout: float = 5.0) -> None:
    """Wait until the outbox has nothing pending: a message reaches the emulator a moment
    before the worker records it as sent."""
    deadline = time.monotonic() + timeout
    while pending := await desk.outbox():
        if time.monotonic() > deadline:
            raise AssertionError(f"still pending after {timeout}s: {pending}")
        await asyncio.sleep(0.02)


async def row_status(desk: Desk, outbox_id: int | None) -> tuple[str, int]:
    assert outbox_id is not None
    row = await OutboxDelivery(desk.db).get(outbox_id)
    assert row is not None
    return row.status, row.message.attempts


# --- faults ----------------------------------------------------------------------------


@pytest.mark.expect_failures
@pytest.mark.slow
async def test_every_message_arrives_once_and_in_order_through_429_5xx_and_drops(desk: Desk):
    emulator = desk.emulator
    faults = emulator.faults
    person = desk.person("Анна")
    n = 4
    # Telegram says "retry after 1 s" twice, then fails with a 5xx, then the connection
    # drops twice in a row. Each kind lands on a message of its own: the next fault is
    # added from the emulator's listener, synchronously inside the call that delivered
    # the message before, so the sequence is exact without timing guesses (and the
    # retries stay short: the backoff grows with the attempts of one row).
    phases: dict[str, Callable[[], object]] = {
        "m0": lambda: faults.add_server_error(502, count=1, method="sendMessage"),
        "m1": lambda: faults.add_disconnect(count=2, method="sendMessage"),
    }

    def next_phase(event: str, message: ChatMessage) -> None:
        if event == "new" and message.from_bot and message.text in phases:
            phases.pop(message.text)()

    emulator.subscribe(next_phase)
    faults.add_retry_after(retry_after=1, count=2, method="sendMessage")

    ids = await queue(desk, (text(person.id, f"m{i}") for i in range(n)))
    await wait_for_texts(person, "m", n, timeout=15)
    await settled(desk)

    assert texts(person, "m") == [f"m{i}" for i in range(n)]
    assert not phases and not faults.active
    statuses = [call.status for call in emulator.calls("sendMessage")]
    assert statuses.count(429) == 2 and statuses.count(502) == 1
    assert emulator.stats.disconnects == 2
    assert statuses.count(200) == n  # nothing sent twice
    # m0 took three tries (two 429s), m1 two (a 5xx), m2 three (two drops)
    rows = [await row_status(desk, outbox_id) for outbox_id in ids]
    assert rows == [("sent", tries) for tries in (3, 2, 3, 1)]


# --- order across chats ----------------------------------------------------------------


async def test_chats_interleave_but_each_keeps_its_order(desk: Desk):
    emulator = desk.emulator
    people = [desk.person(name) for name in ("Анна", "Борис", "Вера")]
    group = desk.staff_chat
    assert group is not None
    chats: list[ChatView] = [*people, group]
    per_chat = {chat.chat_id: 3 for chat in people} | {group.chat_id: 5}
    # written chat after chat: all of Анна's first, then Борис's, ...
    rows = [
        text(chat_id, f"c{chat_id}:{i}")
        for chat_id, count in per_chat.items()
        for i in range(count)
    ]
    await queue(desk, rows)
    for chat in chats:
        await wait_for_texts(chat, f"c{chat.chat_id}:", per_chat[chat.chat_id], timeout=10)

    for chat in chats:
        wanted = [f"c{chat.chat_id}:{i}" for i in range(per_chat[chat.chat_id])]
        assert texts(chat, f"c{chat.chat_id}:") == wanted
    # The order Telegram got them in: the chats took turns, none waited for another's
    # whole queue (Вера's first message went before Анна's last).
    order = [
        call.params["text"]
        for call in emulator.calls("sendMessage")
        if call.ok and str(call.params.get("text", "")).startswith("c")
    ]
    first_of_last_chat = order.index(f"c{people[2].id}:0")
    last_of_first_chat = order.index(f"c{people[0].id}:2")
    assert first_of_last_chat < last_of_first_chat
    assert order.index(f"c{group.id}:0") < last_of_first_chat


async def test_a_slow_chat_does_not_hold_back_the_others(desk: Desk):
    emulator = desk.emulator
    anna, boris = desk.person("Анна"), desk.person("Борис")
    # Telegram takes 2 s over Анна's message (a slow network, a busy data center).
    slow = emulator.faults.add_delay(2.0, count=1, method="sendMessage")
    await queue(desk, [text(anna.id, "медленно", "slow")])
    await until(lambda: slow.hits == 1, timeout=5)

    # Meanwhile Борис gets his at once, not after Анна's call is over.
    await queue(desk, [text(boris.id, "быстро", "fast")])
    await boris.wait_for_message(contains="быстро", timeout=1.5)
    assert texts(anna, "медленно") == []
    await anna.wait_for_message(contains="медленно", timeout=5)
    await settled(desk)


# --- blocked person ---------------------------------------------------------------------


@pytest.mark.expect_failures
async def test_blocked_person_fails_for_good_and_their_manager_is_told(desk: Desk):
    emulator = desk.emulator
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    manager = emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    client = await desk.add_client("ООО Ромашка", manager_tg_id=MANAGER_ID)
    anna = desk.person("Анна", last_name="Петрова")
    await desk.register(anna, client)
    await anna.block_bot()
    await emulator.wait_idle()
    seen = len(anna.bot_messages)

    [outbox_id] = await queue(desk, [text(anna.id, "Ваша заявка №1 принята", "blocked")])
    notice = await manager.wait_for_message(contains="Не удалось доставить", timeout=5)
    await settled(desk)

    assert "Анна Петрова" in notice.text and "ООО Ромашка" in notice.text
    assert await row_status(desk, outbox_id) == ("failed", 1)  # tried once, not again
    assert send_calls(emulator, anna.id)[-1] == 403
    assert len(anna.bot_messages) == seen
    assert desk.app.delivery.failed == 1
    # The worker moved on: a later message to the manager goes through, and the failed
    # row was not tried again meanwhile.
    await queue(desk, [text(MANAGER_ID, "после", "after")])
    await manager.wait_for_message(contains="после", timeout=5)
    await settled(desk)
    assert send_calls(emulator, anna.id).count(403) == 1


# --- edits and duplicates ---------------------------------------------------------------


@pytest.mark.expect_failures
async def test_an_edit_to_identical_content_counts_as_delivered(desk: Desk):
    emulator = desk.emulator
    person = desk.person("Анна")
    [sent_id] = await queue(desk, [text(person.id, "Заявка №1: в работе", "card")])
    await person.wait_for_message(contains="в работе")
    await settled(desk)
    sent = await OutboxDelivery(desk.db).get(sent_id or 0)
    assert sent is not None and sent.status == "sent" and sent.sent_message_id

    edit = OutboxMessage(
        chat_id=person.id,
        method="editMessageText",
        payload={"message_id": sent.sent_message_id, "text": "Заявка №1: в работе"},
        dedup_key="card:edit",
    )
    # The message after the edit in the same chat goes only once the edit is settled.
    [edit_id, _] = await queue(desk, [edit, text(person.id, "потом", "then")])
    await person.wait_for_message(contains="потом")
    await settled(desk)

    [edit_call] = emulator.calls("editMessageText")
    assert edit_call.status == 400 and "message is not modified" in (edit_call.description or "")
    assert await row_status(desk, edit_id) == ("sent", 1)
    assert desk.app.delivery.failed == 0
    assert texts(person, "Заявка") == ["Заявка №1: в работе"]


async def test_the_same_dedup_key_twice_is_one_message(desk: Desk):
    person = desk.person("Анна")
    first = await queue(desk, [text(person.id, "Заявка №1 принята", "ticket:1:accepted")])
    second = await queue(desk, [text(person.id, "Заявка №1 принята", "ticket:1:accepted")])
    assert first[0] is not None and second == [None]
    # A later message of the chat is a barrier: once it is in, the queue before it is done.
    await queue(desk, [text(person.id, "конец", "end")])
    await person.wait_for_message(contains="конец")

    assert [m.text for m in person.bot_messages] == ["Заявка №1 принята", "конец"]
    async with desk.db.transaction() as session:
        row = await session.fetchone(
            "SELECT count(*) FROM outbox WHERE dedup_key = 'ticket:1:accepted'"
        )
    assert row is not None and row[0] == 1


# --- a crash --------------------------------------------------------------------------

# The bot in a process of its own: start the front desk against the emulator, queue the
# rows, say so, and run until killed.
_CRASHING_BOT = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from bot.app import FrontDesk
from bot.clock import SystemClock
from bot.config import Settings
from domain.ports import OutboxMessage

async def main(base_url, token, db_path, chat_id, n):
    settings = Settings(
        _env_file=None, BOT_TOKEN=token, DATABASE_PATH=db_path, TELEGRAM_API_BASE=base_url
    )
    app = FrontDesk(settings, SystemClock())
    await app.start()
    app.start_polling_in_background()
    async with app.db.unit_of_work() as uow:
        for i in range(n):
            await uow.outbox.add(OutboxMessage(
                chat_id=chat_id, method="sendMessage", payload={"text": f"m{i}"},
                dedup_key=f"k{i}",
            ))
        await uow.commit()
    app.delivery.wake()
    print("queued", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])))
"""


async def wait_for_row(db_path: Path, query: str, predicate: Callable, timeout: float) -> None:
    """Wait until `predicate(row)` holds for `query` on the database file, read by a
    connection of our own (the bot writing it is another process)."""
    deadline = time.monotonic() + timeout
    while True:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute(query).fetchone()
        if row is not None and predicate(row):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{query!r} gave {dict(row) if row else None} for {timeout}s")
        await asyncio.sleep(0.02)


def between_tries(row: sqlite3.Row) -> bool:
    """The row failed and waits for its next try, neither leased (in flight: due in two
    minutes) nor about to be claimed again."""
    if not row["last_error"]:
        return False
    due_in = parse_utc(row["next_attempt_at"]) - datetime.now(UTC)
    return timedelta(seconds=0.3) < due_in < timedelta(seconds=30)


@pytest.mark.sqlite_only  # the bot in processes of its own, on the file
@pytest.mark.slow
async def test_pending_rows_survive_the_process_being_killed(
    emulator: BotApiEmulator, tmp_path: Path
):
    person = emulator.create_user("Анна", language_code="ru")
    db_path = tmp_path / "frontdesk.db"
    n = 4
    # Telegram is down: every send fails with 500 until it comes back.
    emulator.faults.add_server_error(500, count=None, method="sendMessage")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _CRASHING_BOT,
        str(ROOT),
        emulator.base_url,
        emulator.token,
        str(db_path),
        str(person.id),
        str(n),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert line.strip() == b"queued", line
        await emulator.wait_for_call("sendMessage", lambda call: call.status == 500, timeout=5)
        # Kill it between tries, when the first row's failure is on record and its next
        # try (a second away) is not due yet (a row killed mid-send: the test after this).
        await wait_for_row(
            db_path,
            "SELECT last_error, next_attempt_at FROM outbox ORDER BY id LIMIT 1",
            between_tries,
            timeout=5,
        )
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), timeout=5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == -signal.SIGKILL
    assert person.bot_messages == []  # nothing got through before the crash
    with closing(sqlite3.connect(db_path)) as conn:  # what the killed process left on disk
        [(pending,)] = conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'")
    assert pending == n

    emulator.faults.clear()  # Telegram is back
    async with running_desk(emulator, tmp_path, start=PAST_MONDAY) as desk:
        await wait_for_texts(person, "m", n, timeout=10)
        received = texts(person, "m")
        first_seen = list(dict.fromkeys(received))
        assert first_seen == [f"m{i}" for i in range(n)]  # every one, in order
        duplicates = len(received) - len(first_seen)
        assert duplicates == 0, f"{duplicates} message(s) arrived twice: {received}"
        await settled(desk)


async def test_a_message_in_flight_at_a_crash_goes_at_once_after_the_restart(
    emulator: BotApiEmulator, tmp_path: Path
):
    """The process died mid-send: its row is leased for two minutes, yet the next process
    sends it (and the chat's next one) at once."""
    person = emulator.create_user("Анна", language_code="ru")
    db_path = tmp_path / "frontdesk.db"
    db = await Database.open(db_path, clock=SystemClock())
    try:
        async with db.unit_of_work() as uow:
            for body in ("m0", "m1"):
                await uow.outbox.add(text(person.id, body))
            await uow.commit()
        claimed = await OutboxDelivery(db).claim_due(datetime.now(UTC), 10)
        assert [m.payload["text"] for m in claimed] == ["m0"]  # on its way when it died
    finally:
        await db.close()
    started = time.monotonic()
    async with running_desk(emulator, tmp_path, start=PAST_MONDAY) as desk:
        await wait_for_texts(person, "m", 2, timeout=10)
        await settled(desk)
    assert texts(person, "m") == ["m0", "m1"]
    assert time.monotonic() - started < 30  # not after the two-minute lease


# --- Telegram's flood limits ----------------------------------------------------------


@pytest.mark.real_flood_limits
@pytest.mark.slow
async def test_bursts_keep_every_window_within_its_limit_and_arrive_in_order(desk: Desk):
    emulator = desk.emulator
    emulator.enable_rate_limits(True)
    # A group's limit is 20 a minute; here 5 in 2 s, the emulator and the worker alike,
    # so that a burst three times the limit takes seconds rather than minutes.
    emulator.rate_limiter.limits = RateLimits(group=Window(5, 2.0))
    desk.app.delivery.throttle.group = (5, 2.0)
    group = emulator.create_group("Отдел продаж")
    person = desk.person("Анна")
    crowd = [desk.person(f"Гость {n}") for n in range(60)]
    to_group, to_person = 15, 5

    await queue(
        desk,
        [text(group.id, f"g{i}") for i in range(to_group)]
        + [text(person.id, f"p{i}") for i in range(to_person)]
        + [text(guest.id, f"c{guest.id}") for guest in crowd],
    )
    try:
        await wait_for_texts(group, "g", to_group, timeout=15)
        await wait_for_texts(person, "p", to_person, timeout=15)
        for guest in crowd:
            await wait_for_texts(guest, "c", 1, timeout=15)
    except SandboxTimeout:
        raise AssertionError(
            f"{len(texts(group, 'g'))}/{to_group} to the group and "
            f"{len(texts(person, 'p'))}/{to_person} to the person; "
            f"429s: {emulator.too_many_requests_count}"
        ) from None

    assert texts(group, "g") == [f"g{i}" for i in range(to_group)]
    assert texts(person, "p") == [f"p{i}" for i in range(to_person)]
    # The worker kept to the limits by itself rather than being told off: what the
    # emulator accepted never had more in one window than Telegram allows.
    assert emulator.too_many_requests_count == 0
    busiest = emulator.busiest_windows()
    assert busiest.group == 5  # full windows, never over
    assert busiest.private_chat_second == 1  # the outbox leaves the burst to replies
    assert busiest.overall <= 30


@pytest.mark.slow
async def test_a_breach_notice_goes_ahead_of_a_burst_of_ordinary_ones(desk: Desk):
    """Telegram's 30 a second overall is the bottleneck: the manager's breach notice,
    queued last, is among the first sent, and each chat still gets its own in order."""
    emulator = desk.emulator
    manager = desk.person("Менеджер")
    crowd = [desk.person(f"Гость {n}") for n in range(90)]
    breach = OutboxMessage(
        chat_id=manager.id,
        method="sendMessage",
        payload={"text": "breach №7"},
        dedup_key=f"sla:7:breach:{manager.id}",
        urgent=True,
    )
    burst = [text(guest.id, f"c{guest.id}") for guest in crowd]
    await queue(desk, [text(manager.id, "new №7"), *burst, breach])
    for guest in crowd:
        await wait_for_texts(guest, "c", 1, timeout=20)
    await wait_for_texts(manager, "", 2, timeout=10)
    sent = [str(call.params.get("text")) for call in emulator.calls("sendMessage") if call.ok]
    assert sent.index("breach №7") < 5, sent[:10]
    assert texts(manager, "") == ["breach №7", "new №7"]
    await settled(desk)
