"""Storage: one SQLite file through aiosqlite, implementing the domain ports.

The whole of it in use:

    db = await Database.open(path)
    async with db.unit_of_work() as uow:
        ...
        await uow.commit()
    storage = SqliteStorage(db)          # aiogram FSM storage on the same file
    delivery = OutboxDelivery(db)        # the outbox worker's queries
    await db.close()

The names are imported on first use: `from storage import Database` must not pay for
aiogram (imported by the FSM storage), which takes seconds and which the command-line
administration never needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.database import Database as Database
    from storage.database import Migration as Migration
    from storage.database import load_migrations as load_migrations
    from storage.fsm import FsmRecord as FsmRecord
    from storage.fsm import SqliteStorage as SqliteStorage
    from storage.outbox import DEFAULT_LEASE as DEFAULT_LEASE
    from storage.outbox import OutboxDelivery as OutboxDelivery
    from storage.outbox import OutboxRow as OutboxRow
    from storage.repositories import TicketPost as TicketPost
    from storage.session import Session as Session
    from storage.session import SystemClock as SystemClock
    from storage.unit_of_work import SqliteUnitOfWork as SqliteUnitOfWork

_WHERE = {
    "DEFAULT_LEASE": "storage.outbox",
    "Database": "storage.database",
    "FsmRecord": "storage.fsm",
    "Migration": "storage.database",
    "OutboxDelivery": "storage.outbox",
    "OutboxRow": "storage.outbox",
    "Session": "storage.session",
    "SqliteStorage": "storage.fsm",
    "SqliteUnitOfWork": "storage.unit_of_work",
    "SystemClock": "storage.session",
    "TicketPost": "storage.repositories",
    "load_migrations": "storage.database",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
