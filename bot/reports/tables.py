"""The report's tables as rows of values, shared by the workbook and the CSV, and the cell
helpers both need."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeGuard
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n

from domain.billing import MonthBill, minutes_to_hours
from domain.compliance import ComplianceReport, SlaTarget, TargetOutcome, ticket_sla
from domain.enums import TicketStatus
from domain.estimates import Estimate
from domain.model import Client, Ticket, WorkLog
from domain.report_tickets import MonthTickets, minutes_by_ticket, status_at_end
from handlers.ui.formatting import estimate_size
from handlers.ui.texts import (
    N_,
    kind_name,
    priority_name,
    report_status_name,
    stated_topic,
    ticket_no,
)

Gettext = Callable[[str], str]

OUTCOMES = {
    TargetOutcome.MET: N_("met"),
    TargetOutcome.BREACHED: N_("breached"),
    TargetOutcome.PENDING: N_("pending"),
    TargetOutcome.TO_BE_AGREED: N_("date to be agreed"),
}
TARGETS = {SlaTarget.REACTION: N_("reaction"), SlaTarget.RESOLUTION: N_("resolution")}
# A cell starting with one of these is a formula to Excel or LibreOffice (and a tab or a
# carriage return lets one through in CSV): a ticket's title or a rating's comment, typed by
# anybody, is written as text. OWASP, "CSV Injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Sections:
    """The month's tickets as the report lists them (domain/report_tickets.py)."""

    tickets: MonthTickets
    work_logs: tuple[WorkLog, ...]  # of the listed tickets
    staff_names: Mapping[int, str]
    end: datetime  # the month's end
    now: datetime
    # each ticket's latest estimate and the name of whoever decided on it
    estimates: Mapping[int, tuple[Estimate, str]] = field(default_factory=dict)


def ticket_rows(
    _: Gettext,
    tickets: Sequence[Ticket],
    sections: Sections,
    report: ComplianceReport,
    client: Client,
) -> list[list[object]]:
    """One row a ticket: moments as aware datetimes in the client's zone, hours as Decimal."""
    zone = ZoneInfo(client.timezone)
    sla = {t.ticket_id: t for t in report.tickets}
    minutes = minutes_by_ticket(sections.work_logs)
    at = min(sections.now, sections.end)
    children: dict[int, list[int]] = {}
    for listed in sections.tickets.listed:
        if listed.parent_id is not None:
            children.setdefault(listed.parent_id, []).append(listed.number)
    rows: list[list[object]] = []
    for ticket in tickets:
        # a ticket still open: where it stood against its targets at the month's end; a mass
        # outage's own ticket is held against none (its requests are, each on its row)
        result = None if ticket.outage else sla.get(ticket.number) or ticket_sla(ticket, client, at)
        status = status_at_end(ticket, sections.end, sections.now)
        title = ticket.title
        if ticket.outage and children.get(ticket.number):
            numbers = ", ".join(ticket_no(n) for n in children[ticket.number])
            title = _(N_("{title} (requests {numbers})")).format(title=title, numbers=numbers)
        rows.append(
            [
                ticket.number,
                local(ticket.registered_at, zone),
                local(ticket.closed_at, zone) if status is TicketStatus.CLOSED else None,
                _(N_("mass outage")) if ticket.outage else kind_name(ticket.kind),
                stated_topic(ticket.category, ticket.description),
                priority_name(ticket.priority),
                report_status_name(status),
                title,
                staff_name(_, ticket.assignee_tg_id, sections.staff_names),
                local(ticket.first_response_at, zone, before=sections.end),
                local(ticket.resolved_at, zone, before=sections.end),
                _(OUTCOMES[result.reaction.outcome]) if result else "",
                _(OUTCOMES[result.resolution.outcome]) if result else "",
                "✓" if ticket.emergency else "",
                minutes_to_hours(minutes.get(ticket.number, 0)),
                estimate_cell(_, sections.estimates.get(ticket.number), zone),
            ]
        )
    return rows


def estimate_cell(_: Gettext, noted: tuple[Estimate, str] | None, zone: ZoneInfo) -> str:
    """The ticket's latest estimate and who approved it when: "~3 ч, согласована
    2026-12-05 (Анна Петрова)"."""
    if noted is None:
        return ""
    estimate, decider = noted
    size = estimate_size(estimate.minutes, estimate.amount, get_i18n().current_locale)
    if estimate.decided_at is None:
        return _(N_("{size}, waiting for approval")).format(size=size)
    said = (
        N_("{size}, approved {date} ({name})")
        if estimate.approved
        else N_("{size}, not approved {date} ({name})")
    )
    day = estimate.decided_at.astimezone(zone).strftime("%Y-%m-%d")
    return _(said).format(size=size, date=day, name=decider)


