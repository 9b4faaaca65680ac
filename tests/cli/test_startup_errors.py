"""What stops `frontdesk run` from starting is said in one line, without a traceback: a
token Telegram refuses, a database that cannot be written, a setting missing, wrong or
an address taken. Telegram out of reach is waited for, one line per attempt."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot import startup
from bot.app import FrontDesk
from bot.app import create_bot as make_bot
from bot.cli.main import main
from bot.clock import MovableClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator
from tests.e2e.harness import MONDAY_MORNING

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = [str(field.validation_alias) for field in Settings.model_fields.values()]
REFUSED = "frontdesk: BOT_TOKEN was rejected by Telegram: Unauthorized"


def free_port() -> int:
    """A port nobody listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def emulator_in_a_thread() -> Iterator[BotApiEmulator]:
    """The emulator serving from a thread of its own, for `main()` to run in this one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    emulator = BotApiEmulator()
    asyncio.run_coroutine_threadsafe(emulator.start(), loop).result(10)
    try:
        yield emulator
    finally:
        asyncio.run_coroutine_threadsafe(emulator.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No .env and no settings of the developer's; a database path that works. `main`
    takes the process's logging over: it is given back afterwards."""
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "frontdesk.db"))
    monkeypatch.setenv("METRICS_PORT", "0")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield tmp_path
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def run_exits_with() -> object:
    """`frontdesk run` in this process: what it exits with."""
    with pytest.raises(SystemExit) as stopped:
        main(["run"])
    return stopped.value.code


# --- the token --------------------------------------------------------------------------


def test_a_refused_token_stops_the_start_with_one_line_and_nothing_else(
    environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    with emulator_in_a_thread() as emulator:
        monkeypatch.setenv("BOT_TOKEN", "123456:NOT-THE-TOKEN-TELEGRAM-KNOWS")
        monkeypatch.setenv("TELEGRAM_API_BASE", emulator.base_url)
        monkeypatch.setenv("LOG_LEVEL", "WARNING")

        assert run_exits_with() == REFUSED  # what Python prints on stderr as it exits
    assert capsys.readouterr() == ("", "")  # no traceback, no other line


# --- Telegram out of reach ---------------------------------------------------------------


async def test_telegram_out_of_reach_is_tried_again_later_and_later_one_line_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    base = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN="123456:TEST",
        DATABASE_PATH=tmp_path / "frontdesk.db",
        TELEGRAM_API_BASE=base,
    )
    bot = make_bot(settings)
    waited: list[float] = []

    async def sleep(delay: float) -> None:
        waited.append(delay)
        if len(waited) == 8:
            raise asyncio.CancelledError  # stopped, as by a signal

    try:
        with (
            caplog.at_level(logging.WARNING, logger="bot.startup"),
            pytest.raises(asyncio.CancelledError),
        ):
            await startup.reach_telegram(bot, base, sleep=sleep)
    finally:
        await bot.session.close()

    assert waited == [1, 2, 4, 8, 16, 32, 60, 60]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.startup"]
    assert len(lines) == 8
    assert all("\n" not in line for line in lines)
    assert lines[0].startswith(f"Telegram is unreachable at {base} (ClientConnectorError: ")
    assert lines[0].endswith("attempt 1 failed, trying again in 1 s")
    assert lines[7].endswith("attempt 8 failed, trying again in 60 s")


async def test_the_desk_starts_once_telegram_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(startup, "FIRST_DELAY", 0.05)
    port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN="123456:TEST",
        DATABASE_PATH=tmp_path / "frontdesk.db",
        TELEGRAM_API_BASE=f"http://127.0.0.1:{port}",
    )
    app = FrontDesk(settings, MovableClock(MONDAY_MORNING, ticking=False))
    caplog.set_level(logging.WARNING, logger="bot.startup")
    starting = asyncio.create_task(app.start())
    while len([r for r in caplog.records if "unreachable" in r.getMessage()]) < 2:
        assert not starting.done(), starting
        await asyncio.sleep(0.01)

    async with BotApiEmulator(port=port) as emulator:
        await asyncio.wait_for(starting, timeout=10)
        try:
            assert emulator.calls("getMe")[0].ok
            assert emulator.calls("setMyCommands")  # the start went on from there
        finally:
            await app.stop()


async def test_a_stop_while_waiting_for_telegram_ends_the_wait(tmp_path: Path):
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN="123456:TEST",
        DATABASE_PATH=tmp_path / "frontdesk.db",
        TELEGRAM_API_BASE=f"http://127.0.0.1:{free_port()}",
    )
    app = FrontDesk(settings, MovableClock(MONDAY_MORNING, ticking=False))
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.2, stop.set)

    assert await startup.unless_stopped(app.start(), stop) is False
    # The database was let go: a restore could take it now.
    from storage.database import exclusive_use

    with exclusive_use(tmp_path / "frontdesk.db"):
        pass


# --- the database ------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_database_whose_lock_file_cannot_be_written_stops_the_start(
    environment: Path, monkeypatch: pytest.MonkeyPatch
):
    path = environment / "frontdesk.db"
    (environment / "frontdesk.db.lock").mkdir()  # somebody's mistake: a folder in its place
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")

    assert run_exits_with() == (
        f"frontdesk: the database {path} cannot be written (Is a directory: {path}.lock)"
    )


@pytest.mark.sqlite_only
def test_a_database_whose_journal_cannot_be_written_stops_the_start(
    environment: Path, monkeypatch: pytest.MonkeyPatch
):
    path = environment / "frontdesk.db"
    path.touch()
    (environment / "frontdesk.db-wal").mkdir()
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")

    assert run_exits_with() == (
        f"frontdesk: the database {path} cannot be written (disk I/O error)"
    )


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_database_in_a_read_only_folder_stops_the_start(
    environment: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = environment / "read-only"
    folder.mkdir(mode=0o500)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(folder / "frontdesk.db"))

    assert run_exits_with() == (
        f"frontdesk: DATABASE_PATH '{folder}/frontdesk.db': cannot write in '{folder}'"
    )


# --- settings ---------------------------------------------------------------------------


def test_a_missing_token_stops_the_start(environment: Path, monkeypatch: pytest.MonkeyPatch):
    assert run_exits_with() == (
        "frontdesk: BOT_TOKEN is not set: put it in the environment or in .env"
    )


def test_an_invalid_setting_stops_the_start(environment: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("UPDATES_IN_FLIGHT", "lots")

    assert run_exits_with() == (
        "frontdesk: UPDATES_IN_FLIGHT: Input should be a valid integer, unable to parse "
        "string as an integer"
    )


def test_a_metrics_port_already_taken_stops_the_start(
    environment: Path, monkeypatch: pytest.MonkeyPatch
):
    with emulator_in_a_thread() as emulator, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("BOT_TOKEN", emulator.token)
        monkeypatch.setenv("TELEGRAM_API_BASE", emulator.base_url)
        monkeypatch.setenv("METRICS_PORT", str(port))

        code = run_exits_with()

    assert code == (
        f"frontdesk: METRICS_HOST:METRICS_PORT 127.0.0.1:{port} cannot be listened on: "
        "Address already in use"
    )
