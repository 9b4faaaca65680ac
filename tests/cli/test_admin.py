"""`frontdesk admin ...` end to end: through `bot.cli.main`, checked in the database."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli.main import main
from bot.clock import MovableClock, SystemClock
from bot.sandbox import BotApiEmulator
from domain.enums import EmployeeRole, SlaTier, StaffRole
from domain.ports import UnitOfWork
from domain.use_cases import accounts, intake
from storage import Database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")
SETTINGS_VARIABLES = (
    "BOT_TOKEN",
    "DATABASE_PATH",
    "TELEGRAM_API_BASE",
    "DEFAULT_LOCALE",
    "DEFAULT_TIMEZONE",
    "STAFF_CHAT_ID",
    "ADMIN_IDS",
)


@dataclass
class Result:
    code: int | str | None
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Settings for the CLI: a fresh database, and a Bot API address nobody answers at."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "x.db"
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TELEGRAM_API_BASE", f"http://127.0.0.1:{closed_port()}")
    return path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`cli("client", "list")` runs `frontdesk admin client list`."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = run_main(["admin", *argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def invite_code(result: Result) -> str:
    """The code of the invite link the command printed."""
    match = LINK.fullmatch(result.out.strip())
    assert match is not None, (result.out, result.err)
    return match[2]


def run_main(argv: list[str]) -> int | str | None:
    try:
        main(argv)
    except SystemExit as exc:
        return exc.code
    raise AssertionError("main() returned without sys.exit")


async def in_db_async(path: Path, work: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    db = await Database.open(path, clock=SystemClock())
    try:
        async with db.unit_of_work() as uow:
            result = await work(uow)
            await uow.commit()
            return result
    finally:
        await db.close()


def in_db(path: Path, work: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    return asyncio.run(in_db_async(path, work))


def counts(path: Path) -> tuple[int, int, int]:
    """Clients, invites (all clients') and staff in the database."""

    async def count(uow: UnitOfWork) -> tuple[int, int, int]:
        clients = await uow.clients.list()
        invites = [i for c in clients for i in await uow.invites.list_by_client(c.id or 0)]
        return len(clients), len(invites), len(await uow.staff.list())

    return in_db(path, count)


# --- clients ----------------------------------------------------------------------------


def test_client_add_prints_the_id_and_stores_the_calendar(cli, db_path):
    manager = cli("staff", "add", "--tg-id", "1001", "--name", "Иван Петров", "--role", "manager")
    assert manager.code == 0

    result = cli(
        "client", "add", "--name", "ООО Ромашка", "--tier", "gold",
        "--timezone", "Asia/Yekaterinburg", "--hours", "08:30-17:30", "--weekdays", "mon-sat",
        "--country", "RU", "--24x7", "--manager", "1001",
    )  # fmt: skip

    assert result.code == 0
    client_id = int(result.out.strip())
    assert result.out == f"{client_id}\n"
    assert result.err.startswith(f"client {client_id} registered: ООО Ромашка (gold, ")
    client = in_db(db_path, lambda uow: uow.clients.get(client_id))
    assert client.name == "ООО Ромашка"
    assert client.tier is SlaTier.GOLD
    assert client.timezone == "Asia/Yekaterinburg"
    assert (client.opens, client.closes) == (time(8, 30), time(17, 30))
    assert client.weekdays == frozenset(range(6))
    assert client.country == "RU"
    assert client.round_the_clock is True
    assert client.manager_tg_id == 1001


def test_client_add_defaults(cli, db_path, monkeypatch):
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Kaliningrad")

    result = cli("client", "add", "--name", "Beta")

    assert result.code == 0
    client = in_db(db_path, lambda uow: uow.clients.get(int(result.out)))
    assert client.tier is SlaTier.BRONZE
    assert client.timezone == "Europe/Kaliningrad"
    assert (client.opens, client.closes) == (time(9), time(18))
    assert client.weekdays == frozenset(range(5))
    assert client.country == "RU"
    assert client.round_the_clock is False
    assert client.manager_tg_id is None


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("Mon-Wed,Fri", {0, 1, 2, 4}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("saturday", {5}),
    ],
)
def test_weekdays_accept_ranges_and_lists(cli, db_path, weekdays, expected):
    result = cli("client", "add", "--name", "Beta", "--weekdays", weekdays)

    assert result.code == 0, result.err
    client = in_db(db_path, lambda uow: uow.clients.get(int(result.out)))
    assert client.weekdays == frozenset(expected)


