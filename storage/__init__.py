"""Storage: the domain ports on SQLite (one file through aiosqlite, the embedded default)
or on PostgreSQL (through asyncpg), the same code above either.

The whole of it in use:

    db = await open_database(path_or_postgresql_url, clock=clock)
    async with db.unit_of_work() as uow:
        ...
        await uow.commit()
    storage = SqliteStorage(db)          # aiogram FSM storage on the same file
    delivery = OutboxDelivery(db)        # the outbox worker's queries
    await db.close()

The FSM storage is imported from `storage.fsm` where it is used, not here: it imports
aiogram, which takes seconds and which the command-line administration never needs.

How the two engines share it:

- `Database` (storage/database.py) is the gate, one transaction at a time per process on
  one connection, and the unit of work; `PgDatabase` (storage/postgres.py) is the same
  class with PostgreSQL's connection, sessions and migrations. Everything above takes a
  `Database` and cannot tell which.
- `Session` batches statements per trip; `PgSession` sends a batch statement after
  statement on asyncpg's connection, through `storage.dialect.statement`. One difference
  shows: on PostgreSQL a failed statement ends its transaction (the rest of it fails until
  the rollback), where SQLite lets the transaction go on; nothing in the front desk goes
  on after a failed statement, and a broken constraint is `sqlite3.IntegrityError` on both.
- The SQL is written once (repositories, FSM storage, inbox, outbox, pruning, monitoring,
  reports); what PostgreSQL needs written differently is rewritten by storage/dialect.py,
  the one place that knows both. A migration is translated by it too, or, where that
  would take a parser (SQLite's trigger bodies, index expressions), has a
  ``NNNN_name.postgresql.sql`` variant beside it; tests compare the schemas both give.
- Reports read on a connection of their own in a worker thread (`Database.snapshot`): a
  read-only SQLite connection, or a REPEATABLE READ READ ONLY PostgreSQL transaction.
- `storage.migrate_data` copies an installation from a SQLite file to PostgreSQL.
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
