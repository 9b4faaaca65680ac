"""Taking access away, as people notice it: a removed employee is a stranger and hears
nothing more (not even a staff answer already on its way), a moved employee no longer
sees the old company's tickets."""

from __future__ import annotations

from domain.enums import EmployeeRole
from domain.use_cases import accounts
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import staff_world, texts


async def remove(desk: Desk, tg_id: int) -> accounts.Removal:
    """What `frontdesk admin employee remove` does."""
    async with desk.db.unit_of_work() as uow:
        removal = (await accounts.remove_employee(uow, tg_id=tg_id)).value
        await uow.commit()
    return removal


async def test_a_removed_employee_gets_no_staff_answer_and_is_a_stranger(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    await desk.settled()

    removal = await remove(desk, anna.id)
    assert removal.open_tickets == 1
    await engineer.send("Пароль от почты: Qwerty123", chat=desk.staff_chat, reply_to=card)
    told = await desk.staff_chat.wait_for_message(contains="не отправлено")
    assert "нет доступа" in told.text
    await desk.settled()

    assert not any("Qwerty123" in t for t in texts(anna))
    await anna.send("не печатает принтер")
    assert "приглашение" in (await anna.wait_for_message()).text
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None and ticket.is_open  # it stays with the company


async def test_an_employee_moved_to_another_company_no_longer_sees_the_old_tickets(desk: Desk):
    old, new = await desk.add_client("ООО Ромашка"), await desk.add_client("ЗАО Лютик")
    anna = desk.person("Анна")
    await desk.register(anna, old)
    number = await send_ticket(anna)
    await remove(desk, anna.id)

    await desk.register(anna, new, EmployeeRole.EMPLOYEE)
    await anna.command("my")
    listed = await anna.wait_for_message()
    assert f"№{number}" not in listed.text
    await anna.command("status", str(number))
    assert "не найдена" in (await anna.wait_for_message()).text


async def test_a_director_takes_a_colleagues_access_away_from_company(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    anna, boris = desk.person("Анна"), desk.person("Борис")
    await desk.register(anna, client)
    await desk.register(boris, client, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)

    await boris.command("company")
    listed = await boris.wait_for_message(contains=f"№{number}")
    await boris.press("👥 Сотрудники с доступом", message=listed)
    people = await boris.wait_until(
        lambda t: next((m for m in t if "с доступом к поддержке" in (m.text or "")), None)
    )
    card = next(m for m in people if "с доступом к поддержке" in (m.text or ""))
    assert "Анна (сотрудник)" in card.text and "Борис (директор)" in card.text
    assert buttons(boris) == ["❌ Анна"]  # not himself

    await boris.press("❌ Анна", message=card)
    await boris.wait_until(lambda _t: "Закрыть доступ?" in (card.text or ""))
    await boris.press("Да, закрыть доступ", message=card)
    await boris.wait_until(lambda _t: "доступ к поддержке закрыт" in (card.text or ""))
    assert "Открытые заявки (1) остаются за компанией" in card.text

    await anna.send("не печатает принтер")
    assert "приглашение" in (await anna.wait_for_message()).text
    await boris.command("status", str(number))
    assert f"№{number}" in (await boris.wait_for_message(contains="Статус")).text
