"""The client side through the emulator: onboarding, bad input, my tickets, languages,
restarts. Each case is what a person would do, and what they would notice."""

from __future__ import annotations

from bot.app import FrontDesk
from bot.sandbox import BotApiEmulator, Person
from domain import TicketStatus
from domain.enums import EmployeeRole
from tests.e2e.harness import Desk, buttons, running_desk


async def last_text(person: Person) -> str:
    message = person.last_bot_message
    return (message.text or "") if message else ""


async def shown(person: Person, text: str) -> str:
    """Wait until the bot's latest card with buttons says `text` (cards are edited in place)."""

    def card_text(transcript: list) -> str | None:
        cards = [m for m in transcript if m.from_bot and not m.deleted and m.inline_keyboard]
        return cards[-1].text if cards and text in (cards[-1].text or "") else None

    transcript = await person.wait_until(card_text)
    return card_text(transcript) or ""


async def answer_questions(person: Person, impact: str = "С трудом", scope: str = "Только меня"):
    await shown(person, "Верно?")
    await person.press("Да, верно")
    await shown(person, "Можете")
    await person.press(impact)
    await shown(person, "Кого")
    await person.press(scope)
    return await shown(person, "Ваша заявка")


async def reach_summary(person: Person, description: str = "не печатает принтер") -> None:
    await person.send(description)
    await answer_questions(person)


async def send_ticket(person: Person, description: str = "не печатает принтер") -> int:
    await reach_summary(person, description)
    await person.press("✅ Отправить")
    accepted = await person.wait_for_message(contains="принята")
    return int(accepted.text.split("№")[1].split()[0])


async def employees_count(desk: Desk) -> int:
    count = 0
    async with desk.db.unit_of_work() as uow:
        for client in await uow.clients.list():
            count += len(await uow.employees.list_by_client(client.id))
    return count


# --- onboarding ------------------------------------------------------------------------


async def test_a_stranger_is_told_how_to_get_access_and_nothing_is_stored(desk: Desk):
    await desk.add_client()
    stranger = desk.person("Пётр")
    await stranger.send("Здравствуйте, у меня не работает почта")
    answer = await stranger.wait_for_message()
    assert "ссылку-приглашение" in answer.text and "код приглашения" in answer.text
    assert await employees_count(desk) == 0