@pytest.mark.parametrize(("country", "expected"), [("none", None), ("ru", "RU"), ("DE", "DE")])
def test_country(cli, db_path, country, expected):
    result = cli("client", "add", "--name", "Beta", "--country", country)

    assert result.code == 0, result.err
    client = in_db(db_path, lambda uow: uow.clients.get(int(result.out)))
    assert client.country == expected


def test_client_list(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван Петров", "--role", "manager")
    cli("client", "add", "--name", "ООО Ромашка", "--tier", "gold", "--manager", "1001", "--24x7")
    cli("client", "add", "--name", "Beta", "--weekdays", "mon,wed,fri", "--country", "none",
        "--timezone", "Asia/Jerusalem", "--hours", "08:00-16:30")  # fmt: skip

    result = cli("client", "list")

    assert result.code == 0
    header, *rows = result.out.splitlines()
    assert header.split() == [
        "id", "name", "tier", "time", "zone", "hours", "weekdays", "holidays", "24/7", "manager",
        "assignee", "contract",
    ]  # fmt: skip
    assert rows[0].split() == [
        "2", "Beta", "bronze", "Asia/Jerusalem", "08:00-16:30", "mon,wed,fri", "none", "no", "-",
        "-", "active",
    ]  # fmt: skip
    assert rows[1].split() == [
        "1", "ООО", "Ромашка", "gold", "Europe/Moscow", "09:00-18:00", "mon-fri", "RU", "yes",
        "1001", "Иван", "Петров", "-", "active",
    ]  # fmt: skip


def test_client_list_when_empty(cli, db_path):
    result = cli("client", "list")

    assert result.code == 0
    assert result.out == ""
    assert "no clients yet" in result.err


# --- invites ----------------------------------------------------------------------------


def test_invite_prints_a_link_whose_code_works(cli, db_path):
    client_id = int(cli("client", "add", "--name", "ООО Ромашка").out)

    result = cli(
        "invite", "--client", str(client_id), "--uses", "5", "--expires", "12h",
        "--role", "director", "--bot-username", "frontdesk_bot",
    )  # fmt: skip

    assert result.code == 0, result.err
    match = LINK.fullmatch(result.out.strip())
    assert match is not None, result.out
    assert match[1] == "frontdesk_bot"
    code = match[2]
    assert f"invite {code} created for client {client_id} (ООО Ромашка)" in result.err
    invite = in_db(db_path, lambda uow: accounts.check_invite(uow, SystemClock(), code))
    assert invite.client_id == client_id
    assert invite.role is EmployeeRole.DIRECTOR
    assert (invite.max_uses, invite.used) == (5, 0)
    assert invite.expires_at is not None
    left = invite.expires_at - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)


@pytest.mark.parametrize(
    ("expires", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("never", None),
    ],
)
def test_invite_expiry(cli, db_path, expires, expected):
    cli("client", "add", "--name", "Beta")

    result = cli("invite", "--client", "1", "--expires", expires, "--bot-username", "@desk_bot")

    assert result.code == 0, result.err
    code = invite_code(result)
    invite = in_db(db_path, lambda uow: uow.invites.get(code))
    if expected is None:
        assert invite.expires_at is None
    else:
        assert invite.expires_at - invite.created_at == expected


def test_invite_defaults(cli, db_path):
    cli("client", "add", "--name", "Beta")

    result = cli("invite", "--client", "1", "--bot-username", "desk_bot")

    code = invite_code(result)
    invite = in_db(db_path, lambda uow: uow.invites.get(code))
    assert invite.role is EmployeeRole.EMPLOYEE
    assert invite.max_uses == 1
    assert invite.expires_at - invite.created_at == timedelta(days=7)


