"""The `frontdesk` command."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Telegram front desk")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling)")
    args = parser.parse_args(argv)
    if args.command == "run":
        from bot.config import SettingsError, load_settings

        try:
            load_settings()
        except SettingsError as exc:
            sys.exit(str(exc))
