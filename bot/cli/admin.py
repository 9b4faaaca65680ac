"""`frontdesk admin ...`: the administrator's command line for clients, invites, staff and
the duty rota.

    frontdesk admin client add --name NAME [--tier T] [--timezone TZ] [--hours 09:00-18:00]
                               [--weekdays mon-fri] [--country RU|none] [--24x7] [--manager TG_ID]
    frontdesk admin client list
    frontdesk admin invite --client ID [--uses N] [--expires 7d|12h|30m|never]
                           [--role employee|director] [--bot-username NAME]
    frontdesk admin invite list --client ID
    frontdesk admin invite revoke CODE
    frontdesk admin employee list [--client ID]
    frontdesk admin employee remove TG_ID
    frontdesk admin staff add --tg-id ID --name NAME --role ROLE
    frontdesk admin staff list
    frontdesk admin staff deactivate TG_ID
    frontdesk admin duty add --staff TG_ID --from "YYYY-MM-DD HH:MM" --to "YYYY-MM-DD HH:MM"
                             [--timezone TZ]
    frontdesk admin duty add --staff TG_ID --weekly "mon-fri 18:00-09:00" [--timezone TZ]
    frontdesk admin duty list
    frontdesk admin duty remove ID

Output: a command that creates something prints the one thing a script wants on stdout (the
client's id; the invite link, or only the invite code when the bot's username is unknown;
the staff member's Telegram id; the duty entry's id) and a sentence for the person on
stderr. Lists go to stdout as aligned columns. A bad value is one line on stderr,
`<command>: error: <what is wrong>`, with exit code 2, and nothing is written: values are
checked before the database is opened, and what only the database can tell (an unknown
client, manager or staff member) makes the use case raise inside the unit of work, which
then rolls back.

Everything goes through the use cases of `domain.use_cases` and the repositories; no SQL here.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import NoReturn, TypeVar
from zoneinfo import ZoneInfo

from bot.config import Settings
from domain.calendar import WorkCalendar
from domain.clock import SystemClock
from domain.duty import DutyRota, DutyShift, WeeklyDuty, parse_weekdays, parse_weekly, weekdays_text
from domain.enums import EmployeeRole, SlaTier, StaffRole
from domain.errors import DomainError, NotFound
from domain.model import Client, Invite, Plan
from domain.ports import UnitOfWork
from domain.use_cases import accounts, after_hours
from storage import Database

E = TypeVar("E", bound=StrEnum)
Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]

_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_LONGEST_INVITE = timedelta(days=3650)
_LARGEST_NUMBER = 2**53 - 1  # Telegram ids fit in 52 bits; SQLite integers in 64
_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_MOMENT_FORMAT = "%Y-%m-%d %H:%M"
CLIENT_COLUMNS = (
    "id",
    "name",
    "tier",
    "time zone",
    "hours",
    "weekdays",
    "holidays",
    "24/7",
    "manager",
)
GET_ME_TIMEOUT = 10.0  # seconds; the invite is already saved when the lookup starts


class CliError(Exception):
    """A value the administrator gave is wrong; the message is the whole explanation."""

    exit_code = 2


class CannotOpenDatabase(CliError):
    exit_code = 1


# --- the parser -------------------------------------------------------------------------


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `admin` and its commands to the `frontdesk` parser's subcommands."""
    admin = commands.add_parser("admin", help="manage clients, invites, staff and the duty rota")
    _errors_in_one_line(admin)
    groups = _subcommands(admin)

    client = _subcommands(groups.add_parser("client", help="client companies"))
    _client_add_arguments(client.add_parser("add", help="register a client company"))
    _handled_by(client.add_parser("list", help="list the client companies"), client_list)
    _plan_arguments(client.add_parser("plan", help="set a client's monthly plan"))

    invite = groups.add_parser("invite", help="create an invite link for a client's employees")
    _invite_arguments(invite)
    invites = _subcommands(invite, required=False)
    invite_list = invites.add_parser("list", help="list a client's invites")
    invite_list.add_argument("--client", type=_positive_int, required=True, metavar="ID")
    _handled_by(invite_list, invite_list_command)
    invite_revoke = invites.add_parser("revoke", help="nobody else registers with an invite")
    invite_revoke.add_argument("code", metavar="CODE", help="the invite's code")
    _handled_by(invite_revoke, invite_revoke_command)

    employee = _subcommands(groups.add_parser("employee", help="the clients' employees"))
    employee_list = employee.add_parser("list", help="list the employees (of one client)")
    employee_list.add_argument("--client", type=_positive_int, metavar="ID")
    _handled_by(employee_list, employee_list_command)
    employee_remove = employee.add_parser(
        "remove", help="take an employee's or a director's access away"
    )
    employee_remove.add_argument("tg_id", type=_positive_int, metavar="TG_ID")
    _handled_by(employee_remove, employee_remove_command)

    staff = _subcommands(groups.add_parser("staff", help="the provider's staff"))
    _staff_add_arguments(staff.add_parser("add", help="add a staff member (or update one)"))
    _handled_by(staff.add_parser("list", help="list the staff"), staff_list)
    staff_deactivate = staff.add_parser("deactivate", help="take a staff member's access away")
    staff_deactivate.add_argument("tg_id", type=_positive_int, metavar="TG_ID")
    _handled_by(staff_deactivate, staff_deactivate_command)

    duty = _subcommands(groups.add_parser("duty", help="the on-duty rota (after hours)"))
    _duty_add_arguments(duty.add_parser("add", help="add a duty shift or a weekly pattern"))
    _handled_by(duty.add_parser("list", help="who is on duty now and next, every entry"), duty_list)
    duty_remove = duty.add_parser("remove", help="remove a rota entry")
    duty_remove.add_argument("id", type=_positive_int, metavar="ID", help="the entry's id")
    _handled_by(duty_remove, duty_remove_command)


