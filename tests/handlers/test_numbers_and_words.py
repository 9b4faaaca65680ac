"""Numbers, counted nouns, ticket numbers and short titles as a careful person writes them in
Russian and in English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.i18n import create_i18n
from domain import Priority
from handlers.ui.formatting import few_words, number, percent, rating, time_spent
from handlers.ui.texts import priority_icon, ticket_no

NBSP = "\xa0"  # Babel's group separator and the space before "%" in Russian
I18N = create_i18n("ru")


@pytest.mark.parametrize(
    ("value", "russian", "english"),
    [
        (0, "0", "0"),
        (7, "7", "7"),
        (16000, f"16{NBSP}000", "16,000"),
        (28000, f"28{NBSP}000", "28,000"),
        (1234567, f"1{NBSP}234{NBSP}567", "1,234,567"),
        (Decimal("1.5"), "1,5", "1.5"),
        (Decimal("12.50"), "12,5", "12.5"),
        (Decimal("10.00"), "10", "10"),
        (Decimal("0.25"), "0,25", "0.25"),
    ],
)
def test_numbers_are_grouped_and_pointed_as_the_language_does(value, russian, english):
    assert (number(value, "ru"), number(value, "en")) == (russian, english)


@pytest.mark.parametrize(
    ("value", "russian", "english"),
    [
        (Decimal("66.7"), f"66,7{NBSP}%", "66.7%"),
        (Decimal("66.0"), f"66{NBSP}%", "66%"),
        (Decimal("100.0"), f"100{NBSP}%", "100%"),
        (Decimal("0"), f"0{NBSP}%", "0%"),
        (66.66, f"66,7{NBSP}%", "66.7%"),
        (None, "—", "—"),
    ],
)
def test_percentages(value, russian, english):
    assert (percent(value, "ru"), percent(value, "en")) == (russian, english)


@pytest.mark.parametrize(
    ("value", "russian", "english"),
    [(Decimal("2"), "2,0", "2.0"), (Decimal("4.5"), "4,5", "4.5"), (5, "5,0", "5.0")],
)
def test_a_rating_has_one_decimal(value, russian, english):
    assert (rating(value, "ru"), rating(value, "en")) == (russian, english)


def said(locale: str, make):
    with I18N.context(), I18N.use_locale(locale):
        return make()


@pytest.mark.parametrize(
    ("minutes", "russian", "english"),
    [
        (0, "0 мин", "0 min"),
        (45, "45 мин", "45 min"),
        (60, "1 ч", "1 h"),
        (90, "1 ч 30 мин", "1 h 30 min"),
        (26 * 60 + 5, "26 ч 5 мин", "26 h 5 min"),  # work hours, never turned into days
    ],
)
def test_time_logged_reads_in_hours_and_minutes(minutes, russian, english):
    assert said("ru", lambda: time_spent(minutes, "ru")) == russian
    assert said("en", lambda: time_spent(minutes, "en")) == english


def test_a_ticket_number_is_no_sign_in_english():
    assert said("ru", lambda: ticket_no(12)) == "№12"
    assert said("en", lambda: ticket_no(12)) == "#12"


AUTO_CLOSE = (
    "Does everything work? If we hear nothing, the request closes in {days} working day.",
    "Does everything work? If we hear nothing, the request closes in {days} working days.",
)


@pytest.mark.parametrize(
    ("days", "russian", "english"),
    [
        (1, "через 1 рабочий день.", "in 1 working day."),
        (2, "через 2 рабочих дня.", "in 2 working days."),
        (3, "через 3 рабочих дня.", "in 3 working days."),
        (5, "через 5 рабочих дней.", "in 5 working days."),
        (11, "через 11 рабочих дней.", "in 11 working days."),
        (21, "через 21 рабочий день.", "in 21 working days."),
        (22, "через 22 рабочих дня.", "in 22 working days."),
        (112, "через 112 рабочих дней.", "in 112 working days."),
    ],
)
def test_working_days_agree_with_their_number(days, russian, english):
    for locale, ending in (("ru", russian), ("en", english)):
        text = I18N.gettext(*AUTO_CLOSE, days, locale=locale).format(days=days)
        assert text.endswith(ending), text


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("не печатает принтер", 30, "не печатает принтер"),
        ("не печатает принтер в бухгалтерии", 30, "не печатает принтер…"),  # not "в…"
        ("не печатает принтер в бухгалтерии", 25, "не печатает принтер…"),
        ("Please install Zoom on my laptop", 30, "Please install Zoom…"),
        ("Please set up the printer for the new office", 30, "Please set up the printer…"),
        ("не печатает принтер в бухгалтерии", 21, "не печатает принтер…"),
        ("не печатает принтер, совсем", 22, "не печатает принтер…"),  # no comma before "…"
        ("не печатает   принтер\nсовсем", 40, "не печатает принтер совсем"),
        ("сервер 1С", 9, "сервер 1С"),
        ("сервер 1С не отвечает", 10, "сервер 1С…"),  # the space right after a whole word
        ("Антидисэстаблишментарианизм", 10, "Антидисэс…"),  # one long word: cut inside it
    ],
)
def test_a_long_text_is_cut_after_a_whole_word(text, limit, cut):
    assert few_words(text, limit) == cut
    assert len(few_words(text, limit)) <= limit


def test_red_means_overdue_only():
    assert "🔴" not in {priority_icon(p) for p in Priority}
    assert len({priority_icon(p) for p in Priority}) == len(Priority)
