"""Every repository gives back exactly what it was given."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, time, timedelta, timezone

import pytest

from domain.enums import (
    Category,
    EmployeeRole,
    Priority,
    RequestType,
    Scope,
    SlaTier,
    StaffRole,
    TicketKind,
    TicketStatus,
    WorkImpact,
)
from domain.errors import NotFound
from domain.estimates import Decision, Estimate
from domain.model import (
    Attachment,
    Employee,
    Invite,
    Plan,
    PriorityChange,
    Rating,
    ResolutionAgreed,
    Staff,
    Ticket,
    TicketMessage,
    WorkLog,
)
from domain.ports import QueueView, SlaEventRecord
from domain.sla import AgreedResolution, Pause, SlaMilestone, SlaTargets
from storage import Database, TicketPost
from storage.pruning import prune_processed_updates
from storage.repositories import ROUTED_OPEN_TICKETS
from tests.storage.conftest import T0, MovableClock, new_client, new_ticket

HOUR = timedelta(hours=1)


def numbers(tickets: Sequence[Ticket]) -> list[int]:
    return [t.number for t in tickets]


async def test_client_round_trip_with_custom_sla_and_plan(db: Database) -> None:
    client = new_client(
        tier=SlaTier.PLATINUM,
        timezone="Asia/Yekaterinburg",
        opens=time(8, 30),
        closes=time(17, 45),
        weekdays=frozenset({0, 2, 4, 5}),
        country=None,
        round_the_clock=True,
        manager_tg_id=777,
        custom_sla={
            Priority.HIGHEST: SlaTargets(timedelta(minutes=15), timedelta(hours=2, seconds=0.5)),
            Priority.LOW: SlaTargets(timedelta(hours=48), timedelta(hours=96)),
        },
        warning_fraction=0.6,
        plan=Plan(monthly_fee=20_000, hours_included=10.5, extra_hour_rate=2_000, reserve_cap=10),
        created_at=T0,
    )
    async with db.unit_of_work() as uow:
        added = await uow.clients.add(client)
        assert added is client and client.id is not None
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.clients.get(client.id)
    assert loaded == client
    assert loaded is not None and loaded.created_at is not None
    assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset() == timedelta(0)
    assert isinstance(loaded.tier, SlaTier) and loaded.custom_sla is not None
    assert all(isinstance(p, Priority) for p in loaded.custom_sla)


async def test_client_defaults_update_and_listing(db: Database, clock: MovableClock) -> None:
    async with db.unit_of_work() as uow:
        plain = await uow.clients.add(new_client(name="Бета"))
        managed = await uow.clients.add(new_client(name="Альфа", manager_tg_id=5))
        await uow.commit()
    assert plain.created_at == clock.now()  # stamped from the database's clock
    assert plain.plan is None and plain.custom_sla is None

    managed.plan = Plan(1, 2.0, 3, 4.0)
    managed.custom_sla = {}
    plain.manager_tg_id = 5
    plain.tier = SlaTier.GOLD
    async with db.unit_of_work() as uow:
        await uow.clients.update(managed)
        await uow.clients.update(plain)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.clients.get(managed.id or 0) == managed
        assert await uow.clients.get(plain.id or 0) == plain
        assert [c.name for c in await uow.clients.list()] == ["Альфа", "Бета"]
        assert [c.id for c in await uow.clients.by_manager(5)] == [managed.id, plain.id]
        assert await uow.clients.by_manager(6) == []
        assert await uow.clients.get(999) is None


async def test_a_half_plan_is_rejected_by_the_schema(db: Database) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        with pytest.raises(sqlite3.IntegrityError):
            await uow.session.execute(
                "UPDATE clients SET plan_monthly_fee = 1 WHERE id = ?", (client.id,)
            )


async def test_employee_round_trip_and_unique_tg_id(db: Database, clock: MovableClock) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        assert client.id is not None
        boss = Employee(
            client_id=client.id,
            tg_id=42,
            name="Мария",
            role=EmployeeRole.DIRECTOR,
            phone="+79990000000",
            locale="en",
            username="maria",
            active=False,
        )
        await uow.employees.add(boss)
        worker = await uow.employees.add(Employee(client_id=client.id, tg_id=43, name="Аня"))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.employees.get(boss.id or 0) == boss
        assert await uow.employees.by_tg_id(42) == boss
        assert await uow.employees.by_tg_id(44) is None
        assert [e.name for e in await uow.employees.list_by_client(client.id)] == ["Аня", "Мария"]
        worker.active, worker.role, worker.phone = False, EmployeeRole.DIRECTOR, "1"
        await uow.employees.update(worker)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.employees.get(worker.id or 0) == worker
        with pytest.raises(sqlite3.IntegrityError):
            await uow.employees.add(Employee(client_id=client.id, tg_id=42, name="Twin"))


async def test_staff_round_trip_and_listing_by_role(db: Database) -> None:
    lead = Staff(
        tg_id=1,
        name="Лид",
        role=StaffRole.LEAD,
        locale="ru",
        notify_all_priorities=False,
        active=False,
        created_at=T0,
    )
    async with db.unit_of_work() as uow:
        await uow.staff.add(lead)
        await uow.staff.add(Staff(tg_id=2, name="Первая", role=StaffRole.FIRST_LINE))
        await uow.staff.add(Staff(tg_id=3, name="Вторая", role=StaffRole.FIRST_LINE))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.staff.get(1) == lead
        assert [s.tg_id for s in await uow.staff.list(StaffRole.FIRST_LINE)] == [3, 2]
        assert len(await uow.staff.list()) == 3
        assert await uow.staff.list(StaffRole.ADMIN) == []
        lead.role, lead.active, lead.notify_all_priorities = StaffRole.ADMIN, True, True
        await uow.staff.update(lead)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.staff.get(1) == lead


async def test_people_by_tg_id_finds_employee_client_and_staff_at_once(db: Database) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        assert client.id is not None
        employee = await uow.employees.add(Employee(client_id=client.id, tg_id=42, name="Аня"))
        staff = await uow.staff.add(Staff(tg_id=42, name="Аня", role=StaffRole.LEAD))
        await uow.staff.add(Staff(tg_id=7, name="Лид", role=StaffRole.LEAD, locale="en"))
        await uow.commit()
    async with db.unit_of_work() as uow:
        both = await uow.people.by_tg_id(42)
        assert (both.employee, both.client, both.staff) == (employee, client, staff)
        only_staff = await uow.people.by_tg_id(7)
        assert (only_staff.employee, only_staff.client) == (None, None)
        assert only_staff.staff == await uow.staff.get(7)
        nobody = await uow.people.by_tg_id(8)
        assert (nobody.employee, nobody.client, nobody.staff) == (None, None, None)


async def test_a_kept_row_is_never_staler_than_the_transactions_own_writes(
    db: Database,
) -> None:
    """Clients and employees read in a transaction are kept for it (nobody else can write
    while it holds the lock); its own writes to the table make the next read fresh."""
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client(name="Old name"))
        assert client.id is not None
        employee = await uow.employees.add(Employee(client_id=client.id, tg_id=42, name="Ann"))
        await uow.commit()

    async with db.unit_of_work() as uow:
        queued_before_the_write = uow.clients.get(client.id)  # nothing kept yet: queued
        client.name = "New name"
        await uow.clients.update(client)
        assert (await queued_before_the_write).name == "Old name"  # it ran before the UPDATE
        assert (await uow.clients.get(client.id)).name == "New name"  # type: ignore[union-attr]
        await uow.commit()

    async with db.unit_of_work() as uow:
        person = await uow.people.by_tg_id(42)  # keeps the employee's and the client's rows
        assert person.client is not None and person.client.name == "New name"
        employee.locale = "en"
        await uow.employees.update(employee)
        assert (await uow.employees.by_tg_id(42)).locale == "en"  # type: ignore[union-attr]
        assert (await uow.employees.get(employee.id or 0)).locale == "en"  # type: ignore[union-attr]
        await uow.commit()

    async with db.unit_of_work() as uow:
        kept = await uow.clients.get(client.id)
        again = await uow.clients.get(client.id)
        assert kept == again and kept is not again  # each read builds its own entity


async def test_invite_round_trip(db: Database) -> None:
    async with db.unit_of_work() as uow:
        client = await uow.clients.add(new_client())
        assert client.id is not None
        invite = Invite(
            code="abc123",
            client_id=client.id,
            role=EmployeeRole.DIRECTOR,
            max_uses=3,
            expires_at=T0.astimezone(timezone(timedelta(hours=5))) + timedelta(days=7),
        )
        await uow.invites.add(invite)
        await uow.invites.add(
            Invite(code="zzz", client_id=client.id, role=EmployeeRole.EMPLOYEE, max_uses=1)
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.invites.get("abc123")
        assert loaded == invite
        assert loaded is not None and loaded.expires_at is not None
        assert loaded.expires_at.tzinfo == UTC
        invite.used, invite.revoked = 2, True
        await uow.invites.update(invite)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.invites.get("abc123") == invite
        assert [i.code for i in await uow.invites.list_by_client(client.id)] == ["abc123", "zzz"]
        assert await uow.invites.get("nope") is None


async def test_ticket_round_trip_with_every_field(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    ticket = new_ticket(
        client_id,
        employee_id,
        kind=TicketKind.REQUEST,
        category=Category.ONE_C,
        priority=Priority.HIGHEST,
        request_type=RequestType.CHANGE,
        impact=WorkImpact.BLOCKED,
        scope=Scope.COMPANY,
        status=TicketStatus.WAITING_CLIENT,
        assignee_tg_id=55,
        first_response_at=T0 + timedelta(minutes=7, microseconds=123),
        resolved_at=T0 + 3 * HOUR,
        closed_at=T0 + 4 * HOUR,
        after_hours=True,
        emergency=True,
        pauses=[Pause(T0 + HOUR, T0 + 2 * HOUR), Pause(T0 + 150 * timedelta(minutes=1))],
        reaction_due=T0 + HOUR,
        reaction_warning_at=T0 + 45 * timedelta(minutes=1),
        resolution_due=T0 + 8 * HOUR,
        resolution_warning_at=T0 + 6 * HOUR,
        agreed_resolution=AgreedResolution(T0 + 30 * HOUR, T0 + 2 * HOUR),
        updated_at=T0 + 5 * HOUR,
    )
    async with db.unit_of_work() as uow:
        added = await uow.tickets.add(ticket)
        assert added is ticket and ticket.id is not None
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.tickets.get(ticket.id)
    assert loaded == ticket
    assert loaded is not None and loaded.is_paused
    assert isinstance(loaded.status, TicketStatus) and isinstance(loaded.scope, Scope)


async def test_ticket_numbers_increase_and_minimal_ticket_round_trips(
    db: Database, people: tuple[int, int], clock: MovableClock
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        first = await uow.tickets.add(new_ticket(client_id, employee_id))
        second = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.commit()
    assert first.number == 1 and second.number == 2
    assert first.updated_at == clock.now()
    async with db.unit_of_work() as uow:
        loaded = await uow.tickets.get(1)
        assert loaded == first
        assert loaded is not None and loaded.pauses == [] and loaded.request_type is None
        assert await uow.tickets.get(3) is None


async def test_ticket_update_persists_status_assignee_pauses_and_due_times(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(
            new_ticket(client_id, employee_id, pauses=[Pause(T0, T0 + HOUR), Pause(T0 + 2 * HOUR)])
        )
        await uow.commit()

    ticket.status = TicketStatus.IN_PROGRESS
    ticket.assignee_tg_id = 9
    ticket.priority = Priority.HIGH
    ticket.resume(T0 + 3 * HOUR)
    ticket.pauses.pop(0)
    ticket.resolution_due = T0 + 10 * HOUR
    ticket.reaction_due = None
    ticket.updated_at = T0 + 3 * HOUR
    async with db.unit_of_work() as uow:
        await uow.tickets.update(ticket)
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.tickets.get(ticket.number)
    assert loaded == ticket
    assert loaded is not None and loaded.pauses == [Pause(T0 + 2 * HOUR, T0 + 3 * HOUR)]

    ticket.pauses.clear()
    async with db.unit_of_work() as uow:
        await uow.tickets.update(ticket)
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.tickets.get(ticket.number)
    assert loaded is not None and loaded.pauses == []


async def test_intake_key_gives_back_the_existing_ticket(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        first = await uow.tickets.add(
            new_ticket(client_id, employee_id, pauses=[Pause(T0)]), intake_key="draft-1"
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        again = await uow.tickets.add(
            new_ticket(client_id, employee_id, title="second tap"), intake_key="draft-1"
        )
        other = await uow.tickets.add(new_ticket(client_id, employee_id), intake_key="draft-2")
        no_key = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.commit()
    assert again == first and again.title == "Не печатает принтер"
    assert other.number != first.number and no_key.number not in (first.number, other.number)
    async with db.unit_of_work() as uow:
        assert await uow.tickets.by_intake_key("draft-1") == first
        assert await uow.tickets.by_intake_key("draft-3") is None
        assert len(await uow.tickets.list_open()) == 3


async def test_listing_open_first_then_newest(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        other = await uow.employees.add(Employee(client_id=client_id, tg_id=2002, name="Пётр"))
        statuses = [
            TicketStatus.NEW,
            TicketStatus.CLOSED,
            TicketStatus.IN_PROGRESS,
            TicketStatus.CANCELLED,
            TicketStatus.RESOLVED,
        ]
        for status in statuses:
            await uow.tickets.add(new_ticket(client_id, employee_id, status=status))
        await uow.tickets.add(new_ticket(client_id, other.id or 0))
        await uow.commit()
    async with db.unit_of_work() as uow:
        tickets = uow.tickets
        assert numbers(await tickets.list_by_employee(employee_id)) == [5, 3, 1, 4, 2]
        assert numbers(await tickets.list_by_employee(employee_id, open_only=True)) == [5, 3, 1]
        assert numbers(await tickets.list_by_employee(employee_id, limit=2, offset=2)) == [1, 4]
        assert numbers(await tickets.list_by_client(client_id)) == [6, 5, 3, 1, 4, 2]
        assert numbers(await tickets.list_by_client(client_id, open_only=True)) == [6, 5, 3, 1]
        assert numbers(await tickets.list_open()) == [1, 3, 5, 6]


async def test_queue_by_due_time_and_by_assignee(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        for due, assignee in [(5, 1), (None, 1), (2, None), (9, 2)]:
            await uow.tickets.add(
                new_ticket(
                    client_id,
                    employee_id,
                    assignee_tg_id=assignee,
                    resolution_due=None if due is None else T0 + due * HOUR,
                )
            )
        await uow.tickets.add(
            new_ticket(
                client_id,
                employee_id,
                status=TicketStatus.CLOSED,
                resolution_due=T0,
                assignee_tg_id=1,
            )
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        queue = await uow.tickets.open_queue()
        assert (queue.total, numbers(queue.tickets)) == (4, [3, 1, 4, 2])
        second = await uow.tickets.open_queue(limit=2, offset=2)
        assert (second.total, numbers(second.tickets)) == (4, [4, 2])
        mine = await uow.tickets.open_queue(QueueView(assignee_tg_id=1))
        assert (mine.total, numbers(mine.tickets)) == (2, [1, 2])
        free = await uow.tickets.open_queue(QueueView(unassigned=True))
        assert (free.total, numbers(free.tickets)) == (1, [3])
        theirs = await uow.tickets.open_queue(QueueView(client_ids=frozenset({client_id})))
        assert theirs.total == 4
        nobody = await uow.tickets.open_queue(QueueView(client_ids=frozenset()))
        assert (nobody.total, nobody.tickets) == (0, [])
        assert numbers(await uow.tickets.list_by_assignee(1)) == [2, 1]
        assert numbers(await uow.tickets.list_by_assignee(1, open_only=False)) == [2, 1, 5]


async def test_messages_with_attachments_in_order(
    db: Database, people: tuple[int, int], clock: MovableClock
) -> None:
    client_id, employee_id = people
    photo = Attachment("photo", "AgAD-1", "uniq-1")
    doc = Attachment("document", "BQAD-2", "uniq-2", "акт.pdf", "application/pdf")
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        first = await uow.tickets.add_message(
            TicketMessage(
                ticket.number,
                "employee",
                1001,
                "вот фото",
                attachments=(photo, doc),
                created_at=T0,
            )
        )
        note = await uow.tickets.add_message(
            TicketMessage(
                ticket.number,
                "staff",
                7,
                "внутренняя заметка",
                internal=True,
            )
        )
        await uow.tickets.add_message(TicketMessage(ticket.number, "system", None, "closed"))
        await uow.commit()
    assert first.id is not None and note.created_at == clock.now()
    async with db.unit_of_work() as uow:
        messages = await uow.tickets.messages(ticket.number)
        assert messages[:2] == [first, note]
        assert messages[0].attachments == (photo, doc)
        assert [m.author for m in messages] == ["employee", "staff", "system"]
        assert await uow.tickets.messages(999) == []


async def test_conversations_say_when_each_ticket_was_last_talked_about(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    hour = timedelta(hours=1)
    async with db.unit_of_work() as uow:
        quiet = await uow.tickets.add(new_ticket(client_id, employee_id))
        talked = await uow.tickets.add(new_ticket(client_id, employee_id))
        closed = await uow.tickets.add(
            new_ticket(client_id, employee_id, status=TicketStatus.CLOSED, closed_at=T0 + hour)
        )
        for author, text, internal, at in (
            ("staff", "Посмотрю", False, T0 + hour),
            ("employee", "Спасибо", False, T0 + 2 * hour),
            ("staff", "заметка", True, T0 + 3 * hour),  # the employee never saw it
        ):
            await uow.tickets.add_message(
                TicketMessage(talked.number, author, 7, text, internal=internal, created_at=at)
            )
        await uow.commit()
    async with db.unit_of_work() as uow:
        found = {c.number: c for c in await uow.tickets.conversations(employee_id, client_id)}
        assert set(found) == {quiet.number, talked.number}
        assert found[quiet.number].last_exchange_at == T0
        assert found[quiet.number].last_employee_at == T0  # registered: her description
        assert found[talked.number].last_exchange_at == T0 + hour
        assert found[talked.number].last_employee_at == T0 + 2 * hour
        assert found[talked.number].staff_messages == 1
        # she answered staff's last word: nothing of staff's is left unanswered
        assert found[talked.number].last_staff_at is None
        assert found[talked.number].last_staff_text == ""
        also = await uow.tickets.conversations(employee_id, client_id, also=closed.number)
        assert {c.number: c.closed_at for c in also}[closed.number] == T0 + hour
        assert await uow.tickets.conversations(employee_id, client_id + 1) == []


async def test_conversations_name_staffs_question_the_employee_has_not_answered(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    hour = timedelta(hours=1)
    async with db.unit_of_work() as uow:
        asked = await uow.tickets.add(new_ticket(client_id, employee_id))
        for author, text, internal, at in (
            ("employee", "и сканер тоже", False, T0 + hour),
            ("staff", "Какая ошибка? Пришлите скрин", False, T0 + 2 * hour),
            ("staff", "спросил про ошибку", True, T0 + 3 * hour),  # a note: not to her
        ):
            await uow.tickets.add_message(
                TicketMessage(asked.number, author, 7, text, internal=internal, created_at=at)
            )
        await uow.commit()
    async with db.unit_of_work() as uow:
        (found,) = await uow.tickets.conversations(employee_id, client_id)
        assert found.last_staff_at == T0 + 2 * hour
        assert found.last_staff_text == "Какая ошибка? Пришлите скрин"


async def test_a_message_is_routed_among_the_newest_open_tickets_only(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        numbers = [
            (await uow.tickets.add(new_ticket(client_id, employee_id))).number
            for _ in range(ROUTED_OPEN_TICKETS + 5)
        ]
        await uow.commit()
    async with db.unit_of_work() as uow:
        found = [c.number for c in await uow.tickets.conversations(employee_id, client_id)]
        assert sorted(found) == numbers[-ROUTED_OPEN_TICKETS:]
        also = await uow.tickets.conversations(employee_id, client_id, also=numbers[0])
        assert sorted(c.number for c in also) == [numbers[0], *numbers[-ROUTED_OPEN_TICKETS:]]


async def test_priority_changes_work_logs_and_rating(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        n = ticket.number
        changes = [
            PriorityChange(n, Priority.STANDARD, Priority.HIGH, "весь отдел стоит", 7, T0 + HOUR),
            PriorityChange(n, Priority.HIGH, Priority.LOW, "обошлись", 8, T0 + 2 * HOUR),
        ]
        for change in reversed(changes):
            await uow.tickets.add_priority_change(change)
        logs = [WorkLog(n, 7, 30, T0, "diagnostics"), WorkLog(n, 8, 90, T0 + HOUR)]
        for log in logs:
            await uow.tickets.add_work_log(log)
        assert await uow.tickets.rating(n) is None
        rating = Rating(n, 5, "спасибо!", T0 + 3 * HOUR)
        await uow.tickets.add_rating(rating)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.tickets.priority_changes(n) == changes
        assert await uow.tickets.work_logs(n) == logs
        assert await uow.tickets.rating(n) == rating
    async with db.unit_of_work() as uow:
        with pytest.raises(sqlite3.IntegrityError):
            await uow.tickets.add_rating(Rating(n, 1, "second", T0))
    async with db.unit_of_work() as uow:
        commented = Rating(n, 5, "и быстро", T0 + 4 * HOUR)
        await uow.tickets.update_rating(commented)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.tickets.rating(n) == commented
        with pytest.raises(NotFound):
            await uow.tickets.update_rating(Rating(999, 1, "", T0))


async def test_an_agreed_resolution_date_and_its_history(
    db: Database, people: tuple[int, int]
) -> None:
    """A change request's agreed date is kept on the ticket, and every setting of it in the
    ticket's history, in order, with who set it."""
    client_id, employee_id = people
    ticket = new_ticket(
        client_id, employee_id, kind=TicketKind.REQUEST, request_type=RequestType.CHANGE
    )
    first = ResolutionAgreed(1, T0 + 30 * HOUR, 55, T0 + HOUR)
    second = ResolutionAgreed(1, T0 + 50 * HOUR, 56, T0 + 2 * HOUR)
    async with db.unit_of_work() as uow:
        await uow.tickets.add(ticket)
        assert (await uow.tickets.get(1)).agreed_resolution is None  # type: ignore[union-attr]
        ticket.agreed_resolution = AgreedResolution(second.due, second.at)
        await uow.tickets.update(ticket)
        await uow.tickets.add_agreed_resolution(second)
        await uow.tickets.add_agreed_resolution(first)
        await uow.commit()
    async with db.unit_of_work() as uow:
        loaded = await uow.tickets.get(1)
        assert loaded is not None
        assert loaded.agreed_resolution == AgreedResolution(T0 + 50 * HOUR, T0 + 2 * HOUR)
        assert loaded.resolution_by_agreement and not loaded.resolution_to_be_agreed
        assert await uow.tickets.agreed_resolutions(1) == [first, second]
        assert await uow.tickets.agreed_resolutions(2) == []


