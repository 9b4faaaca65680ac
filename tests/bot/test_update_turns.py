"""On PostgreSQL an update's unit of work waits for another replica's transaction on the
same chat (bot/telegram/middlewares.py, storage/postgres.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Chat, Message, Update, User

from bot.clock import SystemClock
from bot.telegram.middlewares import UnitOfWorkMiddleware
from storage import Database

ANNA = 1001


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(id=chat_id, type="private")
    user = User(id=chat_id, is_bot=False, first_name="Анна")
    message = Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=user, text="x")
    return Update(update_id=update_id, message=message)


async def handle(db: Database, event: Update) -> None:
    """The update through the unit of work, as the dispatcher runs it: one statement."""

    async def handler(_event: Any, data: dict[str, Any]) -> None:
        await data["uow"].session.fetchone("SELECT 1")

    assert event.message is not None and event.message.from_user is not None
    data = {"event_chat": event.message.chat, "event_from_user": event.message.from_user}
    await UnitOfWorkMiddleware(db)(handler, event, data)


@pytest.mark.parametrize(("other_chat", "waits"), [(ANNA, True), (ANNA + 1, False)])
async def test_an_update_waits_for_another_replicas_transaction_on_its_chat_only(
    tmp_path: Path, other_chat: int, waits: bool
) -> None:
    path = tmp_path / "frontdesk.db"
    here = await Database.open(path, clock=SystemClock())
    there = await Database.open(path, clock=SystemClock())  # another replica
    try:
        if here.engine != "postgresql":
            pytest.skip("replicas share a PostgreSQL database")
        async with there.unit_of_work(serial_key=other_chat) as busy:
            await busy.processed_updates.seen_before(1)  # its transaction is open
            handled = asyncio.create_task(handle(here, update(2, ANNA)))
            await asyncio.sleep(0.3)
            assert handled.done() is not waits
            await busy.commit()
        await asyncio.wait_for(handled, 5)
    finally:
        await here.close()
        await there.close()
