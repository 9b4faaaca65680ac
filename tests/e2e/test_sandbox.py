"""`frontdesk sandbox --script`: the demo plays without a token or network and prints
what each person saw; `frontdesk sandbox` as a terminal shows it from its first second."""

import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

import bot.sandbox.terminal.session
from bot.app import FrontDesk
from bot.cli.main import main
from bot.sandbox import BotApiEmulator
from tests.e2e.harness import FAST_FLOOD_LIMITS, fast_throttle

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "bot" / "sandbox" / "scripts" / "demo.txt"


@pytest.fixture(autouse=True)
def fast_flood_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox's emulator and desk keep Telegram's flood limits 20 times faster, as
    the other end-to-end tests do: a script's notices to one person do not wait a second
    each."""
    emulator = partial(BotApiEmulator, rate_limits=FAST_FLOOD_LIMITS)
    monkeypatch.setattr(bot.sandbox.terminal.session, "BotApiEmulator", emulator)
    desk = partial(FrontDesk, throttle=fast_throttle())
    monkeypatch.setattr(bot.sandbox.terminal.session, "FrontDesk", desk)


@pytest.mark.slow
def test_the_demo_script_registers_tickets_in_both_languages(capsys):
    try:
        main(["sandbox", "--script", str(DEMO)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    assert "Заявка №1 принята." in out
    assert "Request #2 is registered." in out
    assert "Новая заявка ООО «Ромашка»: №1" in out  # the personal manager's screen
    # the script starts at 10:00 on a working day: Gold, High is due in 1 h and 8 h
    assert "Ответим до 11:00, решим до 18:00." in out
    assert "новая · решим до 18:00" in out  # the employee's list, three hours later
    assert "Просрочено на 2 рабочих часа." in out  # the breach, heard two hours late


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
    # the staff chat's card, edited at the breach: missed, not by how much, which grows
    assert "Реакция до 7 декабря 11:00 · 🔴 просрочено\n" in out
    assert "🔴 реакция просрочена на 5 раб. мин" in out  # taken late: the card keeps the record
    # the night: the emergency button, one more tap that says the price again, the page, a
    # repeat five minutes later numbered from 1, «Принял»
    assert at("[4] 🚨 Это авария, нужна помощь сейчас") < at("Вызвать дежурного инженера сейчас?")
    assert at("[3] 🚨 Да, вызвать сейчас") < at("Заявка №2 принята.")
    assert "🚨 Вызываем дежурного инженера: сейчас дежурит Олег." in out
    assert at("🚨 Авария в нерабочее время, №2") < at("20:10 Moscow)")
    assert at("20:10 Moscow)") < at("Напоминание 1: вызов ещё никто не принял.")
    assert at("Напоминание 1") < at("💬 №2 ваша: клиенту сообщили")
    assert "Вашей заявкой №2 занимается Олег." in out
    # every copy of the page says who took it; the manager had one message about it
    assert at("💬 №2 ваша") < at("✅ Вызов принят: Олег, 20:10.")
    assert "Новая заявка ООО «Ромашка»: №2" not in out
    # a Highest incident at 22:00 that can wait until the morning: nobody is paged
    assert at("[4] 🌙 Подождёт до утра") < at("Заявка №3 принята.")
    assert "Возьмём её в работу завтра в 09:00, с началом рабочего дня." in out
    assert "Авария в нерабочее время, №3" not in out
    # 23:00: nobody answers; the lead is called and the employee hears it once; Пётр takes it
    assert at("23:16 Moscow)") < at(
        "На вызов по заявке №4 пока никто не ответил. Мы продолжаем: сейчас вызываем "
        "руководителя смены."
    )
    assert out.count("пока никто не ответил") == 1
    assert at("Никто не принял вызов вовремя") < at("✅ Вызов принят: Пётр, 23:16.")
    night = out[: out.rindex("employee> /as lead")]  # before Пётр comes back to log his time
    assert night.count("✅ Вызов принят: Пётр, 23:16.") == 5  # his own, Олег's three, Мария's
    assert "Вашей заявкой №4 занимается Пётр." in out
    # the month's report: the night's two hours apart from the plan, at the contract's rate
    assert at("Записано 2 ч по №4") < at("отчёт за")
    assert "Аварии в нерабочее время, отдельно от тарифа: 2 ч по 3\xa0000 ₽ за час" in out
    assert "Итого к оплате за месяц: 26\xa0000 ₽." in out


@pytest.mark.slow
def test_the_managers_day_counts_what_each_person_got(capsys):
    script = DEMO.with_name("manager_day.txt")
    try:
        main(["sandbox", "--script", str(script)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    evening, morning = out.split("── Private messages from the bot, by person ──")[1:3]
    # the day: three new tickets, a low rating and the complaint written after it, and the
    # night's page, its repeat and its acceptance edited into it (11 before the manager's
    # budget: warnings, a Standard breach, the rating twice, a "new ticket" beside the page,
    # a repeat, an acceptance)
    assert "manager (Мария, the personal manager): 6\n" in evening
    assert "manager (Мария, the personal manager): 7\n" in morning  # and the digest
    assert "Жалоба по заявке №1 (ООО «Ромашка»), оценка 2 из 5: Полдня без 1С" in out
    assert "✅ Вызов принят: Олег, 20:10." in evening
    assert out.count("Ваши клиенты сегодня") == 1
    assert "По заявке №1 работа идёт: занимается Иван." in out
    assert "We are sorry: we promised to reply to your request #3 by 14:00" in out
    assert "Напоминаю о заявке №2" in out


def play(script: Path, capsys) -> str:
    try:
        main(["sandbox", "--script", str(script), "--at", "2026-11-23 10:00"])
    except SystemExit as exit_:
        assert exit_.code == 0
    return capsys.readouterr().out


def test_a_script_ends_with_what_the_others_received_and_it_did_not_show(capsys, tmp_path):
    script = tmp_path / "filed.txt"
    script.write_text("не работает 1С, не могу работать\n/1\n/3\n/1\n/1\n", encoding="utf-8")
    out = play(script, capsys)

    transcript, _, summary = out.partition("── Not shown above: what the others received ──\n")
    assert "Заявка №1 принята." in transcript
    assert "Новая заявка ООО «Ромашка»: №1" not in transcript  # Мария's screen never shown
    assert summary.splitlines() == [
        "manager (Мария, the personal manager): 1",
        "  🤖 Новая заявка ООО «Ромашка»: №1, Высокий.",
        "staff-chat (the staff chat): 1",
        "  🤖 🟠 №1 · Высокий · новая",
    ]


def test_a_script_that_showed_everything_says_so(capsys, tmp_path):
    script = tmp_path / "quiet.txt"
    script.write_text("/time\n", encoding="utf-8")
    out = play(script, capsys)
    assert out.rstrip().endswith("── Nobody received anything not shown above ──")


def test_the_banner_is_out_before_the_bot_is_even_imported():
    """The bot takes seconds to import and start; the terminal is not blank meanwhile.
    Python's import log (stderr) and the sandbox's output share one pipe, in the order
    they were written."""
    sandbox = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "bot", "sandbox"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,  # the sandbox ends as soon as it has started
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    before_banner = []
    try:
        assert sandbox.stdout is not None
        for line in sandbox.stdout:
            if line.startswith(b"Front desk sandbox: "):
                break
            before_banner.append(line.decode(errors="replace"))
        else:
            raise AssertionError("no banner:\n" + "".join(before_banner[-20:]))
    finally:
        sandbox.kill()
        sandbox.wait()
    imported = "".join(before_banner)
    assert "bot.sandbox.cli" in imported  # the log is there, and in order
    assert "aiogram" not in imported
    assert "bot.app" not in imported


def test_piping_into_head_ends_quietly_and_at_once(tmp_path):
    """`frontdesk sandbox --script FILE | head -5`: once head has its lines, the sandbox
    stops without a BrokenPipeError, long before the script could have been played."""
    script = tmp_path / "long.txt"
    script.write_text("/time +1m\n" * 2000, encoding="utf-8")  # minutes to play in full
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert sandbox.stdout is not None and sandbox.stderr is not None
    head = [sandbox.stdout.readline() for _ in range(5)]
    sandbox.stdout.close()  # head has what it wanted and exits
    try:
        code = sandbox.wait(timeout=90)
    except subprocess.TimeoutExpired:
        sandbox.kill()
        raise AssertionError("the sandbox went on playing for nobody") from None
    errors = sandbox.stderr.read().decode(errors="replace")
    assert head[0].startswith(b"Front desk sandbox: ")
    assert b"employee> /time +1m" in b"".join(head)
    assert code == 0
    assert errors == ""


@pytest.mark.slow
def test_the_month_report_script_shows_a_ticket_counted_in_the_month_it_closed(capsys):
    script = DEMO.with_name("month_report.txt")
    try:
        main(["sandbox", "--script", str(script), "--at", "2026-11-27 11:00"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    november, december = out.split("отчёт за ноябрь 2026")[-1], out.split("отчёт за декабрь")[-1]
    assert "Закрыто заявок за месяц: 0" in november
    assert "Не закрыто на конец месяца: 1;" in november
    assert "Закрыто заявок за месяц: 1 (инцидентов 1, запросов 0)" in december
    assert "[document: report-2026-12-work-log.csv]" in december
    assert "Записано 45 мин по №1; всего 45 мин." in out


@pytest.mark.slow
def test_the_client_group_script_takes_a_request_in_the_office_group(capsys):
    script = DEMO.with_name("client_group.txt")
    try:
        main(["sandbox", "--script", str(script)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    chatter = out.split("коллеги, кто брал зарядку от ноутбука?")[1].split("office-group>")[0]
    assert "🤖" not in chatter  # the office's own talk gets no answer
    assert "💬 Это не ваша заявка" in out  # Семён pressed Анна's button
    assert "🤖 ↩ Анна: Заявка №1 принята." in out
    assert "🤖 ↩ Анна: Вашей заявкой №1 занимается Иван." in out  # in the group
    assert "🤖 ↩ Семён: Заявка №2 принята." in out  # registered as he asked
    counted = out.split("── Private messages from the bot, by person ──")[1].split("──")[0]
    assert "employee (Анна, an employee): 1" in counted and "colleague" not in counted


def test_the_self_help_script_suggests_fixes_and_answers_questions(capsys):
    script = DEMO.with_name("self_help.txt")
    try:
        main(["sandbox", "--script", str(script)])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    assert "💡 Возможно, поможет:" in out and "Не видна ЭЦП (токен) при подписании" in out
    assert "Рад, что помогло! Заявку не оформляю." in out
    # the signature's fix helped: the first request registered is the Outlook one
    assert "Заявка №1 принята." in out and "№1 · Стандартный" in out
    assert "📚 Предлагали статью, не помогла: «Outlook всё время спрашивает пароль»" in out
    # asked while №1 is open, the question is answered, not added to №1
    assert "В этом месяце у вас осталось 10 ч из 10 ч, резерва нет." in out
    assert "Добавлено к №1" not in out
    assert "персональному менеджеру — Мария" in out
    assert "Вопрос об обслуживании, не заявка. Спрашивает Анна Петрова" in out
    # №2's resolution becomes a draft, the lead publishes it, the director is offered it
    assert "📚 Черновик из заявки №2" in out
    assert "✅ Опубликовано: «Принтер печатает полосами»." in out
    director = out.split("director> принтер печатает полосами")[-1]
    assert "Возможно, поможет" in director and "протрите барабан" in director


def test_the_outage_script_links_three_reports_and_one_fix_reaches_all_four(capsys):
    out = play(DEMO.with_name("outage.txt"), capsys)
    proposal = "Похоже на массовый сбой у ООО «Ромашка»: №1, №2, №3 (интернет и сеть). Объединить?"
    assert out.count(proposal) == 1
    assert "Объединены в массовый сбой у ООО «Ромашка», №4: №1, №2, №3" in out
    assert "Мы уже знаем о проблеме с интернетом в офисе и работаем над ней (№4)." in out
    assert "Готово: ваша заявка №5 в списке по №4." in out
    for number in (1, 2, 3, 5):  # each in their own chat, about their own request
        assert f"Ответ по заявке №{number}:\n   Провайдер обещает восстановить связь" in out
        assert f"Ваша заявка №{number} решена.\n   Перезагрузили оборудование" in out
    # Мария heard of the outage once, from the third report on: no "new ticket" for Вера's
    # №3 nor for Глеб's №5, one message that became the outage's when it was linked.
    assert "Массовый сбой у ООО «Ромашка»: №4, Высший; заявки №1, №2, №3" in out
    assert "Новая заявка ООО «Ромашка»: №3" not in out
    assert "Новая заявка ООО «Ромашка»: №5" not in out
    assert "↩️ №3 снова открыта автором и теперь идёт отдельной заявкой." in out
