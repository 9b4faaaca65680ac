"""The knowledge base in SQLite: articles (with their picture or file) and the outcomes of
self-help suggestions (domain.ports.KnowledgeRepository)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from domain.enums import Category
from domain.knowledge import Article, ArticleFile, ArticleKind, ArticleStatus, SelfHelpOutcome
from domain.model import Ticket, WorkLog
from storage.codec import flag, parse_utc, utc_text
from storage.repositories import SqliteTicketRepository
from storage.session import Session

_COLUMNS = (
    "id, slug, title, body, kind, categories, phrases, client_id, status, source_ticket, "
    "attachment_name, attachment_is_image, updated_at"
)


def _article(row: sqlite3.Row, with_file: bool = False) -> Article:
    attachment = None
    if with_file and row["attachment_name"] is not None:
        attachment = ArticleFile(
            row["attachment_name"], bytes(row["attachment"]), bool(row["attachment_is_image"])
        )
    return Article(
        slug=row["slug"],
        title=row["title"],
        body=row["body"],
        kind=ArticleKind(row["kind"]),
        categories=tuple(Category(c) for c in json.loads(row["categories"])),
        phrases=tuple(json.loads(row["phrases"])),
        client_id=row["client_id"],
        attachment=attachment,
        status=ArticleStatus(row["status"]),
        source_ticket=row["source_ticket"],
        updated_at=parse_utc(row["updated_at"]),
        id=row["id"],
    )


class SqliteKnowledge:
    def __init__(self, session: Session) -> None:
        self._session = session

    async def by_slug(self, slug: str) -> Article | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM kb_articles WHERE slug = ?", (slug,)
        )
        return _article(row) if row else None

    async def save(self, article: Article) -> Article:
        file = article.attachment
        assert article.updated_at is not None
        row = await self._session.fetchone(
            "INSERT INTO kb_articles (slug, title, body, kind, categories, phrases, client_id, "
            "status, source_ticket, attachment_name, attachment, attachment_is_image, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, "
            "kind = excluded.kind, categories = excluded.categories, phrases = excluded.phrases, "
            "client_id = excluded.client_id, status = excluded.status, "
            "source_ticket = excluded.source_ticket, attachment_name = excluded.attachment_name, "
            "attachment = excluded.attachment, attachment_is_image = excluded.attachment_is_image, "
            "updated_at = excluded.updated_at RETURNING id",
            (
                article.slug,
                article.title,
                article.body,
                article.kind.value,
                json.dumps([c.value for c in article.categories]),
                json.dumps(list(article.phrases), ensure_ascii=False),
                article.client_id,
                article.status.value,
                article.source_ticket,
                file.name if file else None,
                file.content if file else None,
                flag(file.is_image) if file else 0,
                utc_text(article.updated_at),
            ),
        )
        assert row is not None
        return replace(article, id=row["id"])

    async def remove(self, slug: str) -> bool:
        row = await self._session.fetchone(
            "DELETE FROM kb_articles WHERE slug = ? RETURNING id", (slug,)
        )
        return row is not None

    async def list(self, status: ArticleStatus | None = None) -> Sequence[Article]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM kb_articles "
            "WHERE CAST(? AS TEXT) IS NULL OR status = ? ORDER BY slug",
            (status and status.value, status and status.value),
        )
        return [_article(row) for row in rows]

    async def for_client(self, client_id: int) -> Sequence[Article]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM kb_articles WHERE status = 'published' "
            "AND (client_id IS NULL OR client_id = ?) ORDER BY slug",
            (client_id,),
        )
        return [_article(row) for row in rows]

    async def attachment(self, article_id: int) -> Article | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS}, attachment FROM kb_articles WHERE id = ?", (article_id,)
        )
        return _article(row, with_file=True) if row else None

    async def add_outcome(self, outcome: SelfHelpOutcome) -> None:
        await self._session.execute(
            "INSERT INTO kb_outcomes (article_id, title, client_id, employee_id, helped, "
            "intake_key, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                outcome.article_id,
                outcome.title,
                outcome.client_id,
                outcome.employee_id,
                flag(outcome.helped),
                outcome.intake_key,
                utc_text(outcome.at),
            ),
        )

    async def rejected(self, ticket_id: int) -> Sequence[str]:
        rows = await self._session.fetchall(
            "SELECT o.title FROM kb_outcomes AS o JOIN tickets AS t ON t.intake_key = o.intake_key "
            "WHERE t.id = ? AND o.helped = 0 ORDER BY o.id",
            (ticket_id,),
        )
        return [row["title"] for row in rows]

    async def deflections(self, client_id: int | None, start: datetime, end: datetime) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM kb_outcomes WHERE helped = 1 AND at >= ? AND at < ? "
            "AND (CAST(? AS BIGINT) IS NULL OR client_id = ?)",
            (utc_text(start), utc_text(end), client_id, client_id),
        )
        return int(row[0]) if row else 0

    async def billing_history(self, client_id: int) -> tuple[Sequence[Ticket], Sequence[WorkLog]]:
        closed = await SqliteTicketRepository(self._session)._tickets(
            "SELECT * FROM tickets WHERE client_id = ? AND status = 'closed' ORDER BY id",
            (client_id,),
        )
        rows = await self._session.fetchall(
            "SELECT w.* FROM work_logs AS w JOIN tickets AS t ON t.id = w.ticket_id "
            "WHERE t.client_id = ? AND t.status = 'closed' ORDER BY w.at, w.id",
            (client_id,),
        )
        logs = [
            WorkLog(r["ticket_id"], r["staff_tg_id"], r["minutes"], parse_utc(r["at"]), r["note"])
            for r in rows
        ]
        return closed, logs
