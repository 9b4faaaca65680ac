"""The report's tables as CSV files Excel opens as UTF-8: the tickets (closed in the month,
then those open at its end) and the work log.

Excel reads a CSV with the list separator of the reader's regional settings: where the
decimal separator is a comma (Russia), the list separator is a semicolon, and "1.75" would
be taken for text or a date. So a reader whose language writes "1,75" gets semicolons
and decimal commas (Babel's symbols for the locale); others get commas and points."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_decimal_symbol

from bot.reports.tables import (
    Gettext,
    Sections,
    as_text,
    csv_text,
    statement_rows,
    ticket_header,
    ticket_rows,
    work_log_header,
    work_log_rows,
)
from domain.billing import MonthBill
from domain.compliance import ComplianceReport
from domain.model import Client
from handlers.ui.texts import N_


def csv_table(
    _: Gettext,
    sections: Sections,
    report: ComplianceReport,
    client: Client,
    bill: MonthBill | None = None,
    *,
    locale: str,
) -> bytes:
    """The tickets, the first column saying which part of the month each is in; then, after
    an empty line, the month's statement, a label and a value a line."""
    rows: list[list[object]] = [[_(N_("Section")), *ticket_header(_)]]
    for label, tickets in (
        (N_("closed in the month"), sections.tickets.closed),
        (N_("open at the month's end"), sections.tickets.open_at_end),
    ):
        rows += [[_(label), *row] for row in ticket_rows(_, tickets, sections, report, client)]
    if bill is not None:
        rows += [[], [_(N_("Statement"))], *(list(row) for row in statement_rows(_, bill))]
    return _csv(rows, locale)


def csv_work_log(_: Gettext, sections: Sections, client: Client, *, locale: str) -> bytes:
    rows: list[list[object]] = [list(work_log_header(_))]
    rows += work_log_rows(_, sections, ZoneInfo(client.timezone))
    return _csv(rows, locale)


def _csv(rows: list[list[object]], locale: str) -> bytes:
    comma = get_decimal_symbol(locale) == ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if comma else ",")
    for row in rows:
        writer.writerow(
            [csv_text(_decimal_comma(as_text(v)) if comma else as_text(v)) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def _decimal_comma(value: object) -> object:
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value
