"""The report's tickets as a CSV file Excel opens as UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.reports.tables import Gettext, csv_text, statement_rows, ticket_header, ticket_rows
from domain.billing import MonthBill
from domain.compliance import ComplianceReport
from domain.model import Ticket
from handlers.ui.texts import N_


def csv_table(
    _: Gettext,
    tickets: Sequence[Ticket],
    report: ComplianceReport,
    zone: ZoneInfo,
    bill: MonthBill | None = None,
) -> bytes:
    """The tickets, then (after an empty line) the month's statement, a label and a value a
    line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ticket_header(_))
    for row in ticket_rows(_, tickets, report, zone):
        writer.writerow([csv_text(value) for value in row])
    if bill is not None:
        writer.writerow([])
        writer.writerow([_(N_("Statement"))])
        for row in statement_rows(_, bill):
            writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8
