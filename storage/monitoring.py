"""The cheap reads behind /healthz and /metrics: one short read-only transaction each
scrape, whose cost does not grow with the database (the outbox's pending rows through an
index that holds only them, the open tickets from the counts kept in `open_tickets`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.codec import parse_utc_or_none
from storage.database import Database


@dataclass(frozen=True, slots=True)
class DeskGauges:
    outbox_depth: int
    oldest_pending_at: datetime | None  # when the oldest undelivered message was written
    open_by_priority: dict[str, int] = field(default_factory=dict)
    deflections: int = 0  # problems solved by a knowledge-base article, without a ticket


class MonitoringQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ping(self) -> None:
        """A trivial statement: raises when the database cannot be read."""
        async with self._db.transaction(read_only=True) as session:
            await session.fetchone("SELECT 1")

    async def gauges(self) -> DeskGauges:
        async with self._db.transaction(read_only=True) as session:
            pending = session.later(
                "SELECT count(*), min(created_at) FROM outbox INDEXED BY outbox_pending_due "
                "WHERE status = 'pending'"
            )
            rows = await session.fetchall("SELECT priority, count FROM open_tickets")
            outbox = (await pending)[0]
            helped = await session.fetchone("SELECT count(*) FROM kb_outcomes WHERE helped = 1")
        return DeskGauges(
            outbox_depth=int(outbox[0]) if outbox else 0,
            oldest_pending_at=parse_utc_or_none(outbox[1]) if outbox else None,
            open_by_priority={str(row[0]): int(row[1]) for row in rows},
            deflections=int(helped[0]) if helped else 0,
        )
