"""An employee who blocked the bot: their personal manager hears of it once, not once per
message that could not be delivered."""

from __future__ import annotations

import pytest

from domain import StaffRole
from tests.e2e.harness import Desk
from tests.e2e.test_delivery import queue, settled, text

MANAGER_ID = 602


@pytest.mark.expect_failures
async def test_the_manager_hears_once_of_an_employee_who_blocked_the_bot(desk: Desk):
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    manager = desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    client = await desk.add_client("ООО Ромашка", manager_tg_id=MANAGER_ID)
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.block_bot()
    await desk.emulator.wait_idle()

    await queue(desk, [text(anna.id, f"Ваша заявка №{n} принята", f"lost-{n}") for n in (1, 2, 3)])
    await manager.wait_for_message(contains="Не удалось доставить", timeout=5)
    await settled(desk)
    await queue(desk, [text(MANAGER_ID, "после", "after")])
    await manager.wait_for_message(contains="после", timeout=5)

    notices = [m for m in manager.bot_messages if "Не удалось доставить" in (m.text or "")]
    assert len(notices) == 1