def test_invite_without_the_bot_api_still_gives_the_code(cli, db_path):
    """TELEGRAM_API_BASE points at a closed port: the invite is made, the code printed."""
    cli("client", "add", "--name", "Beta")

    result = cli("invite", "--client", "1")

    assert result.code == 0
    code = result.out.strip()
    assert result.out == f"{code}\n"
    assert "https://" not in result.out
    note = result.err_lines[-1]
    assert note.startswith("note: ")
    assert "bot's username" in note and "--bot-username" in note
    assert f"?start={code}" in note
    assert in_db(db_path, lambda uow: accounts.check_invite(uow, SystemClock(), code))


async def test_invite_link_uses_the_username_from_the_bot_api(db_path, monkeypatch, capsys):
    async with BotApiEmulator(bot_username="demo_desk_bot") as emulator:
        monkeypatch.setenv("TELEGRAM_API_BASE", emulator.base_url)
        monkeypatch.setenv("BOT_TOKEN", emulator.token)
        # main() runs its own event loop: in a thread, while the emulator serves on ours.
        assert await asyncio.to_thread(run_main, ["admin", "client", "add", "--name", "Beta"]) == 0
        capsys.readouterr()

        code = await asyncio.to_thread(run_main, ["admin", "invite", "--client", "1"])

        assert code == 0
        assert emulator.stats.requests["getMe"] == 1
    out = capsys.readouterr().out
    match = LINK.fullmatch(out.strip())
    assert match is not None, out
    assert match[1] == "demo_desk_bot"
    invite = await in_db_async(
        db_path, lambda uow: accounts.check_invite(uow, SystemClock(), match[2])
    )
    assert invite.client_id == 1


def test_invite_list_shows_uses_expiry_and_status(cli, db_path):
    cli("client", "add", "--name", "Beta")
    made = [
        invite_code(cli("invite", "--client", "1", *extra, "--bot-username", "b_bot"))
        for extra in (
            ("--uses", "3"),
            ("--expires", "never", "--role", "director"),
            ("--expires", "30m"),
            (),
            (),
        )
    ]
    active, never, expired, used_up, revoked = made

    async def age(uow: UnitOfWork) -> None:
        for code, change in (
            (expired, {"expires_at": datetime.now(UTC) - timedelta(minutes=1)}),
            (used_up, {"used": 1}),
            (revoked, {"revoked": True}),
        ):
            invite = await uow.invites.get(code)
            for name, value in change.items():
                setattr(invite, name, value)
            await uow.invites.update(invite)

    in_db(db_path, age)

    result = cli("invite", "list", "--client", "1")

    assert result.code == 0, result.err
    header, *rows = result.out.splitlines()
    assert header.split() == ["code", "role", "uses", "expires", "status"]
    by_code = {row.split()[0]: row.split() for row in rows}
    assert set(by_code) == set(made)
    assert by_code[active][1:3] == ["employee", "0/3"]
    assert by_code[active][-1] == "active"
    assert by_code[never][1:] == ["director", "0/1", "never", "active"]
    assert by_code[expired][-1] == "expired"
    assert by_code[used_up][2] == "1/1"
    assert by_code[used_up][-2:] == ["used", "up"]
    assert by_code[revoked][-1] == "revoked"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", by_code[active][3])
    assert by_code[active][5] == "UTC"


# --- staff ------------------------------------------------------------------------------


def test_staff_add_and_list(cli, db_path):
    added = cli("staff", "add", "--tg-id", "1001", "--name", "Иван Петров", "--role", "manager")
    cli("staff", "add", "--tg-id", "1002", "--name", "Anna", "--role", "first-line")

    assert added.code == 0
    assert added.out == "1001\n"
    assert added.err == "staff member 1001 added: Иван Петров (manager)\n"
    staff = in_db(db_path, lambda uow: uow.staff.get(1002))
    assert staff.role is StaffRole.FIRST_LINE

    result = cli("staff", "list")

    assert result.code == 0
    assert [line.split() for line in result.out.splitlines()] == [
        ["tg", "id", "name", "role", "active"],
        ["1002", "Anna", "first_line", "yes"],
        ["1001", "Иван", "Петров", "manager", "yes"],
    ]


