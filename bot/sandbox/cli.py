"""`frontdesk sandbox`: the whole front desk in a terminal, with no token and no network.

The built-in Bot API emulator and the real bot run side by side on 127.0.0.1, on a
sandbox database prepared with a demo client company (Gold tier, Moscow calendar) and its
director, its personal manager, a first-line engineer, an on-duty engineer for the nights
and weekends, a lead and a staff chat (`bot/sandbox/terminal/personas.py`). You type as
the client's employee; `/as director`, `/as manager`, `/as engineer`, `/as duty`,
`/as lead`, `/as staff-chat` switch whose screen you see and who you act as; buttons are
numbered and pressed with `/1`, `/2`...; `/time +3h` (or `/time 22:00`, `/time sat 09:00`)
moves the sandbox clock, and the SLA timers and pages that fall due fire as it moves.
`--script FILE` plays the same input from a file, prints the transcript, and ends with
what the people not on screen received. `--at "YYYY-MM-DD HH:MM"` starts the clock there.

The banner is printed before anything heavy is imported or started: the bot takes a few
seconds to come up, and a blank terminal meanwhile looks like a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bot.sandbox.terminal.session import Sandbox

BANNER = (
    "Front desk sandbox: a demo client «ООО «Ромашка»» (Gold, Moscow calendar) with its "
    "director Елена, its manager Мария, engineer Иван, Олег on duty at night, lead Пётр "
    "and the staff chat."
)
# A script waits this long for the bot to go quiet after a line: longer than Telegram's
# minute in a group, so the staff chat's limit delays a script but never cuts it short.
SCRIPT_PATIENCE = 75.0


class Output:
    """Lines to a stream, each flushed at once (a pipe would hold them back otherwise)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


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
    out = Output(sys.stdout)
    out(BANNER)
    if lines is None:
        out("Starting the bot and the Bot API emulator on 127.0.0.1…")
    return asyncio.run(_main(out, lines, at))


async def _main(out: Output, lines: list[str] | None, at: datetime | None) -> int:
    from bot.sandbox.terminal.session import MOSCOW, Sandbox, demo_morning

    with tempfile.TemporaryDirectory(prefix="frontdesk-sandbox-") as workdir:
        if lines is None:
            sandbox = Sandbox(Path(workdir), out, start=at)
        else:
            start = at or demo_morning(datetime.now(MOSCOW))
            sandbox = Sandbox(
                Path(workdir),
                out,
                start=start,
                ticking=False,
                patience=SCRIPT_PATIENCE,
                progress=_to_stderr,  # the transcript stays the same, however fast the machine
            )
        try:
            await sandbox.start()
            if lines is not None:
                return await _scripted(sandbox, lines)
            await _interactive(sandbox)
            return 0
        finally:
            await sandbox.stop()


async def _interactive(sandbox: Sandbox) -> None:
    sandbox.intro()
    loop = asyncio.get_running_loop()
    while True:
        prompt = f"{sandbox.current}> "
        try:
            line = await loop.run_in_executor(None, input, prompt)
        except (EOFError, KeyboardInterrupt):
            sandbox.out("")
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
    sandbox.summary()
    return 0


def _to_stderr(text: str) -> None:
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr, flush=True)
