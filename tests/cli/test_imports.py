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

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("aiogram", "aiohttp", "apscheduler", "matplotlib", "openpyxl", "prometheus_client")

PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from bot.cli.main import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
        else:
            code = 0
    heavy = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
    print(json.dumps({"code": code, "heavy": heavy, "out": out.getvalue()}))
    """
)


def imported_by(tmp_path: Path, *argv: str) -> dict[str, object]:
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
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *argv],
        cwd=tmp_path,  # no .env of the developer's
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [
        ("admin", "client", "list"),
        ("admin", "staff", "list"),
        ("admin", "duty", "list"),
        ("admin", "invite", "list", "--client", "1"),
        ("backup", "--help"),
        ("report", "--help"),
    ],
    ids=" ".join,
)
def test_command_line_administration_does_not_import_the_bot(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    result = imported_by(tmp_path, *argv)
    assert result["heavy"] == [], result
