"""The sandbox session: the real bot and the Bot API emulator side by side, the demo
company's people, and what a line of input does.

Anything typed is sent to the bot by the person whose screen is shown; lines starting
with a sandbox command (`/as`, `/1`, `/time`, `/photo`... see HELP) act instead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import FrontDesk
from bot.clock import MovableClock
from bot.config import Settings
from bot.sandbox.errors import SandboxError
from bot.sandbox.server import BotApiEmulator
from bot.sandbox.terminal import personas
from bot.sandbox.terminal.screens import Buttons, Screen
from domain import WorkCalendar

MOSCOW = ZoneInfo(personas.TIMEZONE)
HELP = """\
Sandbox commands (anything else is sent to the bot as typed):
  /as employee | employee-en | newcomer | manager | engineer | duty | lead | staff-chat
                   whose screen you see and who you act as
  /1, /2, ...      press the numbered button
  /time +3h        move the sandbox clock (+30m, +2h, +1d); SLA warnings, breaches and
                   pages that fall due on the way fire; /time alone shows it
  /photo [caption] send a photo      /file [caption]  send a document
  /voice           send a voice note  /sticker         send a sticker
  /contact         share your phone  /edit TEXT       edit your last message
  /reply TEXT      reply (Telegram's reply) to the bot's latest message here
  /reply N TEXT    reply to the bot's message with the button numbered N
  /reply "WORDS" TEXT  reply to the bot's latest message that says WORDS
  /screen          show the whole screen again
  /quit            leave the sandbox"""


class Sandbox:
    """The whole front desk in a terminal: `handle` a line, see what it did."""

    def __init__(
        self,
        workdir: Path,
        out: Callable[[str], None] = print,
        *,
        start: datetime | None = None,
        ticking: bool = True,
    ) -> None:
        self.workdir = workdir
        self.out = out
        self.emulator = BotApiEmulator(bot_username="frontdesk_demo_bot")
        self.clock = MovableClock(start, ticking=ticking)
        self.app: FrontDesk | None = None
        self.screens: dict[str, Screen] = {}
        self.current = "employee"
        self.buttons: Buttons = {}  # what the last screen printed showed
        self.invite_code = ""

    # --- life -----------------------------------------------------------------------

    async def start(self) -> None:
        await self.emulator.start()
        people, group = personas.create_people(self.emulator)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            BOT_TOKEN=self.emulator.token,
            TELEGRAM_API_BASE=self.emulator.base_url,
            DATABASE_PATH=self.workdir / "sandbox.db",
            STAFF_CHAT_ID=personas.STAFF_CHAT_ID,
        )
        self.app = FrontDesk(settings, self.clock)
        await self.app.start()
        async with self.app.db.unit_of_work() as uow:
            self.invite_code = await personas.seed(uow, self.clock, people)
            await uow.commit()
        self.app.start_polling_in_background()
        for name in personas.SCREEN_ORDER:
            if name == "staff-chat":
                screen = Screen(name, group, people["engineer"], chat=group)
            else:
                screen = Screen(name, people[name], people[name])
            screen.mark_seen()
            self.screens[name] = screen

    async def stop(self) -> None:
        if self.app is not None:
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
                self.buttons = screen.render(self.out)
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
        self.buttons = screen.render(self.out)
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
        self.buttons = screen.render(self.out, again_last=True)

    def _move_time(self, amount: str) -> bool:
        """Show the sandbox time, moving it first when asked; True when it moved."""
        moved = False
        if amount:
            match = re.fullmatch(r"\+?(\d+)\s*([mhd])", amount)
            if not match:
                self.out("  (sandbox: say how far, like /time +30m, +3h or +1d)")
                return False
            unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
            self.clock.advance(timedelta(**{unit: int(match.group(1))}))
            moved = True
        now = self.clock.now().astimezone(MOSCOW)
        self.out(f"  (sandbox time: {now:%a %d %b %Y %H:%M} Moscow)")
        return moved

    async def _press(self, screen: Screen, number: int) -> None:
        if number not in self.buttons:
            raise SandboxError(f"no button [{number}] on this screen")
        message, text = self.buttons[number]
        if message is None:
            await screen.actor.press_keyboard_button(text)
            return
        press = await screen.actor.press(text, message=message)
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
            button = self.buttons.get(int(number))
            target = button[0] if button else None
        else:
            text = rest
            target = bot_messages[-1] if bot_messages else None
        if target is None or not text.strip():
            raise SandboxError(
                'say what to reply to: /reply TEXT, /reply N TEXT or /reply "WORDS" TEXT'
            )
        await screen.actor.send(text, chat=screen.chat, reply_to=target)

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until the bot has taken every update, the timers that fell due have fired,
        and the outbox is quiet."""
        assert self.app is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet_since: float | None = None
        while loop.time() < deadline:
            busy = (
                self.emulator.pending_updates > 0
                or self.emulator.long_polls_waiting == 0
                or not await self.app.timers.settled(timeout=0.05)
                or await self.app.delivery.outbox.depth() > 0
            )
            now = loop.time()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= 0.15:
                return
            await asyncio.sleep(0.02)

    # --- output ---------------------------------------------------------------------

    def _notice_others(self) -> None:
        for name, screen in self.screens.items():
            if name == self.current:
                continue
            waiting = screen.unseen()
            if waiting:
                self.out(f"  (🔔 {len(waiting)} new for {name}: /as {name})")


def demo_morning(now: datetime) -> datetime:
    """10:00 Moscow time on the first working day from today: where scripts start, so a
    script plays the same whenever it is run."""
    calendar = WorkCalendar(personas.TIMEZONE, time(9), time(18), frozenset(range(5)), "RU")
    day = now.astimezone(MOSCOW).date()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=MOSCOW)
