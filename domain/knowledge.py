"""Knowledge-base articles: what they hold, and how one is read from a Markdown file.

An article is a short answer (a few steps) to the problems or questions its title and
phrases name; a "how-to" answers a problem, a "FAQ" answers a question about the service.
It applies to every client, or to one client only ("как подключиться к VPN Ромашки").

The file is Markdown under a small front matter:

    ---
    id: vpn-connect                 (optional: the file's name without .md)
    title: Как подключиться к VPN
    kind: howto                     (or faq; howto by default)
    client: all                     (or a client's id)
    categories: internet_network, software
    phrases:
      - не подключается vpn
      - как зайти в сеть офиса из дома
    image: vpn.png                  (optional, next to the file; or file: instructions.pdf)
    ---
    1. Откройте **FortiClient**.
    2. ...

A file that cannot be an article is refused with the line that is wrong (`ArticleError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from domain.enums import Category


class ArticleKind(StrEnum):
    HOWTO = "howto"  # the fix of a problem, suggested before a request is registered
    FAQ = "faq"  # an answer to a question about the service


class ArticleStatus(StrEnum):
    PUBLISHED = "published"  # suggested to clients
    DRAFT = "draft"  # from a solved ticket, waiting for a lead's review: never shown to clients


MAX_TITLE = 200
MAX_BODY = 3000  # one Telegram message (4096) with the title and the buttons' question
MAX_PHRASES = 50
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # Telegram's limit on photos sent by upload

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A picture or a document sent with the article."""

    name: str
    content: bytes
    is_image: bool


@dataclass(frozen=True, slots=True)
class Article:
    slug: str  # its id in files and commands: "vpn-connect"
    title: str
    body: str  # Markdown
    kind: ArticleKind = ArticleKind.HOWTO
    categories: tuple[Category, ...] = ()
    phrases: tuple[str, ...] = ()
    client_id: int | None = None  # None: every client
    attachment: ArticleFile | None = field(default=None, compare=False, hash=False)
    status: ArticleStatus = ArticleStatus.PUBLISHED
    source_ticket: int | None = None  # the solved ticket a draft came from
    updated_at: datetime | None = field(default=None, compare=False, hash=False)
    id: int | None = field(default=None, compare=False, hash=False)

    @property
    def published(self) -> bool:
        return self.status is ArticleStatus.PUBLISHED

    @property
    def language(self) -> str:
        """The language it is written in, as its title tells: Russian with Cyrillic letters,
        English otherwise (the two the bot speaks)."""
        return "ru" if _CYRILLIC.search(self.title) else "en"

    def applies_to(self, client_id: int) -> bool:
        return self.client_id is None or self.client_id == client_id


