"""`frontdesk backup` and `frontdesk restore`, and the check of the database at start-up:
through `bot.cli.main` (or the real command in its own process), on real SQLite files.
And `.env.example`, the settings an operator starts from."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import SystemClock
from bot.config import Settings, load_settings
from domain.model import Employee
from domain.ports import OutboxMessage
from storage import Database, load_migrations
from storage.database import DatabaseDamaged, DatabaseLocked, exclusive_use
from tests.storage.conftest import new_client, new_ticket

# Backups and restores are of the SQLite file (PostgreSQL has pg_dump).
pytestmark = pytest.mark.sqlite_only

SCHEMA_VERSION = load_migrations()[-1].version

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = ("BOT_TOKEN", "DATABASE_PATH", "TELEGRAM_API_BASE", "STAFF_CHAT_ID")
STAFF_CHAT = -1001000000001


@dataclass
class Result:
    code: int | str | None
    out: str
    err: str


@pytest.fixture
def db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The settings the commands read: a token and the database file."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "data" / "frontdesk.db"
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(path))
    # Nobody answers here: nothing in these tests may reach a Bot API.
    monkeypatch.setenv("TELEGRAM_API_BASE", "http://127.0.0.1:9")
    return path


@pytest.fixture
def frontdesk(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`frontdesk("backup", "--out", "x.db")` runs the command as the shell would."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        try:
            main(list(argv))
        except SystemExit as exc:
            captured = capsys.readouterr()
            return Result(exc.code, captured.out, captured.err)
        raise AssertionError("main() returned without sys.exit")

    return run


async def add_tickets(db: Database, count: int, description: str = "Не печатает принтер") -> None:
    """`count` tickets of one employee, each with its staff-chat notification in the
    outbox, one transaction per ticket as the bot writes them."""
    async with db.unit_of_work() as uow:
        clients = await uow.clients.list()
        if clients:
            client = clients[0]
            employee = (await uow.employees.list_by_client(client.id or 0))[0]
        else:
            client = await uow.clients.add(new_client())
            employee = await uow.employees.add(
                Employee(client_id=client.id or 0, tg_id=1001, name="Иван")
            )
        await uow.commit()
    for _ in range(count):
        await add_ticket(db, client.id or 0, employee.id or 0, description)


async def add_ticket(db: Database, client_id: int, employee_id: int, description: str) -> int:
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id, description=description))
        assert ticket.id is not None
        await uow.outbox.add(
            OutboxMessage(STAFF_CHAT, "sendMessage", {"text": f"№{ticket.id}"}, ticket_id=ticket.id)
        )
        await uow.commit()
    return ticket.id


def make_database(path: Path, tickets: int) -> None:
    async def build() -> None:
        async with await Database.open(path, clock=SystemClock()) as db:
            await add_tickets(db, tickets)

    asyncio.run(build())


def contents(path: Path) -> tuple[list[int], list[int]]:
    """The ticket numbers in the file, and the tickets its outbox rows are about."""
    with closing(sqlite3.connect(path)) as conn:
        tickets = [row[0] for row in conn.execute("SELECT id FROM tickets ORDER BY id")]
        outbox = [row[0] for row in conn.execute("SELECT ticket_id FROM outbox ORDER BY id")]
    return tickets, outbox


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def damage(path: Path) -> None:
    """Overwrite the start of the file's fourth page (a table's b-tree page) with noise."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[3 * page_size : 3 * page_size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


# --- backup -----------------------------------------------------------------------------


