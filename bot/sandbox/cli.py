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
import os
import sys
import tempfile
import threading
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


class ReaderGone(Exception):
    """Whoever reads the output has stopped reading (`frontdesk sandbox ... | head`)."""


class Output:
    """Lines to a stream, each flushed at once (a pipe would hold them back otherwise);
    a closed pipe is ReaderGone rather than a BrokenPipeError traceback."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, text: str) -> None:
        self.prompt(text + "\n")

    def prompt(self, text: str) -> None:
        """`text` as it is, no line end (the prompt before what is typed)."""
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            raise ReaderGone from None


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
    try:
        out(BANNER)
        if lines is None:
            out("Starting the bot and the Bot API emulator on 127.0.0.1…")
        return asyncio.run(_main(out, lines, at))
    except ReaderGone:
        _silence_stdout()  # the interpreter's last flush must not complain either
        return 0
    except KeyboardInterrupt:  # Ctrl-C: the shell's prompt on a line of its own
        with contextlib.suppress(OSError, ValueError):
            print(flush=True)
        return 130


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
            await _interactive(sandbox, out)
            return 0
        finally:
            await sandbox.stop()


async def _interactive(sandbox: Sandbox, out: Output) -> None:
    sandbox.intro()
    reader = LineReader()
    while True:
        out.prompt(f"{sandbox.current}> ")
        try:
            line = await reader.readline()
        except EOFError:
            out("")
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


class LineReader:
    """Lines typed, read by a daemon thread with os.read.

    Not input() in a thread: that thread would hold stdin's lock, and Python aborts at
    exit when it finds it held ("could not acquire lock for <stdin>"), so Ctrl-C would end
    in a crash (or, with an executor thread, wait for one more Enter). os.read holds no
    lock: Ctrl-C and a closed pipe end the sandbox at once."""

    def __init__(self, fd: int = 0) -> None:
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._fd = fd
        threading.Thread(target=self._read, name="sandbox-input", daemon=True).start()

    async def readline(self) -> str:
        """The next line, without its end; EOFError when there are no more."""
        line = await self._lines.get()
        if line is None:
            self._lines.put_nowait(None)  # and every time after
            raise EOFError
        return line

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                if pending:
                    self._put(pending)
                self._put(None)
                return
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self._put(line)

    def _put(self, line: bytes | None) -> None:
        text = None if line is None else line.decode("utf-8", errors="replace").rstrip("\r")
        with contextlib.suppress(RuntimeError):  # the sandbox has ended meanwhile
            self._loop.call_soon_threadsafe(self._lines.put_nowait, text)


def _to_stderr(text: str) -> None:
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a closed pipe goes nowhere
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
