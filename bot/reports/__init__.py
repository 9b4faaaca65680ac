"""The client's report for a month: SLA compliance, breaches, after-hours emergencies,
ratings and the hours against the plan. Delivered as a short message in the reader's
language, an XLSX workbook with a sheet per section, a CSV of the tickets and a PNG chart
of tickets per week by priority with breaches marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.reports.chart import chart
from bot.reports.csv_table import csv_table
from bot.reports.xlsx import workbook
from domain.billing import MonthStatement, minutes_by_month, month_start
from domain.compliance import ComplianceReport, compliance_report
from domain.enums import TicketKind
from domain.plan_changes import plan_in_force, statements_under_plans
from domain.ports import Clock
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
            _ = self.i18n.gettext
            book = workbook(_, data, compliance, statement)
            table = csv_table(_, data.registered, compliance, ZoneInfo(timezone), data.estimates)
            png = chart(_, data.registered, compliance, start, end)
        return Report(data.client.name, month, text, book, table, png)

    def _statement(self, data: ReportData, month: date) -> MonthStatement | None:
        """The month's statement under the plan of that month (domain/plan_changes.py)."""
        if plan_in_force(data.client.plan, data.plan_changes, month) is None:
            return None
        used = minutes_by_month(data.closed, data.work_logs, data.client.timezone)
        created = data.client.created_at or datetime.combine(month, time(0))
        first = min(
            [month_start(created.astimezone(ZoneInfo(data.client.timezone))), month, *used.keys()]
        )
        return statements_under_plans(data.client.plan, data.plan_changes, used, first, month)[-1]

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
        if report.resolution.to_be_agreed:
            lines.append(
                _(
                    N_(
                        "Change requests without an agreed completion date: {count}; they are "
                        "not counted in resolution on time."
                    )
                ).format(count=report.resolution.to_be_agreed)
            )
        if report.breaches:
            lines.append(
                _(N_("SLA breaches: {count}, overdue {time} in all.")).format(
                    count=number(len(report.breaches), locale),
                    time=duration(report.total_overdue, Measure.WORKING, locale),
                )
            )
        else:
            lines.append(_(N_("No SLA breaches.")))
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
        if statement is not None:
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
        lines.append(_(N_("Details are in the files below.")))
        return "\n".join(lines)
