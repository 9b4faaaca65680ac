"""aiogram FSM storage in the front desk's SQLite file, so conversations survive restarts.

One row per StorageKey: the state, the data as a JSON object, and when either last
changed (`stale` finds abandoned conversations, e.g. intakes never sent). Each call is a
short transaction committed at once; called while handling an update, it joins the
update's unit of work instead (see `Database.transaction`), so the conversation moves
on only if the handler's changes are committed. The state and the data are read
together, once per transaction: aiogram asks for the state, then handlers for the data,
often several times in one update.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from storage.codec import parse_utc, utc_text
from storage.database import Database
from storage.session import Session


@dataclass(frozen=True, slots=True)
class FsmRecord:
    key: StorageKey
    state: str | None
    data: dict[str, Any]
    updated_at: datetime


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class SqliteStorage(BaseStorage):
    def __init__(
        self,
        db: Database,
        *,
        key_builder: KeyBuilder | None = None,
        json_dumps: Callable[..., str] = json.dumps,
        json_loads: Callable[..., Any] = json.loads,
    ) -> None:
        self._db = db
        # Everything in the key, so that no two StorageKeys can share a row.
        self._keys = key_builder or DefaultKeyBuilder(
            with_bot_id=True, with_business_connection_id=True, with_destiny=True
        )
        self._dumps = json_dumps
        self._loads = json_loads

    def _params(self, key: StorageKey, session: Session) -> dict[str, Any]:
        return {
            "key": self._keys.build(key),
            "bot_id": key.bot_id,
            "chat_id": key.chat_id,
            "user_id": key.user_id,
            "thread_id": key.thread_id,
            "business_connection_id": key.business_connection_id,
            "destiny": key.destiny,
            "updated_at": utc_text(session.now()),
        }

    async def _row(self, session: Session, key: StorageKey) -> tuple[str | None, str]:
        """The key's state and data (as JSON), read once per transaction."""
        built = self._keys.build(key)
        cached = session.cache.get((self, built))
        if cached is None:
            row = await session.fetchone("SELECT state, data FROM fsm WHERE key = ?", (built,))
            cached = (row["state"], row["data"]) if row else (None, "{}")
            session.cache[(self, built)] = cached
        return cached

    async def _upsert(self, session: Session, key: StorageKey, column: str, value: Any) -> None:
        params = self._params(key, session) | {"value": value}
        # Keep a read row up to date, or forget it if the other column was not read.
        cached = session.cache.pop((self, params["key"]), None)
        await session.execute(
            "INSERT INTO fsm (key, bot_id, chat_id, user_id, thread_id, "
            f"business_connection_id, destiny, {column}, updated_at) "
            "VALUES (:key, :bot_id, :chat_id, :user_id, :thread_id, :business_connection_id, "
            ":destiny, :value, :updated_at) "
            f"ON CONFLICT (key) DO UPDATE SET {column} = excluded.{column}, "
            "updated_at = excluded.updated_at",
            params,
        )
        # A key with neither state nor data is the same as no row: keep the table small.
        # Only clearing a column can leave a row so (most writes set one: no DELETE then).
        if value is None or value == "{}":
            await session.execute(
                "DELETE FROM fsm WHERE key = ? AND state IS NULL AND data = '{}'",
                (params["key"],),
            )
        if cached is not None:
            state, data = cached
            if column == "state":
                state = value
            else:
                data = value
            session.cache[(self, params["key"])] = (state, data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        async with self._db.transaction() as session:
            await self._upsert(session, key, "state", _state_name(state))

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._db.transaction() as session:
            state, _data = await self._row(session, key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._db.transaction() as session:
            await self._upsert(session, key, "data", self._encode(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._db.transaction() as session:
            return await self._get_data(session, key)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Merge into the data in one transaction (no lost update between read and write)."""
        async with self._db.transaction() as session:
            current = await self._get_data(session, key)
            current.update(data)
            await self._upsert(session, key, "data", self._encode(current))
        return current.copy()

    async def close(self) -> None:
        """Nothing to do: the database is shared and closed by its owner."""

    async def stale(self, older_than: datetime) -> list[FsmRecord]:
        """Conversations untouched since before `older_than`, the longest idle first."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "SELECT * FROM fsm WHERE updated_at < ? ORDER BY updated_at, key",
                (utc_text(older_than),),
            )
        return [
            FsmRecord(
                key=StorageKey(
                    bot_id=row["bot_id"],
                    chat_id=row["chat_id"],
                    user_id=row["user_id"],
                    thread_id=row["thread_id"],
                    business_connection_id=row["business_connection_id"],
                    destiny=row["destiny"],
                ),
                state=row["state"],
                data=self._decode(row["data"]),
                updated_at=parse_utc(row["updated_at"]),
            )
            for row in rows
        ]

    async def delete(self, key: StorageKey) -> None:
        """Forget the key's state and data at once."""
        async with self._db.transaction() as session:
            await session.execute("DELETE FROM fsm WHERE key = ?", (self._keys.build(key),))
            session.cache.pop((self, self._keys.build(key)), None)

    async def _get_data(self, session: Session, key: StorageKey) -> dict[str, Any]:
        _state, data = await self._row(session, key)
        return self._decode(data)

    def _encode(self, data: Mapping[str, Any]) -> str:
        if not isinstance(data, Mapping):
            raise TypeError(f"FSM data must be a mapping, not {type(data).__name__}")
        return self._dumps(dict(data))

    def _decode(self, text: str) -> dict[str, Any]:
        data = self._loads(text)
        return dict(data) if data else {}
