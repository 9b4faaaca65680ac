"""`frontdesk admin client add | list | edit | sla | plan | deactivate | reactivate`: the
client companies, their contract terms and plans, the end of a contract and its renewal."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot.cli.admin.common import (
    CliError,
    counted,
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
from domain.billing import TIER_PRICE_FACTOR, tier_fee
from domain.duty import weekdays_text
from domain.enums import PenaltyBasis, Priority, SlaTier
from domain.errors import InvalidInput, NotFound
from domain.model import Client, PenaltyRule, Plan
from domain.ports import UnitOfWork
from domain.sla import SlaTargets, check_sla_table, sla_targets
from domain.use_cases import accounts
from domain.use_cases.accounts import KEEP
from domain.use_cases.common import get_client

# What `client edit` says it changed that bills rather than deadlines.
BILLING_TERMS = frozenset({"emergency rate", "penalty"})

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
    "assignee",
    "contract",
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


def client_edit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    parser.add_argument("--name", help="the company's name")
    parser.add_argument(
        "--tier",
        type=enum_value(SlaTier, "tier"),
        help="SLA tier: bronze, silver, gold, platinum",
    )
    parser.add_argument("--timezone", type=time_zone_name, metavar="TZ", help="IANA time zone")
    parser.add_argument(
        "--hours", type=hours_range, metavar="HH:MM-HH:MM", help="working hours, 09:00-18:00"
    )
    parser.add_argument(
        "--weekdays", type=weekday_set, metavar="DAYS", help="working days: mon-fri, mon,wed,fri"
    )
    parser.add_argument(
        "--country",
        type=country_code,
        default=KEEP,
        metavar="CODE",
        help="public holidays of this country; none for none",
    )
    round_the_clock = parser.add_mutually_exclusive_group()
    round_the_clock.add_argument(
        "--24x7",
        dest="round_the_clock",
        action="store_const",
        const=True,
        help="round-the-clock support for High and Highest tickets",
    )
    round_the_clock.add_argument(
        "--no-24x7",
        dest="round_the_clock",
        action="store_const",
        const=False,
        help="working hours only",
    )
    parser.add_argument(
        "--manager",
        type=staff_id_or_none,
        default=KEEP,
        metavar="TG_ID|none",
        help="the personal manager (a staff member's Telegram id), or none",
    )
    parser.add_argument(
        "--warning-share",
        type=warning_share,
        metavar="SHARE",
        help="warn at this share of the SLA time: 0.75 or 75%%",
    )
    parser.add_argument(
        "--default-assignee",
        type=staff_id_or_none,
        default=KEEP,
        metavar="TG_ID|none",
        help="the client's fixed specialist: its new tickets go to them while on shift",
    )
    parser.add_argument(
        "--emergency-rate",
        type=rate_or_none,
        default=KEEP,
        metavar="RUB|none",
        help="price of an hour of an after-hours emergency, billed apart from the plan; "
        "none: the plan's extra hour rate",
    )
    parser.add_argument(
        "--penalty",
        type=penalty_rule,
        default=KEEP,
        metavar="RUB/hour|RUB/ticket|none",
        help="the SLA penalty: RUB per working hour overdue (500/hour) or per ticket with a "
        "missed target (1500/ticket); none: no penalty (the default)",
    )
    parser.add_argument(
        "--penalty-cap",
        type=share_or_none,
        default=KEEP,
        metavar="SHARE|none",
        help="the penalty is at most this share of the month's fee: 10%% or 0.1; none: no cap",
    )
    handled_by(parser, client_edit)


def client_sla_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    for priority in Priority:
        parser.add_argument(
            f"--{priority.value}",
            type=sla_pair,
            metavar="REACTION/RESOLUTION",
            help=f"{priority.value}: working hours to react and to resolve, e.g. 4/16 or 30m/6h",
        )
    parser.add_argument(
        "--reset", action="store_true", help="back to the tier's table (no table of its own)"
    )
    handled_by(parser, client_sla)


def client_deactivate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    parser.add_argument(
        "--yes", action="store_true", help="end the contract (without it: only say what happens)"
    )
    handled_by(parser, client_deactivate)


def client_reactivate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    handled_by(parser, client_reactivate)


def plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", type=positive_int, required=True, metavar="ID")
    fee = parser.add_mutually_exclusive_group(required=True)
    fee.add_argument("--fee", type=positive_int, help="monthly fee, RUB")
    fee.add_argument(
        "--base-fee",
        type=positive_int,
        metavar="RUB",
        help="the Bronze price: the fee is this times the client's tier factor "
        "(silver ×1.25, gold ×1.5, platinum ×2)",
    )
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
    parser.add_argument(
        "--fee-free-months",
        type=_month_count,
        default=0,
        metavar="N",
        help="the plan's first N months without the fee: every hour is paid at the extra "
        "rate (default 0)",
    )
    parser.add_argument(
        "--from",
        dest="from_month",
        type=plan_month,
        metavar="YYYY-MM",
        help="the first month of the plan (default: this month); earlier months keep theirs",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="change from a month already invoiced (its statement changes)",
    )
    handled_by(parser, client_plan)


def sla_pair(text: str) -> SlaTargets:
    """ "4/16", "0.5/6", "30m/6h": working time to react and to resolve."""
    reaction, slash, resolution = text.partition("/")
    try:
        if not slash:
            raise ValueError
        return SlaTargets(_working_time(reaction), _working_time(resolution))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected reaction/resolution in working hours like 4/16 or 30m/6h, got {text!r}"
        ) from None


def _working_time(text: str) -> timedelta:
    text = text.strip().lower().replace(",", ".")
    minutes = text.endswith("m")
    number = float(text.removesuffix("m").removesuffix("h"))
    if not 0 < number <= 10_000 or number != number:  # nan
        raise ValueError(text)
    return timedelta(minutes=number) if minutes else timedelta(hours=number)


def warning_share(text: str) -> float:
    value_text = text.strip()
    try:
        value = float(value_text.removesuffix("%").replace(",", "."))
    except ValueError:
        value = -1.0
    if value_text.endswith("%"):
        value /= 100
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a share of the SLA time above 0 and below 1, like 0.75 or 75%, got {text!r}"
        )
    return value


def rate_or_none(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError(f"expected whole roubles an hour or none, got {text!r}")
    return value


def penalty_rule(text: str) -> PenaltyRule | None:
    """ "500/hour", "1500/ticket" or "none"."""
    if text.strip().lower() == "none":
        return None
    amount, _slash, basis = text.strip().lower().partition("/")
    bases = {"hour": PenaltyBasis.OVERDUE_HOUR, "ticket": PenaltyBasis.OVERDUE_TICKET}
    try:
        value = int(amount)
    except ValueError:
        value = -1
    if basis not in bases or not 0 < value <= 10_000_000:
        raise argparse.ArgumentTypeError(
            f"expected RUB per working hour overdue or per overdue ticket, like 500/hour or "
            f"1500/ticket, or none; got {text!r}"
        )
    return PenaltyRule(bases[basis], value)


def share_or_none(text: str) -> float | None:
    if text.strip().lower() == "none":
        return None
    value_text = text.strip()
    try:
        value = float(value_text.removesuffix("%").replace(",", "."))
    except ValueError:
        value = -1.0
    if value_text.endswith("%"):
        value /= 100
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(
            f"expected a share of the monthly fee above 0 and up to 100%, like 10% or 0.1, "
            f"or none; got {text!r}"
        )
    return value


def _month_count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= 120:
        raise argparse.ArgumentTypeError(f"expected a number of months from 0 to 120, got {text!r}")
    return value


def staff_id_or_none(text: str) -> int | None:
    return None if text.strip().lower() == "none" else positive_int(text)


def plan_month(text: str) -> date:
    try:
        month = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a month like 2026-12 (YYYY-MM), got {text!r}"
        ) from None
    today = datetime.now(UTC).date()
    last = date(today.year + 1, today.month, 1)
    if not date(2000, 1, 1) <= month <= last:
        raise argparse.ArgumentTypeError(
            f"expected a month from 2000-01 to {last:%Y-%m}, got {text!r}"
        )
    return month


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
        manager = await _staff_names(uow, [client])
    print(client.id)
    tell(f"client {client.id} registered: {client.name} ({_client_summary(client, manager)})")
    return 0


async def client_plan(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            fee = args.fee
            if args.base_fee is not None:
                fee = tier_fee(args.base_fee, (await get_client(uow, args.client)).tier)
            plan = Plan(fee, args.hours, args.extra_rate, args.reserve_cap, args.fee_free_months)
            outcome = await accounts.set_plan(
                uow,
                db.clock,
                client_id=args.client,
                plan=plan,
                from_month=args.from_month,
                force=args.force,
            )
        except NotFound:
            raise _unknown_client(args.client) from None
        await uow.commit()
    done = outcome.value
    client = done.client
    print(client.id)
    was = f" (was: {_plan_text(done.previous)})" if done.previous else ""
    derived = (
        f" ({args.base_fee} × {TIER_PRICE_FACTOR[client.tier]:g} for {client.tier.value})"
        if args.base_fee is not None
        else ""
    )
    tell(
        f"client {client.id} ({client.name}) from {done.change.from_month:%Y-%m} on: "
        f"{_plan_text(plan, derived)}{was}"
    )
    return 0


def _plan_text(plan: Plan, derived: str = "") -> str:
    text = (
        f"{plan.monthly_fee} RUB a month{derived}, {plan.hours_included:g} h included, "
        f"{plan.extra_hour_rate} RUB per extra hour, reserve up to {plan.reserve_cap:g} h"
    )
    if plan.fee_free_months:
        text += (
            f"; the first {counted(plan.fee_free_months, 'month', 'months')} without the fee, "
            "every hour paid"
        )
    return text


def _penalty_text(rule: PenaltyRule | None) -> str:
    if rule is None:
        return "none"
    per = "working hour overdue" if rule.basis is PenaltyBasis.OVERDUE_HOUR else "overdue ticket"
    cap = f", at most {rule.cap_share:.0%} of the fee" if rule.cap_share is not None else ""
    return f"{rule.amount} RUB per {per}{cap}"


def _unknown_client(client_id: int) -> CliError:
    return CliError(f"unknown client id {client_id} (see: frontdesk admin client list)")


async def client_edit(args: argparse.Namespace, settings: Settings) -> int:
    given = {
        "name": args.name,
        "tier": args.tier,
        "timezone": args.timezone,
        "hours": args.hours,
        "weekdays": args.weekdays,
        "round_the_clock": args.round_the_clock,
        "warning_fraction": args.warning_share,
    }
    changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    for name, value in (
        ("country", args.country),
        ("manager_tg_id", args.manager),
        ("default_assignee_tg_id", args.default_assignee),
        ("emergency_hour_rate", args.emergency_rate),
    ):
        if not isinstance(value, accounts.Keep):
            changes[name] = value
    penalty_changes = not isinstance(args.penalty, accounts.Keep) or not isinstance(
        args.penalty_cap, accounts.Keep
    )
    if not changes and not penalty_changes:
        raise CliError(
            "nothing to change: give --name, --tier, --timezone, --hours, --weekdays, "
            "--country, --24x7 or --no-24x7, --manager, --warning-share, --default-assignee, "
            "--emergency-rate, --penalty or --penalty-cap"
        )
    async with open_database(settings) as db, db.unit_of_work() as uow:
        before = await uow.clients.get(args.client)
        if before is None:
            raise _unknown_client(args.client)
        if penalty_changes:
            changes["penalty"] = _new_penalty(before.penalty, args.penalty, args.penalty_cap)
        before_text = _terms(before, await _staff_names(uow, [before]))
        try:
            client = (
                await accounts.edit_client(uow, client_id=args.client, **changes)  # type: ignore[arg-type]
            ).value
        except NotFound as exc:
            who = "manager" if exc.details.get("field") == "manager" else "default assignee"
            raise CliError(
                f"unknown {who}: {exc.message} (add them with: frontdesk admin staff add)"
            ) from None
        after_text = _terms(client, await _staff_names(uow, [client]))
        await uow.commit()
    print(client.id)
    changed = [what for what in after_text if before_text[what] != after_text[what]]
    tails = []
    if not changed or any(what not in BILLING_TERMS for what in changed):
        tails.append("new tickets get these terms, open tickets keep their deadlines")
    if any(what in BILLING_TERMS for what in changed):
        tails.append("every report from now on bills by them")
    said = ", ".join(f"{what} {before_text[what]} → {after_text[what]}" for what in changed)
    tell(f"client {client.id} ({client.name}): {said or 'nothing changed'}; " + "; ".join(tails))
    return 0


def _new_penalty(
    before: PenaltyRule | None,
    rule: PenaltyRule | accounts.Keep | None,
    cap: float | accounts.Keep | None,
) -> PenaltyRule | None:
    """The rule after `--penalty` and `--penalty-cap`: a new rule keeps the cap it had
    unless a cap is given; a cap alone needs a rule to cap."""
    current = before if isinstance(rule, accounts.Keep) else rule
    if current is None:
        if isinstance(cap, accounts.Keep) or cap is None or not isinstance(rule, accounts.Keep):
            return None
        raise CliError("there is no penalty to cap: give --penalty too, like --penalty 500/hour")
    if isinstance(cap, accounts.Keep):
        cap = before.cap_share if before is not None else None
    return replace(current, cap_share=cap)


def _terms(client: Client, names: dict[int, str]) -> dict[str, str]:
    """What `client edit` changes, as the administrator reads it."""
    return {
        "name": client.name,
        "tier": client.tier.value,
        "time zone": client.timezone,
        "hours": hours_text(client.opens, client.closes),
        "weekdays": weekdays_text(client.weekdays),
        "holidays": client.country or "none",
        "24/7": "yes" if client.round_the_clock else "no",
        "manager": names.get(client.manager_tg_id or 0, "none"),
        "warning share": f"{client.warning_fraction:.0%}",
        "default assignee": names.get(client.default_assignee_tg_id or 0, "none"),
        "emergency rate": (
            f"{client.emergency_hour_rate} RUB/h"
            if client.emergency_hour_rate is not None
            else "the plan's extra rate"
        ),
        "penalty": _penalty_text(client.penalty),
    }


async def client_sla(args: argparse.Namespace, settings: Settings) -> int:
    given = {p: getattr(args, p.value) for p in Priority if getattr(args, p.value) is not None}
    if args.reset and given:
        raise CliError("give either --reset or the table's priorities, not both")
    table: dict[Priority, SlaTargets] | None = None
    if given:
        table = given
        missing = [f"--{p.value}" for p in Priority if p not in table]
        if missing:
            raise CliError(
                f"missing {', '.join(missing)}: a contract's SLA table gives all four "
                "priorities (--low, --standard, --high, --highest)"
            )
        try:
            check_sla_table(table)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            if given or args.reset:
                client = (await accounts.set_sla(uow, client_id=args.client, table=table)).value
                await uow.commit()
            else:
                client = await get_client(uow, args.client)
        except NotFound:
            raise _unknown_client(args.client) from None
    own = client.custom_sla is not None
    if given or args.reset:
        print(client.id)
        what = "its own SLA table" if own else f"the {client.tier.value} tier's SLA table"
        tell(
            f"client {client.id} ({client.name}) now has {what}; "
            "new tickets get it, open tickets keep their deadlines"
        )
        return 0
    source = "its own table" if own else f"the {client.tier.value} tier's table"
    tell(f"client {client.id} ({client.name}): {source}, in working hours")
    rows = [
        (
            priority.value,
            _hours_text(targets.reaction),
            _hours_text(targets.resolution),
        )
        for priority in Priority
        for targets in [sla_targets(client.tier, priority, client.custom_sla)]
    ]
    print_table(("priority", "reaction", "resolution"), rows)
    return 0


def _hours_text(amount: timedelta) -> str:
    return f"{amount.total_seconds() / 3600:g} h"


async def client_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            client = await get_client(uow, args.client)
        except NotFound:
            raise _unknown_client(args.client) from None
        if not args.yes and client.deactivated_at is None:
            raise CliError(
                f"this ends the contract of {client.name}: its employees get a farewell "
                "and can file no new requests, its manager the hand-over checklist; "
                "run again with --yes"
            )
        try:
            outcome = await accounts.deactivate_client(uow, db.clock, client_id=args.client)
        except InvalidInput as exc:
            raise CliError(exc.message) from None
        from bot.i18n import create_i18n  # aiogram: only when there is something to say
        from bot.workers.notices.notifier import OutboxNotifier

        notifier = OutboxNotifier(settings, create_i18n(settings.default_locale), db.clock)
        await notifier.publish(uow, outcome.events)
        await uow.commit()
    ended = outcome.value
    print(client.id)
    manager = (
        "its manager gets the hand-over checklist"
        if client.manager_tg_id
        else ("it has no personal manager: nobody gets the hand-over checklist")
    )
    tell(
        f"the contract of {client.name} has ended: "
        f"{counted(ended.employees, 'employee gets', 'employees get')} a farewell, "
        f"{counted(ended.open_tickets, 'open ticket stays', 'open tickets stay')} with staff "
        f"to finish; {manager}"
    )
    return 0


async def client_reactivate(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            client = await get_client(uow, args.client)
            outcome = await accounts.reactivate_client(uow, client_id=args.client)
        except NotFound:
            raise _unknown_client(args.client) from None
        except InvalidInput as exc:
            raise CliError(exc.message) from None
        from bot.i18n import create_i18n  # aiogram: only when there is something to say
        from bot.workers.notices.notifier import OutboxNotifier

        notifier = OutboxNotifier(settings, create_i18n(settings.default_locale), db.clock)
        await notifier.publish(uow, outcome.events)
        await uow.commit()
    print(client.id)
    tell(
        f"the contract of {client.name} is renewed: "
        f"{counted(outcome.value, 'employee is', 'employees are')} told they may write again; "
        "invitations revoked at its end stay revoked (new ones: frontdesk admin invite)"
    )
    return 0


async def client_list(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        clients = await uow.clients.list()
        managers = await _staff_names(uow, clients)
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
            managers.get(client.default_assignee_tg_id or 0, "-"),
            "active"
            if client.deactivated_at is None
            else f"ended {client.deactivated_at:%Y-%m-%d}",
        )
        for client in clients
    ]
    print_table(CLIENT_COLUMNS, rows)
    return 0


async def _staff_names(uow: UnitOfWork, clients: Iterable[Client]) -> dict[int, str]:
    """`{tg_id: "tg_id name"}` of the managers and default assignees of these clients."""
    names: dict[int, str] = {}
    people = {c.manager_tg_id for c in clients} | {c.default_assignee_tg_id for c in clients}
    for tg_id in {tg_id for tg_id in people if tg_id is not None}:
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
