"""Monthly reports that go out by themselves: Gold and Platinum clients receive the report of
the month just ended on the first working day of the next month at 10:00 their time
(domain/monthly_report.py decides when and to whom).

Sent once, even across restarts: the report is queued as outbox rows whose dedup keys name
the client, the month, the reader and the part, so queueing it again is a no-op; the rows
are delivered like every other message (in order, within Telegram's limits, retried). A row
names the report, not its bytes: the delivery worker builds it when it sends (and keeps
the last few built, since one report is five messages).

When: "first working day" depends on each client's calendar (holidays, transferred days
off), which a cron expression cannot say, so the APScheduler job is a date job armed at the
earliest next sending moment of all clients, armed again after every look; an hourly job
picks up new clients and tier changes, and a move of the sandbox's clock looks at once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.types import BufferedInputFile, Message
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.reports import Report, Reports
from domain.monthly_report import due_report_month, next_sending_moment, report_recipients
from domain.ports import Clock, OutboxMessage, UnitOfWork
from storage import Database

log = logging.getLogger(__name__)

METHOD = "monthlyReport"
PARTS = ("text", "xlsx", "csv", "work_csv", "png")
LOOK_JOB, HOURLY_JOB = "monthly-reports", "monthly-reports-hourly"


class MonthlyReports:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        reports: Reports,
        bot: Bot,
        default_locale: str,
        *,
        on_queued: Any = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.reports = reports
        self.bot = bot
        self.default_locale = default_locale
        self.on_queued = on_queued or (lambda: None)
        self._scheduler: AsyncIOScheduler | None = None
        self._listening = False
        self._built: OrderedDict[tuple[int, date, str], Report | None] = OrderedDict()

    def handlers(self) -> dict[str, Any]:
        """The outbox method this adds to the delivery worker."""
        return {METHOD: self.deliver}

    # --- when -----------------------------------------------------------------------------

    async def start(self, scheduler: AsyncIOScheduler) -> None:
        """Queue what is due now (the bot may have been down at 10:00) and arm the next look."""
        self._scheduler = scheduler
        scheduler.add_job(
            self.look, IntervalTrigger(hours=1, timezone=UTC), id=HOURLY_JOB, replace_existing=True
        )
        on_move = getattr(self.clock, "on_move", None)
        if callable(on_move) and not self._listening:  # once, however often it starts
            on_move(self._clock_moved)
            self._listening = True
        await self.look()

    def _clock_moved(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.add_job(self.look, id=LOOK_JOB, replace_existing=True)

    async def look(self) -> int:
        """Queue every report that is due and not queued yet; arm the next look. Returns how
        many reports were queued."""
        now = self.clock.now()
        queued = 0
        upcoming: list[datetime] = []
        async with self.db.unit_of_work() as uow:
            for client in await uow.clients.list():
                moment = next_sending_moment(client, now)
                if moment is not None:
                    upcoming.append(moment)
                month = due_report_month(client, now)
                if month is None:
                    continue
                assert client.id is not None
                employees = await uow.employees.list_by_client(client.id)
                locales = {e.tg_id: e.locale for e in employees}
                for chat_id in report_recipients(client, employees):
                    locale = locales.get(chat_id)
                    if locale is None and chat_id == client.manager_tg_id:
                        manager = await uow.staff.get(chat_id)
                        locale = manager.locale if manager else None
                    queued += await self._queue(uow, client.id, month, chat_id, locale)
            await uow.commit()
        if queued:
            log.info("monthly reports: %d messages queued", queued)
            self.on_queued()
        if upcoming and self._scheduler is not None and self._scheduler.running:
            delay = (min(upcoming) - self.clock.now()).total_seconds()
            run_at = datetime.now(UTC) + timedelta(seconds=max(delay, 0.0))
            self._scheduler.add_job(
                self.look, DateTrigger(run_at, timezone=UTC), id=LOOK_JOB, replace_existing=True
            )
        return queued

    async def _queue(
        self, uow: UnitOfWork, client_id: int, month: date, chat_id: int, locale: str | None
    ) -> int:
        added = 0
        for part in PARTS:
            row = OutboxMessage(
                chat_id=chat_id,
                method=METHOD,
                payload={
                    "client_id": client_id,
                    "month": f"{month:%Y-%m}",
                    "locale": locale or self.default_locale,
                    "part": part,
                },
                dedup_key=f"monthly-report:{client_id}:{month:%Y-%m}:{chat_id}:{part}",
            )
            if await uow.outbox.add(row) is not None:
                added += 1
        return added

    # --- what -----------------------------------------------------------------------------

    async def deliver(self, row: OutboxMessage) -> Message | None:
        """Send one part of a queued report: the message, the workbook, the CSVs, the chart."""
        payload = row.payload
        client_id, locale = int(str(payload["client_id"])), str(payload["locale"])
        month = datetime.strptime(str(payload["month"]), "%Y-%m").date()
        report = await self._report(client_id, month, locale)
        if report is None:
            return None  # the client is gone: nothing to send
        stem, part = report.file_stem, payload["part"]
        if part == "text":
            return await self.bot.send_message(row.chat_id, report.text)
        if part == "xlsx":
            document = BufferedInputFile(report.xlsx, f"{stem}.xlsx")
            return await self.bot.send_document(row.chat_id, document)
        if part == "csv":
            document = BufferedInputFile(report.csv, f"{stem}-tickets.csv")
            return await self.bot.send_document(row.chat_id, document)
        if part == "work_csv":
            document = BufferedInputFile(report.work_csv, f"{stem}-work-log.csv")
            return await self.bot.send_document(row.chat_id, document)
        if part == "png":
            return await self.bot.send_photo(
                row.chat_id, BufferedInputFile(report.png, f"{stem}.png")
            )
        raise ValueError(f"unknown report part {part!r}")

    async def _report(self, client_id: int, month: date, locale: str) -> Report | None:
        key = (client_id, month, locale)
        if key not in self._built:
            self._built[key] = await self.reports.build(client_id, month, locale)
            while len(self._built) > 4:
                self._built.popitem(last=False)
        return self._built[key]
