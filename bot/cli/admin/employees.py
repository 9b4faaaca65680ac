"""`frontdesk admin employee list | remove`: the clients' employees and their access."""

from __future__ import annotations

import argparse

from bot.cli.admin.common import CliError, counted, open_database, print_table, tell
from bot.config import Settings
from domain.errors import NotFound
from domain.use_cases import accounts


async def employee_list_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        clients = {c.id: c for c in await uow.clients.list()}
        if args.client is not None and args.client not in clients:
            raise CliError(f"unknown client id {args.client} (see: frontdesk admin client list)")
        wanted = [args.client] if args.client is not None else list(clients)
        people = [e for cid in wanted for e in await uow.employees.list_by_client(cid or 0)]
    if not people:
        tell("no employees yet; they register with an invite: frontdesk admin invite --client ID")
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
    print_table(("tg id", "name", "role", "client", "active"), rows)
    return 0


async def employee_remove_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            removal = (await accounts.remove_employee(uow, tg_id=args.tg_id)).value
        except NotFound:
            raise CliError(
                f"no employee with access has Telegram id {args.tg_id} "
                "(see: frontdesk admin employee list)"
            ) from None
        await uow.commit()
    print(args.tg_id)
    tell(
        f"{removal.name} removed; "
        f"{counted(removal.open_tickets, 'open ticket stays', 'open tickets stay')} "
        "with the company; "
        f"{counted(removal.dropped_messages, 'queued message', 'queued messages')} dropped"
    )
    return 0
