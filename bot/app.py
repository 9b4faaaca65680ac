"""The composition root: builds the Bot, the Dispatcher and everything long-lived, for
`frontdesk run`, `frontdesk sandbox` and the end-to-end tests alike."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy
from aiogram.utils.i18n import I18n
from aiohttp import web

from bot.config import Settings, SettingsError
from bot.i18n import ActorLocaleMiddleware, create_i18n
from bot.observability import Metrics, Observability, TelegramCalls, UpdateMetricsMiddleware
from bot.reports import Reports
from bot.startup import reach_telegram
from bot.telegram.flood_limits import Throttle
from bot.telegram.group_chat import ClientGroupMiddleware, RepliesInGroups, is_group_chatter
from bot.telegram.middlewares import (
    ActorMiddleware,
    CommitBeforeSending,
    IntakeExpiryMiddleware,
    RetryBlips,
    UnitOfWorkMiddleware,
)
from bot.telegram.polling import DurablePolling
from bot.telegram.rate_limit import RateLimit, RateLimitMiddleware
from bot.telegram.session import JsonBotApiSession
from bot.telegram.tuning import (
    freeze_what_start_up_built,
    hand_over_the_gil_sooner,
    run_sync_filters_inline,
    warm_up,
)
from bot.telegram.webhook import serve, webhook_application
from bot.workers.delivery import DeliveryWorker
from bot.workers.monthly_reports import MonthlyReports
from bot.workers.new_tickets import NewTicketsList
from bot.workers.notices import OutboxNotifier
from bot.workers.staff_desk import StaffDesk
from bot.workers.timers import DeskScheduler, RearmingNotifier
from bot.workers.unfinished_intakes import UnfinishedIntakes
from domain.ports import Clock, Notifier
from handlers import setup_routers
from handlers.commands import set_bot_commands, set_staff_commands
from storage import Database, open_database
from storage.database import is_postgres_url
from storage.fsm import SqliteStorage
from storage.inbox import Inbox
from storage.leadership import Leadership, leadership_for
from storage.replica_isolation import ReplicaEventIsolation
from storage.telegram_sends import TelegramSends

log = logging.getLogger(__name__)

# A standby asks for the leadership lock this often: it leads within about a second of the
# leader's end (kill -9 included), well within the 10 s promised.
CONTEND_EVERY = 1.0


def create_bot(settings: Settings) -> Bot:
    session = JsonBotApiSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def event_isolation(settings: Settings) -> BaseEventIsolation:
    """Where a person's updates take turns: in memory, or in PostgreSQL where replicas
    serving the webhook may each be given one of them."""
    if settings.webhook_url and is_postgres_url(settings.database):
        return ReplicaEventIsolation(str(settings.database), connections=settings.updates_in_flight)
    return SimpleEventIsolation()


def create_dispatcher(
    settings: Settings,
    db: Database,
    clock: Clock,
    i18n: I18n,
    bot_username: str,
    notifier: Notifier,
    metrics: Metrics | None = None,
    rate_limit: RateLimit | None = None,
) -> Dispatcher:
    storage = SqliteStorage(db)
    dp = Dispatcher(
        storage=storage,
        fsm_strategy=FSMStrategy.USER_IN_CHAT,
        # One update at a time per person and chat: a double tap or two quick messages
        # are handled in order, never interleaved (by all replicas, in webhook mode).
        events_isolation=event_isolation(settings),
        # Long-lived dependencies, injected into handlers by name.
        settings=settings,
        db=db,
        clock=clock,
        bot_username=bot_username,
        notifier=notifier,
        reports=Reports(db, clock, i18n),
        default_timezone=settings.default_timezone,
        staff_chat_id=settings.staff_chat_id,
        group_members_join=settings.group_members_join,
        outage_rule=settings.outage_rule,
    )
    # The Dispatcher registered aiogram's FSM middleware (the per-person lock, then the
    # state read): the update's unit of work goes before it, so that the read is in it.
    dp.update.outer_middleware.unregister(dp.fsm)
    # First, so that its time and its log context cover everything else.
    dp.update.outer_middleware(UpdateMetricsMiddleware(metrics or Metrics()))
    # Before the unit of work: an update refused for the rate limit costs no transaction.
    dp.update.outer_middleware(
        RateLimitMiddleware(
            rate_limit or RateLimit(settings.rate_limit_updates, settings.rate_limit_seconds),
            i18n,
        )
    )
    dp.update.outer_middleware(UnitOfWorkMiddleware(db))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(ActorMiddleware(settings.admin_ids))
    dp.update.outer_middleware(ClientGroupMiddleware(settings.staff_chat_id))
    ActorLocaleMiddleware(i18n).setup(dp)
    expiry = IntakeExpiryMiddleware(settings.intake_timeout_hours, clock)
    dp.message.outer_middleware(expiry)
    dp.callback_query.outer_middleware(expiry)
    dp.include_routers(*setup_routers())
    run_sync_filters_inline(dp)
    return dp


@dataclass
class FrontDesk:
    """The running application: database, bot, dispatcher and background workers."""

    settings: Settings
    clock: Clock
    # Telegram's flood limits as the bot keeps them (the end-to-end tests' are faster).
    throttle: Throttle = field(default_factory=Throttle)
    db: Database = field(init=False)
    bot: Bot = field(init=False)
    dp: Dispatcher = field(init=False)
    delivery: DeliveryWorker = field(init=False)
    timers: DeskScheduler = field(init=False)
    unfinished: UnfinishedIntakes = field(init=False)
    monthly_reports: MonthlyReports = field(init=False)
    new_tickets: NewTicketsList | None = field(default=None, init=False)
    metrics: Metrics = field(init=False)
    telegram: TelegramCalls = field(init=False)
    rate_limit: RateLimit = field(init=False)
    _poller: DurablePolling | None = field(default=None, init=False)
    _polling: asyncio.Task[None] | None = field(default=None, init=False)
    _webhook_server: web.AppRunner | None = field(default=None, init=False)
    _monitoring_server: web.AppRunner | None = field(default=None, init=False)
    _stopped: bool = field(default=False, init=False)
    _me: tuple[int, str] = field(default=(0, ""), init=False)
    # Who leads among the processes on this database (storage/leadership.py); how this
    # one takes updates once it leads ("polling", "webhook"; None until told).
    leadership: Leadership = field(init=False)
    leads: bool = field(default=False, init=False)
    _mode: str | None = field(default=None, init=False)
    _i18n: I18n = field(init=False)
    _contending: asyncio.Task[None] | None = field(default=None, init=False)
    _watching: asyncio.Task[None] | None = field(default=None, init=False)
    _sends: TelegramSends | None = field(default=None, init=False)

    async def start(self) -> None:
        """Open the database, connect to the Bot API, and lead if no other process on this
        database does: deliver the outbox and run the timers (updates are taken once polling
        or the webhook starts). Otherwise wait as a standby and take over when the leader
        ends."""
        warm_up()
        hand_over_the_gil_sooner()
        self.metrics = Metrics()
        self.telegram = TelegramCalls()
        self.db = await open_database(self.settings.database, clock=self.clock)
        self.leadership = leadership_for(self.settings.database)
        self.bot = create_bot(self.settings)
        self.bot.session.middleware(CommitBeforeSending(self.db))
        self.bot.session.middleware(RepliesInGroups())
        self.bot.session.middleware(self.telegram)
        throttle = self.throttle  # innermost: it sees every call, waits and counts
        self.bot.session.middleware(RetryBlips(throttle.pacing))  # each try waits its place
        self.bot.session.middleware(throttle)
        try:
            await self._check_staff_chat()
            me = await reach_telegram(self.bot, self.settings.telegram_api_base)
            self._me = (me.id, me.username or "")
            i18n = self._i18n = create_i18n(self.settings.default_locale)
            self.delivery = DeliveryWorker(
                self.db,
                self.bot,
                i18n,
                self.settings.default_locale,
                business_clock=self.clock,
                throttle=throttle,
            )
            desk = StaffDesk(self.db, self.bot, i18n, self.settings.default_locale, self.clock)
            self.delivery.custom_methods.update(desk.handlers())
            if self.settings.staff_chat_id is not None:
                self.new_tickets = NewTicketsList(
                    self.db,
                    self.bot,
                    i18n,
                    self.settings.default_locale,
                    throttle,
                    self.settings.staff_chat_id,
                )
            self.monthly_reports = MonthlyReports(
                self.db,
                self.clock,
                Reports(self.db, self.clock, i18n),
                self.bot,
                self.settings.default_locale,
                on_queued=self.delivery.wake,
            )
            self.delivery.custom_methods.update(self.monthly_reports.handlers())
            notifier = OutboxNotifier(self.settings, i18n, self.clock, on_queued=self.delivery.wake)
            self.unfinished = UnfinishedIntakes(
                self.db, SqliteStorage(self.db), notifier.out, self.clock
            )
            # SLA timers, pages and the auto-close sweep; handlers' changes re-arm them.
            self.timers = DeskScheduler(
                self.db,
                self.clock,
                notifier,
                auto_close_working_days=self.settings.auto_close_working_days,
                follow_ups=self.settings.follow_up_policy,
                outbox_kept=timedelta(days=self.settings.outbox_kept_days),
                sweeps=[self.unfinished.remind],
            )
            self.rate_limit = RateLimit(
                self.settings.rate_limit_updates, self.settings.rate_limit_seconds
            )
            self.dp = create_dispatcher(
                self.settings,
                self.db,
                self.clock,
                i18n,
                me.username or "",
                RearmingNotifier(notifier, self.timers),
                self.metrics,
                self.rate_limit,
            )
            self.metrics.watch(self.delivery, self.timers)
            leads = await self.leadership.try_acquire()
            if leads:
                await self._prepare_to_lead()
            freeze_what_start_up_built()
        except BaseException:
            await self.leadership.release()
            await self.bot.session.close()
            await self.db.close()
            raise
        if leads:
            await self._lead()
        else:
            log.info(
                "another process leads on this database: this one waits as a standby "
                "(no polling, no timers, no outbox delivery) and takes over when it ends"
            )
            self._contending = asyncio.create_task(self._contend(), name="standby")

    # --- leadership ----------------------------------------------------------------------

    async def _prepare_to_lead(self) -> None:
        """What only the leader does once it holds the lock, before it runs anything: the
        command menus, and the outbox rows the last leader had in flight made due now."""
        await set_bot_commands(self.bot, self._i18n)
        await self._set_staff_menus(self._i18n)
        await self.delivery.release_leases()

    async def _lead(self) -> None:
        """Run what must run once for the whole front desk: the outbox delivery, the staff
        chat's new tickets list, the SLA timers (armed again from the database: what fell
        due meanwhile fires now, once), the monthly reports, and long polling."""
        self.leads = True
        self.metrics.leader.set(1)
        self.delivery.start()
        if self.new_tickets is not None:
            self.new_tickets.start()
        await self.timers.start()
        await self.monthly_reports.start(self.timers.scheduler)
        if self._mode == "polling":
            self._begin_polling()
        elif self._mode == "webhook":
            await self._set_webhook()
        self._watching = asyncio.create_task(self._watch_leadership(), name="leadership")

    async def _contend(self) -> None:
        """A standby: ask for the lock every CONTEND_EVERY seconds; lead once it is ours."""
        while not self._stopped:
            await asyncio.sleep(CONTEND_EVERY)
            if not await self.leadership.try_acquire():
                continue
            log.info("the leader is gone: this process leads now")
            try:
                await self._prepare_to_lead()
            except Exception:  # the menus can wait for the next start; leading cannot
                log.exception("taking over: the command menus or the outbox leases failed")
            await self._lead()
            return

    async def _watch_leadership(self) -> None:
        """The lock lost while leading (PostgreSQL: its connection ended): stop leading
        before anything else, since another process may lead already; then wait as a
        standby again."""
        await self.leadership.wait_lost()
        if self._stopped:
            return
        self._watching = None
        await self._step_down()
        self._contending = asyncio.create_task(self._contend(), name="standby")

    async def _step_down(self) -> None:
        self.leads = False
        self.metrics.leader.set(0)
        await self.timers.stop()  # first: no timer fires from here on
        await self._stop_polling()
        if self.new_tickets is not None:
            await self.new_tickets.stop()
        await self.delivery.stop(flush_timeout=0)
        log.warning("this process no longer leads: it waits as a standby")

    async def _check_staff_chat(self) -> None:
        """Staff members are registered, so new tickets must reach their chat."""
        if self.settings.staff_chat_id is not None:
            return
        async with self.db.unit_of_work() as uow:
            staff = [s for s in await uow.staff.list() if s.active]
            await uow.commit()
        if staff:
            raise SettingsError(
                f"STAFF_CHAT_ID is not set, but {len(staff)} staff members are registered: "
                "new tickets would reach no staff chat"
            )

    async def _set_staff_menus(self, i18n: I18n) -> None:
        """Staff get their own command menu in their private chats."""
        async with self.db.unit_of_work() as uow:
            staff = [s for s in await uow.staff.list() if s.active]
            await uow.commit()
        for member in staff:
            locale = member.locale or self.settings.default_locale
            with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
                await set_staff_commands(self.bot, i18n, member.tg_id, locale)

    async def run_polling(self) -> None:
        """Long polling until stopped: each update is in the inbox before Telegram hears it
        was received, and what the inbox held at start is handled first (bot/telegram/polling.py);
        the updates running when it stops are finished before it returns."""
        self._poller = DurablePolling(
            self.dp,
            self.bot,
            Inbox(self.db),
            slots=self.settings.updates_in_flight,
            rate_limit=self.rate_limit,
            allowed_updates=self.dp.resolve_used_update_types(),
            polling_timeout=10,
            unkept=lambda update: is_group_chatter(update, *self._me, self.settings.staff_chat_id),
        )
        await self._poller.run()

    @property
    def updates_in_hand(self) -> int:
        """Updates taken from Telegram and not handled to the end yet (long polling)."""
        if self._poller is None:
            return 0
        return self._poller.queues.running + self._poller.queues.waiting

    def start_polling_in_background(self) -> None:
        """Take updates by long polling: now if this process leads, else once it does (a
        standby never polls: Telegram answers a second poller with 409 Conflict and stops
        the first one's poll)."""
        self._mode = "polling"
        if self.leads:
            self._begin_polling()

    def _begin_polling(self) -> None:
        self._polling = asyncio.create_task(self.run_polling(), name="polling")

    async def _stop_polling(self) -> None:
        if self._polling is not None:
            if self._poller is not None:
                # No more fetching; the updates running now finish, the queued ones wait
                # in the inbox for the next start.
                self._poller.stop()
            else:  # stopped before the polling task began: it never will
                self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
            self._poller = None

    @property
    def webhook_secret(self) -> str:
        """WEBHOOK_SECRET, or one derived from the bot token: every replica behind one
        webhook accepts the same secret without being told it."""
        if self.settings.webhook_secret:
            return self.settings.webhook_secret.get_secret_value()
        token = self.settings.bot_token.get_secret_value()
        return hashlib.sha256(f"frontdesk webhook secret:{token}".encode()).hexdigest()

    async def start_webhook(self) -> None:
        """Listen on WEBHOOK_HOST:WEBHOOK_PORT at WEBHOOK_URL's path; a request without the
        secret token gets 403. Every replica handles the updates it is given (behind a
        load balancer); the leader points Telegram at WEBHOOK_URL, and only it runs the
        timers, which also follow the tickets the others change."""
        settings = self.settings
        self._mode = "webhook"
        app = webhook_application(self.dp, self.bot, settings.webhook_path, self.webhook_secret)
        await self.dp.emit_startup(bot=self.bot, **self.dp.workflow_data)
        if is_postgres_url(settings.database):
            # Other replicas answer people too: Telegram's limits are kept with them.
            self._sends = TelegramSends(str(settings.database))
            self.throttle.share(self._sends)
        self._webhook_server = await serve(app, settings.webhook_host, settings.webhook_port)
        self.timers.follow_other_replicas()
        if self.leads:
            await self._set_webhook()

    async def _set_webhook(self) -> None:
        settings = self.settings
        await self.bot.set_webhook(
            settings.webhook_url,
            secret_token=self.webhook_secret,
            allowed_updates=self.dp.resolve_used_update_types(),
            max_connections=settings.updates_in_flight,
            drop_pending_updates=False,
        )
        log.info("webhook set: %s", settings.webhook_url)

    async def serve_monitoring(self, host: str, port: int) -> str:
        """Serve /healthz and /metrics on host:port (0: any free port); the base URL."""
        observability = Observability(
            self.metrics,
            self.telegram,
            self.db,
            self.delivery,
            max_outbox_lag=self.settings.health_outbox_lag_seconds,
            started=time.time(),
            leads=lambda: self.leads,
        )
        self._monitoring_server = await serve(observability.application(), host, port)
        bound_host, bound_port = self._monitoring_server.addresses[0][:2]
        return f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        """Stop taking updates, finish the ones in hand, flush the outbox for a bounded
        time, close everything. Stopping twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        for task in (self._contending, self._watching):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._stop_polling()
        if self._webhook_server is not None:
            # No new requests; those in flight are answered once their update is handled.
            await self._webhook_server.cleanup()
            await self.dp.emit_shutdown(bot=self.bot, **self.dp.workflow_data)
        try:
            await self.timers.stop()
            if self.new_tickets is not None:
                await self.new_tickets.stop()
            await self.delivery.stop(flush_timeout=self.settings.shutdown_flush_seconds)
            await self.dp.fsm.close()  # the conversations' storage and the isolation
            await self.bot.session.close()
            if self._sends is not None:
                await self._sends.close()
            if self._monitoring_server is not None:
                await self._monitoring_server.cleanup()
        finally:
            # Only once the outbox is flushed: a standby taking over finds nothing of ours
            # still on its way.
            self.leads = False
            await self.leadership.release()
            await self.db.close()
            release_routers(self.dp)
            log.info("the front desk has stopped")


def release_routers(dp: Dispatcher) -> None:
    """Routers live at module level (aiogram's convention) and attach to one parent at a
    time; let them go so a new Dispatcher in this process (a restart in the sandbox or a
    test) can take them. aiogram has no public call for this."""
    for router in dp.sub_routers:
        # aiogram 3 keeps the parent in the private `_parent_router`, which the public
        # `parent_router` setter (what `include_router` calls) refuses to replace once set
        # and nothing clears; tests/bot/test_library_internals.py checks both.
        router._parent_router = None
    dp.sub_routers.clear()
