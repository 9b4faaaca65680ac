"""Read-only queries behind the monthly and SLA reports (not use cases: nothing changes)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.estimates import Estimate
from domain.model import Client, Rating, Ticket, WorkLog
from domain.plan_changes import PlanChange
from storage.codec import parse_utc, utc_text
from storage.database import Database
from storage.repositories import SqliteClientRepository, SqliteTicketRepository


@dataclass(frozen=True, slots=True)
class ReportData:
    client: Client
    registered: Sequence[Ticket]  # registered within the period
    closed: Sequence[Ticket]  # closed from the start of the plan history to the period's end
    work_logs: Sequence[WorkLog]  # of the closed tickets
    ratings: Sequence[Rating]  # of the registered tickets
    plan_changes: Sequence[PlanChange] = ()  # the client's plan from a month on
    # Each ticket's latest estimate and the name of whoever decided on it.
    estimates: Mapping[int, tuple[Estimate, str]] = field(default_factory=dict)


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
            registered = await tickets._tickets(
                "SELECT * FROM tickets WHERE client_id = ? AND registered_at >= ? "
                "AND registered_at < ? ORDER BY id",
                (client_id, utc_text(start), utc_text(end)),
            )
            closed = await tickets._tickets(
                "SELECT * FROM tickets WHERE client_id = ? AND status = 'closed' "
                "AND closed_at >= ? AND closed_at < ? ORDER BY id",
                (client_id, utc_text(history_from), utc_text(end)),
            )
            logs = await session.fetchall(
                "SELECT * FROM work_logs WHERE ticket_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY at, id",
                (json.dumps([t.number for t in closed]),),
            )
            estimates = await tickets.latest_estimates([t.number for t in (*registered, *closed)])
            deciders = {
                row["id"]: row["name"]
                for row in await session.fetchall(
                    "SELECT id, name FROM employees WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([e.decided_by_employee_id for e in estimates.values()]),),
                )
            }
            ratings = await session.fetchall(
                "SELECT * FROM ratings WHERE ticket_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY ticket_id",
                (json.dumps([t.number for t in registered]),),
            )
        return ReportData(
            client=client,
            registered=registered,
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
            estimates={
                n: (e, deciders.get(e.decided_by_employee_id, "")) for n, e in estimates.items()
            },
        )
