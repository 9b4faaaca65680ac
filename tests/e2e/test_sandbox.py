"""`frontdesk sandbox --script`: the demo plays without a token or network and prints
what each person saw."""

from pathlib import Path

from bot.cli import main

DEMO = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "scripts" / "demo.txt"


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
