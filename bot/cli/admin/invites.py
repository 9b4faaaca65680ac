"""`frontdesk admin invite [list | revoke]`: the links a client's employees register with."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import datetime, timedelta

from bot.cli.admin.common import (
    CliError,
    counted,
    enum_value,
    handled_by,
    moment_text,
    one_line,
    open_database,
    positive_int,
    print_table,
    tell,
)
from bot.config import Settings
from domain.enums import EmployeeRole
from domain.errors import NotFound
from domain.model import Invite
from domain.use_cases import accounts

_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_LONGEST_INVITE = timedelta(days=3650)
_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
GET_ME_TIMEOUT = 10.0  # seconds; the invite is already saved when the lookup starts


def invite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, metavar="ID", help="the client's id")
    parser.add_argument(
        "--uses",
        type=positive_int,
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
        type=enum_value(EmployeeRole, "role"),
        default=EmployeeRole.EMPLOYEE,
        help="employee (default) or director",
    )
    parser.add_argument(
        "--bot-username",
        type=_bot_username,
        metavar="NAME",
        help="the bot's username for the link (default: ask the Bot API)",
    )
    handled_by(parser, invite_create)


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


async def invite_create(args: argparse.Namespace, settings: Settings) -> int:
    if args.client is None:
        raise CliError("the following arguments are required: --client")
    async with open_database(settings) as db, db.unit_of_work() as uow:
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
    tell(
        f"invite {invite.code} created for client {client.id} ({client.name}): "
        f"{_invite_summary(invite)}"
    )
    username, problem = args.bot_username, None
    if username is None:
        username, problem = await _bot_username_from_api(settings)
    if username is None:
        print(invite.code)
        tell(
            f"note: the invite is saved, but the link needs the bot's username, which is "
            f"unknown ({problem}): the link is https://t.me/<bot username>?start={invite.code}, "
            "or the employee may send the code to the bot as a message; pass --bot-username "
            "NAME next time to skip the lookup"
        )
        return 0
    print(invite_link(username, invite.code))
    return 0


async def invite_list_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        client = await uow.clients.get(args.client)
        if client is None:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        invites = await uow.invites.list_by_client(args.client)
        now = db.clock.now()
    if not invites:
        tell(
            f"client {client.id} ({client.name}) has no invites; create one with: "
            f"frontdesk admin invite --client {client.id}"
        )
        return 0
    rows = [
        (
            invite.code,
            invite.role.value,
            f"{invite.used}/{invite.max_uses}",
            moment_text(invite.expires_at),
            invite_status(invite, now),
        )
        for invite in invites
    ]
    print_table(("code", "role", "uses", "expires", "status"), rows)
    return 0


async def invite_revoke_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            invite = (await accounts.revoke_invite(uow, code=args.code)).value
        except NotFound:
            raise CliError(
                f"unknown invite {args.code!r} (see: frontdesk admin invite list --client ID)"
            ) from None
        await uow.commit()
    print(invite.code)
    tell(
        f"invite {invite.code} revoked: nobody else registers with it "
        f"({counted(invite.used, 'person', 'people')} who did keep their access)"
    )
    return 0


async def _bot_username_from_api(settings: Settings) -> tuple[str | None, str | None]:
    """The bot's username from getMe, or None and why it could not be had."""
    from bot.app import create_bot

    bot = create_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), GET_ME_TIMEOUT)
    except Exception as exc:  # the invite is saved already: never lose its code over this
        return None, f"the Bot API at {settings.telegram_api_base} said: {one_line(exc)}"
    finally:
        await bot.session.close()
    if not me.username:
        return None, "the Bot API did not tell it"
    return me.username, None


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def invite_status(invite: Invite, now: datetime) -> str:
    """active, expired, used up or revoked."""
    reason = invite.unusable_reason(now)
    return "active" if reason is None else reason.replace("_", " ")


def _invite_summary(invite: Invite) -> str:
    uses = "1 use" if invite.max_uses == 1 else f"{invite.max_uses} uses"
    expires = (
        "never expires"
        if invite.expires_at is None
        else (f"expires {moment_text(invite.expires_at)}")
    )
    return f"{invite.role.value}, {uses}, {expires}"
