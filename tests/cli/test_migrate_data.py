"""`frontdesk migrate-data`: an installation moved from its SQLite file to PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import SystemClock
from domain.enums import Priority, TicketStatus
from domain.model import Employee
from domain.ports import OutboxMessage
from storage import Database, OutboxDelivery
from storage.postgres import PgDatabase
from tests.storage.conftest import new_client, new_ticket

# The source is a SQLite file whichever engine the other tests run on.
pytestmark = pytest.mark.sqlite_only


async def _installation(path: Path) -> list[int]:
    """A client, an employee, tickets (a mass outage registered after its children, one
    closed), an outbox message: the numbers of the tickets."""
    db = await Database.open(path, clock=SystemClock())
    try:
        async with db.unit_of_work() as uow:
            client = await uow.clients.add(new_client())
            assert client.id is not None
            employee = await uow.employees.add(Employee(client_id=client.id, tg_id=-5, name="Аня"))
            assert employee.id is not None
            numbers = []
            for title in ("Нет интернета", "Не открывается 1С", "Не печатает"):
                ticket = await uow.tickets.add(new_ticket(client.id, employee.id, title=title))
                numbers.append(ticket.number)
            parent = await uow.tickets.add(
                new_ticket(client.id, employee.id, outage=True, priority=Priority.HIGH)
            )
            for number in numbers[:2]:
                child = await uow.tickets.get(number)
                assert child is not None
                await uow.tickets.update(replace(child, parent_id=parent.number))
            closed = await uow.tickets.get(numbers[2])
            assert closed is not None
            await uow.tickets.update(replace(closed, status=TicketStatus.CLOSED))
            await uow.outbox.add(
                OutboxMessage(chat_id=-1001234567890, method="sendMessage", payload={"text": "№1"})
            )
            await uow.commit()
        return [*numbers, parent.number]
    finally:
        await db.close()


def test_an_installation_moves_whole_and_numbers_go_on_above_it(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "frontdesk.db"
    numbers = asyncio.run(_installation(path))

    with pytest.raises(SystemExit) as done:
        main(["migrate-data", "--from", f"sqlite:///{path}", "--to", postgres_url])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "tickets: 4" in out and "counts equal" in out

    async def read_both() -> None:
        source = await Database.open(path, clock=SystemClock())
        target = await PgDatabase.open(postgres_url, clock=SystemClock())
        try:
            for number in numbers:
                async with source.unit_of_work() as a, target.unit_of_work() as b:
                    assert await b.tickets.get(number) == await a.tickets.get(number)
            pending = await OutboxDelivery(target).pending()
            assert [m.chat_id for m in pending] == [-1001234567890]
            async with target.unit_of_work() as uow:
                client = (await uow.clients.list())[0]
                employee = await uow.employees.by_tg_id(-5)
                assert employee is not None and client.id is not None
                fresh = await uow.tickets.add(new_ticket(client.id, employee.id))
                assert fresh.number == max(numbers) + 1
                await uow.commit()
            async with target.transaction() as session:
                counts = await session.fetchall("SELECT priority, count FROM open_tickets")
            # the outage stands for its two children; the closed ticket is not counted
            assert {row[0]: row[1] for row in counts if row[1]} == {"high": 1, "standard": 1}
        finally:
            await source.close()
            await target.close()

    asyncio.run(read_both())


def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "frontdesk.db"
    asyncio.run(_installation(path))
    arguments = ["migrate-data", "--from", f"sqlite:///{path}", "--to", postgres_url]
    with pytest.raises(SystemExit):
        main(arguments)
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        main(arguments)
    assert refused.value.code == 1
    error = capsys.readouterr().err
    assert "not empty" in error and "clients" in error