async def test_estimates_the_latest_of_each_ticket_and_those_waiting_for_a_decision(
    db: Database, people: tuple[int, int]
) -> None:
    """Every estimate is kept with its decision; a ticket shows its latest one, and only an
    open ticket's latest estimate still undecided waits for its approver."""
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        first = await uow.tickets.add(new_ticket(client_id, employee_id))
        second = await uow.tickets.add(new_ticket(client_id, employee_id))
        for ticket in (first, second):
            ticket.await_estimate(T0)
            await uow.tickets.update(ticket)
        old = await uow.tickets.add_estimate(Estimate(first.number, 120, None, 7, T0, employee_id))
        new = await uow.tickets.add_estimate(
            Estimate(first.number, 180, 6_000, 7, T0 + HOUR, employee_id, billed_separately=True)
        )
        other = await uow.tickets.add_estimate(
            Estimate(second.number, 60, None, 7, T0 + HOUR, employee_id)
        )
        await uow.commit()
    assert old.id is not None and new.id is not None and other.id is not None
    async with db.unit_of_work() as uow:
        assert (await uow.tickets.get(first.number)).awaiting_estimate  # type: ignore[union-attr]
        latest = await uow.tickets.latest_estimates([first.number, second.number, 99])
        assert latest == {first.number: new, second.number: other}
        waiting = await uow.tickets.pending_estimates(employee_id)
        assert [e.id for e in waiting] == [other.id, new.id]
        decided = replace(
            new,
            decision=Decision.APPROVED,
            decided_by_employee_id=employee_id,
            decided_at=T0 + 2 * HOUR,
        )
        await uow.tickets.decide_estimate(decided)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert (await uow.tickets.latest_estimates([first.number]))[first.number] == decided
        assert [e.id for e in await uow.tickets.pending_estimates(employee_id)] == [other.id]
        assert await uow.tickets.pending_estimates(employee_id + 1) == []


