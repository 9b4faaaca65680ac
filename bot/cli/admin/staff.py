"""`frontdesk admin staff add | list | deactivate`: the provider's staff."""

from __future__ import annotations

import argparse

from bot.cli.admin.common import (
    CliError,
    counted,
    enum_value,
    handled_by,
    open_database,
    positive_int,
    print_table,
    tell,
)
from bot.config import Settings
from domain.enums import StaffRole
from domain.errors import NotFound
from domain.ports import UnitOfWork
from domain.use_cases import accounts


def staff_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tg-id",
        type=positive_int,
        required=True,
        metavar="ID",
        help="the person's Telegram user id",
    )
    parser.add_argument("--name", required=True)
    parser.add_argument(
        "--role",
        type=enum_value(StaffRole, "role"),
        required=True,
        help="first_line, second_line, manager, lead or admin",
    )
    parser.add_argument(
        "--notify",
        choices=("all", "high"),
        help="a personal manager hears of every new ticket (all, the default) or only of "
        "High and Highest ones (high)",
    )
    handled_by(parser, staff_add)


async def staff_deactivate_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
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
        f"{counted(removal.open_tickets, 'open ticket is', 'open tickets are')} still assigned "
        "to them (reassign with Assign on the card)",
        f"{counted(removal.dropped_messages, 'queued message', 'queued messages')} dropped",
    ]
    if removal.managed_clients:
        parts.append(
            f"{counted(removal.managed_clients, 'client has', 'clients have')} no personal "
            "manager now"
        )
    tell("; ".join(parts))
    return 0


async def staff_add(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
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
    tell(
        f"staff member {staff.tg_id} {'updated' if existed else 'added'}: "
        f"{staff.name} ({staff.role.value})"
    )
    return 0


async def staff_list(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        staff = await uow.staff.list()
    if not staff:
        tell(
            "no staff yet; add someone with: frontdesk admin staff add --tg-id ID --name NAME "
            "--role admin"
        )
        return 0
    rows = [(str(s.tg_id), s.name, s.role.value, "yes" if s.active else "no") for s in staff]
    print_table(("tg id", "name", "role", "active"), rows)
    return 0


async def staff_name(uow: UnitOfWork, tg_id: int) -> str:
    staff = await uow.staff.get(tg_id)
    return f"{tg_id} {staff.name}" if staff else str(tg_id)
