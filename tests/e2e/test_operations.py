"""Running the front desk for real: webhook mode, graceful shutdown with the outbox, the
/healthz and /metrics endpoints, the log lines, and settings checked at start."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import FrontDesk
from bot.clock import MovableClock, SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.logs import log_handler
from bot.sandbox import BotApiEmulator
from domain import StaffRole
from domain.ports import OutboxMessage
from storage import Database
from storage.outbox import OutboxDelivery
from tests.e2e.harness import MONDAY_MORNING, STAFF_CHAT_ID, Desk, running_desk
from tests.e2e.test_client_side import send_ticket

SECRET = "s3cret_Token-1"
TOKEN_LIKE = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_for(emulator: BotApiEmulator, tmp_path: Path, **extra: Any) -> Settings:
    values = {
        "BOT_TOKEN": emulator.token,
        "DATABASE_PATH": tmp_path / "frontdesk.db",
        "TELEGRAM_API_BASE": emulator.base_url,
        "STAFF_CHAT_ID": STAFF_CHAT_ID,
        "METRICS_PORT": 0,
    }
    return Settings(_env_file=None, **(values | extra))  # type: ignore[call-arg]


@asynccontextmanager
async def webhook_desk(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    port = free_port()
    group = emulator.create_group("Поддержка", chat_id=STAFF_CHAT_ID)
    settings = settings_for(
        emulator,
        tmp_path,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT=port,
    )
    clock = MovableClock(MONDAY_MORNING, ticking=False)
    app = FrontDesk(settings, clock)
    await app.start()
    await app.start_webhook()
    try:
        yield Desk(emulator, app, clock, group)
    finally:
        await app.stop()


def forged_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Анна", "language_code": "ru"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 10_000 + update_id,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Анна"},
            "from": user,
            "text": text,
        },
    }


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


# --- webhook ----------------------------------------------------------------------------


async def test_in_webhook_mode_telegram_pushes_updates_and_people_get_answers(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with webhook_desk(emulator, tmp_path) as desk:
        assert emulator.webhook_url.endswith("/telegram")
        assert emulator.long_polls_waiting == 0
        client = await desk.add_client()
        anna = desk.person("Анна")
        await desk.register(anna, client)
        number = await send_ticket(anna)
        card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
        assert "Анна" in card.text


async def test_a_webhook_call_without_the_secret_is_refused_and_changes_nothing(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with webhook_desk(emulator, tmp_path) as desk:
        client = await desk.add_client()
        anna = desk.person("Анна")
        await desk.register(anna, client)
        seen = len(anna.bot_messages)
        update = forged_update(900_001, anna.id, "/help")
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
                async with http.post(emulator.webhook_url, json=update, headers=headers) as r:
                    assert r.status == 403
            await asyncio.sleep(0.3)
            assert len(anna.bot_messages) == seen
            async with desk.db.unit_of_work() as uow:
                assert not await uow.processed_updates.seen_before(900_001)

            # The same request with Telegram's secret is taken: the refusal was the secret.
            async with http.post(
                emulator.webhook_url, json=update, headers={SECRET_HEADER: SECRET}
            ) as response:
                assert response.status == 200
        await anna.wait_until(lambda _t: len(anna.bot_messages) > seen)


# --- graceful shutdown --------------------------------------------------------------------


async def queue_notes(db: Database, count: int) -> None:
    async with db.unit_of_work() as uow:
        for n in range(count):
            await uow.outbox.add(
                OutboxMessage(
                    chat_id=STAFF_CHAT_ID,
                    method="sendMessage",
                    payload={"text": f"заметка {n}"},
                    dedup_key=f"note:{n}",
                    created_at=MONDAY_MORNING,
                )
            )
        await uow.commit()


async def pending_in(path: Path) -> int:
    async with await Database.open(path, clock=SystemClock()) as db:
        return len(await OutboxDelivery(db).pending())


async def test_on_shutdown_the_update_in_hand_is_finished(emulator: BotApiEmulator, tmp_path: Path):
    async with running_desk(emulator, tmp_path) as desk:
        client = await desk.add_client()
        anna = desk.person("Анна")
        await desk.register(anna, client)
        seen = len(anna.bot_messages)
        slow = emulator.faults.add_delay(0.5, method="sendMessage")
        await anna.send("не печатает принтер")
        assert await until(lambda: slow.hits == 1)  # the handler is answering her now
    assert len(anna.bot_messages) == seen + 1 and "Верно?" in anna.bot_messages[-1].text

    # What the handler did was committed: after a restart the intake goes on from there.
    app = FrontDesk(settings_for(emulator, tmp_path), MovableClock(MONDAY_MORNING, ticking=False))
    await app.start()
    app.start_polling_in_background()
    try:
        await anna.press("Да, верно")
        await anna.wait_for_message(contains="Можете")
    finally:
        await app.stop()


async def test_on_shutdown_the_outbox_is_flushed(emulator: BotApiEmulator, tmp_path: Path):
    async with running_desk(emulator, tmp_path) as desk:
        await queue_notes(desk.db, 5)
    # Stopped right after the rows were written: they went out before it closed.
    notes = [m.text for m in desk.staff_chat.bot_messages if "заметка" in (m.text or "")]
    assert notes == [f"заметка {n}" for n in range(5)]
    assert await pending_in(tmp_path / "frontdesk.db") == 0


async def test_what_cannot_be_sent_at_shutdown_waits_for_the_next_start(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(
        emulator, tmp_path, expect_failures=True, SHUTDOWN_FLUSH_SECONDS=0.5
    ) as desk:
        emulator.faults.add_server_error(502, count=None, method="sendMessage")
        await queue_notes(desk.db, 3)
        loop = asyncio.get_running_loop()
        began = loop.time()
    assert loop.time() - began < 3  # the flush is bounded
    assert await pending_in(tmp_path / "frontdesk.db") == 3
    assert not [m for m in desk.staff_chat.bot_messages if "заметка" in (m.text or "")]

    emulator.faults.clear()
    settings = settings_for(emulator, tmp_path)
    app = FrontDesk(settings, MovableClock(MONDAY_MORNING, ticking=False))
    await app.start()
    try:
        await desk.staff_chat.wait_until(
            lambda _t: sum("заметка" in (m.text or "") for m in desk.staff_chat.bot_messages) == 3,
            timeout=10,
        )
    finally:
        await app.stop()
    assert await pending_in(tmp_path / "frontdesk.db") == 0


# --- /healthz and /metrics ------------------------------------------------------------------


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_healthz_and_metrics_describe_the_running_desk(desk: Desk):
    base = await desk.app.serve_monitoring("127.0.0.1", 0)
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    number = await send_ticket(anna)
    await desk.staff_chat.wait_for_message(contains=f"№{number}")
    assert await desk.outbox_drained()

    status, body = await get(f"{base}/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["database"] == "ok"
    assert health["outbox"] == {"pending": 0, "oldest_age_seconds": 0}
    assert 0 <= health["telegram"]["last_success_seconds_ago"] < 5

    status, text = await get(f"{base}/metrics")
    found = samples(text)
    messages = found[("frontdesk_updates_total", (("type", "message"),))]
    presses = found[("frontdesk_updates_total", (("type", "callback_query"),))]
    assert messages >= 2 and presses >= 4  # /start and the description; the buttons
    assert found[("frontdesk_update_handling_seconds_count", ())] == messages + presses
    assert not [
        v for (name, _), v in found.items() if name == "frontdesk_update_errors_total" and v
    ]
    ticket = await ticket_priority(desk, number)
    assert found[("frontdesk_open_tickets", (("priority", ticket),))] == 1
    assert sum(v for (name, _), v in found.items() if name == "frontdesk_open_tickets") == 1
    assert found[("frontdesk_deliveries_total", (("outcome", "sent"),))] >= 1
    assert found[("frontdesk_deliveries_total", (("outcome", "failed"),))] == 0
    assert found[("frontdesk_outbox_depth", ())] == 0
    assert ("frontdesk_sla_events_total", (("kind", "breach"),)) in found


async def test_the_running_desk_hands_the_gil_to_its_database_thread_sooner(
    emulator: BotApiEmulator, tmp_path: Path
):
    default = 0.005  # CPython's
    previous = sys.getswitchinterval()
    sys.setswitchinterval(default)
    try:
        async with running_desk(emulator, tmp_path):
            assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(previous)


async def ticket_priority(desk: Desk, number: int) -> str:
    async with desk.db.unit_of_work() as uow:
        return str((await uow.tickets.get(number)).priority)


async def test_healthz_says_unhealthy_when_the_outbox_lags(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(
        emulator, tmp_path, expect_failures=True, HEALTH_OUTBOX_LAG_SECONDS=0.3
    ) as desk:
        base = await desk.app.serve_monitoring("127.0.0.1", 0)
        emulator.faults.add_server_error(502, count=None, method="sendMessage")
        await queue_notes(desk.db, 1)
        desk.app.delivery.wake()
        assert await until(lambda: desk.app.delivery.retried > 0)
        await asyncio.sleep(0.3)
        status, body = await get(f"{base}/healthz")
        health = json.loads(body)
        assert status == 503 and health["status"] == "unhealthy"
        assert health["outbox"]["pending"] == 1 and health["outbox"]["oldest_age_seconds"] > 0.3
        assert any("outbox" in problem for problem in health["problems"])

        status, text = await get(f"{base}/metrics")
        found = samples(text)
        assert found[("frontdesk_outbox_depth", ())] == 1
        assert found[("frontdesk_outbox_oldest_age_seconds", ())] > 0.3
        assert found[("frontdesk_deliveries_total", (("outcome", "retried"),))] >= 1
        emulator.faults.clear()


# --- logs ---------------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Any:
    stream = io.StringIO()
    handler = log_handler("json", secrets=[TOKEN_LIKE], stream=stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_each_update_is_one_json_line_with_its_update_and_ticket(desk: Desk, json_log):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    number = await send_ticket(anna)

    def handled() -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
        return [line for line in lines if " handled in " in line["message"]]

    # The answer reaches the person before the handler's last line is written.
    assert await until(lambda: any(line.get("ticket") == number for line in handled()))
    lines = handled()
    assert all(line["level"] == "INFO" and "update_id" in line for line in lines)
    assert len({line["update_id"] for line in lines}) == len(lines) >= 7
    assert [line["update_id"] for line in lines if line.get("ticket")] == [lines[-1]["update_id"]]


def test_tokens_and_phone_numbers_never_reach_the_log(json_log):
    log = logging.getLogger("frontdesk.test")
    log.warning("calling https://api.telegram.org/bot%s/sendMessage", TOKEN_LIKE)
    log.warning("the contact is +7 (999) 123-45-67, also 89991234567 and +44 20 7946 0958")
    try:
        raise RuntimeError(f"connection to /bot{TOKEN_LIKE}/getMe failed, call +79991234567")
    except RuntimeError:
        log.exception("a failure")
    log.warning("chat %s, user %s, ticket №%s", STAFF_CHAT_ID, 5123456789, 1042)
    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 4
    assert "AAHdqTcvCH1vGWJx" not in text and "<token>" in lines[0]["message"]
    assert lines[1]["message"] == "the contact is <phone>, also <phone> and <phone>"
    assert "<token>" in lines[2]["exception"] and "<phone>" in lines[2]["exception"]
    assert "9991234567" not in text and "123-45-67" not in text
    assert lines[3]["message"] == "chat -1001000000001, user 5123456789, ticket №1042"


# --- settings -----------------------------------------------------------------------------


def problems(**env: Any) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **env)
    return str(caught.value).splitlines()


def test_settings_name_each_problem_on_a_line_of_its_own(tmp_path: Path):
    (tmp_path / "a-file").write_text("")
    assert problems(
        BOT_TOKEN="not-a-token",
        DATABASE_PATH=tmp_path / "a-file" / "frontdesk.db",
        WEBHOOK_SECRET="has spaces",
        LOG_FORMAT="xml",
    ) == [
        "BOT_TOKEN does not look like a bot token (digits:secret)",
        f"DATABASE_PATH {str(tmp_path / 'a-file' / 'frontdesk.db')!r}: "
        f"{str(tmp_path / 'a-file')!r} is not a folder",
        "WEBHOOK_SECRET must be 1-256 characters: letters A-Z a-z, digits, _ and -",
        "LOG_FORMAT: Input should be 'text' or 'json'",
    ]
    assert problems(DATABASE_PATH=tmp_path / "db") == [
        "BOT_TOKEN is not set: put it in the environment or in .env"
    ]
    assert problems(
        BOT_TOKEN=TOKEN_LIKE,
        DATABASE_PATH=tmp_path / "db",
        WEBHOOK_URL="http://bot.example.com/tg",
        METRICS_PORT=8080,
    ) == [
        "WEBHOOK_URL must start with https:// (Telegram's rule)",
        "WEBHOOK_PORT and METRICS_PORT must differ",
    ]
    assert problems(
        BOT_TOKEN=TOKEN_LIKE, DATABASE_PATH=tmp_path / "db", WEBHOOK_URL="https://b.example:9000/"
    ) == ["WEBHOOK_URL: Telegram calls webhooks on ports 443, 80, 88, 8443 only"]
    fine = load_settings(
        _env_file=None,
        BOT_TOKEN=TOKEN_LIKE,
        DATABASE_PATH=tmp_path / "new" / "folder" / "db",
        WEBHOOK_URL="https://bot.example.com:8443/tg",
        METRICS_PORT="",
    )
    assert fine.metrics_port == 0 and fine.webhook_path == "/tg"


async def test_staff_without_a_staff_chat_is_refused_at_start(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path) as desk:
        await desk.add_staff(601, "Иван", StaffRole.FIRST_LINE)
    app = FrontDesk(
        settings_for(emulator, tmp_path, STAFF_CHAT_ID=None),
        MovableClock(MONDAY_MORNING, ticking=False),
    )
    with pytest.raises(SettingsError, match="STAFF_CHAT_ID is not set, but 1 staff members"):
        await app.start()


def test_frontdesk_run_prints_the_problems_and_exits(tmp_path: Path):
    (tmp_path / "a-file").write_text("")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": "12345",
        "DATABASE_PATH": str(tmp_path / "a-file" / "db.sqlite3"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "frontdesk: BOT_TOKEN does not look like a bot token (digits:secret)",
        f"frontdesk: DATABASE_PATH '{tmp_path}/a-file/db.sqlite3': '{tmp_path}/a-file' is not "
        "a folder",
    ]
