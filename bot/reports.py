"""The client's report for a month: SLA compliance, breaches, after-hours emergencies,
ratings and the hours against the plan. Delivered as a short message in the reader's
language, an XLSX workbook with a sheet per section, a CSV of the tickets and a PNG chart
of tickets per week by priority with breaches marked."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.billing import MonthStatement, minutes_by_month, month_start, statements
from domain.compliance import ComplianceReport, SlaTarget, TargetOutcome, compliance_report
from domain.enums import Priority, TicketKind
from domain.model import Ticket
from domain.ports import Clock
from handlers.formatting import duration
from handlers.texts import (
    N_,
    category_name,
    kind_name,
    priority_name,
    status_name,
    tier_name,
)
from storage import Database
from storage.reports import ReportData, ReportQueries

OUTCOMES = {
    TargetOutcome.MET: N_("met"),
    TargetOutcome.BREACHED: N_("breached"),
    TargetOutcome.PENDING: N_("pending"),
}
TARGETS = {SlaTarget.REACTION: N_("reaction"), SlaTarget.RESOLUTION: N_("resolution")}
# A cell starting with one of these is a formula to Excel or LibreOffice (and a tab or a
# carriage return lets one through in CSV): a ticket's title or a rating's comment, typed by
# anybody, is written as text. OWASP, "CSV Injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRIORITY_COLOURS = {
    Priority.LOW: "#9e9e9e",
    Priority.STANDARD: "#1e88e5",
    Priority.HIGH: "#fb8c00",
    Priority.HIGHEST: "#e53935",
}


@dataclass(frozen=True, slots=True)
class Report:
    client_name: str
    month: date
    text: str  # the short message, HTML
    xlsx: bytes
    csv: bytes
    png: bytes

    @property
    def file_stem(self) -> str:
        return f"report-{self.month:%Y-%m}"


def month_bounds(month: date, timezone: str) -> tuple[datetime, datetime]:
    """The month as a half-open interval of aware moments in the client's time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(month_start(month), time(0), tzinfo=zone)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def parse_month(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None


