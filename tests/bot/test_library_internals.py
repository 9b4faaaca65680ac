"""What the bot relies on in aiogram's and aiosqlite's private parts, checked against the
installed versions: an upgrade that changes one of them fails here, by name, instead of
somewhere in the bot's behaviour.

- storage/session.py runs its batches of statements with aiosqlite's
  `Connection._execute` on `Connection._conn`;
- bot/telegram/tuning.py finds a router's own filters on aiogram's `observer._handler`;
- bot/app.py's `release_routers` clears aiogram's `Router._parent_router`.
"""

from __future__ import annotations

import inspect
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest
from aiogram import Dispatcher, Router
from aiogram.types import Chat, Message

from bot.app import release_routers
from bot.telegram.tuning import run_sync_filters_inline

# --- aiosqlite ----------------------------------------------------------------------------


async def test_aiosqlite_runs_a_function_on_the_thread_of_its_connection(tmp_path: Path):
    async with aiosqlite.connect(tmp_path / "x.db", isolation_level=None) as conn:
        assert isinstance(conn._conn, sqlite3.Connection)
        assert inspect.iscoroutinefunction(conn._execute)
        # A public call tells which thread runs the statements.
        await conn.create_function("thread", 0, threading.get_ident)
        [(statements_thread,)] = await conn.execute_fetchall("SELECT thread()")

        def work(raw: sqlite3.Connection, a: int, b: int) -> tuple[int, int, list[tuple]]:
            # sqlite3 refuses a connection off the thread that opened it.
            return threading.get_ident(), a + b, raw.execute("SELECT 1").fetchall()

        thread, total, rows = await conn._execute(work, conn._conn, 2, b=3)
        assert (total, rows) == (5, [(1,)])
        assert thread == statements_thread != threading.get_ident()


async def test_aiosqlite_conn_is_the_connection_its_public_calls_use(tmp_path: Path):
    async with aiosqlite.connect(tmp_path / "x.db", isolation_level=None) as conn:
        await conn.execute("CREATE TABLE t (n INTEGER)")

        def begin_and_insert(raw: sqlite3.Connection) -> None:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO t VALUES (1)")

        await conn._execute(begin_and_insert, conn._conn)
        assert conn.in_transaction
        assert [tuple(r) for r in await conn.execute_fetchall("SELECT n FROM t")] == [(1,)]
        await conn.execute_fetchall("ROLLBACK")  # how Session.rollback ends a batch's work
        assert not conn.in_transaction
        assert list(await conn.execute_fetchall("SELECT n FROM t")) == []


async def test_aiosqlite_hands_a_functions_error_to_whoever_awaits_it(tmp_path: Path):
    async with aiosqlite.connect(tmp_path / "x.db", isolation_level=None) as conn:

        def fail() -> None:
            raise KeyError("lost")

        with pytest.raises(KeyError, match="lost"):
            await conn._execute(fail)
        assert [tuple(r) for r in await conn.execute_fetchall("SELECT 2")] == [(2,)]


# --- aiogram: a router's own filters --------------------------------------------------------


def _message(chat_type: str) -> Message:
    return Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=1, type=chat_type), text="hi")


async def test_aiogram_keeps_a_routers_own_filters_on_the_observers_handler():
    router = Router()
    ran_on: list[int] = []

    def private_only(message: Message) -> bool:
        ran_on.append(threading.get_ident())
        return message.chat.type == "private"

    router.message.filter(private_only)
    [kept] = router.message._handler.filters or []
    assert kept.callback is private_only
    assert not kept.awaitable
    # aiogram runs a synchronous filter in a worker thread: the cost the tuning saves.
    assert (await router.message.check_root_filters(_message("private")))[0] is True
    assert ran_on[-1] != threading.get_ident()

    assert run_sync_filters_inline(router) == 1
    assert kept.awaitable
    assert (await router.message.check_root_filters(_message("private")))[0] is True
    assert (await router.message.check_root_filters(_message("group")))[0] is False
    assert ran_on[-2:] == [threading.get_ident()] * 2


# --- aiogram: a router's parent ---------------------------------------------------------------


def test_aiogram_router_takes_one_parent_and_lets_it_go_only_through_the_private_field():
    router = Router(name="probe")
    first = Dispatcher()
    first.include_router(router)
    assert router._parent_router is first
    assert router.parent_router is first
    with pytest.raises(RuntimeError, match="already attached"):
        Dispatcher().include_router(router)

    release_routers(first)
    assert router.parent_router is None
    assert first.sub_routers == []
    second = Dispatcher()
    second.include_router(router)
    assert router.parent_router is second
    assert second.sub_routers == [router]
