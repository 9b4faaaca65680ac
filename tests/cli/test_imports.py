"""The command line starts fast: administration, reports' argument parsing and backups
never import aiogram (seconds of pydantic models), aiohttp, APScheduler, openpyxl or
matplotlib. Checked on `sys.modules` in a fresh interpreter, not with a stopwatch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("aiogram", "aiohttp", "apscheduler", "matplotlib", "openpyxl", "prometheus_client")

COMMANDS = [
    ["admin", "client", "list"],
    ["admin", "staff", "list"],
    ["admin", "duty", "list"],
    ["admin", "invite", "list", "--client", "1"],
    ["admin", "client", "sla", "--client", "1"],
    ["admin", "client", "edit", "--client", "1", "--name", "X"],
    ["backup", "--help"],
    ["report", "--help"],
]

# One interpreter runs the commands one after another and says, after each, which heavy
# packages have been imported so far.
PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from bot.cli.main import main
    seen = []
    for argv in json.loads(sys.argv[1]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                main(argv)
            except SystemExit:
                pass
        heavy = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
        seen.append({"argv": argv, "heavy": heavy, "out": out.getvalue()})
    print(json.dumps(seen))
    """
)


def test_command_line_administration_does_not_import_the_bot(tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BOT_", "DATABASE_", "TELEGRAM_"))
    }
    env.update(
        BOT_TOKEN="123456:TEST",
        DATABASE_PATH=str(tmp_path / "x.db"),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", json.dumps(COMMANDS)],
        cwd=tmp_path,  # no .env of the developer's
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for result in json.loads(done.stdout.splitlines()[-1]):
        assert result["heavy"] == [], result
