"""The sandbox session: the real bot and the Bot API emulator side by side, the demo
company's people, and what a line of input does.

Anything typed is sent to the bot by the person whose screen is shown; lines starting
with a sandbox command (`/as`, `/1`, `/time`, `/photo`... see HELP) act instead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.base import BaseScheduler

from bot.app import FrontDesk
from bot.clock import MovableClock
from bot.config import Settings
from bot.sandbox.errors import SandboxError
from bot.sandbox.server import BotApiEmulator
from bot.sandbox.terminal import personas
from bot.sandbox.terminal.screens import Screen, first_line
from bot.sandbox.terminal.time_moves import TimeMoveError, amount_of, span, target_of
from domain import WorkCalendar

MOSCOW = ZoneInfo(personas.TIMEZONE)
LIMITS = "Telegram's limits, a message a second in a chat and 20 a minute in a group"
HELP = """\
Sandbox commands (anything else is sent to the bot as typed):
  /as employee | employee-en | director | accountant | sales | reception | office-group
      | colleague | newcomer | manager | engineer | duty | lead | staff-chat
                   whose screen you see and who you act as (office-group: the office's
                   group chat, as Анна; colleague: the same group, as Семён, whom the bot
                   does not know yet)
  /1, /2, ...      press the button with that number (any button on the screen: a button
                   keeps its number while it is there)
  /time +3h        move the sandbox clock: +30m, +1h30m, +2d (+2д, +1ч30м); or to a time:
                   /time 22:00 (the next 22:00), /time sat 09:00 (сб 09:00),
                   /time tomorrow 09:00; SLA warnings, breaches and pages that fall due
                   on the way fire; /time alone shows it
  /photo [caption] send a photo      /file [caption]  send a document
  /voice           send a voice note  /sticker         send a sticker
  /contact         share your phone  /edit TEXT       edit your last message
  /reply TEXT      reply (Telegram's reply) to the bot's latest message here
  /reply N TEXT    reply to the bot's message with the button numbered N
  /reply "WORDS" TEXT  reply to the bot's latest message that says WORDS
  /screen          show the whole screen again
  /count           how many messages the bot has sent each person in private so far
  /quit            leave the sandbox"""


class SchedulerJobs:
    """The bot's APScheduler jobs that are running or due now (a monthly report's look
    after the clock moved, say): the bot is not quiet while there is one, and stopping it
    then would cancel the job mid-way (APScheduler reports that with a traceback)."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self._scheduler = scheduler
        self._running: set[str] = set()
        scheduler.add_listener(
            self._seen,
            EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
        )

    def _seen(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self._running.add(event.job_id)
        else:
            self._running.discard(event.job_id)

    @property
    def busy(self) -> bool:
        if self._running:
            return True
        if not self._scheduler.running:
            return False
        now = datetime.now(UTC)  # APScheduler's triggers run on the wall clock
        return any(
            job.next_run_time is not None and job.next_run_time <= now
            for job in self._scheduler.get_jobs()
        )

    async def finished(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until no job is running or due. APScheduler
        says when a job ends, not when one becomes due: this looks every 20 ms."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if not self.busy or loop.time() >= deadline:
                return
            await asyncio.sleep(0.02)


class Sandbox:
    """The whole front desk in a terminal: `handle` a line, see what it did.

    `patience` is how long a line waits for the bot to go quiet (its answers, the timers
    that fell due, the outbox) before the screen is shown; a script waits out Telegram's
    limits (20 messages a minute in the staff chat, one a second in a private chat), so its
    transcript does not depend on how fast the machine is.
    """

    def __init__(
        self,
        workdir: Path,
        out: Callable[[str], None] = print,
        *,
        start: datetime | None = None,
        ticking: bool = True,
        patience: float = 5.0,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.workdir = workdir
        self.out = out
        self.patience = patience
        self.progress = progress  # a word while a long wait goes on (not the transcript)
        self.emulator = BotApiEmulator(bot_username="frontdesk_demo_bot")
        self.clock = MovableClock(start, ticking=ticking)
        self.emulator.follow_clock(self.clock.now)  # /time makes messages old, too
        self.app: FrontDesk | None = None
        self.jobs: SchedulerJobs | None = None
        self.screens: dict[str, Screen] = {}
        self.current = "employee"
        self.invite_code = ""

    # --- life -----------------------------------------------------------------------

    async def start(self) -> None:
        await self.emulator.start()
        people, group = personas.create_people(self.emulator)
        office = personas.create_office_group(self.emulator, people)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            BOT_TOKEN=self.emulator.token,
            TELEGRAM_API_BASE=self.emulator.base_url,
            DATABASE_PATH=self.workdir / "sandbox.db",
            STAFF_CHAT_ID=personas.STAFF_CHAT_ID,
            # The database goes with the sandbox: nothing to keep for a next start.
            SHUTDOWN_FLUSH_SECONDS=0,
        )
        self.app = FrontDesk(settings, self.clock)
        await self.app.start()
        self.jobs = SchedulerJobs(self.app.timers.scheduler)
        async with self.app.db.unit_of_work() as uow:
            self.invite_code = await personas.seed(uow, self.clock, people)
            await uow.commit()
        self.app.start_polling_in_background()
        who = {p.screen: f"{p.first_name}, {p.who}" for p in personas.PERSONAS}
        for name in personas.SCREEN_ORDER:
            if name == "staff-chat":
                screen = Screen(
                    name, group, people["engineer"], personas.STAFF_CHAT_WHO, chat=group
                )
            elif name == "office-group":
                screen = Screen(
                    name, office, people["employee"], personas.OFFICE_GROUP_WHO, chat=office
                )
            elif name == "colleague":
                screen = Screen(name, office, people[name], who[name], chat=office)
            else:
                screen = Screen(name, people[name], people[name], who[name])
            screen.mark_seen()
            self.screens[name] = screen

    async def stop(self) -> None:
        if self.app is not None:
            if self.jobs is not None:  # a job the last line set off finishes first
                await self.jobs.finished(timeout=2.0)
            await self.app.stop()
        await self.emulator.stop()

    # --- input ----------------------------------------------------------------------

    def intro(self) -> None:
        """What the sandbox is at, once it runs (the banner is out before it starts)."""
        now = self.clock.now().astimezone(MOSCOW)
        self.out(
            f"Sandbox time: {now:%a %d %b %H:%M} (Moscow). You are Анна, an employee: "
            "describe a problem to start.\n"
            f"An invitation for /as newcomer: /start {self.invite_code}\n"
            "Type /sandbox for the sandbox's own commands."
        )

    async def handle(self, line: str) -> bool:
        """Act on one line of input; False when the sandbox should end."""
        line = line.strip()
        if not line:
            return True
        screen = self.screens[self.current]
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        try:
            if command in ("/quit", "/exit"):
                return False
            if command in ("/sandbox", "/?"):
                self.out(HELP)
                return True
            if command == "/as":
                self._switch(rest)
                return True
            if command == "/screen":
                screen.shown.clear()
                screen.render(self.out)
                return True
            if command == "/count":
                self.count()
                return True
            if command == "/time":
                if not self._move_time(rest):
                    return True
            elif re.fullmatch(r"/\d+", command):
                await self._press(screen, int(command[1:]))
            elif command == "/photo":
                await screen.actor.send_photo(caption=rest or None, chat=screen.chat)
            elif command == "/file":
                await screen.actor.send_document(caption=rest or None, chat=screen.chat)
            elif command == "/voice":
                await screen.actor.send_voice(chat=screen.chat)
            elif command == "/sticker":
                await screen.actor.send_sticker(chat=screen.chat)
            elif command == "/contact":
                await screen.actor.share_contact("+79991234567")
            elif command == "/edit":
                mine = [m for m in screen.view.transcript if m.sender_id == screen.actor.id]
                if not mine:
                    raise SandboxError("you have not written anything here yet")
                await screen.actor.edit(mine[-1], rest)
            elif command == "/reply":
                await self._reply(screen, rest)
            else:
                await screen.actor.send(line, chat=screen.chat)
        except SandboxError as exc:
            self.out(f"  (sandbox: {exc})")
            return True
        await self.settle()
        screen.render(self.out)
        self._notice_others()
        return True

    def _switch(self, name: str) -> None:
        if name not in self.screens:
            self.out(f"  (sandbox: no screen {name!r}; one of: {', '.join(self.screens)})")
            return
        self.current = name
        screen = self.screens[name]
        self.out(f"── {name} ──")
        if not screen.view.transcript:
            self.out("  (nothing here yet)")
        screen.render(self.out, again_last=True)

    def _move_time(self, wanted: str) -> bool:
        """Show the sandbox time, moving it first when asked; True when it moved."""
        now = self.clock.now().astimezone(MOSCOW)
        if not wanted:
            self.out(f"  (sandbox time: {now:%a %d %b %Y %H:%M} Moscow)")
            return False
        try:
            target = target_of(wanted, now)
        except TimeMoveError as exc:
            self.out(f"  (sandbox: {exc})")
            return False
        self.clock.advance(target - now)
        said = "" if amount_of(wanted) is not None else f", {span(target - now)} later"
        self.out(f"  (sandbox time: {target:%a %d %b %Y %H:%M} Moscow{said})")
        return True

    async def _press(self, screen: Screen, number: int) -> None:
        button = screen.buttons.get(number)
        if button is None:
            raise SandboxError(f"no button [{number}] on this screen")
        if button.message is None:
            await screen.actor.press_keyboard_button(button.text)
            return
        press = await screen.actor.press(button.text, message=button.message)
        answer = await press.wait_answered(timeout=5)
        if answer.text:
            self.out(f"  💬 {answer.text}")

    async def _reply(self, screen: Screen, rest: str) -> None:
        """A Telegram reply to one of the bot's messages on this screen."""
        bot_messages = [m for m in screen.view.transcript if m.from_bot and not m.deleted]
        quoted = re.fullmatch(r'"([^"]+)"\s+(.+)', rest, re.S)
        number, _, text = rest.partition(" ")
        if quoted:
            words, text = quoted.groups()
            found = [m for m in bot_messages if words in (m.text or m.caption or "")]
            target = found[-1] if found else None
        elif number.isdigit() and text:
            button = screen.buttons.get(int(number))
            target = button.message if button else None
        else:
            text = rest
            target = bot_messages[-1] if bot_messages else None
        if target is None or not text.strip():
            raise SandboxError(
                'say what to reply to: /reply TEXT, /reply N TEXT or /reply "WORDS" TEXT'
            )
        await screen.actor.send(text, chat=screen.chat, reply_to=target)

    async def settle(self) -> None:
        """Wait until the bot has taken every update, the timers that fell due have fired,
        and the outbox is quiet; say so when the outbox is still waiting after `patience`
        (Telegram's limits hold it back: its messages arrive later)."""
        assert self.app is not None
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.patience
        quiet_since: float | None = None
        told = False
        while loop.time() < deadline:
            bot_busy = (
                self.emulator.pending_updates > 0
                or self.emulator.long_polls_waiting == 0
                or self.app.updates_in_hand > 0  # a report renders in a worker thread
                or not await self.app.timers.settled(timeout=0.05)
                or (self.jobs is not None and self.jobs.busy)
            )
            waiting = await self.app.delivery.outbox.depth()
            now = loop.time()
            if waiting and not bot_busy and not told and now - started > 2 and self.progress:
                told = True
                self.progress(f"  (⏳ {_messages(waiting)} held back by {LIMITS}: waiting…)")
            if bot_busy or waiting:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= 0.15:
                return
            await asyncio.sleep(0.02)
        waiting = await self.app.delivery.outbox.depth()
        if waiting:
            self.out(f"  (⏳ {_messages(waiting)} held back by {LIMITS}: they arrive later)")

    # --- output ---------------------------------------------------------------------

    def _notice_others(self) -> None:
        for name, screen in self.screens.items():
            if name == self.current:
                continue
            waiting = screen.unseen()
            if waiting:
                self.out(f"  (🔔 {len(waiting)} new for {name}: /as {name})")

    def count(self) -> None:
        """How many messages the bot sent each person in their private chat (edits and
        answers to buttons are not messages), the people who got none left out."""
        counts = [
            (screen, len(screen.view.bot_messages))
            for name, screen in self.screens.items()
            if screen.chat is None
        ]
        self.out("── Private messages from the bot, by person ──")
        for screen, count in counts:
            if count:
                self.out(f"  {screen.name} ({screen.who}): {count}")

    def summary(self) -> None:
        """What each person received that was never on the screen shown: the end of a
        script, so its reader misses nothing."""
        others = [
            screen
            for name, screen in self.screens.items()
            if name != self.current and screen.unseen()
        ]
        if not others:
            self.out("── Nobody received anything not shown above ──")
            return
        self.out("── Not shown above: what the others received ──")
        for screen in others:
            unseen = screen.unseen()
            self.out(f"{screen.name} ({screen.who}): {len(unseen)}")
            for message in unseen:
                if message.deleted:
                    self.out("  🗑 (a message was deleted)")
                    continue
                edited = " ✎" if message.message_id in screen.shown else ""
                who = "🤖" if message.from_bot else "👤"
                self.out(f"  {who}{edited} {first_line(message)}")


def _messages(count: int) -> str:
    return f"{count} message" + ("s" if count > 1 else "")


def demo_morning(now: datetime) -> datetime:
    """10:00 Moscow time on the first working day from today: where scripts start, so a
    script plays the same whenever it is run."""
    calendar = WorkCalendar(personas.TIMEZONE, time(9), time(18), frozenset(range(5)), "RU")
    day = now.astimezone(MOSCOW).date()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=MOSCOW)