def dispatch(args: argparse.Namespace, load_settings_or_exit: Callable[[], Settings]) -> int:
    """Run the chosen admin command; the exit code (2 for a bad value)."""
    settings = load_settings_or_exit()
    try:
        return asyncio.run(args.handler(args, settings))
    except (CliError, DomainError, ValueError) as exc:
        print(f"{args.command_prog}: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, CliError) else 2


def _client_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the company's name")
    parser.add_argument(
        "--tier",
        type=_enum(SlaTier, "tier"),
        default=SlaTier.BRONZE,
        help="SLA tier: bronze (default), silver, gold, platinum",
    )
    parser.add_argument(
        "--timezone",
        type=_timezone,
        metavar="TZ",
        help="IANA time zone (default: DEFAULT_TIMEZONE of the settings)",
    )
    parser.add_argument(
        "--hours",
        type=_hours,
        default=(time(9), time(18)),
        metavar="HH:MM-HH:MM",
        help="working hours (default 09:00-18:00)",
    )
    parser.add_argument(
        "--weekdays",
        type=_weekdays,
        default=frozenset(range(5)),
        metavar="DAYS",
        help="working days: mon-fri (default), mon,wed,fri ...",
    )
    parser.add_argument(
        "--country",
        type=_country,
        default="RU",
        metavar="CODE",
        help="public holidays of this country (default RU); none for none",
    )
    parser.add_argument(
        "--24x7",
        dest="round_the_clock",
        action="store_true",
        help="round-the-clock support for High and Highest tickets",
    )
    parser.add_argument(
        "--manager",
        type=_positive_int,
        metavar="TG_ID",
        help="the personal manager: a registered staff member's Telegram id",
    )
    _handled_by(parser, client_add)


def _plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=_positive_int, required=True, metavar="ID")
    parser.add_argument("--fee", type=_positive_int, required=True, help="monthly fee, RUB")
    parser.add_argument(
        "--hours", type=_hours_amount, required=True, help="work hours included a month"
    )
    parser.add_argument(
        "--extra-rate", type=_positive_int, required=True, help="price of an extra hour, RUB"
    )
    parser.add_argument(
        "--reserve-cap",
        type=_hours_amount,
        default=0.0,
        help="unused hours carried over, at most this many (default 0)",
    )
    _handled_by(parser, client_plan)


def _hours_amount(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"expected hours from 0 to 10000, got {text!r}")
    return value


