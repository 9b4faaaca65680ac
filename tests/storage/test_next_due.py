"""Each open ticket's stored next due time (tickets.next_due_at) is the earliest of its SLA
milestones still ahead and not recorded, whatever changes: registration, a new priority, a
pause and the resumption, every status, each milestone recorded or forgotten. The SLA
timers read only it at start and at every refill, so a stale one would be a warning or a
breach never told (or read again and again)."""

from __future__ import annotations

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
from tests.storage.conftest import T0, new_ticket

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


async def test_the_migration_fills_it_in_for_tickets_already_open(
    db: Database, people: tuple[int, int]
):
    """A database upgraded to 0016 gets the same next due times the storage keeps."""
    client_id, employee_id = people
    ids = []
    async with db.unit_of_work() as uow:
        for n, step in enumerate([TAKEN, TAKEN_LATE, RESOLVED_LATE, CLOSED, PAUSED]):
            ticket = await uow.tickets.add(new_ticket(client_id, employee_id, **DUES))
            assert step.change is not None
            step.change(ticket)
            await uow.tickets.update(ticket)
            if n == 0:
                await uow.sla_events.record(
                    SlaEventRecord(ticket.number, M.RESOLUTION_WARNING, T0, T0, 0)
                )
            ids.append(ticket.number)
        await uow.commit()
    kept = [await stored(db, t) for t in ids]
    script = (Path(__file__).parents[2] / "storage/migrations/0016_next_due.sql").read_text()
    backfill = next(s for s in script.split(";\n") if s.lstrip().startswith("UPDATE"))
    async with db.transaction() as session:
        await session.execute("UPDATE tickets SET next_due_at = NULL")
        await session.execute(backfill)
    assert [await stored(db, t) for t in ids] == kept
    assert kept == [T0 + 8 * H, T0 + H, T0 + 0.75 * H, None, T0 + 0.75 * H]
