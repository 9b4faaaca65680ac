"""The end-to-end harness: the whole bot (Dispatcher, middlewares, aiogram's HTTP session,
SQLite file, FSM storage) against the Bot API emulator, and people to drive it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import FrontDesk
from bot.clock import MovableClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator, Group, Person, RateLimits, Window
from bot.telegram.flood_limits import Throttle
from domain import SlaTier, StaffRole
from domain.duty import parse_weekly
from domain.enums import EmployeeRole
from domain.model import Client
from domain.use_cases import accounts, after_hours

MSK = ZoneInfo("Europe/Moscow")
STAFF_CHAT_ID = -1001000000001
ADMIN_ID = 900


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


# A Monday morning in Moscow: working hours, no holiday nearby.
MONDAY_MORNING = msk(2026, 11, 23, 10, 0)

# Telegram's flood limits, their time 20 times faster: a private chat's second is 50 ms,
# a group's minute 3 s. The emulator of the `emulator` fixture counts these (unless the
# test is marked `real_flood_limits`), and the desk keeps them: the outbox still paces
# every chat and keeps every window, without making a test wait a second per message.
FAST_FLOOD_LIMITS = RateLimits(
    private=Window(20, 1.0), group=Window(20, 3.0), overall=Window(30, 1.0)
)


def fast_throttle() -> Throttle:
    """The bot's side of `FAST_FLOOD_LIMITS`: a message a chat every 50 ms, 20 a group
    every 3 s."""
    return Throttle(private=(1, 0.05), group=(20, 3.0), overall=(30, 1.0))


def throttle_for(emulator: BotApiEmulator) -> Throttle:
    """The bot's flood limits, matching those the emulator counts."""
    if emulator.rate_limiter.limits == FAST_FLOOD_LIMITS:
        return fast_throttle()
    return Throttle()


