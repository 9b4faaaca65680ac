"""The `frontdesk` command: run the bot, try it in the sandbox, administer clients and staff."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from bot.config import Settings, SettingsError, load_offline_settings, load_settings
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Telegram front desk")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_parser = commands.add_parser("run", help="run the bot (long polling by default)")
    run_parser.add_argument(
        "--webhook",
        action="store_true",
        help="take updates through a webhook at WEBHOOK_URL instead of long polling",
    )
    sandbox = commands.add_parser(
        "sandbox", help="try the whole front desk in the terminal, no token, no network"
    )
    sandbox.add_argument("--script", help="play a scripted conversation and print the transcript")
    sandbox.add_argument(
        "--at",
        type=_moscow_time,
        help='start the sandbox clock at this Moscow time, "YYYY-MM-DD HH:MM"',
    )
    if (sys.argv[1:] if argv is None else argv)[:1] == ["sandbox"]:
        # Before the other commands' imports (aiogram: seconds), so that the sandbox's
        # banner is on the screen at once.
        args = parser.parse_args(argv)
        from bot.sandbox.cli import run_sandbox

        sys.exit(run_sandbox(script=args.script, at=args.at))
    from bot.cli import admin, backup, migrate_data, report

    admin.add_parser(commands)
    report.add_parser(commands)
    backup.add_parser(commands)
    migrate_data.add_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "run":
        from storage.database import (  # not before `sandbox`
            DatabaseDamaged,
            DatabaseLocked,
            DatabaseUnreachable,
            DatabaseUnwritable,
        )

        settings = _settings_or_exit()
        if args.webhook and not settings.webhook_url:
            sys.exit("frontdesk: --webhook needs WEBHOOK_URL, the public https address to call")
        setup_logging(
            settings.log_format,
            settings.log_level,
            secrets=[settings.bot_token.get_secret_value()],
        )
        from bot.startup import StartupError

        try:
            asyncio.run(run(settings))
        except SettingsError as exc:
            _exit_with(exc)
        except (
            DatabaseDamaged,
            DatabaseLocked,
            DatabaseUnreachable,
            DatabaseUnwritable,
            StartupError,
        ) as exc:
            sys.exit(f"frontdesk: {exc}")
    elif args.command == "report":
        sys.exit(report.dispatch(args, _offline_settings_or_exit))
    elif args.command in ("backup", "restore"):
        sys.exit(backup.dispatch(args, _settings_or_exit))
    elif args.command == "migrate-data":
        sys.exit(migrate_data.dispatch(args))
    else:
        sys.exit(admin.dispatch(args, _settings_or_exit))


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
        _exit_with(exc)


def _offline_settings_or_exit() -> Settings:
    """For commands that never talk to Telegram: no BOT_TOKEN needed."""
    try:
        return load_offline_settings()
    except SettingsError as exc:
        _exit_with(exc)


def _exit_with(exc: SettingsError) -> NoReturn:
    sys.exit("\n".join(f"frontdesk: {line}" for line in str(exc).splitlines()))


async def run(settings: Settings) -> None:
    """Take updates (long polling, or the webhook when WEBHOOK_URL is set) and serve
    /healthz and /metrics, until SIGTERM or SIGINT. Then stop taking updates, finish the
    ones in hand, flush the outbox for SHUTDOWN_FLUSH_SECONDS and close; a second signal
    exits at once (what was committed stays committed; unsent messages wait in the
    outbox for the next start)."""
    from bot.app import FrontDesk
    from bot.clock import SystemClock
    from bot.startup import listening, unless_stopped

    log = logging.getLogger(__name__)
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            log.warning("second signal: exiting now")
            os._exit(1)
        log.info("stopping: finishing the updates in hand and flushing the outbox")
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, on_signal)
    app = FrontDesk(settings, SystemClock())
    if not await unless_stopped(app.start(), stop):  # stopped while waiting for Telegram
        return
    try:
        if settings.metrics_port:
            with listening("METRICS", settings.metrics_host, settings.metrics_port):
                url = await app.serve_monitoring(settings.metrics_host, settings.metrics_port)
            log.info("health and metrics at %s/healthz and %s/metrics", url, url)
        if settings.webhook_url:
            with listening("WEBHOOK", settings.webhook_host, settings.webhook_port):
                await app.start_webhook()
        else:
            app.start_polling_in_background()
        log.info("the front desk is running")
        await stop.wait()
    finally:
        await app.stop()
