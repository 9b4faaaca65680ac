"""Storage: one SQLite file through aiosqlite, implementing the domain ports.

The whole of it in use:

    db = await Database.open(path, clock=clock)
    async with db.unit_of_work() as uow:
        ...
        await uow.commit()
    storage = SqliteStorage(db)          # aiogram FSM storage on the same file
    delivery = OutboxDelivery(db)        # the outbox worker's queries
    await db.close()

The FSM storage is imported from `storage.fsm` where it is used, not here: it imports
aiogram, which takes seconds and which the command-line administration never needs.
"""

from storage.database import Database, Migration, load_migrations, open_database
from storage.outbox import DEFAULT_LEASE, OutboxDelivery, OutboxRow
from storage.repositories import TicketPost
from storage.session import Session
from storage.unit_of_work import SqliteUnitOfWork

__all__ = [
    "DEFAULT_LEASE",
    "Database",
    "Migration",
    "OutboxDelivery",
    "OutboxRow",
    "Session",
    "SqliteUnitOfWork",
    "TicketPost",
    "load_migrations",
    "open_database",
]
