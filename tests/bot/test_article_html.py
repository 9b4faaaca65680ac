"""An article's Markdown as Telegram HTML: checked with the Bot API's own parsing (the
emulator's), so that Telegram would accept it and show the entities meant."""

from __future__ import annotations

import pytest

from bot.sandbox.formatting import parse_html
from domain.article_text import markdown_to_html


def entities(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    text, found = parse_html(markdown_to_html(markdown))
    return text, [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in found]


def test_steps_with_bold_italic_code_and_a_link():
    text, found = entities(
        "# Как очистить очередь\n"
        "1. Откройте **Пуск → Принтеры** и _ваш принтер_.\n"
        "- нажмите `Очистить очередь`\n"
        "Подробнее: [инструкция](https://example.com/a?b=1&c=2)"
    )
    assert text.splitlines() == [
        "Как очистить очередь",
        "1. Откройте Пуск → Принтеры и ваш принтер.",
        "• нажмите Очистить очередь",
        "Подробнее: инструкция",
    ]
    assert found == [
        ("bold", "Как очистить очередь"),
        ("bold", "Пуск → Принтеры"),
        ("italic", "ваш принтер"),
        ("code", "Очистить очередь"),
        ("text_link", "инструкция"),
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "если 2 < 3 & 5 > 4",
        "**не закрыто",
        "file_name_with_underscores и 2*3*4",
        "<b>не тег</b> и <script>",
        "`код с <угловыми> & амперсандом`",
        "```\nкод <без> конца",
        "[ссылка](относительный/путь) и [x](javascript:alert(1))",
        "> цитата **жирная**\n> вторая строка",
        "~~зачёркнуто~~ ***жирный курсив***",
        "*крест **накрест* вот**",
    ],
)
def test_markdown_telegram_would_refuse_comes_out_accepted(markdown):
    text, _found = parse_html(markdown_to_html(markdown))  # raises what Telegram would refuse
    assert text.strip()


def test_what_is_not_markup_stays_as_typed():
    text, found = entities("file_name_x и 2*3*4 < 5 & 6")
    assert text == "file_name_x и 2*3*4 < 5 & 6" and found == []
