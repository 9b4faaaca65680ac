"""The SLA timers, pages and the auto-close sweep on a real SQLite file with the real
OutboxNotifier: what lands in the outbox, for whom, when the business clock moves, across
a restart and with two schedulers on one database."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import MovableClock
from bot.config import Settings
from bot.i18n import create_i18n
from bot.workers.notices import OutboxNotifier
from bot.workers.timers import DeskScheduler, RearmingNotifier
from domain import Category, Priority, Scope, SlaTier, StaffRole, TicketKind, WorkImpact
from domain.use_cases import accounts, after_hours, employee_tickets, intake, staff_tickets
from storage import Database

MSK = ZoneInfo("Europe/Moscow")
FIRST_LINE, FIRST_LINE_2, MANAGER, LEAD, ENGINEER = 601, 602, 603, 604, 605
EMPLOYEE_TG = 1001
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=MSK)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


def incident(impact: WorkImpact, scope: Scope = Scope.ME) -> intake.TicketDraft:
    return intake.TicketDraft(
        description="Не печатает принтер в бухгалтерии",
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        impact=impact,
        scope=scope,
    )


HIGH = incident(WorkImpact.BLOCKED)  # Gold: reaction 1 h (warning 10:45), resolution 8 h
STANDARD = incident(WorkImpact.HAMPERED)


@dataclass
class World:
    path: Path
    clock: MovableClock
    settings: Settings
    db: Database = field(init=False)
    timers: DeskScheduler = field(init=False)
    others: list[tuple[Database, DeskScheduler]] = field(default_factory=list)

    def notifier(self) -> OutboxNotifier:
        return OutboxNotifier(self.settings, create_i18n("ru"), self.clock)

    async def start(self, **options: object) -> None:
        self.db = await Database.open(self.path, clock=self.clock)
        self.timers = DeskScheduler(self.db, self.clock, self.notifier(), **options)  # type: ignore[arg-type]
        await self.timers.start()
        await self.settle()

    async def stop(self) -> None:
        await self.timers.stop()
        await self.db.close()

    async def another(self) -> DeskScheduler:
        """A second scheduler on its own connection to the same file."""
        db = await Database.open(self.path, clock=self.clock)
        timers = DeskScheduler(db, self.clock, self.notifier())
        await timers.start()
        self.others.append((db, timers))
        return timers

    async def settle(self) -> None:
        for timers in [self.timers, *(t for _, t in self.others)]:
            assert await timers.settled()

    async def act(self, use_case, **kwargs):
        """Run a use case the way a handler does: publish through the re-arming notifier,
        commit, and let the timers look again."""
        async with self.db.unit_of_work() as uow:
            outcome = await use_case(uow, self.clock, **kwargs)
            await RearmingNotifier(self.notifier(), self.timers).publish(uow, outcome.events)
            await uow.commit()
        await self.settle()
        return outcome.value

    async def open(self, draft: intake.TicketDraft = HIGH) -> int:
        ticket = await self.act(intake.open_ticket, employee_tg_id=EMPLOYEE_TG, draft=draft)
        return ticket.number

    async def move_to(self, at: datetime) -> None:
        self.clock.set(at)
        await self.settle()

    async def sent(self, kind: str) -> list[tuple[int, str]]:
        """(chat, text) of the outbox rows whose dedup key starts with `kind`."""
        async with self.db.transaction() as session:
            rows = await session.fetchall(
                "SELECT chat_id, payload, dedup_key FROM outbox WHERE dedup_key LIKE ? ORDER BY id",
                (kind + "%",),
            )
        return [(row["chat_id"], json.loads(row["payload"])["text"]) for row in rows]

    async def chats(self, kind: str) -> list[int]:
        return [chat for chat, _ in await self.sent(kind)]

    async def recorded(self) -> dict[str, int]:
        async with self.db.transaction() as session:
            rows = await session.fetchall("SELECT milestone, overdue_seconds FROM sla_events")
        return {row["milestone"]: row["overdue_seconds"] for row in rows}


@asynccontextmanager
async def running_world(tmp_path: Path, *, ticking: bool = False) -> AsyncIterator[World]:
    clock = MovableClock(MONDAY_MORNING, ticking=ticking)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN="123456:TEST",
        DATABASE_PATH=tmp_path / "desk.db",
    )
    world = World(tmp_path / "desk.db", clock, settings)
    await prepare(world)
    await world.start()
    try:
        yield world
    finally:
        for db, timers in world.others:
            await timers.stop()
            await db.close()
        await world.stop()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path) as running:
        yield running


async def prepare(world: World) -> None:
    db = await Database.open(world.path, clock=world.clock)
    async with db.unit_of_work() as uow:
        for tg, name, role in (
            (FIRST_LINE, "Фёдор", StaffRole.FIRST_LINE),
            (FIRST_LINE_2, "Пётр", StaffRole.FIRST_LINE),
            (MANAGER, "Мария", StaffRole.MANAGER),
            (LEAD, "Лев", StaffRole.LEAD),
            (ENGINEER, "Иван", StaffRole.SECOND_LINE),
        ):
            await accounts.add_staff(uow, world.clock, tg_id=tg, name=name, role=role)
        client = await accounts.register_client(
            uow, world.clock, name="ООО Ромашка", tier=SlaTier.GOLD, manager_tg_id=MANAGER
        )
        invite = await accounts.create_invite(uow, world.clock, client_id=client.value.id)
        await accounts.register_employee(
            uow, world.clock, code=invite.value.code, tg_id=EMPLOYEE_TG, name="Ольга"
        )
        await uow.commit()
    await db.close()


# --- warnings and breaches --------------------------------------------------------------


async def test_warning_and_breach_fire_once_at_their_moments_to_the_right_people(world):
    await world.open()
    await world.move_to(msk(2026, 11, 23, 10, 44))
    assert await world.sent("sla:") == []
    await world.move_to(msk(2026, 11, 23, 10, 45))
    # Nobody has taken it: the first line (the personal manager reads it in the digest).
    warnings = await world.sent("sla:")
    assert sorted(chat for chat, _ in warnings) == [FIRST_LINE, FIRST_LINE_2]
    assert all("ответа ещё нет; реакция нужна до 11:00" in text for _, text in warnings)

    await world.move_to(msk(2026, 11, 23, 11, 0))
    breaches = (await world.sent("sla:"))[2:]
    assert sorted(chat for chat, _ in breaches) == [MANAGER, LEAD]  # the manager and the leads
    assert all("просрочено время реакции" in text for _, text in breaches)
    (apology,) = await world.sent("apology:")  # and the employee, once
    assert apology[0] == EMPLOYEE_TG and "Простите" in apology[1]

    world.timers.request_full_pass()
    await world.move_to(msk(2026, 11, 23, 11, 30))
    assert len(await world.sent("sla:")) == 4
    assert len(await world.sent("apology:")) == 1
    assert await world.recorded() == {"reaction_warning": 0, "reaction_breach": 0}


async def test_a_warning_goes_to_whoever_took_the_ticket(world):
    number = await world.open()
    await world.act(staff_tickets.take, ticket_id=number, staff_tg_id=ENGINEER)
    await world.move_to(msk(2026, 11, 23, 16, 0))
    assert sorted(await world.chats("sla:")) == [ENGINEER]
    await world.move_to(msk(2026, 11, 23, 18, 0))
    # Breached at the close of the day: the lead now, the manager in the morning's digest.
    assert sorted((await world.chats("sla:"))[1:]) == [LEAD]
    assert set(await world.recorded()) == {"resolution_warning", "resolution_breach"}


async def test_an_answer_after_the_breach_settles_the_overdue(world):
    number = await world.open()
    await world.move_to(msk(2026, 11, 23, 11, 0))
    await world.move_to(msk(2026, 11, 23, 12, 20))
    await world.act(staff_tickets.take, ticket_id=number, staff_tg_id=ENGINEER)
    assert (await world.recorded())["reaction_breach"] == 80 * 60


async def test_timers_fire_within_two_seconds_of_due_in_real_time(tmp_path):
    async with running_world(tmp_path, ticking=True) as world:
        clock = world.clock
        await world.open()
        clock.set(msk(2026, 11, 23, 10, 44, 58, 500_000))  # 1.5 s before the warning
        due_real = time.monotonic() + 1.5
        while not await world.sent("sla:"):
            assert time.monotonic() < due_real + 2.0, "the warning is late"
            await asyncio.sleep(0.02)
        fired = time.monotonic()
        assert due_real - 0.05 <= fired <= due_real + 2.0
        async with world.db.transaction() as session:
            (row,) = await session.fetchall("SELECT due_at, recorded_at FROM sla_events")
        lag = datetime.fromisoformat(row["recorded_at"]) - datetime.fromisoformat(row["due_at"])
        assert timedelta(0) <= lag < timedelta(seconds=2)


async def test_a_restart_in_the_middle_of_a_pending_timer_fires_it_once(world):
    await world.open()
    await world.move_to(msk(2026, 11, 23, 10, 30))
    assert world.timers.armed == 1  # the warning, within the hour
    await world.stop()
    world.clock.set(msk(2026, 11, 23, 10, 50))  # past the warning while the bot is down
    await world.start()
    assert sorted(await world.chats("sla:")) == [FIRST_LINE, FIRST_LINE_2]
    assert world.timers.stats.backlog_at_start == 1
    await world.stop()
    await world.start()  # once more: nothing new
    assert len(await world.sent("sla:")) == 2
    await world.move_to(msk(2026, 11, 23, 11, 0))
    assert len(await world.sent("sla:")) == 4


async def test_two_schedulers_on_one_database_notify_once(world):
    second = await world.another()
    await world.open()
    second.request_full_pass()  # it learns of the ticket on its next pass
    await world.settle()
    assert world.timers.armed == second.armed == 1
    await world.move_to(msk(2026, 11, 23, 11, 5))
    assert len(await world.sent("sla:")) == 4
    assert len(await world.sent("apology:")) == 1
    assert world.timers.stats.recorded + second.stats.recorded == 2
    assert len(await world.recorded()) == 2


async def test_waiting_for_the_client_moves_the_resolution_timers(world):
    number = await world.open()
    await world.act(staff_tickets.take, ticket_id=number, staff_tg_id=ENGINEER)
    await world.move_to(msk(2026, 11, 23, 12, 0))
    await world.act(
        staff_tickets.ask_client, ticket_id=number, staff_tg_id=ENGINEER, question="Какой принтер?"
    )
    assert world.timers.armed == 0
    await world.move_to(msk(2026, 11, 23, 18, 30))
    assert await world.sent("sla:") == []  # the clock stood still
    await world.move_to(msk(2026, 11, 24, 10, 0))
    await world.act(
        employee_tickets.comment_as_employee, ticket_id=number, tg_id=EMPLOYEE_TG, text="HP"
    )
    # 2 h worked before the question: warning at Tuesday 14:00, breach at 16:00.
    await world.move_to(msk(2026, 11, 24, 13, 59))
    assert await world.sent("sla:") == []
    await world.move_to(msk(2026, 11, 24, 14, 0))
    assert sorted(await world.chats("sla:")) == [ENGINEER]
    await world.move_to(msk(2026, 11, 24, 16, 0))
    assert sorted((await world.chats("sla:"))[1:]) == [MANAGER, LEAD]


async def test_a_priority_change_rearms_the_timers(world):
    number = await world.open(STANDARD)  # reaction due 14:00
    await world.move_to(msk(2026, 11, 23, 10, 20))
    await world.act(
        staff_tickets.change_priority,
        ticket_id=number,
        staff_tg_id=LEAD,
        priority=Priority.HIGHEST,
        reason="Встала бухгалтерия",
    )
    await world.move_to(msk(2026, 11, 23, 10, 22))
    assert await world.sent("sla:") == []
    await world.move_to(msk(2026, 11, 23, 10, 30))  # Gold, Highest: reaction 30 min
    assert {key for key in await world.recorded()} == {"reaction_warning", "reaction_breach"}


async def test_taking_the_ticket_disarms_the_reaction_timers(world):
    number = await world.open()
    await world.move_to(msk(2026, 11, 23, 10, 30))
    await world.act(staff_tickets.take, ticket_id=number, staff_tg_id=ENGINEER)
    assert world.timers.armed == 0  # the resolution warning is more than an hour away
    await world.move_to(msk(2026, 11, 23, 15, 59))
    assert await world.sent("sla:") == []


# --- the auto-close sweep ---------------------------------------------------------------


async def test_a_resolved_ticket_closes_by_itself_after_three_working_days(world):
    number = await world.open()
    await world.act(staff_tickets.take, ticket_id=number, staff_tg_id=ENGINEER)
    await world.move_to(msk(2026, 11, 23, 11, 0))
    await world.act(
        staff_tickets.resolve, ticket_id=number, staff_tg_id=ENGINEER, summary="Заменили картридж"
    )
    await world.move_to(msk(2026, 11, 26, 10, 59))
    assert await world.sent("autoclosed:") == []
    await world.move_to(msk(2026, 11, 26, 11, 0))
    ((chat, text),) = await world.sent("autoclosed:")
    assert chat == EMPLOYEE_TG
    assert f"Заявка №{number} закрыта: ответа не было" in text
    async with world.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None and ticket.status.value == "closed"
    assert world.timers.stats.auto_closed == 1


async def test_auto_close_follows_the_setting(world):
    await world.stop()
    await world.start(auto_close_working_days=1)
    number = await world.open()
    await world.move_to(msk(2026, 11, 23, 11, 0))
    await world.act(staff_tickets.resolve, ticket_id=number, staff_tg_id=ENGINEER)
    await world.move_to(msk(2026, 11, 24, 11, 0))
    assert await world.chats("autoclosed:") == [EMPLOYEE_TG]


async def test_an_answered_ticket_is_not_closed_by_the_sweep(world):
    number = await world.open()
    await world.move_to(msk(2026, 11, 23, 11, 0))
    await world.act(staff_tickets.resolve, ticket_id=number, staff_tg_id=ENGINEER)
    await world.act(
        employee_tickets.reopen, ticket_id=number, tg_id=EMPLOYEE_TG, reason="Не работает"
    )
    await world.move_to(msk(2026, 11, 30, 11, 0))
    assert await world.sent("autoclosed:") == []


# --- pages --------------------------------------------------------------------------------


async def test_a_page_repeats_until_acknowledged(world):
    await world.move_to(msk(2026, 11, 23, 22, 0))
    async with world.db.unit_of_work() as uow:
        await after_hours.add_duty_shift(
            uow,
            staff_tg_id=ENGINEER,
            starts_at=msk(2026, 11, 23, 18, 0),
            ends_at=msk(2026, 11, 24, 9, 0),
        )
        await uow.commit()
    number = await world.open(incident(WorkImpact.BLOCKED, Scope.COMPANY))  # Highest
    assert sorted(await world.chats("page:")) == [MANAGER, ENGINEER]
    await world.move_to(msk(2026, 11, 23, 22, 4))
    assert len(await world.sent("page:")) == 2
    await world.move_to(msk(2026, 11, 23, 22, 5))
    assert sorted(await world.chats("page:")) == [MANAGER, MANAGER, ENGINEER, ENGINEER]
    async with world.db.unit_of_work() as uow:
        (page, *_rest) = await uow.pages.for_ticket(number)
    await world.act(after_hours.acknowledge_page, page_id=page.number, staff_tg_id=ENGINEER)
    assert world.timers.armed == 0
    await world.move_to(msk(2026, 11, 23, 23, 0))
    assert len(await world.sent("page:")) == 4  # the manager's repeat edits her page
    # every copy is edited to say who took it: the engineer's two, the manager's one (her
    # repeat was an edit in place: the edit of a second copy finds none sent, and does nothing)
    assert sorted(await world.chats("page-done:")) == sorted([ENGINEER, ENGINEER, MANAGER, MANAGER])
    assert sorted(await world.chats("page:")) == [MANAGER, MANAGER, ENGINEER, ENGINEER]
