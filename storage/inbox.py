"""The inbox of long polling: updates are durable here before Telegram is told they were
received, and leave once their handling is over (see bot/telegram/polling.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.codec import utc_text
from storage.database import Database
from storage.session import Session, Statement


@dataclass(frozen=True, slots=True)
class InboxRow:
    update_id: int
    payload: str  # JSON


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, rows: Sequence[InboxRow], settled: Iterable[int] = ()) -> list[int]:
        """Write the fetched updates (and settle the finished ones) in one transaction; the
        ids that were not in the inbox already, in order."""
        settled = list(settled)
        async with self.db.transaction() as session:
            kept = session.later(
                "INSERT INTO inbox (update_id, payload, received_at) "
                "SELECT CAST(value ->> 0 AS BIGINT), value ->> 1, ? FROM json_each(?) WHERE true "
                "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                (
                    utc_text(session.now()),
                    json.dumps([[row.update_id, row.payload] for row in rows]),
                ),
            )
            if settled:
                self._settle(session, settled)
            found = await kept
        return sorted(row[0] for row in found)

    async def settle(self, update_ids: Iterable[int]) -> None:
        """The updates' handling is over: out of the inbox, and marked as processed (the ones
        whose handling committed are already; the others, failed or refused, are not
        handled again)."""
        update_ids = list(update_ids)
        if not update_ids:
            return
        async with self.db.transaction() as session:
            await self._settle(session, update_ids)

    @staticmethod
    def _settle(session: Session, update_ids: list[int]) -> Statement:
        ids = json.dumps(update_ids)
        session.later(
            "INSERT INTO processed_updates (update_id, processed_at) "
            "SELECT CAST(value AS BIGINT), ? FROM json_each(?) WHERE true "
            "ON CONFLICT (update_id) DO NOTHING",
            (utc_text(session.now()), ids),
        )
        return session.later(
            "DELETE FROM inbox WHERE update_id IN (SELECT value FROM json_each(?))", (ids,)
        )

    async def waiting(self) -> list[InboxRow]:
        """The updates not handled yet, oldest first."""
        async with self.db.transaction() as session:
            rows = await session.fetchall("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [InboxRow(row[0], row[1]) for row in rows]