def _invite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=_positive_int, metavar="ID", help="the client's id")
    parser.add_argument(
        "--uses",
        type=_positive_int,
        default=1,
        metavar="N",
        help="how many people may register with it (default 1)",
    )
    parser.add_argument(
        "--expires",
        type=_duration,
        default=timedelta(days=7),
        metavar="AFTER",
        help="30m, 12h, 7d (default) or never",
    )
    parser.add_argument(
        "--role",
        type=_enum(EmployeeRole, "role"),
        default=EmployeeRole.EMPLOYEE,
        help="employee (default) or director",
    )
    parser.add_argument(
        "--bot-username",
        type=_bot_username,
        metavar="NAME",
        help="the bot's username for the link (default: ask the Bot API)",
    )
    _handled_by(parser, invite_create)


def _staff_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tg-id",
        type=_positive_int,
        required=True,
        metavar="ID",
        help="the person's Telegram user id",
    )
    parser.add_argument("--name", required=True)
    parser.add_argument(
        "--role",
        type=_enum(StaffRole, "role"),
        required=True,
        help="first_line, second_line, manager, lead or admin",
    )
    parser.add_argument(
        "--notify",
        choices=("all", "high"),
        help="a personal manager hears of every new ticket (all, the default) or only of "
        "High and Highest ones (high)",
    )
    _handled_by(parser, staff_add)


def _duty_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--staff",
        type=_positive_int,
        required=True,
        metavar="TG_ID",
        help="the staff member's Telegram id",
    )
    parser.add_argument(
        "--from", dest="starts", type=_moment, metavar='"YYYY-MM-DD HH:MM"', help="a shift's start"
    )
    parser.add_argument(
        "--to", dest="ends", type=_moment, metavar='"YYYY-MM-DD HH:MM"', help="a shift's end"
    )
    parser.add_argument(
        "--weekly",
        type=_weekly,
        metavar='"DAYS HH:MM-HH:MM"',
        help='a shift every week, e.g. "mon-fri 18:00-09:00" (ending at or before its start: '
        'the next day) or "sat,sun 00:00-00:00"',
    )
    parser.add_argument(
        "--timezone",
        type=_timezone,
        metavar="TZ",
        help="IANA time zone of the times given (default: DEFAULT_TIMEZONE of the settings)",
    )
    _handled_by(parser, duty_add)


def _subcommands(
    parser: argparse.ArgumentParser, *, required: bool = True
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    return parser.add_subparsers(required=required, parser_class=_Parser)


def _handled_by(parser: argparse.ArgumentParser, handler: Handler) -> None:
    parser.set_defaults(handler=handler, command_prog=parser.prog)


class _Parser(argparse.ArgumentParser):
    """argparse's errors as one line, `<command>: error: <message>`, and exit code 2."""

    def error(self, message: str) -> NoReturn:
        _exit_with_one_line(self, message)


def _errors_in_one_line(parser: argparse.ArgumentParser) -> None:
    """The same for `admin` itself, made as a plain ArgumentParser by cli.py's subparsers."""

    def error(message: str) -> NoReturn:
        _exit_with_one_line(parser, message)

    parser.error = error  # type: ignore[method-assign]  # this one parser's, on purpose


def _exit_with_one_line(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(2, f"{parser.prog}: error: {message}\n")


# --- values: each turns the text into a value or says in one line what is wrong ---------


def _enum(enum: type[E], what: str) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return enum(text.strip().lower().replace("-", "_"))
        except ValueError:
            valid = ", ".join(member.value for member in enum)
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r} (valid: {valid})") from None

    return parse


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= _LARGEST_NUMBER:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {_LARGEST_NUMBER}, got {text!r}"
        )
    return value


def _timezone(text: str) -> str:
    _check_calendar(timezone=text)
    return text


def _country(text: str) -> str | None:
    if text.strip().lower() == "none":
        return None
    code = text.strip().upper()
    _check_calendar(country=code)
    return code


def _check_calendar(*, timezone: str = "UTC", country: str | None = None) -> None:
    """Let the domain's calendar judge a time zone or a country code, as it will later."""
    try:
        WorkCalendar(timezone, time(9), time(18), frozenset({0}), country)
    except ValueError as exc:
        hint = " (an ISO 3166 code such as RU, or none)" if country else ""
        raise argparse.ArgumentTypeError(f"{exc}{hint}") from None


