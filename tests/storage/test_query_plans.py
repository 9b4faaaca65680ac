"""The hot queries use their indexes whatever SQLite's saved statistics say: on a year's
outbox (most rows delivered, a few pending) and a year's handled updates, after ANALYZE
(which a clean stop's PRAGMA optimize may run), none reads a big table from end to end.
A scan of the whole outbox under the write lock is what slowed a year-old desk down."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain.ports import QueueView
from storage import Database
from storage.codec import utc_text
from storage.monitoring import MonitoringQueries
from storage.outbox import OutboxDelivery
from storage.pruning import prune_outbox, prune_processed_updates
from storage.repositories import refresh_next_due
from tests.storage.conftest import T0, MovableClock, new_client, new_ticket

DELIVERED, PENDING, HANDLED, CLOSED = 20_000, 5, 20_000, 5_000
# A line of a query plan that reads a whole table ("SCAN outbox", or its alias) or the
# whole of an index on every row ("SCAN tickets USING COVERING INDEX tickets_by_client");
# a scan of a partial index (of the pending rows, of the open tickets) reads only those,
# and one of `newest` reads the few rows its LIMIT let through.
SCAN = re.compile(
    r"^SCAN (?!json_each|open_tickets|CONSTANT ROW|newest\b)\w+(?: AS \w+)?"
    r"(?: USING (?:COVERING )?INDEX (\w+))?"
)


async def year_of_rows(db: Database) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        from domain.model import Employee

        employee = await uow.employees.add(Employee(client_id=client.id or 0, tg_id=1, name="А"))
        for n in range(300):
            await uow.tickets.add(
                new_ticket(client.id or 0, employee.id or 0, resolution_due=T0 + timedelta(hours=n))
            )
        await uow.commit()
    old = utc_text(T0 - timedelta(days=200))
    async with db.transaction() as session:
        await session.executemany(
            "INSERT INTO outbox (chat_id, method, payload, status, next_attempt_at, created_at, "
            "sent_at) VALUES (?, 'sendMessage', '{}', ?, ?, ?, ?)",
            [
                (n % 50, "sent" if n < DELIVERED else "pending", old, old, old)
                for n in range(DELIVERED + PENDING)
            ],
        )
        await session.executemany(  # a year of closed tickets beside the 300 open ones
            "INSERT INTO tickets (client_id, employee_id, kind, category, priority, title, "
            "description, status, registered_at, updated_at) SELECT client_id, employee_id, "
            "kind, category, priority, title, description, 'closed', registered_at, updated_at "
            "FROM tickets WHERE id = ?",
            [(1,)] * CLOSED,
        )
        await session.executemany(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            [(n, old) for n in range(HANDLED)],
        )
        await session.execute("ANALYZE")


async def plans_of_what_runs(db: Database, clock: MovableClock) -> dict[str, list[str]]:
    """Run the hot queries for real and explain each statement they sent."""
    sent: list[str] = []
    conn = db._conn  # the test looks at what the storage layer sends to SQLite
    await conn.set_trace_callback(sent.append)
    delivery = OutboxDelivery(db)
    now = clock.now()
    await delivery.claim_due(now)
    await delivery.next_due_at()
    await delivery.depth()
    await delivery.oldest_pending_created_at()
    await delivery.release_leases(now)
    scrape_began = len(sent)
    await MonitoringQueries(db).gauges()
    # A scrape counts no tickets: it reads the counts kept in open_tickets.
    assert not [sql for sql in sent[scrape_began:] if "FROM tickets" in sql]
    async with db.unit_of_work() as uow:
        await uow.tickets.open_queue(limit=10, offset=20)
        await uow.tickets.open_queue(QueueView(unassigned=True), limit=10)
        await uow.tickets.open_queue(QueueView(assignee_tg_id=7), limit=10)
        await uow.tickets.open_queue(QueueView(client_ids=frozenset({1})), limit=10)
        await uow.tickets.conversations(1, 1, also=2)  # routing an employee's message
        await uow.tickets.open_outages(1)  # every message: is there an outage to join?
        await uow.sla_events.pending(now + timedelta(hours=1))  # the SLA timers' refill
        await uow.commit()
    async with db.transaction() as session:
        await refresh_next_due(session, [1, 2])  # as a recorded milestone or a change does
    await prune_outbox(db, now - timedelta(days=30), batch=100)
    await prune_processed_updates(db, now - timedelta(days=2), batch=100)
    await conn.set_trace_callback(None)
    plans = {}
    async with db.transaction() as session:
        for sql in dict.fromkeys(sent):
            if sql.split()[0].upper() in ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH"):
                rows = await session.fetchall(f"EXPLAIN QUERY PLAN {sql}")
                plans[sql] = [row["detail"] for row in rows]
    return plans


@pytest.mark.sqlite_only
async def test_hot_queries_read_no_big_table_from_end_to_end(db: Database, clock: MovableClock):
    await year_of_rows(db)
    plans = await plans_of_what_runs(db, clock)
    assert len(plans) >= 10
    async with db.transaction() as session:
        rows = await session.fetchall("SELECT name FROM sqlite_master WHERE sql LIKE '% WHERE %'")
    partial = {row[0] for row in rows}

    def reads_all(line: str) -> bool:
        scan = SCAN.match(line)
        return scan is not None and scan.group(1) not in partial

    whole = {sql: lines for sql, lines in plans.items() if any(map(reads_all, lines))}
    assert whole == {}
    # The claim takes the heads of the pending rows only (not the delivered ones).
    claim = next(
        lines for sql, lines in plans.items() if sql.startswith("UPDATE outbox SET attempts")
    )
    assert any("outbox_pending" in line for line in claim)
    # The refill reads the tickets falling due along their stored next due time.
    refill = next(lines for sql, lines in plans.items() if "WHERE next_due_at <=" in sql)
    assert any("tickets_next_due" in line for line in refill)


async def test_pruning_keeps_pending_rows_and_recent_ones(db: Database, clock: MovableClock):
    await year_of_rows(db)
    gone = await prune_outbox(db, clock.now() - timedelta(days=30), batch=3_000)
    assert gone == DELIVERED
    assert await OutboxDelivery(db).depth() == PENDING
    assert await prune_processed_updates(db, clock.now(), batch=3_000) == HANDLED
    assert await prune_outbox(db, clock.now()) == 0


async def test_the_kept_open_counts_follow_every_change(db: Database, clock: MovableClock):
    from domain.enums import Priority, TicketStatus
    from domain.model import Employee

    async def kept_and_counted() -> tuple[dict[str, int], dict[str, int]]:
        gauges = await MonitoringQueries(db).gauges()
        async with db.transaction() as session:
            rows = await session.fetchall(
                "SELECT priority, count(*) FROM tickets "
                "WHERE status NOT IN ('closed', 'cancelled') AND parent_id IS NULL "
                "GROUP BY priority"
            )
        kept = {p: n for p, n in gauges.open_by_priority.items() if n}
        return kept, {row[0]: row[1] for row in rows}

    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        employee = await uow.employees.add(Employee(client_id=client.id or 0, tg_id=1, name="А"))
        tickets = [
            await uow.tickets.add(new_ticket(client.id or 0, employee.id or 0, priority=p))
            for p in (Priority.LOW, Priority.HIGH, Priority.HIGH, Priority.STANDARD)
        ]
        await uow.tickets.add(
            new_ticket(client.id or 0, employee.id or 0, status=TicketStatus.CLOSED)
        )
        await uow.commit()
    kept, counted = await kept_and_counted()
    assert kept == counted == {"low": 1, "high": 2, "standard": 1}
    async with db.unit_of_work() as uow:
        tickets[0].priority = Priority.HIGHEST
        tickets[1].status = TicketStatus.CANCELLED
        tickets[2].status = TicketStatus.RESOLVED  # still open: the employee may reopen it
        for ticket in tickets[:3]:
            await uow.tickets.update(ticket)
        await uow.commit()
    kept, counted = await kept_and_counted()
    assert kept == counted == {"highest": 1, "high": 1, "standard": 1}
    async with db.unit_of_work() as uow:
        page = await uow.tickets.open_queue()
        assert page.total == 3
    # linked under a mass outage, a ticket is worked through it and counts no more apart
    async with db.unit_of_work() as uow:
        tickets[3].parent_id = tickets[0].id
        await uow.tickets.update(tickets[3])
        await uow.commit()
    kept, counted = await kept_and_counted()
    assert kept == counted == {"highest": 1, "high": 1}
    async with db.unit_of_work() as uow:
        assert (await uow.tickets.open_queue()).total == 2
