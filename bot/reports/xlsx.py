"""The report as an XLSX workbook: a sheet per section (summary, the tickets closed in the
month, those open at its end, the work log, breaches, emergencies, ratings, hours). Numbers
stay numbers and moments stay dates, each with a display format; Excel or LibreOffice
shows them in the reader's own locale."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.reports.tables import (
    TARGETS,
    Gettext,
    Sections,
    formula_like,
    in_hours,
    local,
    number,
    statement_rows,
    ticket_header,
    ticket_rows,
    work_log_header,
    work_log_rows,
)
from domain.billing import MonthBill, minutes_to_hours
from domain.compliance import ComplianceReport
from domain.enums import Priority
from domain.model import Client
from domain.report_tickets import minutes_by_ticket
from handlers.ui.texts import N_, priority_name, tier_name

MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
HOURS_FORMAT = "#,##0.00"
SCOPE_RULE = N_(
    "The report covers the tickets closed in the month: they are counted, checked against "
    "the SLA and billed here, whenever they were registered. Tickets still open at the "
    "month's end are listed on a sheet of their own and billed in the month they are closed."
)


def workbook(
    _: Gettext,
    client: Client,
    sections: Sections,
    report: ComplianceReport,
    bill: MonthBill,
    ratings: list[tuple[int, int, str]],
) -> bytes:
    """Written sheet by sheet in openpyxl's write-only mode: a sheet's rows are plain values
    until they are written, and its cells are streamed to a temporary file, so a month of
    23,000 tickets does not hold a million cell objects in memory."""
    from openpyxl import Workbook

    zone = ZoneInfo(client.timezone)
    closed = {t.number for t in sections.tickets.closed}
    closed_minutes = minutes_by_ticket(log for log in sections.work_logs if log.ticket_id in closed)
    book = Workbook(write_only=True)
    summary: list[list[object]] = [[_(SCOPE_RULE)], []]
    summary.append([_(N_("Client")), client.name])
    summary.append([_(N_("SLA tier")), tier_name(client.tier)])
    summary.append([_(N_("Closed in the month")), report.registered - report.cancelled])
    summary.append([_(N_("Cancelled")), report.cancelled])
    summary.append([_(N_("Open at the month's end")), len(sections.tickets.open_requests)])
    for priority in Priority:
        summary.append([priority_name(priority), report.by_priority.get(priority, 0)])
    summary.append([_(N_("Reaction met")), report.reaction.met])
    summary.append([_(N_("Reaction breached")), report.reaction.breached])
    summary.append([_(N_("Reaction on time, %")), number(report.reaction.percent_met)])
    summary.append([_(N_("Resolution met")), report.resolution.met])
    summary.append([_(N_("Resolution breached")), report.resolution.breached])
    summary.append([_(N_("Resolution on time, %")), number(report.resolution.percent_met)])
    summary.append([_(N_("Resolution date to be agreed")), report.resolution.to_be_agreed])
    summary.append([_(N_("Overdue in all, working hours")), in_hours(report.total_overdue)])
    summary.append([_(N_("Average rating")), number(report.average_rating)])
    summary.append(
        [
            _(N_("Hours logged on the closed tickets")),
            minutes_to_hours(sum(closed_minutes.values())),
        ]
    )
    _sheet(book, _(N_("Summary")), summary, summary=True)

    for title, listed in (
        (N_("Closed in the month"), sections.tickets.closed),
        (N_("Open at month end"), sections.tickets.open_at_end),
    ):
        rows: list[Sequence[object]] = [ticket_header(_)]
        rows += ticket_rows(_, listed, sections, report, client)
        _sheet(book, _(title), rows)

    _sheet(book, _(N_("Work log")), [work_log_header(_), *work_log_rows(_, sections, zone)])

    breaches: list[list[object]] = [
        [
            _(N_("Number")),
            _(N_("Target")),
            _(N_("Priority")),
            _(N_("Target, working hours")),
            _(N_("Due")),
            _(N_("Overdue, working hours")),
        ]
    ]
    for b in report.breaches:
        breaches.append(
            [
                b.ticket_id,
                _(TARGETS[b.kind]),
                priority_name(b.priority),
                in_hours(b.target),
                local(b.due_at, zone),
                in_hours(b.overdue),
            ]
        )
    _sheet(book, _(N_("Breaches")), breaches)

    emergencies: list[list[object]] = [
        [
            _(N_("Number")),
            _(N_("Priority")),
            _(N_("Registered")),
            _(N_("First response")),
            _(N_("Resolved")),
        ]
    ]
    for e in report.emergencies:
        emergencies.append(
            [
                e.ticket_id,
                priority_name(e.priority),
                local(e.registered_at, zone),
                local(e.first_response_at, zone),
                local(e.resolved_at, zone),
            ]
        )
    _sheet(book, _(N_("Emergencies")), emergencies)

    rated: list[list[object]] = [[_(N_("Number")), _(N_("Rating")), _(N_("Comment"))]]
    _sheet(book, _(N_("Ratings")), [*rated, *(list(r) for r in ratings)])

    hours = [list(row) for row in statement_rows(_, bill)]
    _sheet(book, _(N_("Hours")), hours, amounts=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(
    book: Any,
    title: str,
    rows: Sequence[Sequence[object]],
    *,
    summary: bool = False,
    amounts: bool = False,
) -> None:
    """A sheet of `rows`: the columns as wide as their longest value (the summary's first
    two rows, a paragraph and a blank, apart), the header bold, each value in its format.
    `amounts`: the second column holds money and hours (the Hours sheet)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    measured = rows[2:] if summary else rows
    for index in range(max((len(row) for row in rows), default=1)):
        width = max(
            (len(_width_text(row[index] if index < len(row) else None)) for row in measured),
            default=0,
        )
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 8), 60)
    bold = Font(bold=True)
    for number_, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row, start=1):
            cell = _cell(sheet, value, amount=amounts and column == 2)
            if not summary and number_ == 1:
                cell.font = bold
            cells.append(cell)
        if summary and number_ == 1:
            cells[0].alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[1].height = 75
            sheet.merged_cells.add("A1:B1")
        sheet.append(cells)


def _cell(sheet: Any, value: object, *, amount: bool = False) -> Any:
    """A value with its display format: moments as dates (openpyxl takes no time zone),
    hours with two decimals, other fractions in the reader's own format, text that looks
    like a formula kept text (openpyxl would make "=..." a formula, Excel on editing)."""
    from openpyxl.cell import WriteOnlyCell

    if amount and isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = HOURS_FORMAT
    elif isinstance(value, float):
        cell.number_format = "#,##0.0#"
    elif amount and isinstance(value, int) and not isinstance(value, bool):
        cell.number_format = "#,##0"
    return cell


def _width_text(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-11-05 10:30"
    return str(value if value is not None else "")
