"""A throwaway PostgreSQL server for the tests: started by the run, never assumed.

    python tests/pg_server.py start FOLDER   # prints the DSN: postgresql://...
    python tests/pg_server.py stop FOLDER

`start` finds Debian's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``; install it with
``apt-get install -y postgresql`` where it is missing), runs ``initdb`` into FOLDER (text
sorted by code point, as the front desk expects: ``--locale=C``), and starts the server
on a free local port, its unix socket in FOLDER too, tuned for tests (no fsync). When run
as root, the server runs as the ``postgres`` user (PostgreSQL refuses root), or as a
user created for it. `.ci/run` exports the DSN as TEST_POSTGRES_DSN.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "frontdesk"


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    preferred = [f for f in found if "/15/" in f] or found
    if not preferred:
        on_path = shutil.which("initdb")
        if on_path is None:
            raise SystemExit(
                "PostgreSQL is not installed: apt-get install -y postgresql (Debian's 15)"
            )
        return Path(on_path).parent
    return Path(preferred[0]).parent


def _runner() -> list[str]:
    """How to run a command as somebody PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    runner = _runner()
    if runner:
        shutil.chown(folder, "postgres")
    bin_dir = binaries()
    subprocess.run(
        [
            *runner,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "--locale=C",
            "--encoding=UTF8",
            "--no-sync",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [
            *runner,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    subprocess.run(
        [*_runner(), str(binaries() / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "stop"],
        check=False,
        stdout=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        raise SystemExit("usage: pg_server.py start|stop FOLDER")
    if sys.argv[1] == "start":
        print(start(Path(sys.argv[2])))
    else:
        stop(Path(sys.argv[2]))
