"""aiogram FSM storage in the front desk's SQLite file, so conversations survive restarts.

One row per StorageKey: the state, the data as a JSON object, and when either last
changed (`stale` finds abandoned conversations, e.g. intakes never sent). Each call is a
short transaction committed at once; called while handling an update, it joins the
update's unit of work instead (see `Database.transaction`), so the conversation moves
on only if the handler's changes are committed. The state and the data are read
together, once per transaction (aiogram asks for the state, then handlers for the data,
often several times in one update), and written together, once, in the same trip to the
database as the COMMIT (a handler sets the state and updates the data several times).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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


@dataclass(slots=True)
class _Entry:
    """One key's row as a transaction sees it; `dirty`: the columns written since."""

    key: StorageKey
    built: str
    state: str | None = None
    data: str = "{}"
    loaded: bool = False
    dirty: set[str] = field(default_factory=set)


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

    def _entry(self, session: Session, key: StorageKey) -> _Entry:
        """This transaction's view of the key's row."""
        built = self._keys.build(key)
        entry = session.cache.get((self, built))
        if entry is None:
            entry = session.cache[(self, built)] = _Entry(key, built)
        return entry

    async def _read(self, session: Session, key: StorageKey) -> _Entry:
        """The key's state and data as this transaction sees them: read once, with the
        writes not yet flushed on top."""
        entry = self._entry(session, key)
        if not entry.loaded:
            row = await session.fetchone(
                "SELECT state, data FROM fsm WHERE key = ?", (entry.built,)
            )
            if row is not None:
                if "state" not in entry.dirty:
                    entry.state = row["state"]
                if "data" not in entry.dirty:
                    entry.data = row["data"]
            entry.loaded = True
        return entry

    def _write(self, session: Session, key: StorageKey, column: str, value: Any) -> None:
        """Change the key's state or data; the row is written once, before the commit."""
        entry = self._entry(session, key)
        setattr(entry, column, value)
        entry.dirty.add(column)
        session.before_commit((self, entry.built), lambda: self._flush(session, entry))

    def _flush(self, session: Session, entry: _Entry) -> None:
        """Queue the row's write; it goes to the database with the COMMIT."""
        columns = sorted(entry.dirty)
        entry.dirty.clear()
        if not columns:
            return
        known = entry.loaded or len(columns) == 2
        # A key with neither state nor data is the same as no row: keep the table small.
        if known and entry.state is None and entry.data == "{}":
            session.later("DELETE FROM fsm WHERE key = ?", (entry.built,))
            return
        key = entry.key
        session.later(
            "INSERT INTO fsm (key, bot_id, chat_id, user_id, thread_id, "
            "business_connection_id, destiny, state, data, updated_at) "
            "VALUES (:key, :bot_id, :chat_id, :user_id, :thread_id, :business_connection_id, "
            ":destiny, :state, :data, :updated_at) ON CONFLICT (key) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in columns)
            + ", updated_at = excluded.updated_at",
            {
                "key": entry.built,
                "bot_id": key.bot_id,
                "chat_id": key.chat_id,
                "user_id": key.user_id,
                "thread_id": key.thread_id,
                "business_connection_id": key.business_connection_id,
                "destiny": key.destiny,
                "state": entry.state,
                "data": entry.data,
                "updated_at": utc_text(session.now()),
            },
        )
        if not known and (entry.state is None if columns == ["state"] else entry.data == "{}"):
            # One column cleared without knowing the other: clean up if both are empty.
            session.later(
                "DELETE FROM fsm WHERE key = ? AND state IS NULL AND data = '{}'", (entry.built,)
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        async with self._db.transaction() as session:
            self._write(session, key, "state", _state_name(state))

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._db.transaction() as session:
            return (await self._read(session, key)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._db.transaction() as session:
            self._write(session, key, "data", self._encode(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._db.transaction() as session:
            return self._decode((await self._read(session, key)).data)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Merge into the data in one transaction (no lost update between read and write)."""
        async with self._db.transaction() as session:
            current = self._decode((await self._read(session, key)).data)
            current.update(data)
            self._write(session, key, "data", self._encode(current))
        return current

    async def close(self) -> None:
        """Nothing to do: the database is shared and closed by its owner."""

    async def stale(self, older_than: datetime, *, state_group: str = "") -> list[FsmRecord]:
        """Conversations untouched since before `older_than`, the longest idle first; with
        `state_group` ("Intake"), only those in one of its states."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "SELECT * FROM fsm WHERE updated_at < ? AND coalesce(state, '') LIKE ? "
                "ORDER BY updated_at, key",
                (utc_text(older_than), f"{state_group}:%" if state_group else "%"),
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
            self._write(session, key, "state", None)
            self._write(session, key, "data", "{}")  # both known now: the row is deleted

    def _encode(self, data: Mapping[str, Any]) -> str:
        if not isinstance(data, Mapping):
            raise TypeError(f"FSM data must be a mapping, not {type(data).__name__}")
        return self._dumps(dict(data))

    def _decode(self, text: str) -> dict[str, Any]:
        data = self._loads(text)
        return dict(data) if data else {}
