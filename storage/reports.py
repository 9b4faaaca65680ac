"""Read-only queries behind the monthly and SLA reports (not use cases: nothing changes)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.enums import TicketStatus
from domain.estimates import Estimate
from domain.model import Client, Rating, Ticket, WorkLog
from domain.plan_changes import PlanChange
from storage.codec import parse_utc, utc_text
from storage.database import Database
from storage.repositories import (
    SqliteClientRepository,
    SqliteTicketRepository,
    estimate_from_row,
    pauses_by_ticket,
    plan_change_from_row,
)


@dataclass(frozen=True, slots=True)
class ReportData:
    client: Client
    # closed or cancelled within the period, or open at its end (domain/report_tickets.py
    # tells which is which)
    tickets: Sequence[Ticket]
    closed: Sequence[Ticket]  # closed from the start of the plan history to the period's end
    work_logs: Sequence[WorkLog]  # of the closed tickets and of `tickets`
    ratings: Sequence[Rating]  # of `tickets`
    plan_changes: Sequence[PlanChange] = ()  # the client's plan from a month on
    staff_names: Mapping[int, str] = field(default_factory=dict)  # by Telegram id
    # Each ticket's latest estimate and the name of whoever decided on it.
    estimates: Mapping[int, tuple[Estimate, str]] = field(default_factory=dict)
    deflections: int = 0  # problems solved by a knowledge-base article, without a ticket


class ReportQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def client_timezone(self, client_id: int) -> str | None:
        async with self._db.transaction() as session:
            row = await session.fetchone("SELECT timezone FROM clients WHERE id = ?", (client_id,))
        return str(row["timezone"]) if row else None

    async def client_ids(self) -> list[int]:
        async with self._db.transaction() as session:
            rows = await session.fetchall("SELECT id FROM clients ORDER BY id")
        return [int(row["id"]) for row in rows]

    async def done_reading(self) -> None:
        """End the transaction the reads joined (an update's unit of work): the report is
        read on a connection of its own, which sees what is committed, and built with the
        database free for everybody else."""
        session = self._db.current_session()
        if session is not None:
            await session.commit()

    async def period(
        self, client_id: int, start: datetime, end: datetime, history_from: datetime
    ) -> ReportData | None:
        """What a report of [start, end) needs; None for an unknown client. Read in a worker
        thread (`read_period`), so the event loop goes on meanwhile; call it outside any
        transaction (it reads what is committed)."""
        return await asyncio.to_thread(read_period, self._db, client_id, start, end, history_from)


def read_period(
    db: Database, client_id: int, start: datetime, end: datetime, history_from: datetime
) -> ReportData | None:
    """The reads of a report on a connection of their own, in the calling thread: one
    snapshot of what is committed (a deferred read transaction: in WAL mode nobody waits
    for it, and it waits for nobody), each row turned into its object as it comes, without
    a list of all the rows first. A month of 23,000 tickets is read this way with the bot's
    loop and database free."""
    with db.snapshot() as conn:
        return _read_period(conn, client_id, start, end, history_from)


def _read_period(
    conn: sqlite3.Connection,
    client_id: int,
    start: datetime,
    end: datetime,
    history_from: datetime,
) -> ReportData | None:
    row = conn.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone()
    if row is None:
        return None
    client = SqliteClientRepository._from_row(row)
    plan_changes = [
        plan_change_from_row(r)
        for r in conn.execute(
            "SELECT * FROM client_plans WHERE client_id = ? ORDER BY from_month", (client_id,)
        )
    ]
    in_period = _tickets(
        conn,
        "SELECT * FROM tickets WHERE client_id = ? AND registered_at < ? "
        "AND (closed_at IS NULL OR closed_at >= ?) ORDER BY id",
        (client_id, utc_text(end), utc_text(start)),
    )
    # closed before the period; those closed within it are among `in_period`
    closed_before = _tickets(
        conn,
        "SELECT * FROM tickets WHERE client_id = ? AND status = 'closed' "
        "AND closed_at >= ? AND closed_at < ? ORDER BY id",
        (client_id, utc_text(history_from), utc_text(start)),
    )
    closed = sorted(
        [
            *closed_before,
            *(
                t
                for t in in_period
                if t.status is TicketStatus.CLOSED and t.closed_at is not None and t.closed_at < end
            ),
        ],
        key=lambda t: t.number,
    )
    numbers = json.dumps(sorted({t.number for t in [*closed, *in_period]}))
    work_logs = [
        WorkLog(r["ticket_id"], r["staff_tg_id"], r["minutes"], parse_utc(r["at"]), r["note"])
        for r in conn.execute(
            "SELECT * FROM work_logs WHERE ticket_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY at, id",
            (numbers,),
        )
    ]
    staff = {int(r["tg_id"]): str(r["name"]) for r in conn.execute("SELECT tg_id, name FROM staff")}
    estimates = {
        r["ticket_id"]: estimate_from_row(r)
        for r in conn.execute(
            "SELECT * FROM estimates WHERE id IN (SELECT max(id) FROM estimates "
            "WHERE ticket_id IN (SELECT value FROM json_each(?)) GROUP BY ticket_id)",
            (numbers,),
        )
    }
    deciders = {
        r["id"]: r["name"]
        for r in conn.execute(
            "SELECT id, name FROM employees WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([e.decided_by_employee_id for e in estimates.values()]),),
        )
    }
    ratings = [
        Rating(r["ticket_id"], r["score"], r["comment"], parse_utc(r["at"]))
        for r in conn.execute(
            "SELECT * FROM ratings WHERE ticket_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY ticket_id",
            (json.dumps([t.number for t in in_period]),),
        )
    ]
    helped = conn.execute(
        "SELECT count(*) FROM kb_outcomes WHERE client_id = ? AND helped = 1 "
        "AND at >= ? AND at < ?",
        (client_id, utc_text(start), utc_text(end)),
    ).fetchone()
    return ReportData(
        client=client,
        tickets=in_period,
        closed=closed,
        work_logs=work_logs,
        ratings=ratings,
        plan_changes=plan_changes,
        staff_names=staff,
        estimates={
            n: (e, deciders.get(e.decided_by_employee_id, "")) for n, e in estimates.items()
        },
        deflections=int(helped[0]) if helped else 0,
    )


def _tickets(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> list[Ticket]:
    """Tickets with their pauses (read first, a few per ticket at most)."""
    pauses = pauses_by_ticket(
        conn.execute(
            "SELECT ticket_id, started_at, ended_at FROM ticket_pauses "
            f"WHERE ticket_id IN (SELECT id FROM ({sql}) AS chosen) ORDER BY ticket_id, seq",
            params,
        )
    )
    return [
        SqliteTicketRepository._from_row(row, pauses.get(row["id"], []))
        for row in conn.execute(sql, params)
    ]
