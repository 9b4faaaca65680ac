"""Telegram's limits as the bot keeps them: what counts, and when a window has room."""

from bot.telegram.flood_limits import Window, counts


def test_messages_count_anywhere_edits_only_in_groups():
    assert counts("sendMessage", 42) and counts("sendPhoto", -100)
    assert counts("editMessageText", -100)
    assert not counts("editMessageText", 42)
    assert not counts("answerCallbackQuery", 42) and not counts("getChat", -100)


def test_a_message_holds_its_place_until_a_window_after_its_answer():
    minute = Window(20, 60.0)
    for second in range(20):
        assert minute.free_at(float(second)) == float(second)
        minute.left()
        minute.answered(second + 0.5)  # the answer came half a second later
    # Full: the 21st may go once the first message's answer is a minute old.
    assert minute.free_at(30.0) == 60.5
    assert minute.free_at(60.5) == 60.5


def test_places_kept_free_and_messages_on_their_way():
    minute = Window(20, 60.0)
    for _ in range(14):
        minute.left()
        minute.answered(0.0)
    assert minute.free_at(1.0, spare=6) == 60.0  # 14 are the queue's; 6 are kept
    assert minute.free_at(1.0) == 1.0
    for _ in range(6):
        minute.left()  # on their way, not answered yet
    assert minute.free_at(1.0) == 60.0  # full until the first answer is a minute old

    second = Window(30, 1.0)
    for _ in range(30):
        second.left()
    assert second.free_at(0.0) is None  # all on their way: no telling until one answers


def test_a_refused_message_holds_no_place():
    second = Window(1, 1.0)
    second.left()
    second.refused()  # "message is not modified", a 429...: Telegram did not count it
    assert second.free_at(0.0) == 0.0
