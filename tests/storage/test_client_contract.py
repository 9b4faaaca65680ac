"""A client's contract as stored: its fixed specialist, the end of the contract, and plans
that change from a month on (the client_admin migration)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.enums import PenaltyBasis
from domain.model import PenaltyRule, Plan
from domain.plan_changes import PlanChange
from storage import Database
from storage.database import load_migrations
from tests.storage.conftest import T0, MovableClock, new_client


async def test_the_fixed_specialist_and_the_end_of_the_contract_round_trip(db: Database) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        await uow.commit()
    assert client.default_assignee_tg_id is None and client.active

    client.default_assignee_tg_id = 111
    client.deactivated_at = T0 + timedelta(days=30)
    async with db.unit_of_work() as uow:
        await uow.clients.update(client)
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.clients.get(client.id or 0)
    assert loaded == client
    assert loaded is not None and not loaded.active


async def test_the_billing_terms_round_trip(db: Database, clock: MovableClock) -> None:
    """The emergency rate, the penalty rule and a plan's fee-free months (billing_terms)."""
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        assert client.id is not None
        assert (client.emergency_hour_rate, client.penalty) == (None, None)
        client.emergency_hour_rate = 3_000
        client.penalty = PenaltyRule(PenaltyBasis.OVERDUE_HOUR, 500, 0.1)
        client.plan = Plan(20_000, 10, 2_000, 10, fee_free_months=2)
        await uow.clients.update(client)
        await uow.clients.set_plan_change(
            client.id, PlanChange(date(2026, 6, 1), Plan(3, 3.5, 3, 0, 1)), clock.now()
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.clients.get(client.id) == client
        assert await uow.clients.plan_changes(client.id) == [
            PlanChange(date(2026, 6, 1), Plan(3, 3.5, 3, 0, 1))
        ]
        client.penalty = PenaltyRule(PenaltyBasis.OVERDUE_TICKET, 1_000)
        await uow.clients.update(client)
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.clients.get(client.id)
    assert loaded is not None and loaded.penalty == PenaltyRule(PenaltyBasis.OVERDUE_TICKET, 1_000)


async def test_plan_changes_are_kept_by_month_and_a_change_of_the_same_month_replaces_it(
    db: Database, clock: MovableClock
) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        other = await uow.clients.add(new_client(name="Другой"))
        assert client.id is not None and other.id is not None
        await uow.clients.set_plan_change(
            client.id, PlanChange(date(2026, 6, 1), Plan(3, 3.5, 3, 0)), clock.now()
        )
        await uow.clients.set_plan_change(
            client.id, PlanChange(date(2026, 3, 1), Plan(1, 1, 1, 1)), clock.now()
        )
        await uow.clients.set_plan_change(
            client.id, PlanChange(date(2026, 3, 1), Plan(2, 2.25, 2, 2.5)), clock.now()
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.clients.plan_changes(client.id) == [
            PlanChange(date(2026, 3, 1), Plan(2, 2.25, 2, 2.5)),
            PlanChange(date(2026, 6, 1), Plan(3, 3.5, 3, 0)),
        ]
        assert await uow.clients.plan_changes(other.id) == []


@pytest.mark.sqlite_only
async def test_a_database_of_the_schema_before_keeps_its_clients_and_plans(
    tmp_path: Path, clock: MovableClock
) -> None:
    """Migrated: clients keep their starting plan, have no specialist and are active."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    migrations = load_migrations()
    ours = next(m.version for m in migrations if "client_admin" in m.name)
    for migration in migrations:
        if migration.version < ours:
            raw.executescript(f"{migration.sql}\nPRAGMA user_version = {migration.version};")
    raw.execute(
        "INSERT INTO clients (name, tier, timezone, opens, closes, weekdays, country, "
        "warning_fraction, plan_monthly_fee, plan_hours_included, plan_extra_hour_rate, "
        "plan_reserve_cap, created_at) VALUES ('Ромашка', 'gold', 'Europe/Moscow', '09:00', "
        "'18:00', '0,1,2,3,4', 'RU', 0.75, 20000, 10, 2000, 10, '2025-03-04T09:15:00.000000Z')"
    )
    raw.commit()
    raw.close()

    db = await Database.open(path, clock=clock)
    try:
        async with db.unit_of_work() as uow:
            (client,) = await uow.clients.list()
            assert client.plan == Plan(20000, 10, 2000, 10)
            assert client.active and client.default_assignee_tg_id is None
            assert await uow.clients.plan_changes(client.id or 0) == []
    finally:
        await db.close()


@pytest.mark.sqlite_only
def test_a_month_is_stored_as_yyyy_mm_only(db_path: Path) -> None:
    """The table refuses anything but a month, whatever writes to it."""
    import asyncio

    async def create() -> None:
        db = await Database.open(db_path, clock=MovableClock())
        await db.close()

    asyncio.run(create())
    raw = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO client_plans (client_id, from_month, monthly_fee, hours_included, "
            "extra_hour_rate, reserve_cap, set_at) "
            "VALUES (1, '2026-3', 1, 1, 1, 1, '2026-03-01T00:00:00Z')"
        )
    raw.close()