async def test_sla_events_are_recorded_once(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        breach = SlaEventRecord(
            ticket.number,
            SlaMilestone.REACTION_BREACH,
            T0 + HOUR,
            T0 + 2 * HOUR,
            overdue_seconds=3600,
        )
        warning = SlaEventRecord(ticket.number, SlaMilestone.REACTION_WARNING, T0, T0 + HOUR)
        assert await uow.sla_events.record(breach) is True
        assert await uow.sla_events.record(warning) is True
        await uow.commit()
    async with db.unit_of_work() as uow:
        later = SlaEventRecord(ticket.number, SlaMilestone.REACTION_BREACH, T0, T0 + 5 * HOUR, 9)
        assert await uow.sla_events.record(later) is False
        assert await uow.sla_events.for_ticket(ticket.number) == [warning, breach]
        assert await uow.sla_events.for_ticket(999) == []
        # A warning whose due time moved (a new agreed date) is forgotten: it comes again.
        await uow.sla_events.forget(ticket.number, SlaMilestone.REACTION_WARNING)
        assert await uow.sla_events.for_ticket(ticket.number) == [breach]
        assert await uow.sla_events.record(warning) is True


async def test_processed_updates_seen_before_and_prune(db: Database, clock: MovableClock) -> None:
    async with db.unit_of_work() as uow:
        assert await uow.processed_updates.seen_before(100) is False
        assert await uow.processed_updates.seen_before(100) is True
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.processed_updates.seen_before(101) is False
        # rolled back: the update was not handled, its redelivery must be
    clock.advance(days=2)
    async with db.unit_of_work() as uow:
        assert await uow.processed_updates.seen_before(100) is True
        assert await uow.processed_updates.seen_before(101) is False
        await uow.commit()
    assert await prune_processed_updates(db, clock.now() - timedelta(days=1), batch=1) == 1
    async with db.unit_of_work() as uow:
        assert await uow.processed_updates.seen_before(100) is False
        assert await uow.processed_updates.seen_before(101) is True


async def test_ticket_posts(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        one = await uow.tickets.add(new_ticket(client_id, employee_id))
        two = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.ticket_posts.set(TicketPost(one.number, -100, 10, thread_id=77))
        await uow.ticket_posts.set(TicketPost(two.number, -100, 11))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.ticket_posts.get(one.number) == TicketPost(one.number, -100, 10, 77)
        assert await uow.ticket_posts.by_message(-100, 11) == TicketPost(two.number, -100, 11)
        assert await uow.ticket_posts.by_thread(-100, 77) == TicketPost(one.number, -100, 10, 77)
        assert await uow.ticket_posts.by_thread(-200, 77) is None
        assert await uow.ticket_posts.by_message(-100, 12) is None
        # The card is posted again elsewhere: the old place no longer points to it.
        await uow.ticket_posts.set(TicketPost(one.number, -300, 5))
        assert await uow.ticket_posts.get(one.number) == TicketPost(one.number, -300, 5)
        assert await uow.ticket_posts.by_thread(-100, 77) is None
        assert await uow.ticket_posts.by_message(-100, 10) is None
