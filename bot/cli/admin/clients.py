"""`frontdesk admin client add | list | plan`: the client companies and their plans."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import time

from bot.cli.admin.common import (
    CliError,
    country_code,
    enum_value,
    handled_by,
    hours_range,
    hours_text,
    open_database,
    positive_int,
    print_table,
    tell,
    time_zone_name,
    weekday_set,
)
from bot.config import Settings
from domain.duty import weekdays_text
from domain.enums import SlaTier
from domain.errors import NotFound
from domain.model import Client, Plan
from domain.ports import UnitOfWork
from domain.use_cases import accounts

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


def client_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the company's name")
    parser.add_argument(
        "--tier",
        type=enum_value(SlaTier, "tier"),
        default=SlaTier.BRONZE,
        help="SLA tier: bronze (default), silver, gold, platinum",
    )
    parser.add_argument(
        "--timezone",
        type=time_zone_name,
        metavar="TZ",
        help="IANA time zone (default: DEFAULT_TIMEZONE of the settings)",
    )
    parser.add_argument(
        "--hours",
        type=hours_range,
        default=(time(9), time(18)),
        metavar="HH:MM-HH:MM",
        help="working hours (default 09:00-18:00)",
    )
    parser.add_argument(
        "--weekdays",
        type=weekday_set,
        default=frozenset(range(5)),
        metavar="DAYS",
        help="working days: mon-fri (default), mon,wed,fri ...",
    )
    parser.add_argument(
        "--country",
        type=country_code,
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
        type=positive_int,
        metavar="TG_ID",
        help="the personal manager: a registered staff member's Telegram id",
    )
    handled_by(parser, client_add)


def plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    parser.add_argument("--fee", type=positive_int, required=True, help="monthly fee, RUB")
    parser.add_argument(
        "--hours", type=_hours_amount, required=True, help="work hours included a month"
    )
    parser.add_argument(
        "--extra-rate", type=positive_int, required=True, help="price of an extra hour, RUB"
    )
    parser.add_argument(
        "--reserve-cap",
        type=_hours_amount,
        default=0.0,
        help="unused hours carried over, at most this many (default 0)",
    )
    handled_by(parser, client_plan)


def _hours_amount(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"expected hours from 0 to 10000, got {text!r}")
    return value


async def client_add(args: argparse.Namespace, settings: Settings) -> int:
    opens, closes = args.hours
    async with open_database(settings) as db, db.unit_of_work() as uow:
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
    tell(f"client {client.id} registered: {client.name} ({_client_summary(client, manager)})")
    return 0


async def client_plan(args: argparse.Namespace, settings: Settings) -> int:
    plan = Plan(args.fee, args.hours, args.extra_rate, args.reserve_cap)
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            client = (await accounts.set_plan(uow, client_id=args.client, plan=plan)).value
        except NotFound:
            raise CliError(
                f"unknown client id {args.client} (see: frontdesk admin client list)"
            ) from None
        await uow.commit()
    print(client.id)
    tell(
        f"client {client.id} ({client.name}): {plan.monthly_fee} RUB a month, "
        f"{plan.hours_included:g} h included, {plan.extra_hour_rate} RUB per extra hour, "
        f"reserve up to {plan.reserve_cap:g} h"
    )
    return 0


async def client_list(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        clients = await uow.clients.list()
        managers = await _manager_names(uow, clients)
    if not clients:
        tell("no clients yet; add one with: frontdesk admin client add --name NAME")
        return 0
    rows = [
        (
            str(client.id),
            client.name,
            client.tier.value,
            client.timezone,
            hours_text(client.opens, client.closes),
            weekdays_text(client.weekdays),
            client.country or "none",
            "yes" if client.round_the_clock else "no",
            managers.get(client.manager_tg_id or 0, "-"),
        )
        for client in clients
    ]
    print_table(CLIENT_COLUMNS, rows)
    return 0


async def _manager_names(uow: UnitOfWork, clients: Iterable[Client]) -> dict[int, str]:
    """`{tg_id: "tg_id name"}` of the managers of these clients."""
    names: dict[int, str] = {}
    for tg_id in {c.manager_tg_id for c in clients if c.manager_tg_id is not None}:
        staff = await uow.staff.get(tg_id)
        names[tg_id] = f"{tg_id} {staff.name}" if staff else str(tg_id)
    return names


def _client_summary(client: Client, managers: dict[int, str]) -> str:
    parts = [
        client.tier.value,
        client.timezone,
        f"{weekdays_text(client.weekdays)} {hours_text(client.opens, client.closes)}",
        f"holidays {client.country}" if client.country else "no public holidays",
    ]
    if client.round_the_clock:
        parts.append("24/7")
    if client.manager_tg_id is not None:
        parts.append(f"manager {managers.get(client.manager_tg_id, client.manager_tg_id)}")
    return ", ".join(parts)