def _hours(text: str) -> tuple[time, time]:
    match = _HOURS.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        opens, closes = time(h1, m1), time(h2, m2)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected working hours like 09:00-18:00 (times 00:00 to 23:59), got {text!r}"
        ) from None
    if not opens < closes:
        raise argparse.ArgumentTypeError(
            f"opening time {opens:%H:%M} must be before closing time {closes:%H:%M}"
        )
    return opens, closes


def _weekdays(text: str) -> frozenset[int]:
    try:
        return parse_weekdays(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _weekly(text: str) -> tuple[frozenset[int], time, time]:
    try:
        return parse_weekly(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _moment(text: str) -> datetime:
    """ "2026-11-23 18:00", a wall-clock time: the time zone is applied later."""
    try:
        return datetime.strptime(" ".join(text.split()), _MOMENT_FORMAT)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected a date and time like "2026-11-23 18:00", got {text!r}'
        ) from None


def _duration(text: str) -> timedelta | None:
    if text.strip().lower() == "never":
        return None
    match = _DURATION.fullmatch(text.strip().lower())
    try:
        if match is None:
            raise ValueError
        amount = timedelta(**{_DURATION_UNITS[match[2]]: int(match[1])})
        if not timedelta(0) < amount <= _LONGEST_INVITE:
            raise ValueError
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            "expected how long the invite lasts, like 30m, 12h, 7d (at most 3650d) or never, "
            f"got {text!r}"
        ) from None
    return amount


def _bot_username(text: str) -> str:
    name = text.strip().removeprefix("@")
    if _BOT_USERNAME.fullmatch(name) is None:
        raise argparse.ArgumentTypeError(f"not a Telegram username: {text!r}")
    return name


# --- the commands ---------------------------------------------------------------------


async def client_add(args: argparse.Namespace, settings: Settings) -> int:
    opens, closes = args.hours
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            outcome = await accounts.register_client(
                uow,
                db.clock,
                name=args.name,
                tier=args.tier,
                timezone=args.timezone or settings.default_timezone,
                opens=opens,
                closes=closes,
                weekdays=args.weekdays,
                country=args.country,
                round_the_clock=args.round_the_clock,
                manager_tg_id=args.manager,
            )
        except NotFound as exc:  # the only thing register_client looks up is the manager
            raise CliError(
                f"unknown manager: {exc.message} (add them with: frontdesk admin staff add)"
            ) from None
        await uow.commit()
        client = outcome.value
        manager = await _manager_names(uow, [client])
    print(client.id)
    _note(f"client {client.id} registered: {client.name} ({_client_summary(client, manager)})")
    return 0


async def client_plan(args: argparse.Namespace, settings: Settings) -> int:
    plan = Plan(args.fee, args.hours, args.extra_rate, args.reserve_cap)
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            client = (await accounts.set_plan(uow, client_id=args.client, plan=plan)).value
        except NotFound:
            raise CliError(
                f"unknown client id {args.client} (see: frontdesk admin client list)"
            ) from None
        await uow.commit()
    print(client.id)
    _note(
        f"client {client.id} ({client.name}): {plan.monthly_fee} RUB a month, "
        f"{plan.hours_included:g} h included, {plan.extra_hour_rate} RUB per extra hour, "
        f"reserve up to {plan.reserve_cap:g} h"
    )
    return 0


