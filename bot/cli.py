"""The `frontdesk` command: run the bot, try it in the sandbox, administer clients and staff."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Telegram front desk")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot (long polling)")
    sandbox = commands.add_parser(
        "sandbox", help="try the whole front desk in the terminal, no token, no network"
    )
    sandbox.add_argument("--script", help="play a scripted conversation and print the transcript")
    sandbox.add_argument(
        "--at",
        type=_moscow_time,
        help='start the sandbox clock at this Moscow time, "YYYY-MM-DD HH:MM"',
    )
    from bot import admin_cli, report_cli

    admin_cli.add_parser(commands)
    report_cli.add_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "run":
        settings = _settings_or_exit()
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        asyncio.run(run(settings))
    elif args.command == "sandbox":
        from bot.sandbox.cli import run_sandbox

        sys.exit(run_sandbox(script=args.script, at=args.at))
    elif args.command == "report":
        sys.exit(report_cli.dispatch(args, _settings_or_exit))
    else:
        sys.exit(admin_cli.dispatch(args, _settings_or_exit))


def _moscow_time(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Europe/Moscow"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            'use "YYYY-MM-DD HH:MM", e.g. "2026-11-23 10:00"'
        ) from None


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        sys.exit(f"frontdesk: {exc}")


async def run(settings: Settings) -> None:
    """Long polling until SIGTERM or SIGINT; the updates in hand are finished first."""
    from bot.app import FrontDesk
    from bot.clock import SystemClock

    app = FrontDesk(settings, SystemClock())
    await app.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    app.start_polling_in_background()
    logging.getLogger(__name__).info("the front desk is running")
    try:
        await stop.wait()
    finally:
        await app.stop()
