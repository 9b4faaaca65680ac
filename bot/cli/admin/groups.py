"""`frontdesk admin client group`: the one-time code that binds a client's own group chat."""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot.cli.admin.common import (
    CliError,
    handled_by,
    moment_text,
    open_database,
    positive_int,
    tell,
)
from bot.cli.admin.invites import _duration
from bot.config import Settings
from domain.use_cases import client_groups


def group_code_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--client", type=positive_int, required=True, metavar="ID", help="the client's id"
    )
    parser.add_argument(
        "--expires",
        type=_duration,
        default=client_groups.CODE_VALID_FOR,
        metavar="AFTER",
        help="how long the code can be used: 30m, 12h, 1d (default), 7d",
    )
    handled_by(parser, group_code_command)


async def group_code_command(args: argparse.Namespace, settings: Settings) -> int:
    valid_for: timedelta | None = args.expires
    if valid_for is None:
        raise CliError("a group's code must expire: give --expires like 1d or 12h")
    async with open_database(settings) as db, db.unit_of_work() as uow:
        client = await uow.clients.get(args.client)
        if client is None:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        code = (
            await client_groups.create_code(
                uow, db.clock, client_id=args.client, valid_for=valid_for
            )
        ).value
        await uow.commit()
    print(code.code)
    tell(
        f"code for one group chat of client {client.id} ({client.name}), valid until "
        f"{moment_text(code.expires_at)}: add the bot to the group (as an admin, so that it "
        f"sees #заявка), then the company's director or personal manager sends there: "
        f"/bind {code.code}"
    )
    return 0
