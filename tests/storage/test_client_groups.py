"""Client groups kept: a binding and its move to a supergroup's id, the requests opened in
a group, and whether a member who joined there has written to the bot since."""

from __future__ import annotations

from datetime import timedelta

from domain.group_chat import ClientGroup, GroupCode
from domain.ports import OutboxMessage
from storage import Database
from tests.storage.conftest import T0, MovableClock, new_ticket

OLD, NEW = -4000001, -1001000000009


async def test_a_code_is_kept_and_used_once(db: Database, people: tuple[int, int]):
    client_id, _ = people
    async with db.unit_of_work() as uow:
        await uow.client_groups.add_code(GroupCode("c0de", client_id, T0 + timedelta(days=1)))
        await uow.commit()
    async with db.unit_of_work() as uow:
        code = await uow.client_groups.code("c0de")
        assert code is not None and code.created_at == T0 and code.used_at is None
        code.used_at, code.used_in_chat_id = T0, OLD
        await uow.client_groups.update_code(code)
        await uow.commit()
    async with db.unit_of_work() as uow:
        used = await uow.client_groups.code("c0de")
        assert used is not None and used.unusable_reason(T0) == "used"
        assert await uow.client_groups.code("nope") is None


async def test_a_binding_and_its_requests_follow_the_supergroup(
    db: Database, people: tuple[int, int]
):
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        await uow.client_groups.save(ClientGroup(OLD, client_id, "Офис", 1001, T0))
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        assert ticket.id is not None
        await uow.client_groups.note_ticket(ticket.id, OLD, 42)
        waiting = await uow.outbox.add(  # news not told yet when the group moves
            OutboxMessage(chat_id=OLD, method="sendMessage", payload={"text": "…"}, created_at=T0)
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.client_groups.move(OLD, NEW)
        assert not await uow.client_groups.move(OLD, NEW)  # told twice: moved once
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.client_groups.get(OLD) is None
        assert waiting is not None
        moved = await uow.session.fetchone("SELECT chat_id FROM outbox WHERE id = ?", (waiting,))
        assert moved["chat_id"] == NEW
        origin = await uow.client_groups.ticket_origin(ticket.id)
        assert origin is not None and origin[0].chat_id == NEW and origin[1] == 42
        group = await uow.client_groups.get(NEW)
        assert group is not None
        group.active = False
        await uow.client_groups.save(group)
        await uow.commit()
    async with db.unit_of_work() as uow:
        kept = await uow.client_groups.get(NEW)
        assert kept is not None and not kept.active and kept.client_id == client_id


async def test_a_member_who_joined_in_a_group_is_written_to_once_they_wrote(
    db: Database, people: tuple[int, int], clock: MovableClock
):
    _, employee_id = people
    async with db.unit_of_work() as uow:
        assert await uow.client_groups.started_private(1001)  # registered by an invitation
        await uow.client_groups.add_member(employee_id, 1001, OLD, T0)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert not await uow.client_groups.started_private(1001)
        uow.client_groups.note_private_chat(1001, clock.now())  # goes with the commit
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.client_groups.started_private(1001)
