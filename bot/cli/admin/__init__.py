"""`frontdesk admin ...`: the administrator's command line for clients, invites, staff and
the duty rota.

    frontdesk admin client add --name NAME [--tier T] [--timezone TZ] [--hours 09:00-18:00]
                               [--weekdays mon-fri] [--country RU|none] [--24x7] [--manager TG_ID]
    frontdesk admin client list
    frontdesk admin client edit --client ID [--name NAME] [--tier T] [--timezone TZ]
                               [--hours HH:MM-HH:MM] [--weekdays DAYS] [--country CODE|none]
                               [--24x7 | --no-24x7] [--manager TG_ID|none]
                               [--warning-share 0.75|75%] [--default-assignee TG_ID|none]
    frontdesk admin client sla --client ID [--low R/S --standard R/S --high R/S --highest R/S
                                            | --reset]
    frontdesk admin client plan --client ID --fee RUB --hours H --extra-rate RUB
                                [--reserve-cap H] [--from YYYY-MM] [--force]
                                (also: frontdesk admin plan ...)
    frontdesk admin client deactivate --client ID [--yes]
    frontdesk admin client group --client ID [--expires 1d|12h|30m]
    frontdesk admin invite --client ID [--uses N] [--expires 7d|12h|30m|never]
                           [--role employee|director] [--bot-username NAME]
    frontdesk admin invite list --client ID
    frontdesk admin invite revoke CODE
    frontdesk admin employee list [--client ID]
    frontdesk admin employee remove TG_ID
    frontdesk admin staff add --tg-id ID --name NAME --role ROLE
    frontdesk admin staff list
    frontdesk admin staff deactivate TG_ID
    frontdesk admin kb add|edit --file ARTICLE.md
    frontdesk admin kb list [--drafts]
    frontdesk admin kb remove ID
    frontdesk admin kb import FOLDER
    frontdesk admin duty add --staff TG_ID --from "YYYY-MM-DD HH:MM" --to "YYYY-MM-DD HH:MM"
                             [--timezone TZ]
    frontdesk admin duty add --staff TG_ID --weekly "mon-fri 18:00-09:00" [--timezone TZ]
    frontdesk admin duty list
    frontdesk admin duty remove ID

Output: a command that creates something prints the one thing a script wants on stdout (the
client's id; the invite link, or only the invite code when the bot's username is unknown;
the staff member's Telegram id; the duty entry's id) and a sentence for the person on
stderr. Lists go to stdout as aligned columns. A bad value is one line on stderr,
`<command>: error: <what is wrong>`, with exit code 2, and nothing is written: values are
checked before the database is opened, and what only the database can tell (an unknown
client, manager or staff member) makes the use case raise inside the unit of work, which
then rolls back.

Everything goes through the use cases of `domain.use_cases` and the repositories; no SQL here."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

from bot.cli.admin.clients import (
    client_add_arguments,
    client_deactivate_arguments,
    client_edit_arguments,
    client_list,
    client_reactivate_arguments,
    client_sla_arguments,
    plan_arguments,
)
from bot.cli.admin.common import (
    CliError,
    errors_in_one_line,
    handled_by,
    one_line,
    positive_int,
    subcommands,
)
from bot.cli.admin.duty import duty_add_arguments, duty_list, duty_remove_command
from bot.cli.admin.employees import employee_list_command, employee_remove_command
from bot.cli.admin.groups import group_code_arguments
from bot.cli.admin.invites import invite_arguments, invite_list_command, invite_revoke_command
from bot.cli.admin.kb import kb_arguments
from bot.cli.admin.staff import staff_add_arguments, staff_deactivate_command, staff_list
from bot.config import Settings
from domain.errors import DomainError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `admin` and its commands to the `frontdesk` parser's subcommands."""
    admin = commands.add_parser("admin", help="manage clients, invites, staff and the duty rota")
    errors_in_one_line(admin)
    groups = subcommands(admin)

    client = subcommands(groups.add_parser("client", help="client companies"))
    client_add_arguments(client.add_parser("add", help="register a client company"))
    handled_by(client.add_parser("list", help="list the client companies"), client_list)
    client_edit_arguments(client.add_parser("edit", help="change a client's contract terms"))
    client_sla_arguments(client.add_parser("sla", help="show or set a contract's own SLA table"))
    plan_arguments(client.add_parser("plan", help="set a client's monthly plan from a month on"))
    client_deactivate_arguments(
        client.add_parser("deactivate", help="end a client's contract: no new tickets")
    )
    client_reactivate_arguments(
        client.add_parser("reactivate", help="renew a client's ended contract")
    )
    group_code_arguments(
        client.add_parser("group", help="a one-time code that binds a client's group chat")
    )
    plan_arguments(groups.add_parser("plan", help="the same as: client plan"))

    invite = groups.add_parser("invite", help="create an invite link for a client's employees")
    invite_arguments(invite)
    invites = subcommands(invite, required=False)
    invite_list = invites.add_parser("list", help="list a client's invites")
    invite_list.add_argument("--client", type=positive_int, required=True, metavar="ID")
    handled_by(invite_list, invite_list_command)
    invite_revoke = invites.add_parser("revoke", help="nobody else registers with an invite")
    invite_revoke.add_argument("code", metavar="CODE", help="the invite's code")
    handled_by(invite_revoke, invite_revoke_command)

    employee = subcommands(groups.add_parser("employee", help="the clients' employees"))
    employee_list = employee.add_parser("list", help="list the employees (of one client)")
    employee_list.add_argument("--client", type=positive_int, metavar="ID")
    handled_by(employee_list, employee_list_command)
    employee_remove = employee.add_parser(
        "remove", help="take an employee's or a director's access away"
    )
    employee_remove.add_argument("tg_id", type=positive_int, metavar="TG_ID")
    handled_by(employee_remove, employee_remove_command)

    staff = subcommands(groups.add_parser("staff", help="the provider's staff"))
    staff_add_arguments(staff.add_parser("add", help="add a staff member (or update one)"))
    handled_by(staff.add_parser("list", help="list the staff"), staff_list)
    staff_deactivate = staff.add_parser("deactivate", help="take a staff member's access away")
    staff_deactivate.add_argument("tg_id", type=positive_int, metavar="TG_ID")
    handled_by(staff_deactivate, staff_deactivate_command)

    kb_arguments(subcommands(groups.add_parser("kb", help="the knowledge base's articles")))

    duty = subcommands(groups.add_parser("duty", help="the on-duty rota (after hours)"))
    duty_add_arguments(duty.add_parser("add", help="add a duty shift or a weekly pattern"))
    handled_by(duty.add_parser("list", help="who is on duty now and next, every entry"), duty_list)
    duty_remove = duty.add_parser("remove", help="remove a rota entry")
    duty_remove.add_argument("id", type=positive_int, metavar="ID", help="the entry's id")
    handled_by(duty_remove, duty_remove_command)


def dispatch(args: argparse.Namespace, load_settings_or_exit: Callable[[], Settings]) -> int:
    """Run the chosen admin command; the exit code (2 for a bad value)."""
    settings = load_settings_or_exit()
    try:
        return asyncio.run(args.handler(args, settings))
    except (CliError, DomainError, ValueError) as exc:
        print(f"{args.command_prog}: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, CliError) else 2
