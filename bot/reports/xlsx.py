"""The report as an XLSX workbook: a sheet per section (summary, the tickets closed in the
month, those open at its end, the work log, breaches, emergencies, ratings, hours). Numbers
stay numbers and moments stay dates, each with a display format; Excel or LibreOffice
shows them in the reader's own locale."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    zone = ZoneInfo(client.timezone)
    closed = {t.number for t in sections.tickets.closed}
    closed_minutes = minutes_by_ticket(log for log in sections.work_logs if log.ticket_id in closed)
    book = Workbook()
    summary = book.active
    summary.title = _(N_("Summary"))
    summary.append([_(SCOPE_RULE)])
    summary.append([])
    summary.append([_(N_("Client")), client.name])
    summary.append([_(N_("SLA tier")), tier_name(client.tier)])
    summary.append([_(N_("Closed in the month")), report.registered - report.cancelled])
    summary.append([_(N_("Cancelled")), report.cancelled])
    summary.append([_(N_("Open at the month's end")), len(sections.tickets.open_at_end)])
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

    for title, listed in (
        (N_("Closed in the month"), sections.tickets.closed),
        (N_("Open at month end"), sections.tickets.open_at_end),
    ):
        sheet = book.create_sheet(_(title))
        sheet.append(ticket_header(_))
        for row in ticket_rows(_, listed, sections, report, client):
            sheet.append(row)

    work = book.create_sheet(_(N_("Work log")))
    work.append(work_log_header(_))
    for row in work_log_rows(_, sections, zone):
        work.append(row)

    breaches = book.create_sheet(_(N_("Breaches")))
    breaches.append(
        [
            _(N_("Number")),
            _(N_("Target")),
            _(N_("Priority")),
            _(N_("Target, working hours")),
            _(N_("Due")),
            _(N_("Overdue, working hours")),
        ]
    )
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

    emergencies = book.create_sheet(_(N_("Emergencies")))
    emergencies.append(
        [
            _(N_("Number")),
            _(N_("Priority")),
            _(N_("Registered")),
            _(N_("First response")),
            _(N_("Resolved")),
        ]
    )
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

    ratings_sheet = book.create_sheet(_(N_("Ratings")))
    ratings_sheet.append([_(N_("Number")), _(N_("Rating")), _(N_("Comment"))])
    for rated in ratings:
        ratings_sheet.append(list(rated))

    hours = book.create_sheet(_(N_("Hours")))
    for row in statement_rows(_, bill):
        hours.append(row)
    for row in hours.iter_rows(min_col=2, max_col=2):
        for amount in row:
            if isinstance(amount.value, Decimal):
                amount.value = float(amount.value)
                amount.number_format = "#,##0.0#"
            elif isinstance(amount.value, int) and not isinstance(amount.value, bool):
                amount.number_format = "#,##0"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl makes "=..." a formula
                    cell.quotePrefix = True  # and Excel keeps it text when edited
                elif isinstance(cell.value, datetime):  # openpyxl takes no time zone
                    cell.value = cell.value.replace(tzinfo=None)
                    cell.number_format = MOMENT_FORMAT
                elif isinstance(cell.value, Decimal):  # hours: two decimals
                    cell.number_format = HOURS_FORMAT
                elif isinstance(cell.value, float):  # shown in the reader's own format
                    cell.number_format = "#,##0.0#"
        if sheet is not summary:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        for column in sheet.columns:
            cells = column[2:] if sheet is summary else column  # the rule is a paragraph
            width = max(len(_width_text(c.value)) for c in cells)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    summary.merge_cells("A1:B1")
    summary["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    summary.row_dimensions[1].height = 75
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _width_text(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-11-05 10:30"
    return str(value if value is not None else "")
