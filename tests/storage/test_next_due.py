"""Each open ticket's stored next due time (tickets.next_due_at) is the earliest of its SLA
milestones still ahead and not recorded, whatever changes: registration, a new priority, a
pause and the resumption, every status, each milestone recorded or forgotten. The SLA
timers read only it at start and at every refill, so a stale one would be a warning or a
breach never told (or read again and again)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from domain.enums import Priority, TicketStatus
from domain.model import Ticket
from domain.ports import SlaEventRecord, UnitOfWork
from domain.sla import Pause, SlaMilestone
from domain.sla_milestones import pending_milestones
from storage import Database
from storage.codec import parse_utc_or_none
from storage.database import load_migrations
from tests.storage.conftest import T0, MovableClock, new_ticket

M = SlaMilestone
H = timedelta(hours=1)
# The due times a registered ticket gets (as the intake computes them).
DUES = {
    "reaction_warning_at": T0 + 0.75 * H,
    "reaction_due": T0 + H,
    "resolution_warning_at": T0 + 6 * H,
    "resolution_due": T0 + 8 * H,
}


@dataclass(frozen=True)
class Step:
    """A change the use cases make, as the storage sees it: the ticket written, or a
    milestone recorded (or forgotten)."""

    what: str
    change: Callable[[Ticket], None] | None = None
    record: SlaMilestone | None = None
    forget: SlaMilestone | None = None


def set_(**fields: object) -> Callable[[Ticket], None]:
    def change(ticket: Ticket) -> None:
        for name, value in fields.items():
            setattr(ticket, name, value)

    return change


def recorded(milestone: SlaMilestone) -> Step:
    return Step(f"{milestone} recorded", record=milestone)


TAKEN = Step("taken", set_(status=TicketStatus.IN_PROGRESS, first_response_at=T0 + 0.5 * H))
TAKEN_LATE = Step("taken late", set_(status=TicketStatus.IN_PROGRESS, first_response_at=T0 + 2 * H))
HIGHER = Step(
    "priority raised",
    set_(
        priority=Priority.HIGH,
        reaction_warning_at=T0 + 0.25 * H,
        reaction_due=T0 + 0.5 * H,
        resolution_warning_at=T0 + 3 * H,
        resolution_due=T0 + 4 * H,
    ),
)
PAUSED = Step(
    "waiting for the client (clock stopped)",
    set_(
        status=TicketStatus.WAITING_CLIENT,
        pauses=[Pause(T0 + H)],
        resolution_warning_at=None,
        resolution_due=None,
    ),
)
RESUMED = Step(
    "the client answered (clock runs again)",
    set_(
        status=TicketStatus.IN_PROGRESS,
        pauses=[Pause(T0 + H, T0 + 3 * H)],
        resolution_warning_at=T0 + 8 * H,
        resolution_due=T0 + 10 * H,
    ),
)
RESOLVED = Step("resolved in time", set_(status=TicketStatus.RESOLVED, resolved_at=T0 + 5 * H))
RESOLVED_LATE = Step("resolved late", set_(status=TicketStatus.RESOLVED, resolved_at=T0 + 9 * H))
REOPENED = Step("reopened", set_(status=TicketStatus.REOPENED, resolved_at=None))
CLOSED = Step("closed", set_(status=TicketStatus.CLOSED, closed_at=T0 + 9 * H))
CANCELLED = Step("cancelled", set_(status=TicketStatus.CANCELLED))

RESOLUTION = [recorded(M.RESOLUTION_WARNING), recorded(M.RESOLUTION_BREACH)]
# (case, steps, the next due time after each step: hours after T0, or None). A ticket
# registered with DUES has its reaction warning next (0.75).
CASES: list[tuple[str, list[Step], list[float | None]]] = [
    ("registered", [], []),
    (
        "every milestone recorded in turn",
        [TAKEN_LATE, *map(recorded, (M.REACTION_WARNING, M.REACTION_BREACH)), *RESOLUTION],
        [1, 1, 6, 8, None],
    ),
    ("warned, then not taken", [recorded(M.REACTION_WARNING)], [1]),
    ("taken in time", [TAKEN], [6]),
    ("taken after the reaction was due: its breach still to record", [TAKEN_LATE], [1]),
    ("priority raised", [HIGHER], [0.25]),
    ("priority raised after the warning", [recorded(M.REACTION_WARNING), HIGHER], [1, 0.5]),
    ("paused and resumed", [TAKEN, PAUSED, RESUMED], [6, None, 8]),
    ("resolved in time", [TAKEN, RESOLVED], [6, None]),
    ("resolved late: the breach still to record", [TAKEN, RESOLVED_LATE], [6, 8]),
    ("resolved, then reopened", [TAKEN, RESOLVED, REOPENED], [6, None, 6]),
    ("closed", [TAKEN, CLOSED], [6, None]),
    ("cancelled before anybody took it", [CANCELLED], [None]),
    (
        "a warning forgotten (a new agreed date) comes again",
        [TAKEN, recorded(M.RESOLUTION_WARNING), Step("forgotten", forget=M.RESOLUTION_WARNING)],
        [6, 8, 6],
    ),
]


async def stored(db: Database, ticket_id: int) -> datetime | None:
    async with db.transaction() as session:
        row = await session.fetchone("SELECT next_due_at FROM tickets WHERE id = ?", (ticket_id,))
    assert row is not None
    return parse_utc_or_none(row["next_due_at"])


def expected_by_the_domain(ticket: Ticket, on_record: set[SlaMilestone]) -> datetime | None:
    """The domain's own reading (domain.sla_milestones) of the same ticket."""
    if not ticket.is_open:
        return None
    ahead = [due for milestone, due in pending_milestones(ticket) if milestone not in on_record]
    return min(ahead, default=None)


