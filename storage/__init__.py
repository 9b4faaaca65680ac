"""Storage: one SQLite file through aiosqlite, implementing the domain ports.

The whole of it in use:

    db = await Database.open(path)
    async with db.unit_of_work() as uow:
        ...
        await uow.commit()
    storage = SqliteStorage(db)          # aiogram FSM storage on the same file
    delivery = OutboxDelivery(db)        # the outbox worker's queries
    await db.close()
"""

from storage.database import Database, Migration, load_migrations
from storage.fsm import FsmRecord, SqliteStorage
from storage.outbox import DEFAULT_LEASE, OutboxDelivery, OutboxRow
from storage.repositories import TicketPost
from storage.session import Session
from storage.unit_of_work import SqliteUnitOfWork

__all__ = [
    "DEFAULT_LEASE",
    "Database",
    "FsmRecord",
    "Migration",
    "OutboxDelivery",
    "OutboxRow",
    "Session",
    "SqliteStorage",
    "SqliteUnitOfWork",
    "TicketPost",
    "load_migrations",
]
