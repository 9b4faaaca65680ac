"""The report's chart: tickets closed per week by priority, breaches marked, as a PNG.

Drawn with matplotlib's object interface (a `Figure` of its own, no pyplot): pyplot keeps
global state, and a report is drawn in a worker thread, maybe two at once."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from bot.reports.tables import Gettext
from domain.compliance import ComplianceReport
from domain.enums import Priority
from domain.model import Ticket
from handlers.ui.texts import N_, priority_name

PRIORITY_COLOURS = {
    Priority.LOW: "#9e9e9e",
    Priority.STANDARD: "#1e88e5",
    Priority.HIGH: "#fb8c00",
    Priority.HIGHEST: "#e53935",
}


def chart(
    _: Gettext, tickets: Sequence[Ticket], report: ComplianceReport, start: datetime, end: datetime
) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

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
        assert ticket.closed_at is not None  # the month's tickets are those closed in it
        local = ticket.closed_at.astimezone(zone).date()
        index = min((local - weeks[0]).days // 7, len(weeks) - 1)
        counts[ticket.priority][index] += 1
        if ticket.number in breached:
            breached_weeks[index] += 1
    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
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
    axes.set_title(_(N_("Tickets closed per week by priority (⚠ breaches)")))
    axes.set_xlabel(_(N_("Week from")))
    axes.set_ylabel(_(N_("Tickets")))
    locator = axes.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    axes.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
