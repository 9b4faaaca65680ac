"""A change request's completion date is agreed with the client (seed 001), not taken from
the SLA table: the employee is promised an answer and no made-up date; staff agree the
date on the card, typed as people say it; from then on the employee, the card and the SLA
timers follow it, as for any deadline."""

from __future__ import annotations

import pytest

from bot.sandbox import Person
from domain import TicketStatus
from tests.e2e.harness import Desk, msk
from tests.e2e.test_client_side import shown
from tests.e2e.test_sandbox import ROOT, fast_flood_limits, play
from tests.e2e.test_sla_timers import card_of, count, with_lead
from tests.e2e.test_staff_desk import staff_world, texts

RESOLUTION_WARNING = "решить нужно до"
RESOLUTION_BREACH = "просрочено время решения"


async def ask_for_a_laptop(anna: Person) -> tuple[str, str, int]:
    """The summary the employee saw, the answer to "send", and the ticket's number."""
    await anna.send("нужно купить новый ноутбук для нового бухгалтера")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Что именно нужно?")
    await anna.press("Что-то новое, изменение или закупка")
    summary = await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята")
    return summary, accepted.text or "", int(accepted.text.split("№")[1].split()[0])


async def the_card(desk: Desk, number: int):
    assert desk.staff_chat is not None
    await desk.settled()
    return next(
        m
        for m in desk.staff_chat.bot_messages
        if f"№{number} ·" in (m.text or "") and m.inline_keyboard and not m.deleted
    )


async def agree(desk: Desk, engineer: Person, number: int, *typed: str) -> str:
    """The engineer presses the card's date button in the staff chat and types what they
    agreed; the bot's last answer."""
    chat = desk.staff_chat
    assert chat is not None
    card = await the_card(desk, number)
    button = "📅 Изменить срок" if "Изменить срок" in str(card.inline_keyboard) else None
    await (
        await engineer.press(button or "📅 Согласовать срок", message=card, chat=chat)
    ).wait_answered()
    await chat.wait_for_message(contains="Напишите, например")
    for text in typed:
        before = len(chat.bot_messages)
        await engineer.send(text, chat=chat)
        await chat.wait_until(lambda _t, n=before: len(chat.bot_messages) > n)
    await desk.settled()
    return chat.bot_messages[-1].text or ""


async def test_a_laptop_gets_an_answer_time_and_the_date_staff_agree_then_breaches_as_any(
    desk: Desk,
):
    anna, engineer, manager = await staff_world(desk)
    lead = await with_lead(desk)
    summary, accepted, number = await ask_for_a_laptop(anna)
    # No made-up date: when we answer, and that the date will be agreed.
    for said in (summary, accepted):
        assert "Срок выполнения согласуем с вами отдельно." in said
        assert "решим" not in said.lower()
    assert "Ответим до " in accepted
    card = await card_of(desk, number)
    assert "📅 Срок: по согласованию" in card and "Решение до" not in card
    assert "📅 Согласовать срок" in str((await the_card(desk, number)).inline_keyboard)
    await anna.command("my")
    assert "срок выполнения согласуем с вами" in (await anna.wait_for_message(contains="№")).text

    await engineer.press("🙋 Взять", message=await the_card(desk, number), chat=desk.staff_chat)
    await anna.wait_for_message(contains="занимается Иван")
    # Three weeks pass with no date agreed: nobody is warned or told of a breach.
    await desk.move_clock(days=21)
    for person in (engineer, manager, lead):
        assert count(person, RESOLUTION_WARNING) == count(person, RESOLUTION_BREACH) == 0

    # The engineer agreed "by Friday" with Анна on the phone, and types it so.
    now = desk.clock.now()  # Monday 14 December, 10:00
    assert now == msk(2026, 12, 14, 10, 0)
    unreadable = await agree(desk, engineer, number, "как договоримся")
    assert unreadable.startswith("Не получилось понять дату. Напишите, например: «16.12»")
    chat = desk.staff_chat
    await engineer.send("вчера", chat=chat)
    past = await chat.wait_for_message(contains="уже прошло")
    assert past.text.startswith("Это время уже прошло. Напишите, например:")
    await engineer.send("до пятницы", chat=chat)
    done = (await chat.wait_for_message(contains="срок согласован")).text
    await desk.settled()
    assert "№" + str(number) + ": срок согласован — до пятницы, 18 декабря, 18:00." in done
    told = await anna.wait_for_message(contains="согласован")
    assert told.text == f"Срок по заявке №{number} согласован: до пятницы, 18 декабря, 18:00."
    card = await card_of(desk, number)
    assert "Решение до пятницы 18:00" in card and "срок согласован с клиентом" in card
    assert "📅 Изменить срок" in str((await the_card(desk, number)).inline_keyboard)

    # The SLA clock follows the agreed date: warned at 75 % of the time left, then breached.
    # (A Low ticket's warning and breach wait for the manager's morning digest.)
    await desk.move_clock_to(msk(2026, 12, 18, 9, 0))
    assert count(engineer, RESOLUTION_WARNING) == 1 and count(manager, RESOLUTION_WARNING) == 0
    await desk.move_clock_to(msk(2026, 12, 18, 19, 0))
    breach = await lead.wait_for_message(contains=RESOLUTION_BREACH)
    assert "срок был 18:00" in breach.text
    sorry = await anna.wait_for_message(contains="Простите")
    assert f"№{number}" in sorry.text
    assert "🔴 просрочено" in await card_of(desk, number)
    await desk.move_clock(days=3)
    assert count(lead, RESOLUTION_BREACH) == 1 and count(manager, RESOLUTION_BREACH) == 0
    assert count(anna, "Простите") == 1


