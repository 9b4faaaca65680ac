"""`frontdesk report --client ID --month YYYY-MM --out DIR`: the client's report as files
(their paths on stdout, one a line) and its summary for the person (on stderr). It never
talks to Telegram, so it needs no BOT_TOKEN."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from handlers.ui.numbers import month_in_range

if TYPE_CHECKING:  # aiogram, openpyxl and matplotlib load only when a report is made
    from bot.reports import Report


def _month(text: str) -> date:
    try:
        month = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError("the month is YYYY-MM, e.g. 2026-10") from None
    this_month = (datetime.now(UTC) + timedelta(hours=14)).date()  # the first zone's month
    if not month_in_range(month, this_month):
        raise argparse.ArgumentTypeError(f"the month is from 2000-01 to {this_month:%Y-%m}")
    return month


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("report", help="write a client's monthly report to files")
    parser.add_argument("--client", type=int, required=True, help="the client's id")
    parser.add_argument("--month", type=_month, help="YYYY-MM (default: this month so far)")
    parser.add_argument("--out", type=Path, default=Path("."), help="the folder for the files")
    parser.add_argument("--locale", choices=("ru", "en"), help="the language of the report")


def dispatch(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    settings = load_settings()
    if not settings.on_postgres and not Path(settings.database_path).exists():
        print(f"frontdesk report: no database at {settings.database_path}", file=sys.stderr)
        return 2
    report = asyncio.run(_build(settings, args))
    if report is None:
        print(f"frontdesk report: unknown client id {args.client}", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        out / f"{report.file_stem}.xlsx": report.xlsx,
        out / f"{report.file_stem}-tickets.csv": report.csv,
        out / f"{report.file_stem}-work-log.csv": report.work_csv,
        out / f"{report.file_stem}.png": report.png,
    }
    for path, data in paths.items():
        path.write_bytes(data)
    print(re.sub(r"<[^>]+>", "", report.text), file=sys.stderr)
    for path in paths:  # what a script wants: the files written, one a line
        print(path)
    return 0


async def _build(settings: Settings, args: argparse.Namespace) -> Report | None:
    from bot.clock import SystemClock
    from bot.i18n import create_i18n
    from bot.reports import Reports
    from storage import open_database

    db = await open_database(settings.database, clock=SystemClock())
    try:
        reports = Reports(db, SystemClock(), create_i18n(settings.default_locale))
        return await reports.build(args.client, args.month, args.locale or settings.default_locale)
    finally:
        await db.close()