async def client_list(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        clients = await uow.clients.list()
        managers = await _manager_names(uow, clients)
    if not clients:
        _note("no clients yet; add one with: frontdesk admin client add --name NAME")
        return 0
    rows = [
        (
            str(client.id),
            client.name,
            client.tier.value,
            client.timezone,
            _hours_text(client.opens, client.closes),
            weekdays_text(client.weekdays),
            client.country or "none",
            "yes" if client.round_the_clock else "no",
            managers.get(client.manager_tg_id or 0, "-"),
        )
        for client in clients
    ]
    _print_table(CLIENT_COLUMNS, rows)
    return 0


async def invite_create(args: argparse.Namespace, settings: Settings) -> int:
    if args.client is None:
        raise CliError("the following arguments are required: --client")
    async with _database(settings) as db, db.unit_of_work() as uow:
        client = await uow.clients.get(args.client)
        if client is None:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        outcome = await accounts.create_invite(
            uow,
            db.clock,
            client_id=args.client,
            role=args.role,
            max_uses=args.uses,
            valid_for=args.expires,
        )
        await uow.commit()
    invite = outcome.value
    _note(
        f"invite {invite.code} created for client {client.id} ({client.name}): "
        f"{_invite_summary(invite)}"
    )
    username, problem = args.bot_username, None
    if username is None:
        username, problem = await _bot_username_from_api(settings)
    if username is None:
        print(invite.code)
        _note(
            f"note: the invite is saved, but the link needs the bot's username, which is "
            f"unknown ({problem}): the link is https://t.me/<bot username>?start={invite.code}, "
            "or the employee may send the code to the bot as a message; pass --bot-username "
            "NAME next time to skip the lookup"
        )
        return 0
    print(invite_link(username, invite.code))
    return 0


async def invite_list_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        client = await uow.clients.get(args.client)
        if client is None:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        invites = await uow.invites.list_by_client(args.client)
        now = db.clock.now()
    if not invites:
        _note(
            f"client {client.id} ({client.name}) has no invites; create one with: "
            f"frontdesk admin invite --client {client.id}"
        )
        return 0
    rows = [
        (
            invite.code,
            invite.role.value,
            f"{invite.used}/{invite.max_uses}",
            _moment_text(invite.expires_at),
            invite_status(invite, now),
        )
        for invite in invites
    ]
    _print_table(("code", "role", "uses", "expires", "status"), rows)
    return 0


async def invite_revoke_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            invite = (await accounts.revoke_invite(uow, code=args.code)).value
        except NotFound:
            raise CliError(
                f"unknown invite {args.code!r} (see: frontdesk admin invite list --client ID)"
            ) from None
        await uow.commit()
    print(invite.code)
    _note(
        f"invite {invite.code} revoked: nobody else registers with it "
        f"({_count(invite.used, 'person', 'people')} who did keep their access)"
    )
    return 0


async def employee_list_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        clients = {c.id: c for c in await uow.clients.list()}
        if args.client is not None and args.client not in clients:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        wanted = [args.client] if args.client is not None else list(clients)
        people = [e for cid in wanted for e in await uow.employees.list_by_client(cid or 0)]
    if not people:
        _note("no employees yet; they register with an invite: frontdesk admin invite --client ID")
        return 0
    rows = [
        (
            str(e.tg_id),
            e.name,
            e.role.value,
            f"{e.client_id} {clients[e.client_id].name}",
            "yes" if e.active else "no",
        )
        for e in people
    ]
    _print_table(("tg id", "name", "role", "client", "active"), rows)
    return 0


async def employee_remove_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            removal = (await accounts.remove_employee(uow, tg_id=args.tg_id)).value
        except NotFound:
            raise CliError(
                f"no employee with access has Telegram id {args.tg_id} "
                "(see: frontdesk admin employee list)"
            ) from None
        await uow.commit()
    print(args.tg_id)
    _note(
        f"{removal.name} removed; "
        f"{_count(removal.open_tickets, 'open ticket stays', 'open tickets stay')} "
        f"with the company; {_count(removal.dropped_messages, 'queued message', 'queued messages')}"
        " dropped"
    )
    return 0


async def staff_deactivate_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            removal = (await accounts.deactivate_staff(uow, tg_id=args.tg_id)).value
        except NotFound:
            raise CliError(
                f"no active staff member has Telegram id {args.tg_id} "
                "(see: frontdesk admin staff list)"
            ) from None
        await uow.commit()
    print(args.tg_id)
    parts = [
        f"{removal.name} deactivated",
        f"{_count(removal.open_tickets, 'open ticket is', 'open tickets are')} still assigned "
        "to them (reassign with Assign on the card)",
        f"{_count(removal.dropped_messages, 'queued message', 'queued messages')} dropped",
    ]
    if removal.managed_clients:
        parts.append(
            f"{_count(removal.managed_clients, 'client has', 'clients have')} no personal "
            "manager now"
        )
    _note("; ".join(parts))
    return 0


async def staff_add(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        existed = await uow.staff.get(args.tg_id) is not None
        notify = None if args.notify is None else args.notify == "all"
        outcome = await accounts.add_staff(
            uow,
            db.clock,
            tg_id=args.tg_id,
            name=args.name,
            role=args.role,
            notify_all_priorities=notify,
        )
        await uow.commit()
    staff = outcome.value
    print(staff.tg_id)
    _note(
        f"staff member {staff.tg_id} {'updated' if existed else 'added'}: "
        f"{staff.name} ({staff.role.value})"
    )
    return 0


async def staff_list(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        staff = await uow.staff.list()
    if not staff:
        _note(
            "no staff yet; add someone with: frontdesk admin staff add --tg-id ID --name NAME "
            "--role admin"
        )
        return 0
    rows = [(str(s.tg_id), s.name, s.role.value, "yes" if s.active else "no") for s in staff]
    _print_table(("tg id", "name", "role", "active"), rows)
    return 0


async def duty_add(args: argparse.Namespace, settings: Settings) -> int:
    timezone = args.timezone or settings.default_timezone
    shift = args.starts is not None or args.ends is not None
    if shift == (args.weekly is not None):
        raise CliError('give either --from and --to, or --weekly "mon-fri 18:00-09:00"')
    if shift and (args.starts is None or args.ends is None):
        raise CliError("a one-off shift needs both --from and --to")
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            if shift:
                zone = ZoneInfo(timezone)
                entry: DutyShift | WeeklyDuty = (
                    await after_hours.add_duty_shift(
                        uow,
                        staff_tg_id=args.staff,
                        starts_at=args.starts.replace(tzinfo=zone),
                        ends_at=args.ends.replace(tzinfo=zone),
                    )
                ).value
            else:
                weekdays, starts, ends = args.weekly
                entry = (
                    await after_hours.add_weekly_duty(
                        uow,
                        staff_tg_id=args.staff,
                        weekdays=weekdays,
                        starts=starts,
                        ends=ends,
                        timezone=timezone,
                    )
                ).value
        except NotFound:
            raise CliError(
                f"unknown staff member {args.staff} (add them with: frontdesk admin staff add)"
            ) from None
        await uow.commit()
        name = await _staff_name(uow, entry.staff_tg_id)
    print(entry.id)
    _note(f"duty entry {entry.id} added: {name}, {_duty_text(entry, timezone)}")
    return 0


async def duty_list(args: argparse.Namespace, settings: Settings) -> int:
    timezone = settings.default_timezone
    async with _database(settings) as db, db.unit_of_work() as uow:
        rota = await uow.duty.rota()
        now = db.clock.now()
        names = {s.tg_id: f"{s.tg_id} {s.name}" for s in await uow.staff.list()}
    listed: list[DutyShift | WeeklyDuty] = [*rota.shifts, *rota.weekly]
    entries = sorted(listed, key=lambda e: e.id or 0)
    if not entries:
        _note(
            "nobody is on the duty rota: after hours the leads are paged; add a shift with: "
            'frontdesk admin duty add --staff TG_ID --weekly "mon-fri 18:00-09:00"'
        )
        return 0
    print(f"on duty now: {_on_duty_now(rota, now, names, timezone)}")
    upcoming = rota.next_on_duty(now)
    if upcoming is None:
        following = "nobody planned"
    else:
        who = names.get(upcoming.staff_tg_id, upcoming.staff_tg_id)
        starts, ends = upcoming.starts_at, upcoming.ends_at
        following = (
            f"{who}, from {_local(starts, timezone)} {timezone} until further notice"
            if ends is None
            else f"{who}, {_local(starts, timezone)} - {_local(ends, timezone)} {timezone}"
        )
    print(f"next: {following}")
    print()
    on_duty = {(s.id, s.staff_tg_id) for s in rota.covering(now)}
    rows = [
        (
            str(entry.id),
            names.get(entry.staff_tg_id, str(entry.staff_tg_id)),
            _duty_text(entry, timezone),
            _duty_status(entry, now, on_duty),
        )
        for entry in entries
    ]
    _print_table(("id", "staff", "duty", "status"), rows)
    return 0


async def duty_remove_command(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as db, db.unit_of_work() as uow:
        try:
            await after_hours.remove_duty(uow, entry_id=args.id)
        except NotFound:
            raise CliError(
                f"unknown duty entry id {args.id} (see: frontdesk admin duty list)"
            ) from None
        await uow.commit()
    print(args.id)
    _note(f"duty entry {args.id} removed")
    return 0


# --- helpers ----------------------------------------------------------------------------


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Database]:
    try:
        db = await Database.open(settings.database_path, clock=SystemClock())
    except (OSError, sqlite3.Error) as exc:
        raise CannotOpenDatabase(
            f"cannot open the database {settings.database_path}: {exc}"
        ) from None
    try:
        yield db
    finally:
        await db.close()


async def _bot_username_from_api(settings: Settings) -> tuple[str | None, str | None]:
    """The bot's username from getMe, or None and why it could not be had."""
    from bot.app import create_bot

    bot = create_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), GET_ME_TIMEOUT)
    except Exception as exc:  # the invite is saved already: never lose its code over this
        return None, f"the Bot API at {settings.telegram_api_base} said: {_one_line(exc)}"
    finally:
        await bot.session.close()
    if not me.username:
        return None, "the Bot API did not tell it"
    return me.username, None


async def _manager_names(uow: UnitOfWork, clients: Iterable[Client]) -> dict[int, str]:
    """`{tg_id: "tg_id name"}` of the managers of these clients."""
    names: dict[int, str] = {}
    for tg_id in {c.manager_tg_id for c in clients if c.manager_tg_id is not None}:
        staff = await uow.staff.get(tg_id)
        names[tg_id] = f"{tg_id} {staff.name}" if staff else str(tg_id)
    return names


async def _staff_name(uow: UnitOfWork, tg_id: int) -> str:
    staff = await uow.staff.get(tg_id)
    return f"{tg_id} {staff.name}" if staff else str(tg_id)


def _local(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):{_MOMENT_FORMAT}}"