async def test_a_changed_date_is_told_again_and_kept_in_the_history(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    _summary, _accepted, number = await ask_for_a_laptop(anna)
    await agree(desk, engineer, number, "16.12")
    await anna.wait_for_message(contains="согласован: до среды, 16 декабря, 18:00")
    done = await agree(desk, engineer, number, "пятница 15:00")
    assert "до пятницы, 27 ноября, 15:00" in done
    told = await anna.wait_for_message(contains="изменился")
    assert told.text == f"Срок по заявке №{number} изменился: теперь до пятницы, 27 ноября, 15:00."
    async with desk.db.unit_of_work() as uow:
        history = await uow.tickets.agreed_resolutions(number)
        ticket = await uow.tickets.get(number)
    assert [a.due for a in history] == [msk(2026, 12, 16, 18), msk(2026, 11, 27, 15)]
    assert ticket.resolution_due == msk(2026, 11, 27, 15)

    # The same date again changes nothing and tells nobody.
    same = await agree(desk, engineer, number, "27.11 15:00")
    assert same == f"У №{number} уже этот срок: до пятницы, 27 ноября, 15:00."

    # Cancel under the question leaves the date as it was.
    chat = desk.staff_chat
    await engineer.press("📅 Изменить срок", message=await the_card(desk, number), chat=chat)
    question = await chat.wait_for_message(contains="новый срок")
    await (await engineer.press("Отмена", message=question, chat=chat)).wait_answered()
    await chat.wait_until(lambda _t: "остался прежним" in (question.text or ""))
    await engineer.send("завтра", chat=chat)  # ordinary talk now: nothing is set
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.agreed_resolutions(number)) == 2
    assert sum("изменился" in t for t in texts(anna)) == 1


async def test_the_date_button_is_refused_where_it_does_not_belong(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    _summary, _accepted, laptop = await ask_for_a_laptop(anna)
    chat = desk.staff_chat
    card = await the_card(desk, laptop)

    # Not staff: the employee (or anybody) pressing a forged staff button.
    forged = await anna.press_with_data(anna.last_bot_message, f"st:{laptop}:agree:")
    assert "Это могут только сотрудники поддержки." in ((await forged.wait_answered()).text or "")

    # An incident's completion time is the contract's, not agreed.
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете")
    await anna.press("С трудом")
    await shown(anna, "Кого")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    printer = int((await anna.wait_for_message(contains="принята")).text.split("№")[1].split()[0])
    assert "Согласовать срок" not in str((await the_card(desk, printer)).inline_keyboard)
    refused = await engineer.press_with_data(await the_card(desk, printer), f"st:{printer}:agree:")
    assert "только для запросов на изменение" in ((await refused.wait_answered()).text or "")

    # A finished request: nothing to agree any more.
    await engineer.press("✅ Решено", message=card, chat=chat)
    asked = await chat.wait_for_message(contains="что сделано")
    await (await engineer.press("Решено без комментария", message=asked, chat=chat)).wait_answered()
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(laptop)).status is TicketStatus.RESOLVED
    old = await engineer.press_with_data(card, f"st:{laptop}:agree:")
    assert "невозможно" in ((await old.wait_answered()).text or "")
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.agreed_resolutions(laptop) == []


__all__ = ["fast_flood_limits"]  # the sandbox's flood limits as in the other e2e tests


@pytest.mark.slow
def test_the_change_request_script_agrees_a_date_then_moves_it(capsys):
    out = play(ROOT / "bot" / "sandbox" / "scripts" / "change_request.txt", capsys)
    assert "Заявка №1 принята." in out
    assert "Ответим до четверга 15:00. Срок выполнения согласуем с вами отдельно." in out
    assert "📅 Срок: по согласованию" in out
    assert "Не получилось понять дату." in out
    assert "Срок по заявке №1 согласован: до пятницы, 27 ноября, 18:00." in out
    assert "Срок по заявке №1 изменился: теперь до вторника, 1 декабря, 12:00." in out
    assert "решить нужно до завтра 12:00" in out
    assert "просрочено время решения (срок был 12:00). Просрочено на 30 рабочих минут." in out
    assert "решим до " not in out.split("изменился")[0]  # no date before one was agreed
