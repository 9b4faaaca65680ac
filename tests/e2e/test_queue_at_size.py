"""/queue with more open tickets than a screen's worth of loading ever held: the count in
its header, "mine", a client's tickets, the order and every page are those of all open
tickets (it used to look at the first 1,000 only)."""

from __future__ import annotations

from datetime import timedelta

from domain import StaffRole
from domain.enums import TicketStatus
from domain.use_cases import accounts
from handlers.ui.callbacks import QueueCb
from tests.e2e.harness import Desk
from tests.storage.conftest import new_ticket

ENGINEER_ID, COLLEAGUE_ID = 701, 702
OPEN = 1_250


async def many_tickets(desk: Desk) -> dict[str, list[int]]:
    """1,250 open tickets of two clients (and closed ones that must not count), some
    assigned to the engineer, some to a colleague, the rest to nobody; the later a ticket was
    registered, the nearer its due time; every 50th has its clock stopped. What each queue
    must show, in its order."""
    romashka = await desk.add_client("ООО Ромашка")
    lyutik = await desk.add_client("АО Лютик")
    now = desk.clock.now()
    expected: dict[str, list[tuple[bool, object, int]]] = {"all": [], "mine": [], "romashka": []}
    async with desk.db.unit_of_work() as uow:
        employees = {}
        for n, client in enumerate((romashka, lyutik)):
            invite = await accounts.create_invite(uow, desk.clock, client_id=client.id or 0)
            registered = await accounts.register_employee(
                uow, desk.clock, code=invite.value.code, tg_id=900 + n, name=f"Сотрудник {n}"
            )
            employees[client.id] = registered.value.id
        for i in range(OPEN + 40):
            client = romashka if i % 5 < 2 else lyutik
            assignee = (ENGINEER_ID, COLLEAGUE_ID, None, None)[i % 4]
            due = None if i % 50 == 6 else now + timedelta(minutes=OPEN - i)
            ticket = await uow.tickets.add(
                new_ticket(
                    client.id,
                    employees[client.id],
                    title=f"Заявка номер {i}",
                    registered_at=now,
                    status=(
                        TicketStatus.CLOSED
                        if i >= OPEN
                        else TicketStatus.NEW
                        if assignee is None
                        else TicketStatus.IN_PROGRESS
                    ),
                    assignee_tg_id=assignee,
                    resolution_due=due,
                )
            )
            if i >= OPEN:
                continue
            key = (due is None, due or now, ticket.number)
            expected["all"].append(key)
            if assignee == ENGINEER_ID:
                expected["mine"].append(key)
            if client is romashka:
                expected["romashka"].append(key)
        await uow.commit()
    return {view: [number for *_, number in sorted(keys)] for view, keys in expected.items()}


def listed(text: str) -> list[int]:
    """The ticket numbers of a screen, in their order."""
    return [int(line.split("№")[1].split()[0]) for line in text.splitlines() if "№" in line]


async def test_queue_counts_filters_and_pages_over_all_open_tickets(desk: Desk):
    expected = await many_tickets(desk)
    assert len(expected["all"]) == OPEN and len(expected["mine"]) == 313
    await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
    await desk.add_staff(COLLEAGUE_ID, "Пётр", StaffRole.FIRST_LINE)
    engineer = desk.person("Иван", user_id=ENGINEER_ID)

    await engineer.command("queue")
    everything = await engineer.wait_for_message(contains="Открытые заявки")
    assert "(1250)" in everything.text
    assert listed(everything.text) == expected["all"][:10]

    await engineer.command("queue", "мои")
    mine = await engineer.wait_for_message(contains="Мои открытые заявки")
    assert "(313)" in mine.text
    assert listed(mine.text) == expected["mine"][:10]
    await (await engineer.press("»", message=mine)).wait_answered()
    await engineer.wait_until(lambda _t: listed(mine.text) == expected["mine"][10:20])

    await engineer.command("queue", "ромашка")
    romashka = await engineer.wait_for_message(contains="Открытые заявки «ромашка»")
    assert len(expected["romashka"]) == 500 and "(500)" in romashka.text
    assert listed(romashka.text) == expected["romashka"][:10]
    # The last screen, as its "»" button would ask for it: the tickets with a stopped clock.
    last = QueueCb(view="client", value="ромашка", screen=49).pack()
    await (await engineer.press_with_data(romashka, last)).wait_answered()
    await engineer.wait_until(lambda _t: listed(romashka.text) == expected["romashka"][490:])
    assert romashka.text.count("⏸") == 10
    assert [b["text"] for row in romashka.inline_keyboard for b in row][-1] == "«"
