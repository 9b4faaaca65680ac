"""`frontdesk admin kb add | edit | list | remove | import`: the knowledge base's articles.

An article is a Markdown file with a small front matter (domain/knowledge.py); `import`
adds or replaces every `*.md` of a folder, all or none. A file that is not an article is
refused with its line, and nothing is written."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from bot.cli.admin.common import CliError, handled_by, open_database, print_table, tell
from bot.clock import SystemClock
from bot.config import Settings
from domain.knowledge import (
    MAX_ATTACHMENT_BYTES,
    Article,
    ArticleError,
    ArticleFile,
    ArticleSource,
    ArticleStatus,
    parse_article,
    read_folder,
)
from domain.use_cases import knowledge

_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def kb_arguments(kb: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, text, handler in (
        ("add", "add an article from a Markdown file", kb_add),
        ("edit", "replace an article (the same id) from a Markdown file", kb_edit),
    ):
        parser = kb.add_parser(name, help=text)
        parser.add_argument("--file", type=Path, required=True, metavar="ARTICLE.md")
        handled_by(parser, handler)
    listing = kb.add_parser("list", help="list the articles")
    listing.add_argument("--drafts", action="store_true", help="only drafts waiting for review")
    handled_by(listing, kb_list)
    remove = kb.add_parser("remove", help="remove an article")
    remove.add_argument("slug", metavar="ID", help="the article's id")
    handled_by(remove, kb_remove)
    folder = kb.add_parser("import", help="add or replace every *.md of a folder")
    folder.add_argument("folder", type=Path, metavar="FOLDER")
    handled_by(folder, kb_import)


def read_file(path: Path) -> Article:
    """The article in a file, with its picture or file; CliError names the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    try:
        source = parse_article(text, default_slug=path.stem)
    except ArticleError as error:
        raise CliError(f"{path.name}, {error}") from None
    return with_attachment(source, path.parent, path.name)


def with_attachment(source: ArticleSource, folder: Path, name: str) -> Article:
    if source.attachment_path is None:
        return source.article
    where = folder / source.attachment_path
    try:
        content = where.read_bytes()
    except OSError as exc:
        raise CliError(
            f"{name}, line {source.attachment_line}: cannot read {where}: {exc}"
        ) from None
    if not content or len(content) > MAX_ATTACHMENT_BYTES:
        raise CliError(
            f"{name}, line {source.attachment_line}: {where.name} is empty or larger than 10 MB"
        )
    is_image = source.attachment_is_image and where.suffix.lower() in _IMAGES
    if source.attachment_is_image and not is_image:
        raise CliError(
            f"{name}, line {source.attachment_line}: an image must be one of "
            + ", ".join(sorted(_IMAGES))
        )
    return replace(source.article, attachment=ArticleFile(where.name, content, is_image))


async def _save(settings: Settings, articles: list[Article], *, new: bool | None) -> None:
    """`new`: True adds, False replaces, None adds or replaces each."""
    async with open_database(settings) as db, db.unit_of_work() as uow:
        for article in articles:
            exists = await uow.knowledge.by_slug(article.slug) is not None
            await knowledge.save_article(
                uow, SystemClock(), article, new=(not exists) if new is None else new
            )
        await uow.commit()


async def kb_add(args: argparse.Namespace, settings: Settings) -> int:
    return await _from_file(args, settings, new=True)


async def kb_edit(args: argparse.Namespace, settings: Settings) -> int:
    return await _from_file(args, settings, new=False)


async def _from_file(args: argparse.Namespace, settings: Settings, *, new: bool) -> int:
    article = read_file(args.file)
    await _save(settings, [article], new=new)
    print(article.slug)
    tell(f"article {article.slug!r} {'added' if new else 'replaced'}: «{article.title}»")
    return 0


async def kb_import(args: argparse.Namespace, settings: Settings) -> int:
    if not args.folder.is_dir():
        raise CliError(f"{args.folder} is not a folder")
    try:
        sources = read_folder(args.folder)
    except ArticleError as error:
        raise CliError(str(error)) from None
    if not sources:
        raise CliError(f"no *.md files in {args.folder}")
    articles = [with_attachment(s, args.folder, s.article.slug + ".md") for s in sources]
    await _save(settings, articles, new=None)
    for article in articles:
        print(article.slug)
    tell(f"{len(articles)} articles imported from {args.folder}")
    return 0


async def kb_list(args: argparse.Namespace, settings: Settings) -> int:
    status = ArticleStatus.DRAFT if args.drafts else None
    async with open_database(settings) as db, db.unit_of_work() as uow:
        articles = await uow.knowledge.list(status)
    if not articles:
        tell("no articles yet: frontdesk admin kb add --file ARTICLE.md")
        return 0
    rows = [
        (
            a.slug,
            a.kind.value,
            "all" if a.client_id is None else str(a.client_id),
            a.status.value,
            a.title,
        )
        for a in articles
    ]
    print_table(("id", "kind", "client", "status", "title"), rows)
    return 0


async def kb_remove(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.unit_of_work() as uow:
        await knowledge.remove_article(uow, args.slug)
        await uow.commit()
    print(args.slug)
    tell(f"article {args.slug!r} removed")
    return 0
