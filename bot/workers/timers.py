"""SLA timers, durable pages and the auto-close sweep: APScheduler jobs derived from the
database (ARCHITECTURE.md, "Time").

The database is the source of truth: the tickets' stored due times, what sla_events has
recorded, the pages table. APScheduler's AsyncIOScheduler only holds in-memory wake-ups
derived from it, and every job re-reads the database and re-checks before it does anything,
so a stale job (the due time moved, the ticket was answered) does nothing, and a job firing
twice, a restart, or two jobs racing never notify twice (sla_events is unique per ticket and
milestone, pages are rows with their attempt).

SLA milestones: ONE alarm per open ticket, for its next milestone not yet recorded, and only
when that falls within `horizon` of business time (one hour by default), kept in a heap that
one wake-up on the event loop rings for. When it rings, every ticket whose milestone is due
goes to the keeper, which checks them in batches of `BATCH`, one transaction each, breaches
first: 8,000 warnings due in the same second (opening hours) or a day's backlog after a stop
are recorded in seconds, not one transaction each (bench/timers.py). A batch reads its
rows once, records in one write and writes its notices from the rows read
(domain/use_cases/sla_checks.py, `OutboxNotifier.known`). A batch commits or rolls back
whole; one that fails is checked again ticket by ticket, so that one ticket that cannot be
checked holds up no other. What is due is found by each ticket's stored next due time
(tickets.next_due_at, kept by the storage), so a refill costs what falls due, not every
overdue ticket.

Jobs (module-level functions, primitive arguments, deterministic ids):

- ``page:{id}``: each pending page, at its next_at.
- ``sla-refill``: every `refill_every` seconds (less than the horizon), arms the next
  horizon and catches up on anything a lost job missed. ``auto-close``: every `sweep_every`
  seconds (and whenever the business clock moves), closes resolved tickets the employee did
  not answer in time, sends the status lines and waiting reminders that are due
  (domain/follow_ups.py) and the personal managers' digests of the day (domain/digest.py),
  each recorded once.
- ``housekeeping``: at start and every `housekeep_every` seconds (an hour), forgets the
  marks of updates handled more than `PROCESSED_UPDATES_KEPT` (48 h) ago: Telegram keeps
  an unconfirmed update for 24 hours, so none of those can come again; and the outbox rows
  delivered or given up more than `outbox_kept` ago (OUTBOX_KEPT_DAYS). In small batches
  (storage/pruning.py), so the write lock is never held long.

Business time and real time: due times are moments of the injected business clock
(SystemClock in production, MovableClock in the sandbox and tests), APScheduler runs on real
time, so a job runs at ``now_real + (due - clock.now())``. When a MovableClock moves, every
armed job is off: the listener asks for a full pass, which fires what is now due (in due
order) and arms the rest again.

After each update that changed a ticket, its timers are re-armed: handlers publish their
events through `RearmingNotifier`, which asks for the ticket to be looked at again; that
look happens in a transaction of its own, which waits for the handler's to commit (one
transaction at a time on the database), so it sees the committed state.

All the work on the database (start-up catch-up, SLA checks, full passes, re-arming after
updates, the sweep) is done by one keeper task, in order; fired page jobs run in their own
tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.logs import bind_ticket, log_context
from domain import events as ev
from domain.enums import TicketStatus
from domain.errors import DomainError
from domain.follow_ups import FollowUpPolicy
from domain.lifecycle import auto_close_at
from domain.paging import Page, PagingPolicy, advance_page
from domain.ports import Clock, Notifier, UnitOfWork
from domain.sla import SlaMilestone
from domain.sla_milestones import BREACHES
from domain.use_cases.employee_tickets import close_unconfirmed
from domain.use_cases.follow_ups import send_digests, send_follow_ups
from domain.use_cases.sla_checks import SlaCheck, check_sla_many
from storage import Database, OutboxDelivery
from storage.outbox import WrittenSince
from storage.pruning import prune_outbox, prune_processed_updates

log = logging.getLogger(__name__)

# A job that fired before its due time (the business clock stands still, or lags real time
# a little) looks again after at least this long, never in a tight loop.
RETRY_AFTER = 0.5
DEFAULT_HORIZON = timedelta(hours=1)
# SLA checks in one transaction: a burst at opening hours (thousands due in one second) is
# recorded in seconds, and an update waits for one batch at most (tens of milliseconds).
BATCH = 200
# Telegram resends an unconfirmed update for up to 24 hours; its mark is kept twice as long.
PROCESSED_UPDATES_KEPT = timedelta(hours=48)
DEFAULT_OUTBOX_KEPT = timedelta(days=30)

# Running schedulers by key: jobs carry the key (a string), not the object.
_INSTANCES: dict[str, DeskScheduler] = {}
_KEYS = itertools.count(1)

for _name in ("apscheduler.scheduler", "apscheduler.executors.default"):
    # "Added job", "Running job", "executed successfully": one line per timer is too many.
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)


# --- job functions: module level, primitive arguments ------------------------------------


async def page_job(instance: str, page_id: int) -> None:
    """A page may be due to be sent (again) or to go up the chain."""
    timers = _INSTANCES.get(instance)
    if timers is not None:
        await timers._run(timers._fired_page(page_id))


async def refill_job(instance: str) -> None:
    """Arm the next horizon; catch up on anything missed."""
    timers = _INSTANCES.get(instance)
    if timers is not None:
        timers.request_full_pass()


async def sweep_job(instance: str) -> None:
    """Close resolved tickets the employee did not answer in time."""
    timers = _INSTANCES.get(instance)
    if timers is not None:
        timers.request_sweep()


async def other_replicas_job(instance: str) -> None:
    """Look at the tickets other replicas changed since the last look."""
    timers = _INSTANCES.get(instance)
    if timers is not None:
        timers.request_others()


async def housekeeping_job(instance: str) -> None:
    """Forget what can no longer matter (marks of updates Telegram cannot send again)."""
    timers = _INSTANCES.get(instance)
    if timers is not None:
        timers.request_housekeeping()


# --- the scheduler ---------------------------------------------------------------------


@dataclass
class TimerStats:
    armed_at_start: int = 0
    backlog_at_start: int = 0
    start_seconds: float = 0.0
    recorded: int = 0  # SLA events recorded
    warnings: int = 0  # of which warnings
    breaches: int = 0  # and breaches
    pages_sent: int = 0
    auto_closed: int = 0
    follow_ups: int = 0  # status lines, reminders, staff asked about a long wait
    digests: int = 0  # managers' digests sent
    updates_forgotten: int = 0  # processed-update marks pruned
    outbox_forgotten: int = 0  # delivered (or given up) outbox rows pruned
    passes: int = 0
    errors: int = 0
    lags: list[float] = field(default_factory=list)  # seconds from due to recorded, last 1000


@dataclass(frozen=True, slots=True)
class _SlaAlarm:
    milestone: SlaMilestone
    due: datetime


@dataclass
class _Armed:
    job_id: str
    due: datetime
    moves: int  # the clock moves seen when it was armed: after a move, arm again


class DeskScheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifier: Notifier,
        *,
        auto_close_working_days: int = 3,
        follow_ups: FollowUpPolicy | None = None,
        paging: PagingPolicy | None = None,
        horizon: timedelta = DEFAULT_HORIZON,
        refill_every: float | None = None,
        sweep_every: float = 60.0,
        housekeep_every: float = 3600.0,
        outbox_kept: timedelta = DEFAULT_OUTBOX_KEPT,
        sweeps: Sequence[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.auto_close_working_days = auto_close_working_days
        self.follow_ups = follow_ups or FollowUpPolicy()
        self.paging = paging or PagingPolicy()
        self.horizon = horizon
        # Refill well before the horizon runs out: nothing due within it is ever missed.
        self.refill_every = refill_every or max(horizon.total_seconds() / 6, 1.0)
        self.sweep_every = sweep_every
        self.housekeep_every = housekeep_every
        self.outbox_kept = outbox_kept
        self.sweeps = sweeps  # more that nobody must be left in silence about, each sweep
        self.key = f"desk-{next(_KEYS)}"
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 4},
        )
        self.stats = TimerStats()
        # SLA milestones due within the horizon, by ticket (its next one), and a heap of
        # (due, ticket) that one alarm on the event loop rings for: thousands of them
        # cost a heap push each, not a job each.
        self._sla: dict[int, _SlaAlarm] = {}
        self._alarms: list[tuple[datetime, int]] = []
        self._alarm: asyncio.TimerHandle | None = None
        self._retry = False
        self._pages: dict[int, tuple[int, _Armed]] = {}  # page → (ticket, its armed job)
        self._moves = 0
        self._dirty: set[int] = set()
        # Tickets with a milestone due, to check: ticket → (0 for a breach, 1 for a
        # warning; due time), checked in that order.
        self._due: dict[int, tuple[int, datetime]] = {}
        self._full = False
        self._sweep = False
        self._housekeep = False
        self._backlog: list[int] = []  # pages due at start
        self._wake = asyncio.Event()
        self._busy = False
        self._running = False
        self._keeper: asyncio.Task[None] | None = None
        self._jobs: set[asyncio.Task[Any]] = set()
        # Other replicas (webhook mode) change tickets this process is never told of: the
        # tickets of the outbox rows written since the last look are looked at again.
        self.others_every = 1.0
        self._follow_others = False
        self._others = False
        self._outbox_seen: WrittenSince | None = None
        self._listening = False

    # --- life ------------------------------------------------------------------------

    async def start(self) -> None:
        """Arm every open ticket's timers again (those due within the horizon) and every
        pending page; what fell due while the bot was down fires at once, in order, as soon
        as the keeper runs (right after this returns)."""
        _INSTANCES[self.key] = self
        # Started again (leadership lost and taken back): nothing of the last run counts.
        self.scheduler.remove_all_jobs()
        self._sla.clear()
        self._alarms.clear()
        self._pages.clear()
        self._dirty.clear()
        self._due.clear()
        self._full = self._others = False
        self._running = True
        self.scheduler.start()
        if self._follow_others:
            self._outbox_seen = await OutboxDelivery(self.db).follow_from_now()
        started = time.perf_counter()
        self._backlog = await self._plan()
        self.stats.start_seconds = time.perf_counter() - started
        self.stats.armed_at_start = len(self._sla) + len(self._pages)
        self.stats.backlog_at_start = len(self._due) + len(self._backlog)
        self.scheduler.add_job(
            refill_job,
            IntervalTrigger(seconds=self.refill_every, timezone=UTC),
            args=[self.key],
            id="sla-refill",
            replace_existing=True,
        )
        self.scheduler.add_job(
            sweep_job,
            IntervalTrigger(seconds=self.sweep_every, timezone=UTC),
            args=[self.key],
            id="auto-close",
            replace_existing=True,
        )
        self.scheduler.add_job(
            housekeeping_job,
            IntervalTrigger(seconds=self.housekeep_every, timezone=UTC),
            args=[self.key],
            id="housekeeping",
            replace_existing=True,
        )
        if self._follow_others:
            self._add_others_job()
        on_move = getattr(self.clock, "on_move", None)
        if callable(on_move) and not self._listening:
            on_move(self._clock_moved)
            self._listening = True
        self._sweep = True
        self._housekeep = True
        self._keeper = asyncio.create_task(self._keep(), name="sla-timers")
        self._wake.set()

    async def stop(self) -> None:
        """Stop the timers; what was being done is cancelled (and rolled back)."""
        if not self._running:
            return
        self._running = False
        _INSTANCES.pop(self.key, None)
        if self._alarm is not None:
            self._alarm.cancel()
        tasks = [t for t in (self._keeper, *self._jobs) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._jobs.clear()
        self._alarm = None
        self._sla.clear()
        self._alarms.clear()
        self._pages.clear()
        self.scheduler.shutdown(wait=False)

    # --- what the rest of the bot calls ---------------------------------------------------

    def touch(self, ticket_ids: Iterable[int]) -> None:
        """These tickets changed (or will, once the caller commits): look at them again."""
        ids = set(ticket_ids)
        if ids and self._running:
            self._dirty |= ids
            self._wake.set()

    def follow_other_replicas(self) -> None:
        """Other processes handle updates too (webhook replicas): every `others_every`
        seconds, look at the tickets of the outbox rows written since the last look. Every
        change that moves a timer (a new ticket, an answer, a priority, a page) tells
        somebody, so it writes an outbox row about its ticket in its own transaction."""
        if self._follow_others:
            return
        self._follow_others = True
        if self._running:
            self._others = True  # the first look only notes where the outbox is
            self._outbox_seen = None
            self._add_others_job()
            self._wake.set()

    def _add_others_job(self) -> None:
        self.scheduler.add_job(
            other_replicas_job,
            IntervalTrigger(seconds=self.others_every, timezone=UTC),
            args=[self.key],
            id="other-replicas",
            replace_existing=True,
        )

    def request_others(self) -> None:
        if self._running:
            self._others = True
            self._wake.set()

    def request_full_pass(self) -> None:
        if self._running:
            self._full = True
            self._wake.set()

    def request_sweep(self) -> None:
        if self._running:
            self._sweep = True
            self._wake.set()

    def request_housekeeping(self) -> None:
        if self._running:
            self._housekeep = True
            self._wake.set()

    def _clock_moved(self) -> None:
        """MovableClock listener (synchronous): every armed run time is off now, and
        resolved tickets may have waited long enough to close."""
        if self._running:
            self._moves += 1
            self.request_full_pass()
            self.request_sweep()

    async def settled(self, timeout: float = 5.0) -> bool:
        """Wait until the keeper has nothing left to do and no job is running (tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            quiet = not (self._wake.is_set() or self._busy or self._dirty or self._full)
            quiet = quiet and not self._due
            quiet = quiet and not (self._sweep or self._housekeep or self._others)
            if quiet and not any(not t.done() for t in self._jobs):
                return True
            await asyncio.sleep(0.01)
        return False

    @property
    def armed(self) -> int:
        return len(self._sla) + len(self._pages)

    # --- the keeper: every pass over the database, one at a time --------------------------

    async def _keep(self) -> None:
        while self._running:
            await self._wake.wait()
            self._wake.clear()
            self._busy = True
            try:
                pages, self._backlog = self._backlog, []
                if self._full:
                    self._full = False
                    pages += await self._plan()
                for page_id in pages:  # pages first: somebody is being called out
                    await self._advance_page(page_id)
                await self._check_due()
                if self._others:
                    self._others = False
                    await self._look_at_others()
                while self._dirty:
                    dirty = sorted(self._dirty)
                    self._dirty.clear()
                    for ticket_id in dirty:
                        await self._look_at(ticket_id)
                if self._sweep:
                    self._sweep = False
                    await self._sweep_resolved()
                    await self._follow_up()
                    for sweep in self.sweeps:
                        await sweep()
                if self._housekeep:
                    self._housekeep = False
                    await self._housekeeping()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.stats.errors += 1
                log.exception("the SLA timers failed a pass; the next one catches up")
            finally:
                self._busy = False

    async def _plan(self) -> list[int]:
        """Read what is due within the horizon: arm the future, queue the tickets with a
        milestone due now for the keeper's check, and return the pages due now (by
        next_at)."""
        self.stats.passes += 1
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            milestones = await uow.sla_events.pending(now + self.horizon)
            pages = await uow.pages.pending()
            await uow.commit()
        due: set[int] = set()
        upcoming: dict[int, tuple[SlaMilestone, datetime]] = {}
        for ticket_id, milestone, at in milestones:  # earliest first
            if at <= now:
                due.add(ticket_id)
                self._mark_due(ticket_id, milestone, at)
            elif ticket_id not in upcoming:
                upcoming[ticket_id] = (milestone, at)
        for ticket_id in list(self._sla):
            if ticket_id not in upcoming and ticket_id not in due:
                self._disarm_sla(ticket_id)
        for ticket_id, (milestone, at) in upcoming.items():
            if ticket_id not in due:
                self._arm_sla(ticket_id, milestone, at)
        due_pages = []
        pending_ids = set()
        for page in pages:
            pending_ids.add(page.number)
            if page.next_at is not None and page.next_at <= now:
                due_pages.append(page.number)
            else:
                self._arm_page(page)
        for page_id in list(self._pages):
            if page_id not in pending_ids:
                self._disarm_page(page_id)
        self._set_alarm()  # the business clock may have moved: its real moment with it
        return due_pages

    async def _look_at_others(self) -> None:
        outbox = OutboxDelivery(self.db)
        if self._outbox_seen is None:  # following from now: a full pass covers what came before
            self._outbox_seen = await outbox.follow_from_now()
            self._full = True
            self._wake.set()
            return
        self._dirty.update(await outbox.tickets_written_after(self._outbox_seen))

    async def _look_at(self, ticket_id: int) -> None:
        """After an update: the ticket's SLA milestones and its pages."""
        await self._check_ticket(ticket_id)
        async with self.db.unit_of_work() as uow:
            pages = await uow.pages.pending([ticket_id])
            await uow.commit()
        pending = {p.number for p in pages}
        for page_id, (owner, _armed) in list(self._pages.items()):
            if owner == ticket_id and page_id not in pending:
                self._disarm_page(page_id)
        now = self.clock.now()
        for page in pages:
            if page.next_at is not None and page.next_at <= now:
                await self._advance_page(page.number)
            else:
                self._arm_page(page)

    # --- SLA milestones ---------------------------------------------------------------------

    def _mark_due(self, ticket_id: int, milestone: SlaMilestone, at: datetime) -> None:
        """Queue the ticket for the keeper's next check; breaches go first, then by due."""
        rank = (0 if milestone in BREACHES else 1, at)
        self._due[ticket_id] = min(rank, self._due.get(ticket_id, rank))

    async def _check_due(self) -> None:
        """Check the tickets queued as due, breaches first, a batch to a transaction: the
        batch's milestones are recorded and their notices queued together, exactly once
        (sla_events is unique per ticket and milestone, and a batch commits or rolls back
        whole). Between two batches, updates waiting for the database get their turn."""
        while self._due:
            batch = sorted(self._due, key=self._due.__getitem__)[:BATCH]
            for ticket_id in batch:
                del self._due[ticket_id]
            try:
                await self._check_tickets(batch)
            except Exception:
                # One ticket that cannot be checked holds up no other: one by one.
                log.exception("a batch of SLA checks failed; checking its tickets one by one")
                for ticket_id in batch:
                    try:
                        await self._check_tickets([ticket_id])
                    except Exception:
                        self.stats.errors += 1
                        log.exception("an SLA check failed; the next pass catches up")

    async def _check_ticket(self, ticket_id: int) -> None:
        self._due.pop(ticket_id, None)
        await self._check_tickets([ticket_id])

    async def _check_tickets(self, ticket_ids: Sequence[int]) -> None:
        """Check these tickets in one transaction: their rows read together, their
        milestones decided in the domain and recorded in one write
        (domain/use_cases/sla_checks.py), their notices written from the rows already read
        (`OutboxNotifier.known`: no reads per ticket, the outbox rows in one statement);
        then arm what is next for each."""
        async with self.db.unit_of_work(gathering=len(ticket_ids) > 1) as uow:
            outcome = await check_sla_many(uow, self.clock, ticket_ids=ticket_ids)
            checks = outcome.value
            told: dict[int, list[ev.Event]] = {}
            for event in outcome.events:
                if isinstance(event, ev.TicketEvent):
                    told.setdefault(event.ticket_id, []).append(event)
            known = getattr(self.notifier, "known", None)
            batch: contextlib.AbstractAsyncContextManager[None] = contextlib.nullcontext()
            if told and len(ticket_ids) > 1 and callable(known):
                batch = known(uow, {n: checks.tickets[n] for n in told}, checks.clients)
            # A task each: what a notice still reads goes in a common trip.
            async with batch, asyncio.TaskGroup() as group:
                for ticket_id, events in told.items():
                    group.create_task(self._publish(uow, ticket_id, events))
            await uow.commit()
        for ticket_id in ticket_ids:
            self._checked(ticket_id, checks.checks[ticket_id])

    async def _publish(self, uow: UnitOfWork, ticket_id: int, events: Sequence[ev.Event]) -> None:
        with log_context(ticket=ticket_id):
            await self.notifier.publish(uow, events)

    def _checked(self, ticket_id: int, check: SlaCheck) -> None:
        for record in check.recorded:
            self.stats.recorded += 1
            if "breach" in record.milestone:
                self.stats.breaches += 1
            else:
                self.stats.warnings += 1
            self.stats.lags.append((record.recorded_at - record.due_at).total_seconds())
        del self.stats.lags[:-1000]
        upcoming = check.upcoming
        if upcoming is None or upcoming[1] > self.clock.now() + self.horizon:
            self._disarm_sla(ticket_id)
        else:
            self._arm_sla(ticket_id, *upcoming)

    def _arm_sla(self, ticket_id: int, milestone: SlaMilestone, due: datetime) -> None:
        armed = self._sla.get(ticket_id)
        if armed is not None and (armed.milestone, armed.due) == (milestone, due):
            return  # armed already
        self._sla[ticket_id] = _SlaAlarm(milestone, due)
        heapq.heappush(self._alarms, (due, ticket_id))
        if len(self._alarms) > 2 * len(self._sla) + 1000:  # drop what was re-armed since
            self._alarms = [(a.due, t) for t, a in self._sla.items()]
            heapq.heapify(self._alarms)
        if self._alarms[0][1] == ticket_id:
            self._set_alarm()

    def _disarm_sla(self, ticket_id: int) -> None:
        self._sla.pop(ticket_id, None)  # its entry in the heap is skipped when it comes up

    def _set_alarm(self) -> None:
        """Ring when the earliest armed milestone falls due (by the business clock)."""
        while self._alarms and self._stale(self._alarms[0]):
            heapq.heappop(self._alarms)
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        if self._alarms and self._running:
            delay = (self._alarms[0][0] - self.clock.now()).total_seconds()
            if self._retry:  # it rang before its time (the business clock lags): not in a loop
                delay = max(delay, RETRY_AFTER)
            self._alarm = asyncio.get_running_loop().call_later(max(delay, 0.0), self._ring)

    def _stale(self, entry: tuple[datetime, int]) -> bool:
        armed = self._sla.get(entry[1])
        return armed is None or armed.due != entry[0]

    def _ring(self) -> None:
        """Milestones fell due: queue their tickets for the keeper, all at once."""
        self._alarm = None
        now = self.clock.now()
        rang = False
        while self._alarms and self._alarms[0][0] <= now:
            due, ticket_id = heapq.heappop(self._alarms)
            armed = self._sla.get(ticket_id)
            if armed is None or armed.due != due:
                continue
            del self._sla[ticket_id]
            self._mark_due(ticket_id, armed.milestone, due)
            rang = True
        self._retry = not rang
        if rang:
            self._wake.set()
        self._set_alarm()

    # --- pages ------------------------------------------------------------------------------

    async def _advance_page(self, page_id: int, *, fired: bool = False) -> None:
        async with self.db.unit_of_work() as uow:
            step, events = await advance_page(uow, self.clock, page_id=page_id, policy=self.paging)
            if events:
                await self.notifier.publish(uow, events)
            await uow.commit()
        self.stats.pages_sent += sum(isinstance(e, ev.PageSent) for e in events)
        if step.page is not None and not step.page.pending:
            self._disarm_page(page_id)
        for page in step.pending:
            self._arm_page(page, retry=fired and page.number == page_id)

    async def _fired_page(self, page_id: int) -> None:
        entry = self._pages.get(page_id)
        if entry is not None and entry[1].job_id == page_job_id(page_id):
            del self._pages[page_id]
        await self._advance_page(page_id, fired=True)

    def _arm_page(self, page: Page, *, retry: bool = False) -> None:
        if page.next_at is None:
            return
        job_id = page_job_id(page.number)
        entry = self._pages.get(page.number)
        if (
            entry is not None
            and not retry
            and (entry[1].due, entry[1].moves) == (page.next_at, self._moves)
        ):
            return
        self.scheduler.add_job(
            page_job,
            DateTrigger(self._run_at(page.next_at, retry), timezone=UTC),
            args=[self.key, page.number],
            id=job_id,
            replace_existing=True,
        )
        self._pages[page.number] = (page.ticket_id, _Armed(job_id, page.next_at, self._moves))

    def _disarm_page(self, page_id: int) -> None:
        entry = self._pages.pop(page_id, None)
        if entry is not None:
            self._remove_job(entry[1].job_id)

    # --- auto-close -------------------------------------------------------------------------

    async def _sweep_resolved(self) -> None:
        """Resolved tickets whose employee said nothing for `auto_close_working_days`
        working days (on the client's calendar) close, and the employee is asked to rate."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            resolved = await uow.tickets.list_resolved()
            clients = {c.id: c for c in await uow.clients.list()}
            await uow.commit()
        days = self.auto_close_working_days
        for ticket in resolved:
            client = clients.get(ticket.client_id)
            if client is None or ticket.resolved_at is None:
                continue
            if auto_close_at(client, ticket.resolved_at, days) <= now:
                await self._close(ticket.number, days)

    async def _close(self, ticket_id: int, days: int) -> None:
        async with self.db.unit_of_work() as uow:
            ticket = await uow.tickets.get(ticket_id)  # again: the employee may have answered
            client = await uow.clients.get(ticket.client_id) if ticket else None
            if (
                ticket is None
                or client is None
                or ticket.status is not TicketStatus.RESOLVED
                or ticket.resolved_at is None
                or auto_close_at(client, ticket.resolved_at, days) > self.clock.now()
            ):
                return
            try:
                outcome = await close_unconfirmed(uow, self.clock, ticket_id=ticket_id)
            except DomainError:
                return
            await self.notifier.publish(uow, outcome.events)
            await uow.commit()
        self.stats.auto_closed += 1
        self._disarm_sla(ticket_id)

    # --- nobody left in silence -------------------------------------------------------------

    async def _follow_up(self) -> None:
        """Status lines and waiting reminders that are due, then the managers' digests of
        the day: each recorded once in the transaction that queues it."""
        async with self.db.unit_of_work() as uow:
            outcome = await send_follow_ups(uow, self.clock, policy=self.follow_ups)
            if outcome.events:
                await self.notifier.publish(uow, outcome.events)
            await uow.commit()
        self.stats.follow_ups += outcome.value
        async with self.db.unit_of_work() as uow:
            digests = await send_digests(uow, self.clock)
            if digests.events:
                await self.notifier.publish(uow, digests.events)
            await uow.commit()
        self.stats.digests += digests.value

    # --- housekeeping -----------------------------------------------------------------------

    async def _housekeeping(self) -> None:
        """Forget the marks of updates handled before Telegram's 24 hours (with a margin),
        and the outbox rows delivered or given up before `outbox_kept`."""
        now = self.clock.now()
        forgotten = await prune_processed_updates(self.db, now - PROCESSED_UPDATES_KEPT)
        self.stats.updates_forgotten += forgotten
        sent = await prune_outbox(self.db, now - self.outbox_kept)
        self.stats.outbox_forgotten += sent
        if forgotten or sent:
            log.info(
                "forgot %d handled updates older than %s and %d outbox rows older than %s",
                forgotten,
                PROCESSED_UPDATES_KEPT,
                sent,
                self.outbox_kept,
            )

    # --- plumbing ---------------------------------------------------------------------------

    def _run_at(self, due: datetime, retry: bool) -> datetime:
        """The real moment when the business clock shows `due`."""
        delay = (due - self.clock.now()).total_seconds()
        if retry:
            delay = max(delay, RETRY_AFTER)
        return datetime.now(UTC) + timedelta(seconds=max(delay, 0.0))

    def _remove_job(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(job_id)

    async def _run(self, work: Awaitable[None]) -> None:
        """A fired job's work, tracked so that `stop` can cancel it; errors are logged."""
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            self.stats.errors += 1
            log.exception("an SLA timer failed; the next pass catches up")
        finally:
            if task is not None:
                self._jobs.discard(task)


def page_job_id(page_id: int) -> str:
    return f"page:{page_id}"


class RearmingNotifier:
    """The notifier handlers get: publishes as the inner one does, then asks the timers to
    look at the tickets the events are about (after the caller's commit, see above)."""

    def __init__(self, inner: Notifier, timers: DeskScheduler) -> None:
        self.inner = inner
        self.timers = timers

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        await self.inner.publish(uow, events)
        tickets = [e.ticket_id for e in events if isinstance(e, ev.TicketEvent)]
        bind_ticket(tickets[0] if tickets else None)  # the update's log lines name it
        self.timers.touch(tickets)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