class ArticleError(ValueError):
    """A file that is not an article; `line` is where it is wrong (1-based; 0: the file)."""

    def __init__(self, line: int, message: str, file: str = "") -> None:
        where = ", ".join(part for part in (file, f"line {line}" if line else "") if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.line, self.message, self.file = line, message, file


@dataclass(frozen=True, slots=True)
class ArticleSource:
    """An article as read from its file, before its picture or file is loaded."""

    article: Article
    attachment_path: str | None  # relative to the file
    attachment_is_image: bool
    attachment_line: int


_KEYS = {"id", "title", "kind", "client", "categories", "phrases", "image", "file"}


def parse_article(text: str, *, default_slug: str) -> ArticleSource:
    """Read an article file; ArticleError says which line is wrong."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleError(1, "the file must begin with a front matter: a line '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ArticleError(1, "the front matter is not closed by a line '---'")
    values: dict[str, tuple[int, str | list[str]]] = {}
    current_list: str | None = None
    for number, raw in enumerate(lines[1:end], start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s*(.*)$", raw) or re.match(r"^-\s+(.*)$", raw)
        if item is not None:
            if current_list is None:
                raise ArticleError(number, "a list item outside a list (write 'phrases:' first)")
            listed = values[current_list][1]
            assert isinstance(listed, list)
            if item.group(1).strip():
                listed.append(item.group(1).strip())
            continue
        key, colon, value = raw.partition(":")
        key = key.strip().lower()
        if not colon or key not in _KEYS:
            raise ArticleError(number, f"unknown field {key!r} (known: {', '.join(sorted(_KEYS))})")
        if key in values:
            raise ArticleError(number, f"the field {key!r} is given twice")
        value = value.strip()
        if key in ("phrases", "categories") and not value:
            values[key] = (number, [])
            current_list = key
        else:
            values[key] = (number, value)
            current_list = None
    body = "\n".join(lines[end + 1 :]).strip()

    def scalar(key: str) -> tuple[int, str]:
        number, value = values.get(key, (0, ""))
        return number, value if isinstance(value, str) else ""

    title_line, title = scalar("title")
    if not title:
        raise ArticleError(title_line or 1, "the article has no title ('title: ...')")
    if len(title) > MAX_TITLE:
        raise ArticleError(title_line, f"the title is longer than {MAX_TITLE} characters")
    if not body:
        raise ArticleError(end + 2, "the article's text is empty (write it below the '---')")
    if len(body) > MAX_BODY:
        raise ArticleError(end + 2, f"the text is longer than {MAX_BODY} characters")

    slug_line, slug = scalar("id")
    slug = slug or default_slug.lower()
    if not _SLUG.match(slug):
        raise ArticleError(slug_line, f"bad id {slug!r}: use latin letters, digits, '-' and '_'")

    kind_line, kind_text = scalar("kind")
    try:
        kind = ArticleKind(kind_text.lower() or ArticleKind.HOWTO)
    except ValueError:
        raise ArticleError(kind_line, f"unknown kind {kind_text!r} (howto or faq)") from None

    client_line, client_text = scalar("client")
    client_id: int | None = None
    if client_text and client_text.lower() != "all":
        if not client_text.isdigit() or int(client_text) < 1:
            raise ArticleError(
                client_line, f"client must be 'all' or a client's id: {client_text!r}"
            )
        client_id = int(client_text)

    categories: list[Category] = []
    cat_line, cat_value = values.get("categories", (0, []))
    names = cat_value if isinstance(cat_value, list) else cat_value.split(",")
    for name in (n.strip().lower() for n in names):
        if not name:
            continue
        try:
            categories.append(Category(name))
        except ValueError:
            valid = ", ".join(c.value for c in Category)
            raise ArticleError(cat_line, f"unknown category {name!r} (valid: {valid})") from None

    phrase_line, phrase_value = values.get("phrases", (0, []))
    phrases = phrase_value if isinstance(phrase_value, list) else [phrase_value]
    phrases = [p for p in phrases if p]
    if len(phrases) > MAX_PHRASES:
        raise ArticleError(phrase_line, f"more than {MAX_PHRASES} phrases")

    attachment: tuple[str | None, bool, int] = (None, False, 0)
    for key in ("image", "file"):
        line, path = scalar(key)
        if path:
            if attachment[0] is not None:
                raise ArticleError(line, "one picture or one file per article")
            attachment = (path, key == "image", line)

    article = Article(
        slug=slug,
        title=title,
        body=body,
        kind=kind,
        categories=tuple(categories),
        phrases=tuple(phrases),
        client_id=client_id,
    )
    return ArticleSource(article, *attachment)


def render_article(article: Article) -> str:
    """The article back as a file (what `kb list`/drafts show, and an edit starts from)."""
    head = [
        "---",
        f"id: {article.slug}",
        f"title: {article.title}",
        f"kind: {article.kind.value}",
        f"client: {article.client_id if article.client_id is not None else 'all'}",
    ]
    if article.categories:
        head.append("categories: " + ", ".join(c.value for c in article.categories))
    if article.phrases:
        head.append("phrases:")
        head.extend(f"  - {p}" for p in article.phrases)
    return "\n".join([*head, "---", article.body, ""])


FAQ_FOLDER = Path(__file__).parent / "data" / "faq"  # one folder per language: ru/, en/
FAQ_LANGUAGES = ("ru", "en")  # the first is for a language the FAQ is not written in


def read_folder(folder: Path) -> list[ArticleSource]:
    """Every `*.md` of a folder, by name; ArticleError names the file and the line."""
    sources = []
    for path in sorted(folder.glob("*.md")):
        try:
            sources.append(parse_article(path.read_text(encoding="utf-8"), default_slug=path.stem))
        except ArticleError as error:
            raise ArticleError(error.line, error.message, path.name) from None
    return sources


@cache
def shipped_faq(language: str = FAQ_LANGUAGES[0]) -> tuple[Article, ...]:
    """The answers to questions about the service that come with the product (seeds 000
    and 002), for every client, in the asker's language (the same ids in each language);
    an article stored under the same id replaces its copy."""
    folder = language if language in FAQ_LANGUAGES else FAQ_LANGUAGES[0]
    return tuple(source.article for source in read_folder(FAQ_FOLDER / folder))


@dataclass(frozen=True, slots=True)
class SelfHelpOutcome:
    """What an employee said of the articles suggested in an intake: they helped (no
    ticket: a deflection), or not (the ticket's card says which were suggested)."""

    title: str
    client_id: int
    employee_id: int
    helped: bool
    at: datetime
    article_id: int | None = None
    intake_key: str | None = None
