"""The delivery side of the outbox, for the worker that sends what use cases wrote.

Each call is its own short transaction, taken in turn with units of work through the
database lock. A chat's messages go out in the order they were written, with one
exception: urgent rows (SLA warnings and breaches, pages) go ahead of the chat's ordinary
ones, in their own order. `claim_due` offers only the head of each chat (its oldest
pending urgent row, else its oldest pending row), and only when that row is due, so a
message waiting for a retry holds back the later ones of its chat (and no other chat);
across chats the urgent heads are offered first. An urgent row is a self-contained text
with its own buttons that refers to no earlier message, so read before an ordinary
notice still queued it makes sense on its own (a breach of №7 before "new ticket №7"
tells the manager all they need).

Claiming a row counts an attempt and leases it: its next_attempt_at moves `lease` into
the future, so if the process dies while sending, the row is offered again after the
lease instead of being lost (Telegram may then get it twice; at least once, in order).
After sending, the worker calls `mark_sent`, `reschedule` (try again later) or
`mark_failed` (give up; the chat's next message becomes its head).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ports import OutboxMessage
from storage.codec import parse_utc, parse_utc_or_none, utc_text
from storage.database import Database

DEFAULT_LEASE = timedelta(minutes=2)
# How long an id missing below the newest one seen is looked for (seconds): far longer
# than a transaction of the bot lasts (it never waits for Telegram), so a row committed
# late is still found; an id that never commits stops costing a look after it.
FOLLOW_WINDOW = 30.0
# How far below the newest row `follow_from_now` looks for ids not committed yet: more than
# the rows the transactions open at that moment can have taken (one per process).
RECENT_IDS = 100


class WrittenSince:
    """How far the outbox has been read (`OutboxDelivery.tickets_written_after`): every
    id up to `low` has been seen or given up; above it, the ids seen, and the ids missing
    with the moment (time.monotonic) they were first found missing."""

    def __init__(self, low: int, *, window: float = FOLLOW_WINDOW) -> None:
        self.low = low
        self.window = window
        self.seen: set[int] = set()
        self.missing: dict[int, float] = {}

    def advance(self, rows: dict[int, int | None], now: float) -> list[int | None]:
        """Take in the rows above `low` (id → ticket); the tickets of those not seen yet."""
        new = [ticket for row_id, ticket in rows.items() if row_id not in self.seen]
        self.seen.update(rows)
        top = max(self.seen, default=self.low)
        for row_id in range(self.low + 1, top + 1):
            if row_id not in self.seen:
                self.missing.setdefault(row_id, now)
        for row_id in rows:
            self.missing.pop(row_id, None)
        for row_id, since in list(self.missing.items()):
            if now - since > self.window:
                del self.missing[row_id]
        self.low = min(self.missing, default=top + 1) - 1
        self.seen = {row_id for row_id in self.seen if row_id > self.low}
        return new


# The pending rows that head their chat's queue: its oldest urgent row, else its oldest.
_HEADS = """
    FROM outbox AS o
    WHERE o.status = 'pending'
      AND o.id = (SELECT p.id FROM outbox AS p
                  WHERE p.chat_id = o.chat_id AND p.status = 'pending'
                  ORDER BY p.priority DESC, p.id LIMIT 1)
"""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A row of the outbox with its delivery state."""

    message: OutboxMessage
    status: str  # pending, sent, failed
    next_attempt_at: datetime
    sent_at: datetime | None
    sent_message_id: int | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class WaitingCard:
    """A ticket whose card is not posted yet: its first card row waits in the queue."""

    ticket_id: int
    client: str
    priority: str
    title: str


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        method=row["method"],
        payload=json.loads(row["payload"]),
        dedup_key=row["dedup_key"],
        ticket_id=row["ticket_id"],
        attempts=row["attempts"],
        created_at=parse_utc(row["created_at"]),
        urgent=bool(row["priority"]),
    )