async def test_a_backup_taken_while_the_bot_writes_is_a_sound_prefix_of_its_writes(
    db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "backup.db"
    db = await Database.open(db_path, clock=SystemClock())
    try:
        # A few megabytes, so that copying them takes a while.
        await add_tickets(db, 400, description="Не печатает принтер. " * 400)
        written = 400
        stop = asyncio.Event()

        async def keep_writing() -> None:
            nonlocal written
            while not stop.is_set():
                await add_ticket(db, 1, 1, "Сервер не отвечает")
                written += 1
                await asyncio.sleep(0.001)  # a busy bot, but one that leaves the CPU to others

        writer = asyncio.create_task(keep_writing())
        await asyncio.sleep(0.05)
        before = written
        command = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "backup", "--out", str(out),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
        )  # fmt: skip
        stdout, stderr = await command.communicate()
        after = written
        stop.set()
        await writer
        total = written
    finally:
        await db.close()

    assert command.returncode == 0, stderr.decode()
    tickets, outbox = contents(out)
    copied = len(tickets)
    assert before < copied < after  # taken in the middle of the writes, which went on
    assert tickets == list(range(1, copied + 1))  # every ticket up to a moment, none after
    assert outbox == tickets  # and each with the notification written with it
    assert integrity(out) == "ok"
    assert re.fullmatch(
        rf"backup written to {re.escape(str(out))}: \d+\.\d MB, {copied} tickets\n",
        stdout.decode(),
    )
    assert contents(db_path)[0] == list(range(1, total + 1))  # the bot lost nothing


def test_a_backup_does_not_overwrite_a_file_unless_forced(db_path, tmp_path, frontdesk):
    make_database(db_path, 3)
    out = tmp_path / "backup.db"
    out.write_text("yesterday's notes")

    refused = frontdesk("backup", "--out", str(out))

    assert refused.code == 1
    assert refused.err == f"backup: error: {out} exists; add --force to overwrite it\n"
    assert out.read_text() == "yesterday's notes"

    forced = frontdesk("backup", "--out", str(out), "--force")

    assert forced.code == 0, forced.err
    assert re.fullmatch(
        rf"backup written to {re.escape(str(out))}: \d+\.\d KB, 3 tickets\n", forced.out
    )
    assert contents(out)[0] == [1, 2, 3]
    assert not Path(f"{out}-wal").exists()  # one self-contained file


def test_a_damaged_database_gives_no_backup(db_path, tmp_path, frontdesk):
    make_database(db_path, 3)
    damage(db_path)
    out = tmp_path / "backup.db"

    result = frontdesk("backup", "--out", str(out))

    assert result.code == 1
    assert result.err.startswith("backup: error: the copy failed its check, nothing was written")
    assert len(result.err.splitlines()) == 1
    assert list(tmp_path.glob("*backup.db*")) == []


# --- restore ----------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_keeps_the_database_it_replaced(
    db_path, tmp_path, frontdesk
):
    make_database(db_path, 2)
    backup = tmp_path / "monday.db"
    assert frontdesk("backup", "--out", str(backup)).code == 0
    the_bot_dies_after_a_third_ticket(db_path)
    assert Path(f"{db_path}-wal").stat().st_size > 0

    result = frontdesk("restore", "--from", str(backup))

    assert result.code == 0, result.err
    aside = next(db_path.parent.glob("frontdesk.db.before-restore-*[0-9]Z"))
    assert result.out.splitlines() == [
        f"restored {backup} into {db_path}: {db_path.stat().st_size / 1024:.1f} KB, 2 tickets, "
        f"schema version {SCHEMA_VERSION}",
        "new tickets are numbered from 4",  # 3 was given after the backup
        f"the previous database is kept as {aside}",
    ]
    assert contents(db_path) == ([1, 2], [1, 2])
    assert contents(aside) == ([1, 2, 3], [1, 2, 3])  # its log went with it

    async def bot_starts_on_it() -> list[int]:
        async with (
            await Database.open(db_path, clock=SystemClock()) as db,
            db.unit_of_work() as uow,
        ):
            return [t.id or 0 for t in await uow.tickets.list_open()]

    assert asyncio.run(bot_starts_on_it()) == [1, 2]


def the_bot_dies_after_a_third_ticket(path: Path) -> None:
    """Leave at `path` what a killed bot leaves: its last commit only in the write-ahead
    log (copied from a live database that has not checkpointed it yet)."""
    live = path.with_name("live.db")
    shutil.copy(path, live)

    async def write_and_copy() -> None:
        async with await Database.open(live, clock=SystemClock()) as db:
            await add_tickets(db, 1)
            shutil.copy(live, path)
            shutil.copy(f"{live}-wal", f"{path}-wal")

    asyncio.run(write_and_copy())


