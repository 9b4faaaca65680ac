"""The staff chat's proposals to link tickets as one mass outage (domain/outages.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from domain.enums import Category
from domain.errors import NotFound
from domain.outages import Proposal
from storage.codec import parse_utc, utc_text
from storage.session import Session


class SqliteOutages:
    def __init__(self, session: Session) -> None:
        self._session = session

    @staticmethod
    def _from_row(row: sqlite3.Row) -> Proposal:
        return Proposal(
            client_id=row["client_id"],
            category=Category(row["category"]),
            tickets=[int(n) for n in json.loads(row["ticket_ids"])],
            proposed_at=parse_utc(row["proposed_at"]),
            state=row["state"],
            parent_id=row["parent_id"],
            edits=row["edits"],
            id=row["id"],
        )

    async def add(self, proposal: Proposal) -> Proposal:
        row = await self._session.fetchone(
            "INSERT INTO outage_proposals (client_id, category, ticket_ids, proposed_at, state, "
            "parent_id, edits) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                proposal.client_id,
                proposal.category.value,
                json.dumps(proposal.tickets),
                utc_text(proposal.proposed_at),
                proposal.state,
                proposal.parent_id,
                proposal.edits,
            ),
        )
        assert row is not None
        proposal.id = row["id"]
        return proposal

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await self._session.fetchone(
            "SELECT * FROM outage_proposals WHERE id = ?", (proposal_id,)
        )
        return self._from_row(row) if row is not None else None

    async def update(self, proposal: Proposal) -> None:
        row = await self._session.fetchone(
            "UPDATE outage_proposals SET ticket_ids = ?, state = ?, parent_id = ?, edits = ? "
            "WHERE id = ? RETURNING id",
            (
                json.dumps(proposal.tickets),
                proposal.state,
                proposal.parent_id,
                proposal.edits,
                proposal.id,
            ),
        )
        if row is None:
            raise NotFound(f"outage proposal {proposal.id} not found")

    async def open_of_client(self, client_id: int) -> Sequence[Proposal]:
        rows = await self._session.fetchall(
            "SELECT * FROM outage_proposals WHERE client_id = ? AND state = 'open' ORDER BY id",
            (client_id,),
        )
        return [self._from_row(row) for row in rows]