class Reports:
    def __init__(self, db: Database, clock: Clock, i18n: I18n) -> None:
        self.queries = ReportQueries(db)
        self.clock = clock
        self.i18n = i18n

    async def build(self, client_id: int, month: date | None, locale: str) -> Report | None:
        """The report of `month` (this month so far when None); None for an unknown client."""
        now = self.clock.now()
        timezone = await self.queries.client_timezone(client_id)
        if timezone is None:
            return None
        month = month_start(month or now.astimezone(ZoneInfo(timezone)))
        start, end = month_bounds(month, timezone)
        history_from = datetime(2000, 1, 1, tzinfo=ZoneInfo(timezone))
        data = await self.queries.period(client_id, start, end, history_from)
        assert data is not None
        compliance = compliance_report(
            data.client, data.registered, data.ratings, start, end, min(now, end)
        )
        statement = self._statement(data, month)
        with self.i18n.context(), self.i18n.use_locale(locale):
            text = self._text(data, month, compliance, statement, locale)
            workbook = self._xlsx(data, compliance, statement)
            table = self._csv(data.registered, compliance, ZoneInfo(timezone))
            chart = self._png(data.registered, compliance, start, end)
        return Report(data.client.name, month, text, workbook, table, chart)

    def _statement(self, data: ReportData, month: date) -> MonthStatement | None:
        plan = data.client.plan
        if plan is None:
            return None
        used = minutes_by_month(data.closed, data.work_logs, data.client.timezone)
        created = data.client.created_at or datetime.combine(month, time(0))
        first = min(
            [month_start(created.astimezone(ZoneInfo(data.client.timezone))), month, *used.keys()]
        )
        return statements(plan, used, first, month)[-1]

    # --- the message -----------------------------------------------------------------

    def _text(
        self,
        data: ReportData,
        month: date,
        report: ComplianceReport,
        statement: MonthStatement | None,
        locale: str,
    ) -> str:
        _ = self.i18n.gettext
        from babel.dates import format_date

        title = format_date(month, "LLLL y", locale=locale)
        lines = [
            "<b>"
            + _(N_("{client}: report for {month}")).format(client=data.client.name, month=title)
            + "</b>",
            _(
                N_(
                    "Tickets: {count} (incidents {incidents}, requests {requests}); cancelled: "
                    "{cancelled}."
                )
            ).format(
                count=report.registered - report.cancelled,
                incidents=report.by_kind.get(TicketKind.INCIDENT, 0),
                requests=report.by_kind.get(TicketKind.REQUEST, 0),
                cancelled=report.cancelled,
            ),
            _(N_("Reaction on time: {percent}; resolution on time: {resolution}.")).format(
                percent=_percent(report.reaction.percent_met),
                resolution=_percent(report.resolution.percent_met),
            ),
        ]
        if report.breaches:
            lines.append(
                _(N_("SLA breaches: {count}, overdue {time} in all.")).format(
                    count=len(report.breaches), time=duration(report.total_overdue)
                )
            )
        else:
            lines.append(_(N_("No SLA breaches.")))
        if report.emergencies:
            lines.append(
                _(N_("After-hours emergencies: {count}.")).format(count=len(report.emergencies))
            )
        if report.average_rating is not None:
            lines.append(
                _(N_("Average rating: {rating} of 5 ({count} ratings).")).format(
                    rating=report.average_rating, count=report.ratings_count
                )
            )
        if statement is not None:
            lines.append(
                _(
                    N_(
                        "Hours: {used} of {included} included; from the reserve {reserve}; "
                        "extra {extra} ({cost} RUB)."
                    )
                ).format(
                    used=statement.hours_used,
                    included=statement.included_hours,
                    reserve=statement.taken_from_reserve_hours,
                    extra=statement.extra_hours,
                    cost=statement.extra_cost,
                )
            )
        lines.append(_(N_("Details are in the files below.")))
        return "\n".join(lines)

    # --- the files -------------------------------------------------------------------

    def _ticket_rows(
        self, tickets: Sequence[Ticket], report: ComplianceReport, zone: ZoneInfo
    ) -> list[list[object]]:
        _ = self.i18n.gettext
        sla = {t.ticket_id: t for t in report.tickets}
        rows: list[list[object]] = []
        for ticket in tickets:
            result = sla.get(ticket.number)
            rows.append(
                [
                    ticket.number,
                    _local(ticket.registered_at, zone),
                    kind_name(ticket.kind),
                    category_name(ticket.category),
                    priority_name(ticket.priority),
                    status_name(ticket.status),
                    ticket.title,
                    _local(ticket.first_response_at, zone),
                    _local(ticket.resolved_at, zone),
                    _(OUTCOMES[result.reaction.outcome]) if result else "",
                    _(OUTCOMES[result.resolution.outcome]) if result else "",
                    "✓" if ticket.emergency else "",
                ]
            )
        return rows

    def _ticket_header(self) -> list[str]:
        _ = self.i18n.gettext
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
        ]

    def _xlsx(
        self, data: ReportData, report: ComplianceReport, statement: MonthStatement | None
    ) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        _ = self.i18n.gettext
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
        summary.append([_(N_("Reaction on time, %")), _number(report.reaction.percent_met)])
        summary.append([_(N_("Resolution met")), report.resolution.met])
        summary.append([_(N_("Resolution breached")), report.resolution.breached])
        summary.append([_(N_("Resolution on time, %")), _number(report.resolution.percent_met)])
        summary.append([_(N_("Overdue in all, hours")), _hours(report.total_overdue)])
        summary.append([_(N_("Average rating")), _number(report.average_rating)])

        tickets = book.create_sheet(_(N_("Tickets")))
        tickets.append(self._ticket_header())
        for row in self._ticket_rows(data.registered, report, zone):
            tickets.append(row)

        breaches = book.create_sheet(_(N_("Breaches")))
        breaches.append(
            [
                _(N_("Number")),
                _(N_("Target")),
                _(N_("Priority")),
                _(N_("Target, hours")),
                _(N_("Due")),
                _(N_("Overdue, hours")),
            ]
        )
        for b in report.breaches:
            breaches.append(
                [
                    b.ticket_id,
                    _(TARGETS[b.kind]),
                    priority_name(b.priority),
                    _hours(b.target),
                    _local(b.due_at, zone),
                    _hours(b.overdue),
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
                    _local(e.registered_at, zone),
                    _local(e.first_response_at, zone),
                    _local(e.resolved_at, zone),
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
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if _formula_like(cell.value):
                        cell.data_type = "s"  # openpyxl makes "=..." a formula
                        cell.quotePrefix = True  # and Excel keeps it text when edited
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def _csv(self, tickets: Sequence[Ticket], report: ComplianceReport, zone: ZoneInfo) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self._ticket_header())
        for row in self._ticket_rows(tickets, report, zone):
            writer.writerow([_csv_text(value) for value in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8

    def _png(
        self, tickets: Sequence[Ticket], report: ComplianceReport, start: datetime, end: datetime
    ) -> bytes:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        _ = self.i18n.gettext
        weeks: list[date] = []
        monday = (start - timedelta(days=start.weekday())).date()
        while datetime.combine(monday, time(0), tzinfo=start.tzinfo) < end:
            weeks.append(monday)
            monday += timedelta(days=7)
        zone = start.tzinfo
        counts = {p: [0] * len(weeks) for p in Priority}
        breached_weeks = [0] * len(weeks)
        breached = {b.ticket_id for b in report.breaches}
        for ticket in tickets:
            local = ticket.registered_at.astimezone(zone).date()
            index = min((local - weeks[0]).days // 7, len(weeks) - 1)
            counts[ticket.priority][index] += 1
            if ticket.number in breached:
                breached_weeks[index] += 1
        figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
        labels = [f"{w:%d.%m}" for w in weeks]
        bottom = [0] * len(weeks)
        for priority in Priority:
            axes.bar(
                labels,
                counts[priority],
                bottom=bottom,
                label=priority_name(priority),
                color=PRIORITY_COLOURS[priority],
            )
            bottom = [b + c for b, c in zip(bottom, counts[priority], strict=True)]
        for index, count in enumerate(breached_weeks):
            if count:
                axes.annotate(
                    f"⚠ {count}",
                    (index, bottom[index]),
                    ha="center",
                    va="bottom",
                    color="#b71c1c",
                    fontweight="bold",
                    xytext=(0, 3),
                    textcoords="offset points",
                )
        axes.set_ylim(0, max([*bottom, 1]) * 1.2 + 0.5)  # room for the breach marks
        axes.set_title(_(N_("Tickets per week by priority (⚠ breaches)")))
        axes.set_xlabel(_(N_("Week from")))
        axes.set_ylabel(_(N_("Tickets")))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
        return buffer.getvalue()


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_text(value: object) -> object:
    """A text a spreadsheet would take for a formula, with the quote that keeps it text."""
    return "'" + value if _formula_like(value) else value


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _hours(amount: timedelta) -> float:
    return round(amount.total_seconds() / 3600, 2)


def _number(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def _percent(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else "—"
