"""Fixtures for the storage tests: a fresh SQLite file per test, a clock the test moves,
and ready-made rows (a client, an employee) to hang tickets on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from domain.enums import Category, Priority, SlaTier, TicketKind
from domain.model import Client, Employee, Ticket
from storage import Database

T0 = datetime(2025, 3, 4, 9, 15, tzinfo=UTC)


class MovableClock:
    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **amount: float) -> None:
        self.at += timedelta(**amount)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "frontdesk.sqlite3"


@pytest.fixture
async def db(db_path: Path, clock: MovableClock) -> AsyncIterator[Database]:
    database = await Database.open(db_path, clock=clock)
    yield database
    await database.close()


@pytest.fixture
async def other(db: Database, db_path: Path, clock: MovableClock) -> AsyncIterator[Database]:
    """A second process on the same database, as a replica is (PostgreSQL only)."""
    if db.engine != "postgresql":
        pytest.skip("replicas share a PostgreSQL database")
    database = await Database.open(db_path, clock=clock)
    yield database
    await database.close()


def new_client(**changes: object) -> Client:
    fields: dict[str, object] = {
        "name": "ООО Ромашка",
        "tier": SlaTier.BRONZE,
        "timezone": "Europe/Moscow",
        "opens": time(9, 0),
        "closes": time(18, 0),
        "weekdays": frozenset(range(5)),
        "country": "RU",
    }
    fields.update(changes)
    return Client(**fields)  # type: ignore[arg-type]


def new_ticket(client_id: int, employee_id: int, **changes: object) -> Ticket:
    fields: dict[str, object] = {
        "client_id": client_id,
        "employee_id": employee_id,
        "kind": TicketKind.INCIDENT,
        "category": Category.PRINTER,
        "priority": Priority.STANDARD,
        "title": "Не печатает принтер",
        "description": "Не печатает принтер в бухгалтерии",
        "registered_at": T0,
    }
    fields.update(changes)
    return Ticket(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def people(db: Database) -> tuple[int, int]:
    """A client and one of its employees, committed: (client_id, employee_id)."""
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        assert client.id is not None
        employee = await uow.employees.add(Employee(client_id=client.id, tg_id=1001, name="Иван"))
        assert employee.id is not None
        await uow.commit()
    return client.id, employee.id