def ticket_header(_: Gettext) -> list[str]:
    return [
        _(N_("Number")),
        _(N_("Registered")),
        _(N_("Closed")),
        _(N_("Kind")),
        _(N_("Topic")),
        _(N_("Priority")),
        _(N_("Status")),
        _(N_("Title")),
        _(N_("Assignee")),
        _(N_("First response")),
        _(N_("Resolved")),
        _(N_("Reaction")),
        _(N_("Resolution")),
        _(N_("Emergency")),
        _(N_("Hours logged")),
        _(N_("Estimate")),
    ]


def work_log_rows(_: Gettext, sections: Sections, zone: ZoneInfo) -> list[list[object]]:
    """Who worked on which ticket, when, how long and what they did; by moment."""
    titles = {t.number: t.title for t in sections.tickets.listed}
    closed = {t.number for t in sections.tickets.closed}
    return [
        [
            log.ticket_id,
            titles.get(log.ticket_id, ""),
            local(log.at, zone),
            staff_name(_, log.staff_tg_id, sections.staff_names),
            minutes_to_hours(log.minutes),
            log.note,
            _(N_("closed in the month")) if log.ticket_id in closed else _(N_("still open")),
        ]
        for log in sections.work_logs
    ]


def work_log_header(_: Gettext) -> list[str]:
    return [
        _(N_("Number")),
        _(N_("Title")),
        _(N_("When")),
        _(N_("Who")),
        _(N_("Hours")),
        _(N_("What was done")),
        _(N_("Ticket")),
    ]


def staff_name(_: Gettext, tg_id: int | None, names: Mapping[int, str]) -> str:
    if tg_id is None:
        return ""
    return names.get(tg_id) or _(N_("staff member {id}")).format(id=tg_id)


def formula_like(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """A text a spreadsheet would take for a formula, with the quote that keeps it text."""
    return "'" + value if formula_like(value) else value


def local(
    moment: datetime | None, zone: ZoneInfo, *, before: datetime | None = None
) -> datetime | None:
    """The moment in the client's zone; None for none, or for one at or after `before`."""
    if moment is None or (before is not None and moment >= before):
        return None
    return moment.astimezone(zone)


def as_text(value: object) -> object:
    """A cell as the CSV writes it: moments as "2026-11-05 10:30", nothing as empty."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def in_hours(amount: timedelta) -> float:
    return round(amount.total_seconds() / 3600, 2)


def number(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def statement_rows(_: Gettext, bill: MonthBill) -> list[list[object]]:
    """The month's bill as label and value rows, shared by the workbook's "Hours" sheet and
    the end of the CSV: the plan's statement (or the hours without a plan), the
    emergencies billed apart, the penalty and the total. Hours are Decimal, money int."""
    rows: list[list[object]] = []
    statement = bill.statement
    if statement is None:
        rows.append([_(N_("No plan with hours in the contract."))])
        rows.append([_(N_("Hours worked, not billed against a plan")), bill.unplanned_hours])
    else:
        if statement.fee_free:
            rows.append([_(N_("A month without the monthly fee: every hour is paid"))])
        for label, value in (
            (N_("Monthly fee, RUB"), 0 if statement.fee_free else statement.plan.monthly_fee),
            (N_("Hours included"), statement.included_hours),
            (N_("Hours used"), statement.hours_used),
            (N_("Reserve at the start"), statement.reserve_at_start_hours),
            (N_("Taken from the reserve"), statement.taken_from_reserve_hours),
            (N_("Unused, added to the reserve"), statement.unused_added_to_reserve_hours),
            (N_("Reserve at the end"), statement.reserve_at_end_hours),
            (N_("Extra hours"), statement.extra_hours),
            (N_("Extra hour rate, RUB"), statement.plan.extra_hour_rate),
            (N_("Extra hours, RUB"), statement.extra_cost),
        ):
            rows.append([_(label), value])
    rows.append([_(N_("After-hours emergencies, hours (billed apart)")), bill.emergency_hours])
    if bill.emergency_rate is not None:
        rows.append([_(N_("Emergency hour rate, RUB")), bill.emergency_rate])
        rows.append([_(N_("After-hours emergencies, RUB")), bill.emergency_cost])
    penalty = bill.penalty
    if penalty is not None:
        rows.append([_(N_("Overdue, working hours")), minutes_to_hours(penalty.overdue_minutes)])
        rows.append([_(N_("Tickets with a missed target")), penalty.overdue_tickets])
        if penalty.capped:
            rows.append([_(N_("SLA penalty before the cap, RUB")), penalty.uncapped])
        rows.append([_(N_("SLA penalty, RUB")), penalty.amount])
    if bill.total_due is not None:
        rows.append([_(N_("Total due, RUB")), bill.total_due])
    return rows
