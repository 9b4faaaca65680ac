"""The client's report for a month: SLA compliance, breaches, after-hours emergencies,
ratings, the work done and the hours against the plan, all of the tickets closed in the
month (domain/report_tickets.py), with those still open at its end listed apart. Delivered
as a short message in the reader's language, an XLSX workbook with a sheet per section, a
CSV of the tickets, a CSV of the work log and a PNG chart of tickets closed per week by
priority with breaches marked.

Built so that the bot goes on while a report is made: the update's transaction ends first;
the data is read in a worker thread on a read-only connection of its own (storage/reports.py,
`read_period`), and the message and the files (0.2–2 s of CPU for openpyxl and matplotlib,
more for a month of thousands of tickets) are rendered in a worker thread too, the workbook
streamed sheet by sheet: neither the event loop nor the database is held."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.reports.chart import chart
from bot.reports.csv_table import csv_table, csv_work_log
from bot.reports.tables import Sections
from bot.reports.xlsx import workbook
from domain.billing import MonthBill, minutes_by_month, month_bill, month_start
from domain.compliance import ComplianceReport, compliance_report
from domain.enums import PenaltyBasis, TicketKind, TicketStatus
from domain.model import Rating
from domain.plan_changes import plan_in_force, statements_under_plans
from domain.ports import Clock
from domain.report_tickets import MonthTickets, logs_in_report, month_tickets, overdue_while_open
from handlers.ui.formatting import Measure, duration, number, percent, rating
from handlers.ui.texts import N_
from storage import Database
from storage.reports import ReportData, ReportQueries


@dataclass(frozen=True, slots=True)
class Report:
    client_name: str
    month: date
    text: str  # the short message, HTML
    xlsx: bytes
    csv: bytes
    png: bytes
    work_csv: bytes = b""

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
        await self.queries.done_reading()
        data = await self.queries.period(client_id, start, end, history_from)
        assert data is not None
        return await asyncio.to_thread(self.render, data, month, locale, now)

    def render(self, data: ReportData, month: date, locale: str, now: datetime) -> Report:
        """The message and the files from the data read: CPU only, no database, no loop."""
        start, end = month_bounds(month, data.client.timezone)
        tickets = month_tickets(data.tickets, start, end)
        compliance = compliance_report(
            data.client,
            tickets.requests,  # a mass outage's own ticket is no request of theirs
            data.ratings,
            start,
            end,
            min(now, end),
            by_closing=True,
        )
        sections = Sections(
            tickets,
            logs_in_report(tickets, data.work_logs, end),
            data.staff_names,
            end,
            now,
            data.estimates,
        )
        bill = self._bill(data, month, compliance)
        ratings = [(r.ticket_id, r.score, r.comment) for r in compliance_ratings(data, tickets)]
        with self.i18n.context(), self.i18n.use_locale(locale):
            text = self._text(data, month, compliance, bill, locale, sections)
            _ = self.i18n.gettext
            book = workbook(_, data.client, sections, compliance, bill, ratings)
            table = csv_table(_, sections, compliance, data.client, bill, locale=locale)
            work = csv_work_log(_, sections, data.client, locale=locale)
            closed = [t for t in tickets.requests if t.status is TicketStatus.CLOSED]
            png = chart(_, closed, compliance, start, end)
        return Report(data.client.name, month, text, book, table, png, work)

    def _bill(self, data: ReportData, month: date, compliance: ComplianceReport) -> MonthBill:
        """The month's bill (domain/billing.py): the statement under the plan of that month
        (domain/plan_changes.py), the after-hours emergencies apart, the SLA penalty."""
        client, zone = data.client, ZoneInfo(data.client.timezone)
        used = minutes_by_month(data.closed, data.work_logs, client.timezone)
        emergencies = minutes_by_month(
            data.closed, data.work_logs, client.timezone, emergencies=True
        )
        statement = None
        if plan_in_force(client.plan, data.plan_changes, month) is not None:
            created = client.created_at or datetime.combine(month, time(0), tzinfo=zone)
            since = month_start(created.astimezone(zone))
            first = min([since, month, *used.keys()])
            statement = statements_under_plans(
                client.plan, data.plan_changes, used, first, month, starting_since=since
            )[-1]
        return month_bill(
            month,
            statement,
            plan_minutes=used.get(month, 0),
            emergency_minutes=emergencies.get(month, 0),
            emergency_rate=client.emergency_hour_rate,
            penalty_rule=client.penalty,
            breaches=compliance.breaches,
        )

    # --- the message -----------------------------------------------------------------

    def _text(
        self,
        data: ReportData,
        month: date,
        report: ComplianceReport,
        bill: MonthBill,
        locale: str,
        sections: Sections,
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
                    "Tickets closed in the month: {count} (incidents {incidents}, requests "
                    "{requests}); cancelled: {cancelled}."
                )
            ).format(
                count=number(report.registered - report.cancelled, locale),
                incidents=number(report.by_kind.get(TicketKind.INCIDENT, 0), locale),
                requests=number(report.by_kind.get(TicketKind.REQUEST, 0), locale),
                cancelled=number(report.cancelled, locale),
            ),
            _(N_("Reaction on time: {percent}; resolution on time: {resolution}.")).format(
                percent=percent(report.reaction.percent_met, locale),
                resolution=percent(report.resolution.percent_met, locale),
            ),
        ]
        still_open = len(sections.tickets.open_requests)
        if still_open:
            over = sections.now >= sections.end
            lines.insert(
                2,
                _(
                    N_(
                        "Still open at the month's end: {count}; each counts in the month it "
                        "is closed."
                    )
                    if over
                    else N_("Open now: {count}; each counts in the month it is closed.")
                ).format(count=number(still_open, locale)),
            )
        if report.resolution.to_be_agreed:
            lines.append(
                _(
                    N_(
                        "Change requests without an agreed completion date: {count}; they are "
                        "not counted in resolution on time."
                    )
                ).format(count=number(report.resolution.to_be_agreed, locale))
            )
        if data.deflections:
            lines.append(
                _(N_("Solved with the knowledge base, without a request: {count}.")).format(
                    count=number(data.deflections, locale)
                )
            )
        overdue = overdue_while_open(
            sections.tickets.open_at_end, data.client, min(sections.now, sections.end)
        )
        if report.breaches:
            lines.append(
                _(N_("SLA breaches: {count}, overdue {time} in all.")).format(
                    count=number(len(report.breaches), locale),
                    time=duration(report.total_overdue, Measure.WORKING, locale),
                )
            )
        elif overdue:
            lines.append(_(N_("No SLA breaches among the closed tickets.")))
        else:
            lines.append(_(N_("No SLA breaches.")))
        if overdue:
            lines.append(
                _(N_("Already overdue among the open ones: {numbers}.")).format(
                    numbers=", ".join(_("№{number}").format(number=n) for n in overdue)
                )
            )
        if report.emergencies:
            lines.append(
                _(N_("After-hours emergencies: {count}.")).format(
                    count=number(len(report.emergencies), locale)
                )
            )
        if report.average_rating is not None:
            lines.append(
                _(N_("Average rating: {rating} of 5 ({count} ratings).")).format(
                    rating=rating(report.average_rating, locale),
                    count=number(report.ratings_count, locale),
                )
            )
        lines.extend(statement_lines(_, bill, locale))
        lines.append(_(N_("Details are in the files below: every ticket and who worked on it.")))
        return "\n".join(lines)


def statement_lines(_: Callable[[str], str], bill: MonthBill, locale: str) -> list[str]:
    """The month's bill as the report's message says it: the plan's hours, the
    emergencies billed apart, hours without a plan, the penalty, the total."""
    lines = []
    statement = bill.statement
    if statement is not None and statement.fee_free:
        lines.append(
            _(
                N_("Hours: {used}; a month without the monthly fee, every hour paid: {cost} RUB.")
            ).format(
                used=number(statement.hours_used, locale), cost=number(statement.extra_cost, locale)
            )
        )
    elif statement is not None:
        lines.append(
            _(
                N_(
                    "Hours: {used} of {included} included; from the reserve {reserve}; "
                    "extra {extra} ({cost} RUB)."
                )
            ).format(
                used=number(statement.hours_used, locale),
                included=number(statement.included_hours, locale),
                reserve=number(statement.taken_from_reserve_hours, locale),
                extra=number(statement.extra_hours, locale),
                cost=number(statement.extra_cost, locale),
            )
        )
    elif bill.unplanned_minutes:
        lines.append(
            _(
                N_(
                    "Hours worked: {hours}. The contract has no plan with hours; nothing is "
                    "charged for them."
                )
            ).format(hours=number(bill.unplanned_hours, locale))
        )
    if bill.emergency_minutes and bill.emergency_rate is not None:
        lines.append(
            _(
                N_(
                    "After-hours emergencies, billed apart from the plan: {hours} h at {rate} RUB "
                    "an hour, {cost} RUB."
                )
            ).format(
                hours=number(bill.emergency_hours, locale),
                rate=number(bill.emergency_rate, locale),
                cost=number(bill.emergency_cost or 0, locale),
            )
        )
    elif bill.emergency_minutes:
        lines.append(
            _(
                N_(
                    "After-hours emergencies, billed apart from the plan: {hours} h; the contract "
                    "sets no hourly rate for them."
                )
            ).format(hours=number(bill.emergency_hours, locale))
        )
    penalty = bill.penalty
    if penalty is not None and penalty.uncapped:
        if penalty.rule.basis is PenaltyBasis.OVERDUE_HOUR:
            said = _(
                N_(
                    "SLA penalty: {amount} RUB ({rate} RUB per working hour overdue, {overdue} "
                    "in all)."
                )
            ).format(
                amount=number(penalty.amount, locale),
                rate=number(penalty.rule.amount, locale),
                overdue=duration(
                    timedelta(minutes=penalty.overdue_minutes), Measure.WORKING, locale
                ),
            )
        else:
            said = _(
                N_("SLA penalty: {amount} RUB (overdue tickets: {count}, {rate} RUB each).")
            ).format(
                amount=number(penalty.amount, locale),
                count=number(penalty.overdue_tickets, locale),
                rate=number(penalty.rule.amount, locale),
            )
        if penalty.capped and penalty.rule.cap_share is not None:
            said += " " + _(
                N_("Under the contract it is at most {share} of the monthly fee.")
            ).format(share=percent(Decimal(str(penalty.rule.cap_share)) * 100, locale))
        lines.append(said)
    if bill.total_due is not None:
        lines.append(
            _(N_("To pay for the month: {total} RUB.")).format(total=number(bill.total_due, locale))
        )
    return lines


def compliance_ratings(data: ReportData, tickets: MonthTickets) -> list[Rating]:
    """The ratings of the tickets closed in the month, by ticket number."""
    closed = {t.number for t in tickets.closed}
    return sorted((r for r in data.ratings if r.ticket_id in closed), key=lambda r: r.ticket_id)