async def apply(uow: UnitOfWork, ticket: Ticket, step: Step, on_record: set[SlaMilestone]) -> None:
    if step.change is not None:
        step.change(ticket)
        await uow.tickets.update(ticket)
    if step.record is not None:
        record = SlaEventRecord(ticket.number, step.record, T0, T0 + 10 * H, 0)
        assert await uow.sla_events.record(record)
        on_record.add(step.record)
    if step.forget is not None:
        await uow.sla_events.forget(ticket.number, step.forget)
        on_record.discard(step.forget)


@pytest.mark.parametrize(("case", "steps", "after"), CASES, ids=[c[0] for c in CASES])
async def test_the_stored_next_due_time_follows_every_change(
    db: Database, people: tuple[int, int], case: str, steps: list[Step], after: list[float | None]
):
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id, **DUES))
        await uow.commit()
    assert ticket.id is not None
    on_record: set[SlaMilestone] = set()
    seen = [await stored(db, ticket.id)]
    for step in steps:
        async with db.unit_of_work() as uow:
            await apply(uow, ticket, step, on_record)
            await uow.commit()
        seen.append(await stored(db, ticket.id))
        assert seen[-1] == expected_by_the_domain(ticket, on_record), step.what
    hours = [None if moment is None else (moment - T0) / H for moment in seen]
    assert hours == [0.75, *after]


async def test_changes_rolled_back_leave_it_as_it_was(db: Database, people: tuple[int, int]):
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id, **DUES))
        await uow.commit()
    assert ticket.id is not None
    async with db.unit_of_work() as uow:
        TAKEN.change(ticket)  # type: ignore[misc]
        await uow.tickets.update(ticket)
        await uow.rollback()
    assert await stored(db, ticket.id) == DUES["reaction_warning_at"]


@pytest.mark.sqlite_only  # copies / builds the SQLite file itself
async def test_upgrading_to_0016_fills_it_in_for_the_tickets_already_there(
    db_path: Path, clock: MovableClock
):
    """A file from before 0016, with tickets in every state and milestones on record, gets
    each open ticket's next due time from the migration itself."""
    before = [m for m in load_migrations() if m.name < "0016"]
    day = "2026-12-01T"
    with sqlite3.connect(db_path) as raw:
        for migration in before:
            raw.executescript(migration.sql)
        raw.execute(f"PRAGMA user_version = {before[-1].version}")
        raw.execute(
            "INSERT INTO clients (id, name, tier, timezone, opens, closes, weekdays, "
            "warning_fraction, created_at) VALUES (1, 'Ромашка', 'gold', 'Europe/Moscow', "
            "'09:00', '18:00', '0,1,2,3,4', 0.75, ?)",
            (f"{day}06:00:00.000000Z",),
        )
        raw.execute(
            "INSERT INTO employees (id, client_id, tg_id, name, role, created_at) "
            "VALUES (1, 1, 5001, 'Анна', 'employee', ?)",
            (f"{day}06:00:00.000000Z",),
        )
        # (status, first response, resolved, milestones on record)
        tickets = [
            ("new", None, None, ()),
            ("in_progress", "06:30", None, ("resolution_warning",)),
            ("in_progress", "08:00", None, ()),  # answered after the reaction was due
            ("closed", "06:30", "09:00", ()),
            ("new", None, None, ("reaction_warning", "reaction_breach",
                                 "resolution_warning", "resolution_breach")),
            ("resolved", "06:30", "15:00", ()),  # resolved after the resolution was due
        ]  # fmt: skip
        for n, (status, answered, resolved, on_record) in enumerate(tickets, start=1):
            raw.execute(
                "INSERT INTO tickets (id, client_id, employee_id, kind, category, priority, "
                "title, description, status, registered_at, first_response_at, resolved_at, "
                "reaction_warning_at, reaction_due, resolution_warning_at, resolution_due, "
                "updated_at) VALUES (?, 1, 1, 'incident', 'printer', 'high', 't', 'd', ?, ?, "
                "?, ?, ?, ?, ?, ?, ?)",
                (
                    n,
                    status,
                    f"{day}06:00:00.000000Z",
                    answered and f"{day}{answered}:00.000000Z",
                    resolved and f"{day}{resolved}:00.000000Z",
                    f"{day}06:45:00.000000Z",
                    f"{day}07:00:00.000000Z",
                    f"{day}12:00:00.000000Z",
                    f"{day}14:00:00.000000Z",
                    f"{day}06:00:00.000000Z",
                ),
            )
            raw.executemany(
                "INSERT INTO sla_events (ticket_id, milestone, due_at, recorded_at) "
                "VALUES (?, ?, ?, ?)",
                [(n, m, f"{day}06:45:00.000000Z", f"{day}06:45:00.000000Z") for m in on_record],
            )
    db = await Database.open(db_path, clock=clock)
    try:
        assert db.applied_migrations[0] == "0016_next_due.sql"
        found = [await stored(db, n) for n in range(1, len(tickets) + 1)]
        async with db.unit_of_work() as uow:
            read = await uow.tickets.get_many(range(1, len(tickets) + 1))
            on_record = await uow.sla_events.for_tickets(list(read))
        expected = [
            expected_by_the_domain(t, {r.milestone for r in on_record.get(n, ())})
            for n, t in sorted(read.items())
        ]
        at = datetime.fromisoformat
        assert (
            found
            == expected
            == [
                at(f"{day}06:45:00+00:00"),
                at(f"{day}14:00:00+00:00"),
                at(f"{day}07:00:00+00:00"),
                None,
                None,
                at(f"{day}14:00:00+00:00"),
            ]
        )
    finally:
        await db.close()