@dataclass
class Desk:
    """A running front desk and the means to set up its world."""

    emulator: BotApiEmulator
    app: FrontDesk
    clock: MovableClock
    staff_chat: Group | None = None

    @property
    def db(self) -> Any:
        return self.app.db

    async def add_client(self, name: str = "ООО Ромашка", **kwargs: Any) -> Client:
        kwargs.setdefault("tier", SlaTier.GOLD)
        async with self.db.unit_of_work() as uow:
            client = (await accounts.register_client(uow, self.clock, name=name, **kwargs)).value
            await uow.commit()
        return client

    async def add_staff(self, tg_id: int, name: str, role: StaffRole) -> None:
        async with self.db.unit_of_work() as uow:
            await accounts.add_staff(uow, self.clock, tg_id=tg_id, name=name, role=role)
            await uow.commit()

    async def invite(
        self, client: Client, role: EmployeeRole = EmployeeRole.EMPLOYEE, uses: int = 1
    ) -> str:
        async with self.db.unit_of_work() as uow:
            invite = (
                await accounts.create_invite(
                    uow, self.clock, client_id=client.id or 0, role=role, max_uses=uses
                )
            ).value
            await uow.commit()
        return invite.code

    async def add_duty(self, tg_id: int, starts_at: datetime, ends_at: datetime) -> None:
        """A one-off duty shift, as `frontdesk admin duty add` puts it."""
        async with self.db.unit_of_work() as uow:
            await after_hours.add_duty_shift(
                uow, staff_tg_id=tg_id, starts_at=starts_at, ends_at=ends_at
            )
            await uow.commit()

    async def add_weekly_duty(self, tg_id: int, weekly: str) -> None:
        """A weekly duty pattern such as "mon-fri 18:00-09:00", Moscow time."""
        weekdays, starts, ends = parse_weekly(weekly)
        async with self.db.unit_of_work() as uow:
            await after_hours.add_weekly_duty(
                uow,
                staff_tg_id=tg_id,
                weekdays=weekdays,
                starts=starts,
                ends=ends,
                timezone="Europe/Moscow",
            )
            await uow.commit()

    async def move_clock(self, amount: timedelta | None = None, **parts: float) -> None:
        """Let what is under way finish, move the business clock forward, and wait until the
        timers that fell due have fired and everything they caused is delivered."""
        await self.settled()
        self.clock.advance(amount, **parts)
        await self.settled()

    async def move_clock_to(self, at: datetime) -> None:
        await self.move_clock(at - self.clock.now())

    async def settled(self) -> None:
        assert await self.app.timers.settled(), "the timers did not settle"
        assert await self.outbox_drained(), "the outbox was not drained"
        await self.emulator.wait_idle()

    def person(self, first_name: str, language_code: str = "ru", **kwargs: Any) -> Person:
        return self.emulator.create_user(first_name, language_code=language_code, **kwargs)

    async def register(
        self, person: Person, client: Client, role: EmployeeRole = EmployeeRole.EMPLOYEE
    ) -> None:
        """Take `person` through the invitation flow the way they would do it."""
        code = await self.invite(client, role)
        await person.command("start", code)
        await person.wait_for_message(contains="?")
        await (await person.press(first_button(person))).wait_answered()
        await person.wait_for_message(lambda m: m.reply_markup is not None)
        skip = person.reply_keyboard[-1][0]
        await person.press_keyboard_button(skip)
        await person.wait_for_message(contains=client.name)

    async def outbox_drained(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is left to deliver (True), or give up after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not await self.outbox():
                return True
            await asyncio.sleep(0.02)
        return False

    async def outbox(self) -> list[Any]:
        """Messages still waiting in the outbox."""
        from storage.outbox import OutboxDelivery

        return list(await OutboxDelivery(self.db).pending())


def first_button(person: Person) -> str:
    message = person.last_bot_message
    assert message is not None and message.inline_keyboard
    return message.inline_keyboard[0][0]["text"]


def buttons(person: Person) -> list[str]:
    message = person.last_bot_message
    assert message is not None
    return [b["text"] for row in (message.inline_keyboard or []) for b in row]


class FailureLog(logging.Handler):
    """Error lines the bot logged: a handler that raised, a delivery that failed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


def failed_calls(emulator: BotApiEmulator, since: int) -> list[str]:
    """Bot API calls the emulator refused. Not counted: a 429 of its flood limits
    (Telegram's normal), an edit of a staff card to what it shows already, which the
    staff desk sends once after a restart (it does not remember what the card shows) and
    takes as done, and a message to a group that became a supergroup (Telegram's answer
    names the new id, where the message then goes)."""
    calls = list(emulator.api.calls)[since:]
    return [
        f"{c.method} → {c.status} {c.description}"
        for c in calls
        if not c.ok
        and c.status != 429
        and c.method != "getUpdates"
        and "message is not modified" not in (c.description or "")
        and "upgraded to a supergroup" not in (c.description or "")
    ]


@asynccontextmanager
async def running_desk(
    emulator: BotApiEmulator,
    tmp_path: Path,
    *,
    start: datetime = MONDAY_MORNING,
    staff_chat: bool = True,
    forum: bool = False,
    expect_failures: bool = False,
    **settings: Any,
) -> AsyncIterator[Desk]:
    """The desk running for a test. Unless the test `expect_failures` (it injects faults,
    blocks the bot, kills things), a handler that raised or a Bot API call that failed
    fails the test, whatever the person saw."""
    clock = MovableClock(start, ticking=False)
    emulator.follow_clock(clock.now)  # messages get old as the business clock moves
    group = None
    if staff_chat and STAFF_CHAT_ID in emulator.state.chats:  # the desk runs again
        group = Group(emulator.state, STAFF_CHAT_ID)
    elif staff_chat:
        group = emulator.create_group("Поддержка", is_forum=forum, chat_id=STAFF_CHAT_ID)
    config = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN=emulator.token,
        DATABASE_PATH=tmp_path / "frontdesk.db",
        TELEGRAM_API_BASE=emulator.base_url,
        STAFF_CHAT_ID=STAFF_CHAT_ID if staff_chat else None,
        ADMIN_IDS=str(ADMIN_ID),
        **settings,
    )
    app = FrontDesk(config, clock, throttle_for(emulator))
    failures = FailureLog()
    logging.getLogger().addHandler(failures)
    calls_before = len(emulator.api.calls)
    await app.start()
    app.start_polling_in_background()
    try:
        yield Desk(emulator, app, clock, group)
    finally:
        await app.stop()
        logging.getLogger().removeHandler(failures)
    if not expect_failures:
        assert not failures.lines, f"the bot logged errors: {failures.lines}"
        refused = failed_calls(emulator, calls_before)
        assert not refused, f"Bot API calls failed: {refused}"
