"""Read-only queries behind the monthly and SLA reports (not use cases: nothing changes)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.enums import TicketStatus
from domain.estimates import Estimate
from domain.model import Client, Rating, Ticket, WorkLog
from domain.plan_changes import PlanChange
from storage.codec import parse_utc, utc_text
from storage.database import Database
from storage.repositories import SqliteClientRepository, SqliteTicketRepository


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
        """End the transaction the reads joined (an update's unit of work), so that the
        report is rendered with the database free for everybody else."""
        session = self._db.current_session()
        if session is not None:
            await session.commit()

    async def period(
        self, client_id: int, start: datetime, end: datetime, history_from: datetime
    ) -> ReportData | None:
        """What a report of [start, end) needs; None for an unknown client."""
        async with self._db.transaction() as session:
            clients = SqliteClientRepository(session)
            client = await clients.get(client_id)
            if client is None:
                return None
            plan_changes = await clients.plan_changes(client_id)
            tickets = SqliteTicketRepository(session)
            in_period = await tickets._tickets(
                "SELECT * FROM tickets WHERE client_id = ? AND registered_at < ? "
                "AND (closed_at IS NULL OR closed_at >= ?) ORDER BY id",
                (client_id, utc_text(end), utc_text(start)),
            )
            # closed before the period; those closed within it are among `in_period`
            closed_before = await tickets._tickets(
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
                        if t.status is TicketStatus.CLOSED
                        and t.closed_at is not None
                        and t.closed_at < end
                    ),
                ],
                key=lambda t: t.number,
            )
            logs = await session.fetchall(
                "SELECT * FROM work_logs WHERE ticket_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY at, id",
                (json.dumps(sorted({t.number for t in [*closed, *in_period]})),),
            )
            staff = await session.fetchall("SELECT tg_id, name FROM staff")
            estimates = await tickets.latest_estimates([t.number for t in (*in_period, *closed)])
            deciders = {
                row["id"]: row["name"]
                for row in await session.fetchall(
                    "SELECT id, name FROM employees WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([e.decided_by_employee_id for e in estimates.values()]),),
                )
            }
            helped = await session.fetchone(
                "SELECT count(*) FROM kb_outcomes WHERE client_id = ? AND helped = 1 "
                "AND at >= ? AND at < ?",
                (client_id, utc_text(start), utc_text(end)),
            )
            ratings = await session.fetchall(
                "SELECT * FROM ratings WHERE ticket_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY ticket_id",
                (json.dumps([t.number for t in in_period]),),
            )
        return ReportData(
            client=client,
            tickets=in_period,
            closed=closed,
            work_logs=[
                WorkLog(
                    r["ticket_id"], r["staff_tg_id"], r["minutes"], parse_utc(r["at"]), r["note"]
                )
                for r in logs
            ],
            ratings=[
                Rating(r["ticket_id"], r["score"], r["comment"], parse_utc(r["at"]))
                for r in ratings
            ],
            plan_changes=plan_changes,
            staff_names={int(r["tg_id"]): str(r["name"]) for r in staff},
            estimates={
                n: (e, deciders.get(e.decided_by_employee_id, "")) for n, e in estimates.items()
            },
            deflections=int(helped[0]) if helped else 0,
        )
