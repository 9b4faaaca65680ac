"""Long HTML texts cut into parts Telegram accepts: by UTF-16 length after parsing, never
inside an entity, a tag or an emoji sequence, every part valid HTML on its own."""

import html

import pytest

from bot.sandbox.formatting import parse_html
from handlers.ui.splitting import first_part, split_html, utf16_len


@pytest.mark.parametrize(
    ("text", "limit", "parts"),
    [
        ("", 10, []),
        ("  \n ", 10, []),
        ("short", 10, ["short"]),
        ("x" * 10, 4, ["xxxx", "xxxx", "xx"]),
        # an emoji is 2 UTF-16 units: 3 fit in 6, never half of one
        ("😀" * 7, 6, ["😀😀😀", "😀😀😀", "😀"]),
        ("😀" * 3, 5, ["😀😀", "😀"]),
        # an entity counts as its character and is never cut
        ("a&amp;b&lt;c&gt;d", 3, ["a&amp;b", "&lt;c&gt;", "d"]),
        ("&#128512;&#x1F600;", 2, ["&#128512;", "&#x1F600;"]),
        # tags count nothing, are never cut, and are closed and opened again at a cut
        (
            '<a href="https://example.com/a">abcdef</a>',
            4,
            [
                '<a href="https://example.com/a">abcd</a>',
                '<a href="https://example.com/a">ef</a>',
            ],
        ),
        (
            "<b>bold <i>both</i></b> plain",
            7,
            [
                "<b>bold </b>",
                "<b><i>both</i></b> ",
                "plain",
            ],
        ),
        # a line break in the second half of the part is the preferred cut, then a space
        ("one two\nthree four", 12, ["one two\n", "three four"]),
        ("one two three", 10, ["one two ", "three"]),
        ("a bcdefghij", 10, ["a bcdefghi", "j"]),  # a space too early is not worth it
        # an emoji with its skin tone, or joined by ZWJ, stays whole
        ("👍🏽👍🏽👍🏽", 5, ["👍🏽", "👍🏽", "👍🏽"]),
        ("ab👩\u200d💻", 5, ["ab", "👩\u200d💻"]),
        ("éééé".replace("é", "e\u0301"), 3, ["e\u0301", "e\u0301", "e\u0301", "e\u0301"]),
    ],
)
def test_parts(text, limit, parts):
    assert split_html(text, limit) == parts


def test_utf16_length_is_what_telegram_counts():
    assert utf16_len("abc") == 3
    assert utf16_len("ж") == 1
    assert utf16_len("😀") == 2
    assert utf16_len("👩\u200d💻") == 5


@pytest.mark.parametrize(
    "visible",
    [
        "😀" * 2040 + "\n\nЧтобы дополнить, ответьте на это сообщение.",
        ("Tom & Jerry <script> " * 250)[:5000],
        "строка\n" * 1500,
        "😀a" * 3000,
    ],
)
def test_every_part_fits_and_nothing_is_lost(visible):
    source = f"<b>Ответ по вашей заявке №12:</b>\n{html.escape(visible)}\n\n<i>конец</i>"
    parts = split_html(source)
    assert len(parts) > 1
    texts = []
    for part in parts:
        text, _entities = parse_html(part)  # raises on broken HTML
        assert utf16_len(text) <= 4096
        assert "amp;" not in text and "lt;" not in text
        texts.append(text)
    whole, _ = parse_html(source)
    assert "".join(texts) == whole


def test_a_caption_is_the_first_part_of_1024():
    caption = first_part("<b>№12</b> · " + "😀" * 600)
    assert caption.startswith("<b>№12</b> · ") and caption.endswith("😀")
    assert utf16_len(parse_html(caption)[0]) <= 1024
    assert first_part("") == ""
