"""Mass outages on record: an outage and its children, a client's outages still open, the
recent tickets the watch reads, the staff chat's proposals, and the lists an outage stays
out of (an employee's own, the staff queue's children)."""

from __future__ import annotations

from datetime import timedelta

from domain.enums import Category, TicketStatus
from domain.outages import Proposal
from storage import Database
from tests.storage.conftest import T0, new_ticket


async def test_an_outage_its_children_and_the_lists_it_stays_out_of(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        old = await uow.tickets.add(new_ticket(client_id, employee_id, registered_at=T0))
        later = T0 + timedelta(minutes=40)
        a = await uow.tickets.add(new_ticket(client_id, employee_id, registered_at=later))
        outage = await uow.tickets.add(new_ticket(client_id, employee_id, outage=True))
        b = await uow.tickets.add(
            new_ticket(client_id, employee_id, registered_at=later, parent_id=outage.number)
        )
        a.parent_id = outage.number
        await uow.tickets.update(a)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert [t.number for t in await uow.tickets.children(outage.number)] == [a.number, b.number]
        assert (await uow.tickets.get(outage.number)).outage
        assert [t.number for t in await uow.tickets.open_outages(client_id)] == [outage.number]
        recent = await uow.tickets.recent_incidents(client_id, T0 + timedelta(minutes=30))
        assert old.number not in [r.number for r in recent]
        # Of some tickets only (a proposal's): those of them that are recent incidents.
        some = await uow.tickets.recent_incidents(
            client_id, T0 + timedelta(minutes=30), [old.number, b.number]
        )
        assert [r.number for r in some] == [b.number]
        # The employee's own list and the staff queue: no outage, no children.
        mine = await uow.tickets.list_by_employee(employee_id)
        assert outage.number not in [t.number for t in mine]
        page = await uow.tickets.open_queue()
        queue = [t.number for t in page.tickets]
        assert outage.number in queue and a.number not in queue and b.number not in queue
        assert page.total == len(queue)  # the header counts what the queue lists
        resolved = await uow.tickets.get(outage.number)
        resolved.status = TicketStatus.RESOLVED
        await uow.tickets.update(resolved)
        assert await uow.tickets.open_outages(client_id) == []


async def test_a_proposal_is_kept_extended_and_decided(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, _ = people
    async with db.unit_of_work() as uow:
        proposal = await uow.outages.add(
            Proposal(client_id, Category.INTERNET_NETWORK, [1, 2, 3], T0)
        )
        assert proposal.id is not None
        proposal.tickets.append(4)
        proposal.edits += 1
        await uow.outages.update(proposal)
        assert [p.tickets for p in await uow.outages.open_of_client(client_id)] == [[1, 2, 3, 4]]
        proposal.state, proposal.parent_id = "dismissed", None
        await uow.outages.update(proposal)
        assert await uow.outages.open_of_client(client_id) == []
        kept = await uow.outages.get(proposal.id)
        assert kept is not None and kept.state == "dismissed" and kept.edits == 1
        assert await uow.outages.get(999) is None