def _duty_text(entry: DutyShift | WeeklyDuty, timezone: str) -> str:
    """ "mon-fri 18:00-09:00 Europe/Moscow" or "2026-11-23 18:00 - 2026-11-24 09:00 UTC"."""
    if isinstance(entry, WeeklyDuty):
        return f"every {entry.describe()} {entry.timezone}"
    return f"{_local(entry.starts_at, timezone)} - {_local(entry.ends_at, timezone)} {timezone}"


def _duty_status(
    entry: DutyShift | WeeklyDuty, now: datetime, on_duty: set[tuple[int | None, int]]
) -> str:
    if (entry.id, entry.staff_tg_id) in on_duty:
        return "on duty now"
    if isinstance(entry, DutyShift) and entry.ends_at <= now:
        return "ended"
    return ""


def _on_duty_now(rota: DutyRota, now: datetime, names: dict[int, str], timezone: str) -> str:
    current = rota.on_duty(now)
    if not current:
        return "nobody (the leads are paged)"
    return "; ".join(
        f"{names.get(s.staff_tg_id, s.staff_tg_id)} until "
        + ("further notice" if s.ends_at is None else f"{_local(s.ends_at, timezone)} {timezone}")
        for s in current
    )


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def invite_status(invite: Invite, now: datetime) -> str:
    """active, expired, used up or revoked."""
    reason = invite.unusable_reason(now)
    return "active" if reason is None else reason.replace("_", " ")


def _client_summary(client: Client, managers: dict[int, str]) -> str:
    parts = [
        client.tier.value,
        client.timezone,
        f"{weekdays_text(client.weekdays)} {_hours_text(client.opens, client.closes)}",
        f"holidays {client.country}" if client.country else "no public holidays",
    ]
    if client.round_the_clock:
        parts.append("24/7")
    if client.manager_tg_id is not None:
        parts.append(f"manager {managers.get(client.manager_tg_id, client.manager_tg_id)}")
    return ", ".join(parts)


def _invite_summary(invite: Invite) -> str:
    uses = "1 use" if invite.max_uses == 1 else f"{invite.max_uses} uses"
    expires = (
        "never expires"
        if invite.expires_at is None
        else (f"expires {_moment_text(invite.expires_at)}")
    )
    return f"{invite.role.value}, {uses}, {expires}"


def _hours_text(opens: time, closes: time) -> str:
    return f"{opens:%H:%M}-{closes:%H:%M}"


def _moment_text(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _count(n: int, one: str, many: str) -> str:
    """ "1 open ticket stays", "2 open tickets stay"."""
    return f"{n} {one if n == 1 else many}"


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def _one_line(exc: BaseException) -> str:
    text = exc.message if isinstance(exc, DomainError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__
