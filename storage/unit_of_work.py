"""The unit of work over SQLite: one transaction, every repository on it.

Get one from `Database.unit_of_work()`; it implements `domain.ports.UnitOfWork` (mypy
checks it there) and adds `session`, the transaction itself, for storage's own tests.
"""

from __future__ import annotations

from storage.client_groups import SqliteClientGroups
from storage.knowledge import SqliteKnowledge
from storage.outages import SqliteOutages
from storage.repositories import (
    SqliteClientRepository,
    SqliteDutyRepository,
    SqliteEmployeeRepository,
    SqliteFollowUps,
    SqliteInviteRepository,
    SqliteOutboxRepository,
    SqlitePageRepository,
    SqlitePeople,
    SqliteProcessedUpdates,
    SqliteSlaEventRepository,
    SqliteStaffRepository,
    SqliteTicketPosts,
    SqliteTicketRepository,
)
from storage.session import Session


class SqliteUnitOfWork:
    """Repositories sharing one transaction. Nothing is saved until `commit`; after a
    commit or rollback the next statement starts a new transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.clients = SqliteClientRepository(session)
        self.employees = SqliteEmployeeRepository(session)
        self.staff = SqliteStaffRepository(session)
        self.invites = SqliteInviteRepository(session)
        self.tickets = SqliteTicketRepository(session)
        self.outbox = SqliteOutboxRepository(session)
        self.sla_events = SqliteSlaEventRepository(session)
        self.duty = SqliteDutyRepository(session)
        self.pages = SqlitePageRepository(session)
        self.follow_ups = SqliteFollowUps(session)
        self.client_groups = SqliteClientGroups(session)
        self.outages = SqliteOutages(session)
        self.processed_updates = SqliteProcessedUpdates(session)
        self.people = SqlitePeople(session)
        self.ticket_posts = SqliteTicketPosts(session)
        self.knowledge = SqliteKnowledge(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
