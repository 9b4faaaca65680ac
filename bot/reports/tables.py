"""The report's tables as rows of values, shared by the workbook and the CSV, and the cell
helpers both need."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeGuard
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n

from domain.compliance import ComplianceReport, SlaTarget, TargetOutcome
from domain.estimates import Estimate
from domain.model import Ticket
from handlers.ui.formatting import estimate_size
from handlers.ui.texts import N_, category_name, kind_name, priority_name, status_name

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


def ticket_rows(
    _: Gettext,
    tickets: Sequence[Ticket],
    report: ComplianceReport,
    zone: ZoneInfo,
    estimates: Mapping[int, tuple[Estimate, str]] | None = None,
) -> list[list[object]]:
    sla = {t.ticket_id: t for t in report.tickets}
    rows: list[list[object]] = []
    for ticket in tickets:
        result = sla.get(ticket.number)
        rows.append(
            [
                ticket.number,
                local(ticket.registered_at, zone),
                kind_name(ticket.kind),
                category_name(ticket.category),
                priority_name(ticket.priority),
                status_name(ticket.status),
                ticket.title,
                local(ticket.first_response_at, zone),
                local(ticket.resolved_at, zone),
                _(OUTCOMES[result.reaction.outcome]) if result else "",
                _(OUTCOMES[result.resolution.outcome]) if result else "",
                "✓" if ticket.emergency else "",
                estimate_cell(_, (estimates or {}).get(ticket.number), zone),
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
        _(N_("Kind")),
        _(N_("Topic")),
        _(N_("Priority")),
        _(N_("Status")),
        _(N_("Title")),
        _(N_("First response")),
        _(N_("Resolved")),
        _(N_("Reaction")),
        _(N_("Resolution")),
        _(N_("Emergency")),
        _(N_("Estimate")),
    ]


def formula_like(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """A text a spreadsheet would take for a formula, with the quote that keeps it text."""
    return "'" + value if formula_like(value) else value


def local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def in_hours(amount: timedelta) -> float:
    return round(amount.total_seconds() / 3600, 2)


def number(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""
