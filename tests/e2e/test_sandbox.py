"""`frontdesk sandbox --script`: the demo plays without a token or network and prints
what each person saw."""

from functools import partial
from pathlib import Path

import pytest

import bot.sandbox.cli
from bot.app import FrontDesk
from bot.cli import main
from bot.sandbox import BotApiEmulator
from tests.e2e.harness import FAST_FLOOD_LIMITS, fast_throttle

DEMO = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "scripts" / "demo.txt"


@pytest.fixture(autouse=True)
def fast_flood_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox's emulator and desk keep Telegram's flood limits 20 times faster, as
    the other end-to-end tests do: a script's notices to one person do not wait a second
    each."""
    emulator = partial(BotApiEmulator, rate_limits=FAST_FLOOD_LIMITS)
    monkeypatch.setattr(bot.sandbox.cli, "BotApiEmulator", emulator)
    desk = partial(FrontDesk, throttle=fast_throttle())
    monkeypatch.setattr(bot.sandbox.cli, "FrontDesk", desk)


@pytest.mark.slow
def test_the_demo_script_registers_tickets_in_both_languages(capsys):
    try:
        main(["sandbox", "--script", str(DEMO)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    assert "Заявка №1 принята." in out
    assert "Request №2 is registered." in out
    assert "Новая заявка ООО «Ромашка»: №1" in out  # the personal manager's screen
    # the script starts at 10:00 on a working day: Gold, High is due in 1 h and 8 h
    assert "Ответим до 11:00, решим до 18:00." in out
    assert "осталось 5 часов" in out  # three hours later


def test_a_missing_script_is_a_clear_error(capsys, tmp_path):
    try:
        main(["sandbox", "--script", str(tmp_path / "nope.txt")])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "cannot read the script" in capsys.readouterr().err


@pytest.mark.slow
def test_the_after_hours_script_shows_a_breach_and_an_acknowledged_page(capsys):
    script = DEMO.with_name("after_hours.txt")
    try:
        main(["sandbox", "--script", str(script)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out

    def at(text: str) -> int:
        assert text in out
        return out.index(text)

    # the day: a warning at 10:45 and a breach after 11:00, as the clock moves
    assert at("10:45 Moscow)") < at("⚠️ №1, ООО «Ромашка»: ответа ещё нет; реакция нужна до 11:00")
    assert at("11:05 Moscow)") < at("🔴 №1, ООО «Ромашка»: просрочено время реакции")
    assert "Реакция до 11:00 · 🔴 просрочено на 5 минут" in out
    assert "🔴 реакция просрочена на 5 минут" in out  # taken late: the card keeps the record
    # the night: the emergency button, the page, a repeat five minutes later, «Принял»
    assert at("[2] 🚨 Это авария, нужна помощь сейчас") < at("Заявка №2 принята.")
    assert "Дежурный инженер и ваш персональный менеджер получили сигнал." in out
    assert at("🚨 Авария в нерабочее время, №2") < at("20:10 Moscow)")
    assert at("20:10 Moscow)") < at("Напоминание 2: вызов ещё никто не принял.")
    assert at("Напоминание 2") < at("💬 №2 ваша: клиенту сообщили")
    assert "Вашей заявкой №2 занимается Олег." in out
    assert "✅ №2: Олег принял вызов и занимается заявкой." in out
