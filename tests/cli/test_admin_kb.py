"""`frontdesk admin kb ...`: articles added, replaced, listed, removed and imported from a
folder; a file that is not an article is refused with its line, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from bot.clock import SystemClock
from domain.knowledge import Article, ArticleStatus
from domain.ports import UnitOfWork
from tests.cli.test_admin import cli, db_path, in_db  # noqa: F401  (fixtures)

ARTICLES = Path(__file__).parent.parent / "data" / "kb"


def article(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def stored(path: Path) -> dict[str, tuple[str, int | None, str]]:
    async def read(uow: UnitOfWork):
        return {a.slug: (a.title, a.client_id, a.body) for a in await uow.knowledge.list()}

    return in_db(path, read)


def test_add_edit_list_remove(cli, db_path, tmp_path):  # noqa: F811
    path = article(
        tmp_path, "printer", "---\ntitle: Принтер\nphrases:\n  - не печатает\n---\nШаг 1."
    )
    added = cli("kb", "add", "--file", str(path))
    assert (added.code, added.out) == (0, "printer\n")
    assert stored(db_path) == {"printer": ("Принтер", None, "Шаг 1.")}

    again = cli("kb", "add", "--file", str(path))
    assert again.code == 2 and "exists already" in again.err

    path.write_text("---\ntitle: Принтер не печатает\n---\nШаг 1.\nШаг 2.", encoding="utf-8")
    assert cli("kb", "edit", "--file", str(path)).code == 0
    assert stored(db_path) == {"printer": ("Принтер не печатает", None, "Шаг 1.\nШаг 2.")}

    listed = cli("kb", "list")
    assert "printer" in listed.out and "Принтер не печатает" in listed.out and "all" in listed.out

    assert cli("kb", "remove", "printer").code == 0
    assert stored(db_path) == {}
    gone = cli("kb", "remove", "printer")
    assert gone.code == 2 and "no article with id 'printer'" in gone.err


def test_edit_of_an_article_that_does_not_exist_is_refused(cli, db_path, tmp_path):  # noqa: F811
    path = article(tmp_path, "x", "---\ntitle: T\n---\ntext")
    refused = cli("kb", "edit", "--file", str(path))
    assert refused.code == 2 and "no article with id 'x'" in refused.err


def test_no_title_or_an_empty_body_is_refused_with_the_line(cli, db_path, tmp_path):  # noqa: F811
    no_title = article(tmp_path, "a", "---\nkind: howto\ntitle:\n---\ntext")
    refused = cli("kb", "add", "--file", str(no_title))
    assert refused.code == 2
    assert refused.err_lines == [
        "frontdesk admin kb add: error: a.md, line 3: the article has no title ('title: ...')"
    ]
    empty = article(tmp_path, "b", "---\ntitle: T\n---\n\n")
    refused = cli("kb", "add", "--file", str(empty))
    assert refused.code == 2 and "b.md, line 4: the article's text is empty" in refused.err
    assert stored(db_path) == {}


def test_an_unknown_client_is_refused(cli, db_path, tmp_path):  # noqa: F811
    path = article(tmp_path, "own", "---\ntitle: T\nclient: 42\n---\ntext")
    refused = cli("kb", "add", "--file", str(path))
    assert refused.code == 2 and "client 42 not found" in refused.err
    assert stored(db_path) == {}


def test_a_client_s_own_article(cli, db_path, tmp_path):  # noqa: F811
    assert cli("client", "add", "--name", "Ромашка").out == "1\n"
    path = article(tmp_path, "vpn", "---\ntitle: VPN Ромашки\nclient: 1\n---\ntext")
    assert cli("kb", "add", "--file", str(path)).code == 0
    assert stored(db_path)["vpn"][1] == 1


def test_import_adds_or_replaces_every_article_of_a_folder(cli, db_path):  # noqa: F811
    assert cli("client", "add", "--name", "Ромашка").out == "1\n"  # romashka-vpn's
    imported = cli("kb", "import", str(ARTICLES))
    assert imported.code == 0
    names = sorted(p.stem for p in ARTICLES.glob("*.md"))
    assert imported.out.split() == names and sorted(stored(db_path)) == names
    assert cli("kb", "import", str(ARTICLES)).code == 0  # again: replaced
    assert sorted(stored(db_path)) == names


def test_import_with_one_bad_file_writes_nothing(cli, db_path, tmp_path):  # noqa: F811
    article(tmp_path, "good", "---\ntitle: T\n---\ntext")
    article(tmp_path, "worse", "---\ntitle: T\ncolour: red\n---\ntext")
    refused = cli("kb", "import", str(tmp_path))
    assert refused.code == 2 and "worse.md, line 3: unknown field 'colour'" in refused.err
    assert stored(db_path) == {}


def test_an_image_goes_with_the_article(cli, db_path, tmp_path):  # noqa: F811
    (tmp_path / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    path = article(tmp_path, "pic", "---\ntitle: T\nimage: shot.png\n---\ntext")
    assert cli("kb", "add", "--file", str(path)).code == 0

    async def read(uow: UnitOfWork):
        found = await uow.knowledge.by_slug("pic")
        assert found is not None and found.id is not None
        return await uow.knowledge.attachment(found.id)

    full = in_db(db_path, read)
    assert full.attachment.name == "shot.png" and full.attachment.is_image
    missing = article(tmp_path, "nopic", "---\ntitle: T\nimage: gone.png\n---\ntext")
    refused = cli("kb", "add", "--file", str(missing))
    assert refused.code == 2 and "nopic.md, line 3: cannot read" in refused.err


def test_a_draft_rewritten_by_the_administrator_stays_a_draft(cli, db_path, tmp_path):  # noqa: F811
    async def draft(uow: UnitOfWork):
        await uow.knowledge.save(
            Article(
                "ticket-5", "T", "text", status=ArticleStatus.DRAFT, updated_at=SystemClock().now()
            )
        )
        await uow.commit()

    in_db(db_path, draft)
    assert "ticket-5" in cli("kb", "list", "--drafts").out
    path = article(tmp_path, "ticket-5", "---\ntitle: Новый заголовок\n---\nНовый текст")
    assert cli("kb", "edit", "--file", str(path)).code == 0

    async def status(uow: UnitOfWork):
        return (await uow.knowledge.by_slug("ticket-5")).status

    assert in_db(db_path, status) is ArticleStatus.DRAFT
    assert stored(db_path)["ticket-5"][0] == "Новый заголовок"
