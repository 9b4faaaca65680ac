"""`frontdesk admin duty add | list | remove`: the on-duty rota after hours."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cli.admin.common import (
    CliError,
    handled_by,
    local_moment,
    local_text,
    open_database,
    positive_int,
    print_table,
    tell,
    time_zone_name,
    weekly_pattern,
)
from bot.cli.admin.staff import staff_name
from bot.config import Settings
from domain.duty import GAPS_AHEAD, DutyGap, DutyRota, DutyShift, WeeklyDuty
from domain.errors import NotFound
from domain.use_cases import after_hours


def duty_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--staff",
        type=positive_int,
        required=True,
        metavar="TG_ID",
        help="the staff member's Telegram id",
    )
    parser.add_argument(
        "--from",
        dest="starts",
        type=local_moment,
        metavar='"YYYY-MM-DD HH:MM"',
        help="a shift's start",
    )
    parser.add_argument(
        "--to", dest="ends", type=local_moment, metavar='"YYYY-MM-DD HH:MM"', help="a shift's end"
    )
    parser.add_argument(
        "--weekly",
        type=weekly_pattern,
        metavar='"DAYS HH:MM-HH:MM"',
        help='a shift every week, e.g. "mon-fri 18:00-09:00" (ending at or before its start: '
        'the next day) or "sat,sun 00:00-00:00"',
    )
    parser.add_argument(
        "--timezone",
        type=time_zone_name,
        metavar="TZ",
        help="IANA time zone of the times given (default: DEFAULT_TIMEZONE of the settings)",
    )
    handled_by(parser, duty_add)


async def duty_add(args: argparse.Namespace, settings: Settings) -> int:
    timezone = args.timezone or settings.default_timezone
    shift = args.starts is not None or args.ends is not None
    if shift == (args.weekly is not None):
        raise CliError('give either --from and --to, or --weekly "mon-fri 18:00-09:00"')
    if shift and (args.starts is None or args.ends is None):
        raise CliError("a one-off shift needs both --from and --to")
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            if shift:
                zone = ZoneInfo(timezone)
                entry: DutyShift | WeeklyDuty = (
                    await after_hours.add_duty_shift(
                        uow,
                        staff_tg_id=args.staff,
                        starts_at=args.starts.replace(tzinfo=zone),
                        ends_at=args.ends.replace(tzinfo=zone),
                    )
                ).value
            else:
                weekdays, starts, ends = args.weekly
                entry = (
                    await after_hours.add_weekly_duty(
                        uow,
                        staff_tg_id=args.staff,
                        weekdays=weekdays,
                        starts=starts,
                        ends=ends,
                        timezone=timezone,
                    )
                ).value
        except NotFound:
            raise CliError(
                f"unknown staff member {args.staff} (add them with: frontdesk admin staff add)"
            ) from None
        await uow.commit()
        name = await staff_name(uow, entry.staff_tg_id)
    print(entry.id)
    tell(f"duty entry {entry.id} added: {name}, {_duty_text(entry, timezone)}")
    return 0


async def duty_list(args: argparse.Namespace, settings: Settings) -> int:
    timezone = settings.default_timezone
    async with open_database(settings) as db, db.unit_of_work() as uow:
        rota = await uow.duty.rota()
        now = db.clock.now()
        names = {s.tg_id: f"{s.tg_id} {s.name}" for s in await uow.staff.list()}
        gaps = await after_hours.duty_gaps(
            uow, db.clock, fallback=after_hours.default_calendar(timezone)
        )
    listed: list[DutyShift | WeeklyDuty] = [*rota.shifts, *rota.weekly]
    entries = sorted(listed, key=lambda e: e.id or 0)
    if not entries:
        tell(
            "nobody is on the duty rota: after hours the leads are paged; add a shift with: "
            'frontdesk admin duty add --staff TG_ID --weekly "mon-fri 18:00-09:00"'
        )
        return 0
    print(f"on duty now: {_on_duty_now(rota, now, names, timezone)}")
    upcoming = rota.next_on_duty(now)
    if upcoming is None:
        following = "nobody planned"
    else:
        who = names.get(upcoming.staff_tg_id, upcoming.staff_tg_id)
        starts, ends = upcoming.starts_at, upcoming.ends_at
        following = (
            f"{who}, from {local_text(starts, timezone)} {timezone} until further notice"
            if ends is None
            else f"{who}, {local_text(starts, timezone)} - {local_text(ends, timezone)} {timezone}"
        )
    print(f"next: {following}")
    print()
    on_duty = {(s.id, s.staff_tg_id) for s in rota.covering(now)}
    rows = [
        (
            str(entry.id),
            names.get(entry.staff_tg_id, str(entry.staff_tg_id)),
            _duty_text(entry, timezone),
            _duty_status(entry, now, on_duty),
        )
        for entry in entries
    ]
    print_table(("id", "staff", "duty", "status"), rows)
    if gaps:
        days = GAPS_AHEAD.days
        tell(
            f"warning: nobody is on duty for these after-hours times in the next {days} days "
            "(an emergency then pages the leads):"
        )
        for gap in gaps:
            tell(f"  {gap_text(gap, timezone)}")
    return 0


def gap_text(gap: DutyGap, timezone: str) -> str:
    """ "Mon 2026-11-30 00:00-09:00 Europe/Moscow", or with both dates when it spans days."""
    zone = ZoneInfo(timezone)
    starts, ends = gap.starts_at.astimezone(zone), gap.ends_at.astimezone(zone)
    until = f"{ends:%H:%M}" if ends.date() == starts.date() else f" {ends:%a %Y-%m-%d %H:%M}"
    separator = "-" if ends.date() == starts.date() else " -"
    return f"{starts:%a %Y-%m-%d %H:%M}{separator}{until} {timezone}"


async def duty_remove_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        try:
            await after_hours.remove_duty(uow, entry_id=args.id)
        except NotFound:
            raise CliError(
                f"unknown duty entry id {args.id} (see: frontdesk admin duty list)"
            ) from None
        await uow.commit()
    print(args.id)
    tell(f"duty entry {args.id} removed")
    return 0


def _duty_text(entry: DutyShift | WeeklyDuty, timezone: str) -> str:
    """ "mon-fri 18:00-09:00 Europe/Moscow" or "2026-11-23 18:00 - 2026-11-24 09:00 UTC"."""
    if isinstance(entry, WeeklyDuty):
        return f"every {entry.describe()} {entry.timezone}"
    starts, ends = local_text(entry.starts_at, timezone), local_text(entry.ends_at, timezone)
    return f"{starts} - {ends} {timezone}"


def _duty_status(
    entry: DutyShift | WeeklyDuty, now: datetime, on_duty: set[tuple[int | None, int]]
) -> str:
    if (entry.id, entry.staff_tg_id) in on_duty:
        return "on duty now"
    if isinstance(entry, DutyShift) and entry.ends_at <= now:
        return "ended"
    return ""


def _on_duty_now(rota: DutyRota, now: datetime, names: dict[int, str], timezone: str) -> str:
    current = rota.on_duty(now)
    if not current:
        return "nobody (the leads are paged)"
    return "; ".join(
        f"{names.get(s.staff_tg_id, s.staff_tg_id)} until "
        + (
            "further notice"
            if s.ends_at is None
            else f"{local_text(s.ends_at, timezone)} {timezone}"
        )
        for s in current
    )