def test_staff_add_again_updates(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Ivan", "--role", "first_line")

    result = cli("staff", "add", "--tg-id", "1001", "--name", "Ivan P.", "--role", "lead")

    assert result.code == 0
    assert result.err == "staff member 1001 updated: Ivan P. (lead)\n"
    assert counts(db_path)[2] == 1
    staff = in_db(db_path, lambda uow: uow.staff.get(1001))
    assert (staff.name, staff.role) == ("Ivan P.", StaffRole.LEAD)


# --- the duty rota ----------------------------------------------------------------------


def rota(path: Path) -> Any:
    return in_db(path, lambda uow: uow.duty.rota())


def test_duty_add_a_shift_in_the_given_time_zone(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван", "--role", "second_line")

    result = cli(
        "duty", "add", "--staff", "1001", "--from", "2026-12-31 18:00",
        "--to", "2027-01-09  09:00", "--timezone", "Asia/Yekaterinburg",
    )  # fmt: skip

    assert result.code == 0
    assert result.out == "1\n"
    assert result.err == (
        "duty entry 1 added: 1001 Иван, 2026-12-31 18:00 - 2027-01-09 09:00 Asia/Yekaterinburg\n"
    )
    (shift,) = rota(db_path).shifts
    assert (shift.id, shift.staff_tg_id) == (1, 1001)
    assert shift.starts_at == datetime(2026, 12, 31, 13, 0, tzinfo=UTC)  # 18:00 at UTC+5
    assert shift.ends_at == datetime(2027, 1, 9, 4, 0, tzinfo=UTC)


def test_duty_add_a_weekly_pattern(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван", "--role", "second_line")
    cli("staff", "add", "--tg-id", "1002", "--name", "Анна", "--role", "second_line")

    weeknights = cli("duty", "add", "--staff", "1001", "--weekly", "mon-fri 18:00-09:00")
    weekend = cli(
        "duty", "add", "--staff", "1002", "--weekly", "sat,sun 00:00-00:00",
        "--timezone", "Europe/Kaliningrad",
    )  # fmt: skip

    assert (weeknights.code, weeknights.out, weekend.out) == (0, "1\n", "2\n")
    assert weeknights.err == (
        "duty entry 1 added: 1001 Иван, every mon-fri 18:00-09:00 Europe/Moscow\n"
    )
    first, second = rota(db_path).weekly
    assert (first.weekdays, first.starts, first.ends) == (frozenset(range(5)), time(18), time(9))
    assert (second.weekdays, second.timezone) == (frozenset({5, 6}), "Europe/Kaliningrad")


@pytest.mark.parametrize("hour", [10, 22])  # at 22:00 Анна starts with Иван's next day
def test_duty_list_shows_who_is_on_duty_now_next_and_every_entry(cli, db_path, monkeypatch, hour):
    now = datetime(2026, 11, 23, hour, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    stopped = MovableClock(now, ticking=False)
    monkeypatch.setattr("bot.cli.admin.common.SystemClock", lambda: stopped)
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван", "--role", "second_line")
    cli("staff", "add", "--tg-id", "1002", "--name", "Анна", "--role", "lead")
    soon, later = now + timedelta(hours=2), now + timedelta(hours=5)
    past = now - timedelta(days=3)
    cli("duty", "add", "--staff", "1001", "--weekly", "daily 00:00-00:00")
    cli("duty", "add", "--staff", "1002", "--from", f"{soon:%Y-%m-%d %H:%M}",
        "--to", f"{later:%Y-%m-%d %H:%M}")  # fmt: skip
    cli("duty", "add", "--staff", "1002", "--from", f"{past:%Y-%m-%d %H:%M}",
        "--to", f"{past + timedelta(hours=1):%Y-%m-%d %H:%M}")  # fmt: skip
    cli("staff", "add", "--tg-id", "1003", "--name", "Олег", "--role", "second_line")
    cli("duty", "add", "--staff", "1003", "--from", f"{now:%Y-%m-%d %H:%M}",
        "--to", f"{soon:%Y-%m-%d %H:%M}")  # fmt: skip

    result = cli("duty", "list")

    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == (  # Иван every day, all day
        f"on duty now: 1001 Иван until further notice; 1003 Олег until {soon:%Y-%m-%d %H:%M} "
        "Europe/Moscow"
    )
    assert lines[1] == (
        f"next: 1002 Анна, {soon:%Y-%m-%d %H:%M} - {later:%Y-%m-%d %H:%M} Europe/Moscow"
    )
    assert lines[2] == ""
    assert lines[3].split() == ["id", "staff", "duty", "status"]
    assert lines[4].split() == [
        "1", "1001", "Иван", "every", "daily", "00:00-00:00", "Europe/Moscow", "on", "duty", "now",
    ]  # fmt: skip
    assert lines[5].split()[:3] == ["2", "1002", "Анна"] and "ended" not in lines[5]
    assert lines[6].split()[:3] == ["3", "1002", "Анна"] and lines[6].endswith("ended")
    assert lines[7].split()[:3] == ["4", "1003", "Олег"] and lines[7].endswith("on duty now")


def test_duty_list_warns_of_after_hours_nobody_covers(cli, db_path, monkeypatch):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Monday
    monkeypatch.setattr("bot.cli.admin.common.SystemClock", lambda: MovableClock(now))
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван", "--role", "second_line")
    cli("staff", "add", "--tg-id", "1002", "--name", "Анна", "--role", "second_line")
    cli("duty", "add", "--staff", "1001", "--weekly", "mon-fri 18:00-09:00")
    weekend = cli("duty", "add", "--staff", "1002", "--weekly", "sat,sun 00:00-00:00")

    result = cli("duty", "list")

    assert result.code == 0
    # Sunday's shift ends at midnight: Monday 00:00-09:00 is nobody's, twice in two weeks
    assert result.err == (
        "warning: nobody is on duty for these after-hours times in the next 14 days "
        "(an emergency then pages the leads):\n"
        "  Mon 2026-11-30 00:00-09:00 Europe/Moscow\n"
        "  Mon 2026-12-07 00:00-09:00 Europe/Moscow\n"
    )
    cli("duty", "remove", weekend.out.strip())
    cli("duty", "add", "--staff", "1002", "--weekly", "sat,sun 09:00-09:00")
    assert cli("duty", "list").err == ""  # the whole week is covered


def test_duty_list_when_nobody_is_on_the_rota(cli, db_path):
    result = cli("duty", "list")

    assert (result.code, result.out) == (0, "")
    assert result.err.startswith("nobody is on the duty rota: after hours the leads are paged")


def test_duty_remove(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Иван", "--role", "second_line")
    cli("duty", "add", "--staff", "1001", "--weekly", "mon-fri 18:00-09:00")
    cli("duty", "add", "--staff", "1001", "--weekly", "sat,sun 00:00-00:00")

    result = cli("duty", "remove", "1")

    assert (result.code, result.out, result.err) == (0, "1\n", "duty entry 1 removed\n")
    assert [p.id for p in rota(db_path).weekly] == [2]
    again = cli("duty", "remove", "1")
    assert again.code == 2
    assert again.err == (
        "frontdesk admin duty remove: error: unknown duty entry id 1 "
        "(see: frontdesk admin duty list)\n"
    )


DUTY_BAD_VALUES = [
    (["duty", "add", "--staff", "1001", "--from", "23.11.2026 18:00", "--to", "2026-11-24 09:00"],
     """argument --from: expected a date and time like "2026-11-23 18:00", got '23.11.2026"""),
    (["duty", "add", "--staff", "1001", "--weekly", "mon-fri"],
     'argument --weekly: expected days and hours like "mon-fri 18:00-09:00"'),
    (["duty", "add", "--staff", "1001", "--weekly", "mon-fry 18:00-09:00"],
     "argument --weekly: expected days like mon-fri or mon,wed,fri"),
    (["duty", "add", "--staff", "1001", "--weekly", "mon-fri 18:00-25:00"],
     "expected times from 00:00 to 23:59"),
    (["duty", "add", "--staff", "1001"], "give either --from and --to, or --weekly"),
    (["duty", "add", "--staff", "1001", "--weekly", "daily 00:00-00:00",
      "--from", "2026-11-23 18:00", "--to", "2026-11-24 09:00"],
     "give either --from and --to, or --weekly"),
    (["duty", "add", "--staff", "1001", "--from", "2026-11-23 18:00"],
     "a one-off shift needs both --from and --to"),
    (["duty", "add", "--staff", "1001", "--from", "2026-11-24 09:00", "--to", "2026-11-23 18:00"],
     "frontdesk admin duty add: error: a duty shift must end after it starts"),
    (["duty", "add", "--staff", "77", "--weekly", "mon-fri 18:00-09:00"],
     "unknown staff member 77 (add them with: frontdesk admin staff add)"),
    (["duty", "add", "--staff", "1001", "--weekly", "mon-fri 18:00-09:00", "--timezone", "Mars"],
     "argument --timezone: unknown time zone 'Mars'"),
    (["duty", "add", "--weekly", "mon-fri 18:00-09:00"],
     "the following arguments are required: --staff"),
    (["duty", "remove", "abc"], "argument ID: expected a whole number"),
    (["duty"], "frontdesk admin duty: error: the following arguments are required"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), DUTY_BAD_VALUES)
def test_a_bad_duty_value_is_one_line_exit_2_and_nothing_written(cli, db_path, argv, message):
    cli("staff", "add", "--tg-id", "1001", "--name", "Ivan", "--role", "second_line")
    cli("duty", "add", "--staff", "1001", "--weekly", "sat,sun 00:00-00:00")

    result = cli(*argv)

    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert message in result.err_lines[0]
    assert re.match(r"frontdesk admin duty[\w ]*: error: ", result.err_lines[0])
    assert result.out == ""
    assert len(rota(db_path).weekly) == 1 and rota(db_path).shifts == ()


# --- bad values: one line, exit code 2, nothing written ----------------------------------

BAD_VALUES = [
    (["client", "add", "--name", "X", "--tier", "diamond"],
     "frontdesk admin client add: error: argument --tier: unknown tier 'diamond' "
     "(valid: bronze, silver, gold, platinum)"),
    (["client", "add", "--name", "X", "--timezone", "Mars/Base"], "unknown time zone 'Mars/Base'"),
    (["client", "add", "--name", "X", "--hours", "9-18"], "like 09:00-18:00"),
    (["client", "add", "--name", "X", "--hours", "09:00-24:00"], "like 09:00-18:00"),
    (["client", "add", "--name", "X", "--hours", "18:00-09:00"],
     "opening time 18:00 must be before closing time 09:00"),
    (["client", "add", "--name", "X", "--hours", "09:00-09:00"], "must be before"),
    (["client", "add", "--name", "X", "--weekdays", "mon-fry"], "like mon-fri or mon,wed,fri"),
    (["client", "add", "--name", "X", "--weekdays", "mon,,fri"], "like mon-fri or mon,wed,fri"),
    (["client", "add", "--name", "X", "--country", "XX"], "no holiday calendar for country 'XX'"),
    (["client", "add", "--name", "X", "--manager", "77"], "unknown manager: staff member 77"),
    (["client", "add", "--name", "X", "--manager", "abc"], "argument --manager: expected a whole"),
    (["client", "add", "--name", "   "], "the name is empty"),
    (["client", "add"], "the following arguments are required: --name"),
    (["client"], "frontdesk admin client: error: the following arguments are required"),
    ([], "frontdesk admin: error: the following arguments are required"),
    (["client", "remove"], "invalid choice: 'remove'"),
    (["invite", "--client", "99"], "frontdesk admin invite: error: unknown client id 99"),
    (["invite", "--client", "1", "--uses", "0"], "argument --uses: expected a whole number"),
    (["invite", "--client", "1", "--uses", "many"], "argument --uses: expected a whole number"),
    (["invite", "--client", "1", "--expires", "3y"], "like 30m, 12h, 7d (at most 3650d) or never"),
    (["invite", "--client", "1", "--expires", "0d"], "like 30m, 12h, 7d (at most 3650d) or never"),
    (["invite", "--client", "1", "--expires", "99999999999d"], "at most 3650d"),
    (["invite", "--client", "1", "--uses", "9" * 30], "argument --uses: expected a whole number"),
    (["invite", "--client", "1", "--role", "boss"],
     "argument --role: unknown role 'boss' (valid: employee, director)"),
    (["invite", "--client", "1", "--bot-username", "a b"], "not a Telegram username"),
    (["invite"], "frontdesk admin invite: error: the following arguments are required: --client"),
    (["invite", "list"], "the following arguments are required: --client"),
    (["invite", "list", "--client", "99"], "unknown client id 99"),
    (["staff", "add", "--tg-id", "5", "--name", "Oleg", "--role", "janitor"],
     "unknown role 'janitor' (valid: first_line, second_line, manager, lead, admin)"),
    (["staff", "add", "--tg-id", "-5", "--name", "Oleg", "--role", "lead"], "argument --tg-id"),
    (["staff", "add", "--tg-id", "5", "--name", " ", "--role", "lead"], "the name is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), BAD_VALUES)
def test_a_bad_value_is_one_line_exit_2_and_nothing_written(cli, db_path, argv, message):
    cli("staff", "add", "--tg-id", "1001", "--name", "Ivan", "--role", "manager")
    cli("client", "add", "--name", "Beta", "--manager", "1001")
    cli("invite", "--client", "1", "--bot-username", "desk_bot")
    before = counts(db_path)

    result = cli(*argv)

    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert message in result.err_lines[0]
    assert re.match(r"frontdesk admin[\w ]*: error: ", result.err_lines[0])
    assert result.out == ""
    assert counts(db_path) == before


def test_a_bad_value_does_not_even_create_the_database(cli, db_path):
    result = cli("client", "add", "--name", "X", "--tier", "diamond")

    assert result.code == 2
    assert not db_path.exists()


# --- settings ---------------------------------------------------------------------------


def test_missing_bot_token_is_one_clear_line(cli, db_path, monkeypatch):
    monkeypatch.delenv("BOT_TOKEN")

    result = cli("client", "list")

    assert result.code == "frontdesk: BOT_TOKEN is not set: put it in the environment or in .env"
    assert not db_path.exists()


def test_missing_bot_token_from_the_shell(tmp_path):
    """What the administrator sees: one line on stderr, exit code 1."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["DATABASE_PATH"] = str(tmp_path / "x.db")
    env["PYTHONPATH"] = str(PROJECT_ROOT)

    done = subprocess.run(
        [sys.executable, "-m", "bot", "admin", "staff", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "frontdesk: BOT_TOKEN is not set: put it in the environment or in .env\n"
    )


def test_client_plan_is_set_and_used_by_reports(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "plan.db"))
    from bot.cli.main import main

    with pytest.raises(SystemExit) as added:
        main(["admin", "client", "add", "--name", "ООО Ромашка"])
    assert added.value.code == 0
    client_id = capsys.readouterr().out.strip()
    argv = [
        "admin",
        "client",
        "plan",
        "--client",
        client_id,
        "--fee",
        "20000",
        "--hours",
        "10",
        "--extra-rate",
        "2000",
        "--reserve-cap",
        "10",
    ]
    with pytest.raises(SystemExit) as planned:
        main(argv)
    assert planned.value.code == 0
    assert "20000 RUB a month, 10 h included" in capsys.readouterr().err

    async def read_plan():
        from storage import Database

        db = await Database.open(tmp_path / "plan.db", clock=SystemClock())
        async with db.unit_of_work() as uow:
            (change,) = await uow.clients.plan_changes(int(client_id))
        await db.close()
        return change.plan

    import asyncio

    plan = asyncio.run(read_plan())
    assert (plan.monthly_fee, plan.hours_included, plan.extra_hour_rate, plan.reserve_cap) == (
        20000,
        10,
        2000,
        10,
    )
    with pytest.raises(SystemExit) as unknown:
        main([*argv[:4], "99", *argv[5:]])
    assert unknown.value.code == 2
    assert "unknown client id 99" in capsys.readouterr().err


# --- taking access away -------------------------------------------------------------------


def register(path: Path, code: str, tg_id: int, name: str) -> None:
    async def work(uow: UnitOfWork) -> None:
        await accounts.register_employee(uow, SystemClock(), code=code, tg_id=tg_id, name=name)

    in_db(path, work)


def with_ticket_and_queued_messages(path: Path, tg_id: int, queued: int) -> None:
    """An open ticket of the employee, and `queued` messages for them still in the outbox."""
    from domain.enums import Category, Scope, TicketKind, WorkImpact
    from domain.ports import OutboxMessage

    async def work(uow: UnitOfWork) -> None:
        draft = intake.TicketDraft(
            description="не печатает принтер",
            kind=TicketKind.INCIDENT,
            category=Category.PRINTER,
            impact=WorkImpact.HAMPERED,
            scope=Scope.ME,
        )
        await intake.open_ticket(uow, SystemClock(), employee_tg_id=tg_id, draft=draft)
        for n in range(queued):
            await uow.outbox.add(OutboxMessage(tg_id, "sendMessage", {"text": f"пароль {n}"}))

    in_db(path, work)


def test_employee_list_and_remove(cli, db_path):
    cli("client", "add", "--name", "Beta")
    anna = invite_code(cli("invite", "--client", "1", "--bot-username", "b_bot"))
    boss = invite_code(
        cli("invite", "--client", "1", "--role", "director", "--bot-username", "b_bot")
    )
    register(db_path, anna, 5001, "Anna")
    register(db_path, boss, 5002, "Boris")
    with_ticket_and_queued_messages(db_path, 5001, queued=3)

    listed = cli("employee", "list", "--client", "1")
    assert [line.split() for line in listed.out.splitlines()] == [
        ["tg", "id", "name", "role", "client", "active"],
        ["5001", "Anna", "employee", "1", "Beta", "yes"],
        ["5002", "Boris", "director", "1", "Beta", "yes"],
    ]

    removed = cli("employee", "remove", "5001")

    assert removed.code == 0, removed.err
    assert removed.out == "5001\n"
    assert removed.err == (
        "Anna removed; 1 open ticket stays with the company; 3 queued messages dropped\n"
    )
    assert not in_db(db_path, lambda uow: uow.employees.by_tg_id(5001)).active
    assert ["5001", "Anna", "employee", "1", "Beta", "no"] in [
        line.split() for line in cli("employee", "list").out.splitlines()
    ]
    assert cli("employee", "remove", "5002").code == 0  # a director too
    again = cli("employee", "remove", "5001")
    assert again.code == 2
    assert again.err.startswith("frontdesk admin employee remove: error: no employee")


def test_invite_revoke(cli, db_path):
    cli("client", "add", "--name", "Beta")
    code = invite_code(cli("invite", "--client", "1", "--uses", "5", "--bot-username", "b_bot"))

    result = cli("invite", "revoke", code)

    assert result.code == 0, result.err
    assert result.out == f"{code}\n"
    assert "revoked" in result.err
    assert in_db(db_path, lambda uow: uow.invites.get(code)).revoked
    assert cli("invite", "list", "--client", "1").out.splitlines()[1].split()[-1] == "revoked"
    unknown = cli("invite", "revoke", "nope")
    assert (unknown.code, unknown.err) == (
        2,
        "frontdesk admin invite revoke: error: unknown invite 'nope' "
        "(see: frontdesk admin invite list --client ID)\n",
    )


def test_staff_deactivate(cli, db_path):
    cli("staff", "add", "--tg-id", "1001", "--name", "Мария", "--role", "manager")
    cli("client", "add", "--name", "Beta", "--manager", "1001")

    result = cli("staff", "deactivate", "1001")

    assert result.code == 0, result.err
    assert result.out == "1001\n"
    assert result.err.startswith("Мария deactivated; 0 open tickets are still assigned")
    assert "1 client has no personal manager now" in result.err
    assert cli("staff", "list").out.splitlines()[1].split()[-1] == "no"
    assert cli("staff", "deactivate", "1001").code == 2
    # Adding them again gives the access back.
    cli("staff", "add", "--tg-id", "1001", "--name", "Мария", "--role", "manager")
    assert in_db(db_path, lambda uow: uow.staff.get(1001)).active
