"""The report's tickets as a CSV file Excel opens as UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from bot.reports.tables import Gettext, csv_text, ticket_header, ticket_rows
from domain.compliance import ComplianceReport
from domain.estimates import Estimate
from domain.model import Ticket


def csv_table(
    _: Gettext,
    tickets: Sequence[Ticket],
    report: ComplianceReport,
    zone: ZoneInfo,
    estimates: Mapping[int, tuple[Estimate, str]] | None = None,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ticket_header(_))
    for row in ticket_rows(_, tickets, report, zone, estimates):
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8
