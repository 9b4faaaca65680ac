"""Forgetting what can no longer matter, so that the database does not grow with time:
outbox rows delivered (or given up) long ago, and the marks of updates Telegram can no
longer send again.

Each batch is a transaction of its own, short enough not to keep an update waiting for the
write lock: between batches the updates and workers waiting for the database go first
(the lock is taken in turn).
"""

from __future__ import annotations

from datetime import datetime

from storage.codec import utc_text
from storage.database import Database

BATCH = 500


async def _in_batches(db: Database, sql: str, params: tuple[object, ...], batch: int) -> int:
    """Run a DELETE of at most `batch` rows (its last parameter) again until one deletes
    fewer; how many rows went."""
    total = 0
    while True:
        async with db.transaction() as session:
            deleted = await session.changed_rows(sql, (*params, batch))
        total += deleted
        if deleted < batch:
            return total


async def prune_outbox(db: Database, before: datetime, *, batch: int = BATCH) -> int:
    """Delete the outbox rows written before `before` that are delivered or given up
    (pending rows stay whatever their age); how many."""
    return await _in_batches(
        db,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_done_by_time "
        "WHERE status <> 'pending' AND created_at < ? ORDER BY created_at LIMIT ?)",
        (utc_text(before),),
        batch,
    )


async def prune_processed_updates(db: Database, before: datetime, *, batch: int = BATCH) -> int:
    """Forget updates processed before `before`, except those still in the inbox (a restart
    after a long stop replays them, and their mark must drop them); how many."""
    return await _in_batches(
        db,
        "DELETE FROM processed_updates WHERE update_id IN (SELECT update_id FROM "
        "processed_updates INDEXED BY processed_updates_by_time WHERE processed_at < ? "
        "AND update_id NOT IN (SELECT update_id FROM inbox) ORDER BY processed_at LIMIT ?)",
        (utc_text(before),),
        batch,
    )
