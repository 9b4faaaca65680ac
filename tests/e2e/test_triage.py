"""What the bot understands of a first message written the way office staff write: a
reassurance before a request, a renewal before anything broke, a breakage caused by earlier
work or put as a request."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Desk, buttons
from tests.e2e.test_staff_desk import staff_world, texts

BROKEN = "Похоже, что-то сломалось."
REQUEST = "Похоже, нужна помощь или изменение."


@pytest.mark.parametrize(
    ("said", "understood"),
    [
        ("заканчивается срок эцп у главбуха, пока всё работает", REQUEST),
        ("всё работает, просто хотим второй монитор бухгалтеру", REQUEST),
        ("ничего не сломалось, просто хотим обновить 1с", REQUEST),
        ("после того как вы поставили антивирус, перестала запускаться 1ска", BROKEN),
        ("настройте заново сканер, он перестал отправлять на почту", BROKEN),
    ],
)
async def test_the_first_message_is_understood_and_can_be_confirmed(
    desk: Desk, said: str, understood: str
):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send(said)
    answer = await anna.wait_for_message(contains="Верно?")
    assert answer.text.startswith(understood)
    assert "Да, верно" in buttons(anna)
    assert not any("Отлично" in text for text in texts(anna))  # not taken for "it works"
