"""Knowledge-base articles read from Markdown files: what a file must hold, refused with the
line that is wrong."""

from __future__ import annotations

import re

import pytest

from domain.enums import Category
from domain.knowledge import (
    Article,
    ArticleError,
    ArticleKind,
    parse_article,
    read_folder,
    render_article,
    shipped_faq,
)

GOOD = """---
id: vpn-romashka
title: Как подключиться к VPN Ромашки
kind: howto
client: 3
categories: internet_network, software
phrases:
  - не подключается vpn
  - как зайти из дома
image: vpn.png
---
1. Откройте **FortiClient**.
"""


def test_a_whole_article_is_read():
    source = parse_article(GOOD, default_slug="file-name")
    article = source.article
    assert article.slug == "vpn-romashka"
    assert article.title == "Как подключиться к VPN Ромашки"
    assert article.kind is ArticleKind.HOWTO
    assert article.client_id == 3
    assert article.categories == (Category.INTERNET_NETWORK, Category.SOFTWARE)
    assert article.phrases == ("не подключается vpn", "как зайти из дома")
    assert article.body == "1. Откройте **FortiClient**."
    assert (source.attachment_path, source.attachment_is_image) == ("vpn.png", True)


def test_the_id_defaults_to_the_files_name_and_the_client_to_all():
    article = parse_article("---\ntitle: T\n---\ntext", default_slug="Printer-Jam").article
    assert (article.slug, article.client_id, article.kind) == ("printer-jam", None, "howto")


def test_an_article_written_back_reads_the_same():
    article = parse_article(GOOD, default_slug="x").article
    assert parse_article(render_article(article), default_slug="y").article == article


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("title: T\n---\ntext", 1, "front matter"),
        ("---\ntitle: T\ntext", 1, "not closed"),
        ("---\nkind: faq\n---\ntext", 1, "no title"),
        ("---\ntitle:\n---\ntext", 2, "no title"),
        ("---\ntitle: T\n---\n\n   \n", 4, "text is empty"),
        ("---\ntitle: T\ncolour: red\n---\ntext", 3, "unknown field 'colour'"),
        ("---\ntitle: T\ntitle: U\n---\ntext", 3, "given twice"),
        ("---\ntitle: T\nkind: story\n---\ntext", 3, "unknown kind"),
        ("---\ntitle: T\nclient: Ромашка\n---\ntext", 3, "client must be 'all'"),
        ("---\ntitle: T\nclient: 0\n---\ntext", 3, "client must be 'all'"),
        ("---\ntitle: T\ncategories: printers\n---\ntext", 3, "unknown category 'printers'"),
        ("---\ntitle: T\n  - стоп\n---\ntext", 3, "list item outside a list"),
        ("---\ntitle: T\nid: Мой ид\n---\ntext", 3, "bad id"),
        ("---\ntitle: T\nimage: a.png\nfile: b.pdf\n---\ntext", 4, "one picture or one file"),
    ],
)
def test_a_file_that_is_not_an_article_is_refused_with_its_line(text, line, says):
    with pytest.raises(ArticleError) as refused:
        parse_article(text, default_slug="x")
    assert refused.value.line == line
    assert says in str(refused.value)


def test_a_folders_bad_file_is_named(tmp_path):
    (tmp_path / "good.md").write_text("---\ntitle: T\n---\ntext", encoding="utf-8")
    (tmp_path / "bad.md").write_text("---\ntitle: T\n---\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"^bad\.md, line 4: "):
        read_folder(tmp_path)


def test_the_shipped_faq_answers_the_seeds_questions():
    titles = {a.slug: a for a in shipped_faq()}
    assert {"faq-discount", "faq-subscription", "faq-pay-per-ticket", "faq-leaving"} <= set(titles)
    assert {"faq-after-hours"} <= set(titles)
    assert all(a.kind is ArticleKind.FAQ and a.client_id is None for a in titles.values())


def test_an_articles_language_is_what_its_title_is_written_in():
    assert Article("vpn", "Как подключиться к VPN", "…").language == "ru"
    assert Article("vpn-en", "How to connect to the VPN", "…").language == "en"


def test_the_faq_is_shipped_in_each_language_with_the_same_answers():
    russian, english = shipped_faq("ru"), shipped_faq("en")
    assert [a.slug for a in english] == [a.slug for a in russian]
    for ru, en in zip(russian, english, strict=True):
        assert re.findall(r"\{\{\w+\}\}", en.body) == re.findall(r"\{\{\w+\}\}", ru.body)
        assert not re.search("[а-яё]", en.title + en.body + " ".join(en.phrases), re.I), en.slug
        assert not re.search("[a-z]{3}", ru.title + " ".join(ru.phrases), re.I), ru.slug
    assert shipped_faq("de") == russian  # a language the FAQ is not written in
