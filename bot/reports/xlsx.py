"""The report as an XLSX workbook: a sheet per section (summary, tickets, breaches,
emergencies, ratings, hours)."""

from __future__ import annotations

import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.reports.tables import (
    TARGETS,
    Gettext,
    formula_like,
    in_hours,
    local,
    number,
    ticket_header,
    ticket_rows,
)
from domain.billing import MonthStatement
from domain.compliance import ComplianceReport
from domain.enums import Priority
from handlers.ui.texts import N_, priority_name, tier_name
from storage.reports import ReportData


def workbook(
    _: Gettext, data: ReportData, report: ComplianceReport, statement: MonthStatement | None
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    zone = ZoneInfo(data.client.timezone)
    book = Workbook()
    summary = book.active
    summary.title = _(N_("Summary"))
    summary.append([_(N_("Client")), data.client.name])
    summary.append([_(N_("SLA tier")), tier_name(data.client.tier)])
    summary.append([_(N_("Tickets")), report.registered - report.cancelled])
    summary.append([_(N_("Cancelled")), report.cancelled])
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

    tickets = book.create_sheet(_(N_("Tickets")))
    tickets.append(ticket_header(_))
    for row in ticket_rows(_, data.registered, report, zone, data.estimates):
        tickets.append(row)

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

    ratings = book.create_sheet(_(N_("Ratings")))
    ratings.append([_(N_("Number")), _(N_("Rating")), _(N_("Comment"))])
    for r in sorted(data.ratings, key=lambda r: r.ticket_id):
        ratings.append([r.ticket_id, r.score, r.comment])

    hours = book.create_sheet(_(N_("Hours")))
    if statement is None:
        hours.append([_(N_("No plan with hours in the contract."))])
    else:
        for label, value in (
            (N_("Monthly fee, RUB"), statement.plan.monthly_fee),
            (N_("Hours included"), statement.included_hours),
            (N_("Hours used"), statement.hours_used),
            (N_("Reserve at the start"), statement.reserve_at_start_hours),
            (N_("Taken from the reserve"), statement.taken_from_reserve_hours),
            (N_("Unused, added to the reserve"), statement.unused_added_to_reserve_hours),
            (N_("Reserve at the end"), statement.reserve_at_end_hours),
            (N_("Extra hours"), statement.extra_hours),
            (N_("Extra hours, RUB"), statement.extra_cost),
            (N_("Total due, RUB"), statement.total_due),
        ):
            hours.append([_(label), float(value) if isinstance(value, Decimal) else value])
        for _label, amount in hours.iter_rows():
            amount.number_format = "#,##0" if isinstance(amount.value, int) else "#,##0.0#"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl makes "=..." a formula
                    cell.quotePrefix = True  # and Excel keeps it text when edited
                elif isinstance(cell.value, float):  # shown in the reader's own format
                    cell.number_format = "#,##0.0#"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
