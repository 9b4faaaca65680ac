"""A resolution typed as a question is checked with the engineer before the client sees it."""

import pytest

from domain.summaries import reads_as_question


@pytest.mark.parametrize(
    "text",
    [
        "Какой ноутбук? Мигает ли индикатор зарядки?",
        "какая ошибка пишет?",
        "Работает?)",
        "Пришлите, пожалуйста, скриншот ошибки",
        "уточните номер кабинета",
        "Подскажите, когда удобно подключиться",
        "Which laptop is it?",
        "Could you send me a screenshot",
    ],
)
def test_questions_and_requests_to_the_client(text):
    assert reads_as_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Заменили блок питания, ноутбук включается.",
        "Перезапустили службу печати. Проверьте, пожалуйста, печать.",
        "Почистил кэш Outlook; напишите, если повторится",
        "Почему не работало: закончилась лицензия (продлили)",  # "?" nowhere
        "Replaced the power supply; the laptop starts.",
    ],
)
def test_accounts_of_a_fix(text):
    assert not reads_as_question(text)
