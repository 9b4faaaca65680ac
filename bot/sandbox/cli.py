"""`frontdesk sandbox`: the whole front desk in a terminal, with no token and no network.

The built-in Bot API emulator and the real bot run side by side on 127.0.0.1, on a
sandbox database prepared with a demo client company (Gold tier, Moscow calendar), its
personal manager, a first-line engineer, an on-duty engineer for the nights and weekends,
a lead and a staff chat. You type as the client's employee; `/as manager`, `/as engineer`,
`/as duty`, `/as lead`, `/as staff-chat` switch whose screen you see and who you act as;
inline buttons are numbered and pressed with `/1`, `/2`...; `/time +3h` moves the sandbox
clock, and the SLA timers and pages that fall due fire as it moves. `--script FILE` plays
the same input from a file and prints the transcript.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import FrontDesk
from bot.clock import MovableClock
from bot.config import Settings
from bot.sandbox.errors import SandboxError
from bot.sandbox.model import ChatMessage
from bot.sandbox.people import ChatView, Group, Person
from bot.sandbox.server import BotApiEmulator
from domain import SlaTier, StaffRole, WorkCalendar
from domain.enums import EmployeeRole
from domain.use_cases import accounts, after_hours

MOSCOW = ZoneInfo("Europe/Moscow")
STAFF_CHAT_ID = -1001234567890
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


@dataclass
class Screen:
    """One chat as a person sees it, and what was already shown of it."""

    name: str
    view: ChatView
    actor: Person
    chat: Group | None = None  # a group: the actor writes there
    shown: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (text, markup)


class Sandbox:
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
        self.buttons: dict[int, tuple[ChatMessage | None, str]] = {}
        self.invite_code = ""

    # --- life -----------------------------------------------------------------------

    async def start(self) -> None:
        await self.emulator.start()
        e = self.emulator
        anna = e.create_user("Анна", last_name="Петрова", username="anna", language_code="ru")
        anne = e.create_user("Anne", last_name="Smith", username="anne", language_code="en")
        newcomer = e.create_user("Олег", username="oleg", language_code="ru")
        maria = e.create_user("Мария", username="maria_pm", language_code="ru")
        ivan = e.create_user("Иван", username="ivan_l1", language_code="ru")
        oleg = e.create_user("Олег", username="oleg_duty", language_code="ru")
        petr = e.create_user("Пётр", username="petr_lead", language_code="ru")
        group = e.create_group(
            "Поддержка · заявки", members=[maria, ivan, oleg, petr], chat_id=STAFF_CHAT_ID
        )
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            BOT_TOKEN=e.token,
            TELEGRAM_API_BASE=e.base_url,
            DATABASE_PATH=self.workdir / "sandbox.db",
            STAFF_CHAT_ID=STAFF_CHAT_ID,
        )
        self.app = FrontDesk(settings, self.clock)
        await self.app.start()
        await self._seed(anna, anne, maria, ivan, oleg, petr)
        self.app.start_polling_in_background()
        self.screens = {
            "employee": Screen("employee", anna, anna),
            "employee-en": Screen("employee-en", anne, anne),
            "newcomer": Screen("newcomer", newcomer, newcomer),
            "manager": Screen("manager", maria, maria),
            "engineer": Screen("engineer", ivan, ivan),
            "duty": Screen("duty", oleg, oleg),
            "lead": Screen("lead", petr, petr),
            "staff-chat": Screen("staff-chat", group, ivan, chat=group),
        }
        for screen in self.screens.values():
            self._mark_seen(screen)

    async def _seed(
        self, anna: Person, anne: Person, maria: Person, ivan: Person, oleg: Person, petr: Person
    ) -> None:
        assert self.app is not None
        clock = self.clock
        async with self.app.db.unit_of_work() as uow:
            await accounts.add_staff(
                uow, clock, tg_id=maria.id, name="Мария", role=StaffRole.MANAGER
            )
            await accounts.add_staff(
                uow, clock, tg_id=ivan.id, name="Иван", role=StaffRole.FIRST_LINE
            )
            await accounts.add_staff(
                uow, clock, tg_id=oleg.id, name="Олег", role=StaffRole.SECOND_LINE
            )
            await accounts.add_staff(uow, clock, tg_id=petr.id, name="Пётр", role=StaffRole.LEAD)
            # Олег is on duty whenever the office is closed: weeknights and weekends.
            for weekdays, starts, ends in (
                (frozenset(range(5)), time(18), time(9)),
                (frozenset({5, 6}), time(0), time(0)),
            ):
                await after_hours.add_weekly_duty(
                    uow,
                    staff_tg_id=oleg.id,
                    weekdays=weekdays,
                    starts=starts,
                    ends=ends,
                    timezone="Europe/Moscow",
                )
            client = (
                await accounts.register_client(
                    uow,
                    clock,
                    name="ООО «Ромашка»",
                    tier=SlaTier.GOLD,
                    timezone="Europe/Moscow",
                    country="RU",
                    manager_tg_id=maria.id,
                )
            ).value
            assert client.id is not None
            for person, name, locale in ((anna, "Анна Петрова", "ru"), (anne, "Anne Smith", "en")):
                code = (await accounts.create_invite(uow, clock, client_id=client.id)).value.code
                await accounts.register_employee(
                    uow,
                    clock,
                    code=code,
                    tg_id=person.id,
                    name=name,
                    locale=locale,
                    username=person.username,
                )
            self.invite_code = (
                await accounts.create_invite(
                    uow,
                    clock,
                    client_id=client.id,
                    role=EmployeeRole.EMPLOYEE,
                    max_uses=5,
                )
            ).value.code
            await uow.commit()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
        await self.emulator.stop()

    # --- input ----------------------------------------------------------------------

    def intro(self) -> None:
        now = self.clock.now().astimezone(MOSCOW)
        self.out(
            "Front desk sandbox: a demo client «ООО «Ромашка»» (Gold, Moscow calendar), "
            "its manager Мария, engineer Иван, Олег on duty at night, lead Пётр "
            "and the staff chat.\n"
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
        try:
            if command in ("/quit", "/exit"):
                return False
            if command in ("/sandbox", "/?"):
                self.out(HELP)
                return True
            if command == "/as":
                await self._switch(rest.strip())
                return True
            if command == "/time" and not self._move_time(rest.strip()):
                return True
            if command == "/screen":
                screen.shown.clear()
                self._render(screen)
                return True
            if command == "/time":
                pass  # moved: what fell due is shown below, like the bot's answers
            elif re.fullmatch(r"/\d+", command):
                await self._press(int(command[1:]))
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
        self._render(screen)
        self._notice_others()
        return True

    async def _switch(self, name: str) -> None:
        if name not in self.screens:
            self.out(f"  (sandbox: no screen {name!r}; one of: {', '.join(self.screens)})")
            return
        self.current = name
        screen = self.screens[name]
        self.out(f"── {name} ──")
        if not screen.view.transcript:
            self.out("  (nothing here yet)")
        self._render(screen, again_last=True)

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

    async def _press(self, number: int) -> None:
        if number not in self.buttons:
            raise SandboxError(f"no button [{number}] on this screen")
        screen = self.screens[self.current]
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

    def _mark_seen(self, screen: Screen) -> None:
        for message in screen.view.transcript:
            screen.shown[message.message_id] = _fingerprint(message)

    def _render(self, screen: Screen, *, again_last: bool = False) -> None:
        self.buttons = {}
        fresh: list[ChatMessage] = []
        for message in screen.view.transcript:
            if screen.shown.get(message.message_id) != _fingerprint(message):
                fresh.append(message)
        if again_last and not fresh:
            with_buttons = [
                m for m in screen.view.transcript if m.inline_keyboard and not m.deleted
            ]
            fresh = with_buttons[-1:]
        for message in fresh:
            edited = message.message_id in screen.shown
            screen.shown[message.message_id] = _fingerprint(message)
            if message.from_bot or message.sender_id != screen.actor.id or edited:
                self._print_message(screen, message, edited)
        keyboard = screen.view.reply_keyboard
        if keyboard and screen.chat is None:
            numbered = []
            for row in keyboard:
                for text in row:
                    number = len(self.buttons) + 1
                    self.buttons[number] = (None, text)
                    numbered.append(f"[{number}] {text}")
            self.out("  ⌨ " + "  ".join(numbered))

    def _print_message(self, screen: Screen, message: ChatMessage, edited: bool) -> None:
        if message.deleted:
            self.out("  🗑 (a message was deleted)")
            return
        who = (
            "🤖" if message.from_bot else f"👤 {message.data.get('from', {}).get('first_name', '')}"
        )
        body = message.text or message.caption or f"[{message.kind}]"
        if message.kind not in ("text", "service") and message.caption is None:
            body = f"[{message.kind}]"
        elif message.kind not in ("text", "service"):
            body = f"[{message.kind}] {body}"
        thread = f" (topic {message.thread_id})" if message.thread_id else ""
        mark = " ✎" if edited else ""
        lines = body.splitlines() or [""]
        self.out(f"{who}{mark}{thread} {lines[0]}")
        for line in lines[1:]:
            self.out(f"   {line}")
        for row in message.inline_keyboard:
            cells = []
            for button in row:
                number = len(self.buttons) + 1
                self.buttons[number] = (message, button["text"])
                cells.append(f"[{number}] {button['text']}")
            self.out("   " + "  ".join(cells))

    def _notice_others(self) -> None:
        for name, screen in self.screens.items():
            if name == self.current:
                continue
            waiting = [
                m
                for m in screen.view.transcript
                if screen.shown.get(m.message_id) != _fingerprint(m)
                and (m.from_bot or m.sender_id != screen.actor.id)
            ]
            if waiting:
                self.out(f"  (🔔 {len(waiting)} new for {name}: /as {name})")


def _fingerprint(message: ChatMessage) -> tuple[str, str]:
    return (
        f"{message.deleted}:{message.text or message.caption or ''}",
        repr(message.reply_markup),
    )


async def _interactive(sandbox: Sandbox) -> None:
    sandbox.intro()
    loop = asyncio.get_running_loop()
    while True:
        prompt = f"{sandbox.current}> "
        try:
            line = await loop.run_in_executor(None, input, prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not await sandbox.handle(line):
            return


async def _scripted(sandbox: Sandbox, script: list[str]) -> int:
    sandbox.intro()
    for raw in script:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sandbox.out(f"{sandbox.current}> {line}")
        if not await sandbox.handle(line):
            break
    return 0


def demo_morning(now: datetime) -> datetime:
    """10:00 Moscow time on the first working day from today: where scripts start, so a
    script plays the same whenever it is run."""
    calendar = WorkCalendar("Europe/Moscow", time(9), time(18), frozenset(range(5)), "RU")
    day = now.astimezone(MOSCOW).date()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=MOSCOW)


def run_sandbox(script: str | None = None, at: datetime | None = None) -> int:
    """The `frontdesk sandbox` command; the exit code. Interactively the sandbox clock
    runs from now (or `at`); a script runs on a clock that moves only with /time."""
    lines: list[str] | None = None
    if script is not None:
        try:
            lines = Path(script).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"frontdesk sandbox: cannot read the script {script}: {exc}", file=sys.stderr)
            return 2

    async def main() -> int:
        with tempfile.TemporaryDirectory(prefix="frontdesk-sandbox-") as workdir:
            if lines is None:
                sandbox = Sandbox(Path(workdir), start=at)
            else:
                start = at or demo_morning(datetime.now(MOSCOW))
                sandbox = Sandbox(Path(workdir), start=start, ticking=False)
            await sandbox.start()
            try:
                if lines is not None:
                    return await _scripted(sandbox, lines)
                await _interactive(sandbox)
                return 0
            finally:
                await sandbox.stop()

    return asyncio.run(main())