def test_restore_onto_a_new_machine_needs_no_database_there(db_path, tmp_path, frontdesk):
    backup = tmp_path / "backup.db"
    make_database(backup, 1)

    result = frontdesk("restore", "--from", str(backup))

    assert result.code == 0, result.err
    assert "kept as" not in result.out
    assert contents(db_path) == ([1], [1])


def outbox_state(path: Path) -> list[tuple[int, str, str | None]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT ticket_id, status, last_error FROM outbox ORDER BY id")
        return [tuple(row) for row in rows]


def next_ticket(path: Path) -> int:
    """The number the bot gives the next ticket on the database at `path`."""

    async def open_one() -> int:
        async with await Database.open(path, clock=SystemClock()) as db:
            async with db.unit_of_work() as uow:
                client = (await uow.clients.list())[0]
                employee = (await uow.employees.list_by_client(client.id or 0))[0]
            return await add_ticket(db, client.id or 0, employee.id or 0, "Новая заявка")

    return asyncio.run(open_one())


def test_a_restore_sends_no_old_messages_and_never_gives_a_number_twice(
    db_path, tmp_path, frontdesk
):
    make_database(db_path, 2)
    backup = tmp_path / "sunday.db"
    assert frontdesk("backup", "--out", str(backup)).code == 0
    with closing(sqlite3.connect(backup)) as conn, conn:  # the first message waited a day
        conn.execute("UPDATE outbox SET created_at = '2020-01-01T00:00:00.000000Z' WHERE id = 1")
        conn.execute(  # and an update was in the inbox, handled after the backup
            "INSERT INTO inbox VALUES (77, '{}', '2020-01-01T00:00:00.000000Z'), "
            "(78, '{}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        )
    the_bot_dies_after_a_third_ticket(db_path)  # №3: its card is in the staff chat

    result = frontdesk("restore", "--from", str(backup))

    assert result.code == 0, result.err
    assert (
        "messages left unsent for more than 1 hour: 1, marked failed, not sent "
        "(restored from backup)" in result.out.splitlines()
    )
    assert outbox_state(db_path) == [
        (1, "failed", "restored from backup"),  # not sent days late, or a second time
        (2, "pending", None),  # written within the hour: it goes out
    ]
    assert (
        "updates received more than 1 hour ago and not handled at the time of the backup: "
        "1, dropped" in result.out
    )
    with closing(sqlite3.connect(db_path)) as conn:
        assert [row[0] for row in conn.execute("SELECT update_id FROM inbox")] == [78]
    assert next_ticket(db_path) == 4  # never 3 again


def test_on_a_new_machine_the_next_number_can_be_given(db_path, tmp_path, frontdesk):
    backup = tmp_path / "backup.db"
    make_database(backup, 2)

    result = frontdesk("restore", "--from", str(backup))
    assert result.code == 0, result.err
    assert "new tickets are numbered from 3" in result.out
    assert "restore again with --next-ticket-number N" in result.out

    result = frontdesk("restore", "--from", str(backup), "--next-ticket-number", "50")
    assert result.code == 0, result.err
    assert "new tickets are numbered from 50" in result.out
    assert next_ticket(db_path) == 50


def test_over_an_unreadable_database_the_next_number_must_be_given(db_path, tmp_path, frontdesk):
    backup = tmp_path / "backup.db"
    make_database(backup, 2)
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\xa5" * 8192)  # whatever it was, its ticket numbers are lost

    result = frontdesk("restore", "--from", str(backup))
    assert result.code == 1
    assert "add --next-ticket-number N" in result.err
    assert db_path.read_bytes() == b"\xa5" * 8192  # not touched

    result = frontdesk("restore", "--from", str(backup), "--next-ticket-number", "120")
    assert result.code == 0, result.err
    assert next_ticket(db_path) == 120


def foreign_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.commit()


def half_a_front_desk(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE tickets (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 2")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.write_text("id;name\n1;Ромашка\n"), "(file is not a database)"),
        (foreign_database, f"(schema version 0, expected 1 to {SCHEMA_VERSION})"),
        (half_a_front_desk, "(no table attachments, clients, duty_rota,"),
    ],
    ids=["a text file", "another program's database", "missing tables"],
)
def test_restore_refuses_what_is_not_a_front_desk_database(db_path, tmp_path, frontdesk, make, why):
    make_database(db_path, 2)
    other = tmp_path / "other.db"
    make(other)

    result = frontdesk("restore", "--from", str(other))

    assert result.code == 1
    assert result.err.startswith(f"restore: error: {other} is not a front desk database {why}")
    assert result.err.endswith("; the database was not touched\n")
    assert contents(db_path) == ([1, 2], [1, 2])
    assert list(db_path.parent.glob("*before-restore*")) == []


async def test_restore_refuses_while_the_bot_has_the_database_open(db_path, tmp_path, frontdesk):
    backup = tmp_path / "backup.db"
    db = await Database.open(db_path, clock=SystemClock())  # what the running bot holds
    try:
        await add_tickets(db, 2)
        assert frontdesk("backup", "--out", str(backup)).code == 0
        await add_tickets(db, 1)

        result = frontdesk("restore", "--from", str(backup))

        assert result.code == 1
        assert result.err == (
            f"restore: error: the database {db_path} is in use (is the bot running?): "
            "stop the bot first\n"
        )
    finally:
        await db.close()
    assert contents(db_path)[0] == [1, 2, 3]
    assert list(db_path.parent.glob("*before-restore*")) == []

    assert frontdesk("restore", "--from", str(backup)).code == 0  # once it has stopped
    assert contents(db_path)[0] == [1, 2]


async def test_the_bot_does_not_start_while_a_restore_holds_the_database(db_path):
    db_path.parent.mkdir(parents=True)
    with exclusive_use(db_path), pytest.raises(DatabaseLocked, match="is being restored"):
        await Database.open(db_path, clock=SystemClock())
    await (await Database.open(db_path, clock=SystemClock())).close()


# --- the check at start-up --------------------------------------------------------------


def test_a_damaged_database_stops_the_start_with_one_line(db_path, frontdesk):
    make_database(db_path, 3)
    damage(db_path)

    result = frontdesk("run")

    assert result.code == (
        f"frontdesk: the database {db_path} is damaged (*** in database main *** "
        "Page 4: btreeInitPage() returns error code 11): restore it from a backup "
        "with `frontdesk restore --from FILE`"
    )


async def test_a_file_that_is_not_a_database_is_refused_at_open(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"PK\x03\x04" + bytes(4096))  # a zip file, say

    with pytest.raises(DatabaseDamaged, match=r"is damaged \(file is not a database\)"):
        await Database.open(db_path, clock=SystemClock())


# --- the settings template -------------------------------------------------------------


def test_on_postgresql_backup_and_restore_point_to_pg_dump(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BOT_TOKEN", "123456789:secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://desk:pw@127.0.0.1:5432/desk")
    for words in (["backup", "--out", str(tmp_path / "copy.db")], ["restore", "--from", "x"]):
        with pytest.raises(SystemExit) as refused:
            main(words)
        assert refused.value.code == 2
        error = capsys.readouterr().err
        assert "PostgreSQL" in error and "pg_dump" in error
    assert not (tmp_path / "copy.db").exists()


def test_env_example_explains_every_setting_and_works_as_it_is(monkeypatch, tmp_path):
    template = (PROJECT_ROOT / ".env.example").read_text()
    named = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", template, flags=re.MULTILINE)
    settings = [str(field.validation_alias) for field in Settings.model_fields.values()]
    assert sorted(named) == sorted(settings)
    lines = template.splitlines()
    for name in named:
        line = next(i for i, text in enumerate(lines) if re.match(rf"(# )?{name}=", text))
        assert lines[line - 1].startswith("#"), f"{name} has no comment above it"

    monkeypatch.chdir(tmp_path)
    for name in settings:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(template)
    loaded = load_settings()
    assert loaded.bot_token.get_secret_value() == "123456789:replace-with-your-token"
    assert loaded.metrics_port == 9090  # what the image's health check asks by default