class OutboxDelivery:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_due(
        self, now: datetime, limit: int = 20, *, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxMessage]:
        """Up to `limit` messages to send now, at most one per chat, the urgent ones first,
        then the oldest first. A chat with a message on its way gets nothing more (an
        urgent row queued meanwhile heads its queue, and waits for that one).

        `attempts` of each returned message already counts this attempt.

        Several processes may claim at once (on PostgreSQL, during a takeover: the old
        leader's last claim and the new one's first): a head row that another claim is
        taking is passed over (``FOR UPDATE SKIP LOCKED``) rather than waited for and
        claimed again, and the chat's next row is no head while it is pending; once that
        claim commits, its lease keeps the chat out of the next ones."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, leased_until = ? "
                f"WHERE id IN (SELECT o.id {_HEADS} AND o.next_attempt_at <= ? "
                "AND NOT EXISTS (SELECT 1 FROM outbox AS f WHERE f.chat_id = o.chat_id "
                "                AND f.status = 'pending' AND f.leased_until > ?) "
                f"ORDER BY o.priority DESC, o.id LIMIT ?{session.SKIP_LOCKED}) RETURNING *",
                (utc_text(now + lease), utc_text(now + lease), utc_text(now), utc_text(now), limit),
            )
        # RETURNING gives no order guarantee.
        return sorted((_message(row) for row in rows), key=lambda m: (not m.urgent, m.id or 0))

    async def release_leases(self, now: datetime) -> int:
        """At start: the rows a previous process claimed and never confirmed are due again
        `now` (that process is gone: only the leader delivers). How many."""
        async with self._db.transaction() as session:
            return await session.changed_rows(
                "UPDATE outbox SET next_attempt_at = ?, leased_until = NULL "
                "WHERE status = 'pending' AND leased_until IS NOT NULL",
                (utc_text(now),),
            )

    async def mark_sent(self, outbox_id: int, sent_message_id: int | None, at: datetime) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, sent_message_id = ?, "
                "last_error = NULL, leased_until = NULL WHERE id = ?",
                (utc_text(at), sent_message_id, outbox_id),
            )

    async def sent_message_id(self, chat_id: int, dedup_key: str) -> int | None:
        """The Telegram message id of the row with this key, once it was sent to this chat
        (None: never written, not sent yet, or given up)."""
        async with self._db.transaction() as session:
            row = await session.fetchone(
                "SELECT sent_message_id FROM outbox WHERE dedup_key = ? AND chat_id = ? "
                "AND status = 'sent'",
                (dedup_key, chat_id),
            )
        return row[0] if row else None

    async def merge_later(self, row: OutboxMessage, at: datetime) -> int:
        """The chat's later pending rows of the same method and ticket go with `row`: for a
        row that shows the ticket as it is when delivered (its card), one delivery covers
        them all. They are marked sent; returns how many.

        Call it before reading what to show: a change committed after the call comes
        with a row of its own, which stays pending."""
        assert row.id is not None
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "UPDATE outbox SET status = 'sent', sent_at = ? "
                "WHERE chat_id = ? AND method = ? AND ticket_id = ? AND status = 'pending' "
                "AND id > ? RETURNING id",
                (utc_text(at), row.chat_id, row.method, row.ticket_id, row.id),
            )
        return len(rows)

    async def reschedule(self, outbox_id: int, next_attempt_at: datetime, error: str) -> None:
        """Try again at `next_attempt_at` (the chat's later messages keep waiting)."""
        async with self._db.transaction() as session:
            await session.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = ?, leased_until = NULL "
                "WHERE id = ? AND status = 'pending'",
                (utc_text(next_attempt_at), error, outbox_id),
            )

    async def redirect(self, old_chat_id: int, new_chat_id: int) -> int:
        """What still waits for a chat goes to its new id (a group that became a
        supergroup); how many rows."""
        async with self._db.transaction() as session:
            return await session.changed_rows(
                "UPDATE outbox SET chat_id = ?, leased_until = NULL "
                "WHERE chat_id = ? AND status = 'pending'",
                (new_chat_id, old_chat_id),
            )

    async def mark_failed(self, outbox_id: int, error: str) -> None:
        """Give up on this message; the chat's next one may go."""
        async with self._db.transaction() as session:
            await session.execute(
                "UPDATE outbox SET status = 'failed', last_error = ?, leased_until = NULL "
                "WHERE id = ?",
                (error, outbox_id),
            )

    async def cards_waiting(self, chat_id: int, method: str) -> list[WaitingCard]:
        """The tickets with a `method` row (their card) pending in `chat_id` and no card
        posted yet, by number."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "SELECT t.id, c.name AS client, t.priority, t.title FROM tickets AS t "
                "JOIN clients AS c ON c.id = t.client_id "
                "WHERE t.id IN (SELECT o.ticket_id FROM outbox AS o "
                "               WHERE o.chat_id = ? AND o.method = ? AND o.status = 'pending') "
                "AND NOT EXISTS (SELECT 1 FROM ticket_posts AS p WHERE p.ticket_id = t.id) "
                "ORDER BY t.id",
                (chat_id, method),
            )
        return [WaitingCard(r["id"], r["client"], r["priority"], r["title"]) for r in rows]

    async def last_id(self) -> int:
        """The newest row's id (0 for none)."""
        async with self._db.transaction() as session:
            row = await session.fetchone("SELECT max(id) FROM outbox")
        return int(row[0] or 0) if row else 0

    async def follow_from_now(self, *, window: float = FOLLOW_WINDOW) -> WrittenSince:
        """Where `tickets_written_after` starts: the rows committed now count as seen,
        and the ids missing among the newest (a transaction that took its id and has not
        committed yet) are looked for, as after any look."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "SELECT id FROM outbox WHERE id > (SELECT coalesce(max(id), 0) FROM outbox) - ?",
                (RECENT_IDS,),
            )
        ids = [row[0] for row in rows]
        top = max(ids, default=0)
        cursor = WrittenSince(max(top - RECENT_IDS, 0), window=window)
        cursor.advance({i: None for i in ids}, time.monotonic())
        return cursor

    async def tickets_written_after(self, cursor: WrittenSince) -> list[int]:
        """The tickets of the rows committed since the cursor's last look (whatever wrote
        them: this process, another replica, a command); the cursor moves on.

        Ids are given in order but need not be committed in order: on PostgreSQL a
        transaction that took id 7 may commit after the one that took id 8 (SQLite
        commits one writer at a time, so there they are). So the cursor remembers the
        ids missing below the newest seen (`WrittenSince`) and looks for them again
        until `window` seconds have passed: a transaction that commits later shows up
        in a later look; an id nobody commits (rolled back, or taken by an insert that
        found its dedup key) is given up then."""
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "SELECT id, ticket_id FROM outbox WHERE id > ? ORDER BY id", (cursor.low,)
            )
        new = cursor.advance({row["id"]: row["ticket_id"] for row in rows}, time.monotonic())
        return sorted({ticket for ticket in new if ticket is not None})

    async def depth(self) -> int:
        """How many messages wait to be sent."""
        async with self._db.transaction() as session:
            row = await session.fetchone("SELECT count(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0

    async def oldest_pending_created_at(self) -> datetime | None:
        async with self._db.transaction() as session:
            row = await session.fetchone(
                "SELECT min(created_at) FROM outbox WHERE status = 'pending'"
            )
        return parse_utc_or_none(row[0]) if row else None

    async def next_due_at(self) -> datetime | None:
        """When `claim_due` will next have something to offer (None: nothing pending).

        Only the heads of the chats' queues count: a later message of a chat is never
        offered before its head, however early its own next_attempt_at."""
        async with self._db.transaction() as session:
            row = await session.fetchone(f"SELECT min(o.next_attempt_at) {_HEADS}")
        return parse_utc_or_none(row[0]) if row else None

    async def get(self, outbox_id: int) -> OutboxRow | None:
        async with self._db.transaction() as session:
            row = await session.fetchone("SELECT * FROM outbox WHERE id = ?", (outbox_id,))
        if row is None:
            return None
        return OutboxRow(
            message=_message(row),
            status=row["status"],
            next_attempt_at=parse_utc(row["next_attempt_at"]),
            sent_at=parse_utc_or_none(row["sent_at"]),
            sent_message_id=row["sent_message_id"],
            last_error=row["last_error"],
        )

    async def pending(self, chat_id: int | None = None) -> Sequence[OutboxMessage]:
        """The pending messages in the order written (of one chat, or all)."""
        async with self._db.transaction() as session:
            if chat_id is None:
                rows = await session.fetchall(
                    "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id"
                )
            else:
                rows = await session.fetchall(
                    "SELECT * FROM outbox WHERE status = 'pending' AND chat_id = ? ORDER BY id",
                    (chat_id,),
                )
        return [_message(row) for row in rows]