async def test_a_typed_invitation_code_works_like_the_link(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    code = await desk.invite(client)
    olga = desk.person("Ольга")
    await olga.send(code)
    greeting = await olga.wait_for_message(contains="ООО Ромашка")
    assert "Ольга" in greeting.text
    await olga.press("Указать другое имя")
    await olga.wait_for_message(contains="Как к вам обращаться")
    await olga.send("Ольга Сергеевна")
    await olga.wait_for_message(contains="номером")
    await olga.share_contact("+79990001122")
    done = await olga.wait_for_message(contains="Готово")
    assert "Ольга Сергеевна" in done.text
    assert olga.reply_keyboard == [["📝 Новая заявка", "📋 Мои заявки"]]
    async with desk.db.unit_of_work() as uow:
        employee = await uow.employees.by_tg_id(olga.id)
    assert (employee.name, employee.phone) == ("Ольга Сергеевна", "+79990001122")


async def test_used_up_and_unknown_codes_get_a_clear_answer(desk: Desk):
    client = await desk.add_client()
    first = desk.person("Анна")
    await desk.register(first, client)
    code = await desk.invite(client)
    second, third = desk.person("Вера"), desk.person("Глеб")
    await second.command("start", code)
    await second.wait_for_message(contains="?")
    await second.press("Да, верно")
    await second.wait_for_message(contains="номером")
    await second.press_keyboard_button("Пропустить")
    await second.wait_for_message(contains="Готово")
    await third.command("start", code)
    assert "уже использовано" in (await third.wait_for_message()).text
    await third.command("start", "nosuchcode123")
    assert "не знаю" in (await third.wait_for_message()).text
    assert await employees_count(desk) == 2


# --- bad input -------------------------------------------------------------------------


async def test_stickers_gifs_locations_and_polls_do_not_describe_a_problem(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send_sticker()  # a 👍 sticker is a friendly word, not a problem
    assert (await anna.wait_for_message()).text == "👌"
    sends = (
        anna.send_animation(),
        anna.send_location(55.75, 37.61),
        anna.send_poll("Обед?", ["да", "нет"]),
    )
    for send in sends:
        await send
        answer = await anna.wait_for_message()
        assert "не подойдёт для описания" in answer.text
    await anna.command("my")
    assert "Заявок пока нет" in (await anna.wait_for_message()).text


async def test_text_without_words_is_refused_politely(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.command("new")
    await anna.wait_for_message(contains="Опишите")
    await anna.send("...")
    assert "словами" in (await anna.wait_for_message()).text


async def test_a_long_text_split_by_telegram_is_kept_whole(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    first, second = "Не работает 1С: " + "а" * 4000, "продолжение " + "б" * 3000
    await anna.send(first)
    await shown(anna, "Верно?")
    await anna.send(second)
    await anna.wait_for_message(contains="Добавил к описанию")
    await answer_questions(anna)
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(1)
    assert ticket.description == f"{first}\n{second}"


async def test_editing_the_description_before_sending_updates_it(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    original = await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.edit(original, "не печатает принтер в приёмной")
    await anna.wait_for_message(contains="Описание обновлено")
    summary = await answer_questions(anna, impact="Да, не мешает")
    assert "в приёмной" in summary
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    # after sending, an edit is a correction the engineer is told of; the description stays
    await anna.edit(original, "не печатает вообще ничего")
    assert "Исправление передал в заявку №1" in (await anna.wait_for_message()).text
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(1)).description == "не печатает принтер в приёмной"
        said = [m.text for m in await uow.tickets.messages(1) if m.author == "employee"]
    assert said[-1] == "✏️ не печатает вообще ничего"

    # with no request written to lately, an edit changes nothing, and says so
    await desk.move_clock(days=3)
    await anna.edit(original, "не печатает совсем")
    assert "не меняет" in (await anna.wait_for_message()).text


async def test_buttons_of_an_old_card_are_recognised_as_stale(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send("не работает интернет")
    old_card = await anna.wait_for_message(contains="сломалось")
    await anna.command("new")
    await anna.wait_for_message(contains="неотправленная")
    await anna.press("Начать заново")
    await anna.wait_until(lambda t: any("Опишите" in (m.text or "") for m in t if m.from_bot))
    press = await anna.press("Да, верно", message=old_card)
    answer = await press.wait_answered()
    assert "не действует" in (answer.text or "")
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.get(1) is None


async def test_a_new_request_while_one_is_unsent_offers_to_continue_or_restart(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send("не работает сканер")
    await shown(anna, "Верно?")
    await anna.press_keyboard_button("📝 Новая заявка")
    offer = await anna.wait_for_message(contains="неотправленная")
    assert buttons(anna) == ["Продолжить", "Начать заново"]
    await anna.press("Продолжить", message=offer)
    await shown(anna, "Верно?")


async def test_start_in_the_middle_of_a_request_keeps_it_and_offers_to_continue(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send("не работает сканер")
    await shown(anna, "Верно?")
    await anna.command("start")  # habit, not a wish to lose what she wrote
    offer = await anna.wait_for_message(contains="неотправленная")
    await anna.press("Продолжить", message=offer)
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")


async def test_commands_in_a_group_from_a_non_employee_get_a_short_answer(desk: Desk):
    outsider = desk.person("Иван")
    group = desk.emulator.create_group("Курилка", members=[outsider])
    await outsider.command("new", chat=group)
    answer = await group.wait_for_message()
    assert "личных сообщениях" in answer.text


async def test_a_person_who_blocked_the_bot_and_came_back_is_welcomed(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.block_bot()
    await anna.unblock_bot()
    welcome = await anna.wait_for_message(contains="С возвращением")
    assert welcome is not None


# --- my tickets ------------------------------------------------------------------------


async def test_my_tickets_list_card_and_cancel_before_work(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    number = await send_ticket(anna)
    await anna.press_keyboard_button("📋 Мои заявки")
    listing = await anna.wait_for_message(contains="Ваши заявки")
    assert f"№{number}" in listing.text and "новая" in listing.text
    await anna.press(f"№{number} · не печатает принтер")
    card = await anna.wait_until(lambda t: "Статус" in (t[-1].text or ""))
    assert "Ответим до" in card[-1].text
    await anna.press("✖ Отменить заявку")
    await anna.wait_until(lambda t: f"Отменить заявку №{number}?" in (t[-1].text or ""))
    async with desk.db.unit_of_work() as uow:  # asked, not done yet
        assert (await uow.tickets.get(number)).status is TicketStatus.NEW
    await anna.press("✖ Да, отменить")
    await anna.wait_until(lambda t: "отменена" in (t[-1].text or ""))
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(number)).status is TicketStatus.CANCELLED


async def test_someone_elses_ticket_is_not_found_and_not_revealed(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    other = await desk.add_client("ЗАО Лютик")
    anna, boris = desk.person("Анна"), desk.person("Борис")
    await desk.register(anna, client)
    await desk.register(boris, other, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)
    await boris.command("status", str(number))
    assert f"№{number} не найдена" in (await boris.wait_for_message()).text
    await boris.send(f"#{number}")
    assert "не найдена" in (await boris.wait_for_message()).text
    await boris.send("#99999")
    assert "не найдена" in (await boris.wait_for_message()).text
    await anna.send(f"#{number}")
    assert "Статус" in (await anna.wait_for_message()).text


async def test_a_director_sees_the_company_and_an_employee_does_not(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    anna, director = desk.person("Анна"), desk.person("Директор")
    await desk.register(anna, client)
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)
    await director.command("company")
    listing = await director.wait_for_message(contains="ООО Ромашка")
    assert f"№{number}" in listing.text
    await anna.command("company")
    assert "руководитель" in (await anna.wait_for_message()).text


# --- languages, restarts, abandoned intakes ---------------------------------------------


async def test_language_follows_telegram_and_can_be_switched(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Anna", language_code="en")
    await desk.register(anna, client)
    await anna.command("my")
    assert "No requests yet" in (await anna.wait_for_message()).text
    await anna.command("language")
    await anna.wait_for_message(contains="Choose the language")
    await anna.press("Русский")
    switched = await anna.wait_for_message(contains="Язык")
    assert switched.reply_markup is not None
    await anna.command("my")
    assert "Заявок пока нет" in (await anna.wait_for_message()).text


async def test_an_intake_survives_a_restart_of_the_bot(emulator: BotApiEmulator, tmp_path):
    async with running_desk(emulator, tmp_path) as desk:
        client = await desk.add_client()
        anna = desk.person("Анна")
        await desk.register(anna, client)
        await anna.send("сервер не отвечает")
        await shown(anna, "Верно?")
        await anna.press("Да, верно")
        await shown(anna, "Можете")
        await desk.app.stop()
        restarted = FrontDesk(desk.app.settings, desk.clock)
        await restarted.start()
        restarted.start_polling_in_background()
        try:
            await anna.press("Нет, работа стоит")
            await shown(anna, "Кого")
            await anna.press("Весь офис")
            await shown(anna, "Ваша заявка")
            await anna.press("✅ Отправить")
            await anna.wait_for_message(contains="Заявка №1 принята")
        finally:
            await restarted.stop()


async def test_an_intake_abandoned_for_a_day_is_dropped_with_a_note(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send("не работает сканер")
    await anna.wait_for_message(contains="сломалось")
    desk.clock.advance(hours=25)
    await anna.send("не работает почта")
    note = await anna.wait_for_message(contains="удалена")
    assert "24" in note.text
    fresh = await anna.wait_for_message(contains="Верно?")
    assert fresh is not None


async def test_a_forged_button_naming_another_companys_ticket_reveals_nothing(desk: Desk):
    client, other = await desk.add_client("ООО Ромашка"), await desk.add_client("ЗАО Лютик")
    anna, boris = desk.person("Анна"), desk.person("Борис")
    await desk.register(anna, client)
    await desk.register(boris, other, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)
    await boris.command("my")
    listing = await boris.wait_for_message()
    for action in ("open", "cancel", "confirm", "comment", "rate:5"):
        verb, _, value = action.partition(":")
        forged = await boris.press_with_data(listing, f"tk:{number}:{verb}:{value}")
        answer = await forged.wait_answered()
        assert answer.text == "Заявка не найдена."
    press = await boris.press_with_data(listing, "garbage-that-is-no-callback")
    assert "не действует" in ((await press.wait_answered()).text or "")
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket.status is TicketStatus.NEW
        assert await uow.tickets.rating(number) is None


async def test_an_album_is_taken_as_one_step(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    from bot.sandbox import SAMPLE_PNG

    await anna.send_album([SAMPLE_PNG, SAMPLE_PNG, SAMPLE_PNG], caption="сломался монитор, фото")
    await shown(anna, "Верно?")
    await anna.send_album([SAMPLE_PNG, SAMPLE_PNG])
    await anna.wait_for_message(contains="Приложено")
    summary = await answer_questions(anna)
    assert "📎 Файлов: 5" in summary
    acknowledgements = [m for m in anna.bot_messages if "Приложено" in (m.text or "")]  # one
    assert len(acknowledgements) == 1
