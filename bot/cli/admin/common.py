"""What every `frontdesk admin` command shares: one-line errors, the parsing of values
(hours, weekdays, moments, durations, time zones), the database, and plain-text tables."""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import NoReturn, TypeVar
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Settings
from domain.calendar import WorkCalendar
from domain.duty import parse_weekdays, parse_weekly
from domain.errors import DomainError
from storage import Database
from storage import open_database as open_storage
from storage.database import shown

E = TypeVar("E", bound=StrEnum)
Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_LARGEST_NUMBER = 2**53 - 1  # Telegram ids fit in 52 bits; SQLite integers in 64
_MOMENT_FORMAT = "%Y-%m-%d %H:%M"


class CliError(Exception):
    """A value the administrator gave is wrong; the message is the whole explanation."""

    exit_code = 2


class CannotOpenDatabase(CliError):
    exit_code = 1


def subcommands(
    parser: argparse.ArgumentParser, *, required: bool = True
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    return parser.add_subparsers(required=required, parser_class=_Parser)


def handled_by(parser: argparse.ArgumentParser, handler: Handler) -> None:
    parser.set_defaults(handler=handler, command_prog=parser.prog)


class _Parser(argparse.ArgumentParser):
    """argparse's errors as one line, `<command>: error: <message>`, and exit code 2."""

    def error(self, message: str) -> NoReturn:
        _exit_with_one_line(self, message)


def errors_in_one_line(parser: argparse.ArgumentParser) -> None:
    """The same for `admin` itself, made as a plain ArgumentParser by cli.py's subparsers."""

    def error(message: str) -> NoReturn:
        _exit_with_one_line(parser, message)

    parser.error = error  # type: ignore[method-assign]  # this one parser's, on purpose


def _exit_with_one_line(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(2, f"{parser.prog}: error: {message}\n")


def enum_value(enum: type[E], what: str) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return enum(text.strip().lower().replace("-", "_"))
        except ValueError:
            valid = ", ".join(member.value for member in enum)
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r} (valid: {valid})") from None

    return parse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= _LARGEST_NUMBER:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {_LARGEST_NUMBER}, got {text!r}"
        )
    return value


def time_zone_name(text: str) -> str:
    _check_calendar(timezone=text)
    return text


def country_code(text: str) -> str | None:
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


def hours_range(text: str) -> tuple[time, time]:
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


def weekday_set(text: str) -> frozenset[int]:
    try:
        return parse_weekdays(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def weekly_pattern(text: str) -> tuple[frozenset[int], time, time]:
    try:
        return parse_weekly(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def local_moment(text: str) -> datetime:
    """ "2026-11-23 18:00", a wall-clock time: the time zone is applied later."""
    try:
        return datetime.strptime(" ".join(text.split()), _MOMENT_FORMAT)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected a date and time like "2026-11-23 18:00", got {text!r}'
        ) from None


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    try:
        db = await open_storage(settings.database, clock=SystemClock())
    except (OSError, sqlite3.Error) as exc:
        raise CannotOpenDatabase(
            f"cannot open the database {shown(settings.database)}: {exc}"
        ) from None
    try:
        yield db
    finally:
        await db.close()


def local_text(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):{_MOMENT_FORMAT}}"


def hours_text(opens: time, closes: time) -> str:
    return f"{opens:%H:%M}-{closes:%H:%M}"


def moment_text(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def counted(n: int, one: str, many: str) -> str:
    """ "1 open ticket stays", "2 open tickets stay"."""
    return f"{n} {one if n == 1 else many}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


def tell(text: str) -> None:
    print(text, file=sys.stderr)


def one_line(exc: BaseException) -> str:
    text = exc.message if isinstance(exc, DomainError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__
