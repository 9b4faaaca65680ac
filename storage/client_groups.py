"""Client groups over SQLite: one-time codes, bindings, requests opened in a group and the
members who joined there (domain/group_chat.py; the port in domain/ports.py)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from domain.group_chat import ClientGroup, GroupCode
from storage.codec import flag, parse_utc, parse_utc_or_none, utc_text, utc_text_or_none
from storage.session import Session


def _group(row: sqlite3.Row) -> ClientGroup:
    return ClientGroup(
        chat_id=row["chat_id"],
        client_id=row["client_id"],
        title=row["title"],
        bound_by_tg_id=row["bound_by_tg_id"],
        bound_at=parse_utc(row["bound_at"]),
        active=bool(row["active"]),
    )


class SqliteClientGroups:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- codes ---------------------------------------------------------------------------

    async def add_code(self, code: GroupCode) -> GroupCode:
        code.created_at = code.created_at or self._session.now()
        await self._session.execute(
            "INSERT INTO group_codes (code, client_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
            (code.code, code.client_id, utc_text(code.expires_at), utc_text(code.created_at)),
        )
        return code

    async def code(self, code: str) -> GroupCode | None:
        row = await self._session.fetchone("SELECT * FROM group_codes WHERE code = ?", (code,))
        if row is None:
            return None
        return GroupCode(
            code=row["code"],
            client_id=row["client_id"],
            expires_at=parse_utc(row["expires_at"]),
            created_at=parse_utc(row["created_at"]),
            used_at=parse_utc_or_none(row["used_at"]),
            used_in_chat_id=row["used_in_chat_id"],
        )

    async def update_code(self, code: GroupCode) -> None:
        await self._session.execute(
            "UPDATE group_codes SET used_at = ?, used_in_chat_id = ? WHERE code = ?",
            (utc_text_or_none(code.used_at), code.used_in_chat_id, code.code),
        )

    # --- bindings ------------------------------------------------------------------------

    async def get(self, chat_id: int) -> ClientGroup | None:
        row = await self._session.fetchone(
            "SELECT * FROM client_groups WHERE chat_id = ?", (chat_id,)
        )
        return _group(row) if row else None

    async def save(self, group: ClientGroup) -> None:
        await self._session.execute(
            "INSERT INTO client_groups (chat_id, client_id, title, bound_by_tg_id, bound_at, "
            "active) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
            "client_id = excluded.client_id, title = excluded.title, "
            "bound_by_tg_id = excluded.bound_by_tg_id, bound_at = excluded.bound_at, "
            "active = excluded.active",
            (
                group.chat_id,
                group.client_id,
                group.title,
                group.bound_by_tg_id,
                utc_text(group.bound_at),
                flag(group.active),
            ),
        )

    async def move(self, old_chat_id: int, new_chat_id: int) -> bool:
        moved = await self._session.changed_rows(
            "UPDATE client_groups SET chat_id = ? WHERE chat_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM client_groups WHERE chat_id = ?)",
            (new_chat_id, old_chat_id, new_chat_id),
        )
        if moved:
            # The old group's messages are kept in the supergroup with the same ids.
            await self._session.execute(
                "UPDATE group_tickets SET chat_id = ? WHERE chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            await self._session.execute(
                "UPDATE group_members SET chat_id = ? WHERE chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            # What still waits to be told there goes to the new id (Telegram refuses the old).
            await self._session.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                (new_chat_id, old_chat_id),
            )
        return moved > 0

    # --- requests and members ------------------------------------------------------------

    async def note_ticket(self, ticket_id: int, chat_id: int, message_id: int) -> None:
        await self._session.execute(
            "INSERT INTO group_tickets (ticket_id, chat_id, message_id) VALUES (?, ?, ?) "
            "ON CONFLICT (ticket_id) DO NOTHING",
            (ticket_id, chat_id, message_id),
        )

    async def ticket_origin(self, ticket_id: int) -> tuple[ClientGroup, int] | None:
        row = await self._session.fetchone(
            "SELECT g.*, t.message_id AS origin_message_id FROM group_tickets t "
            "JOIN client_groups g ON g.chat_id = t.chat_id WHERE t.ticket_id = ?",
            (ticket_id,),
        )
        return (_group(row), row["origin_message_id"]) if row else None

    async def add_member(self, employee_id: int, tg_id: int, chat_id: int, at: datetime) -> None:
        await self._session.execute(
            "INSERT INTO group_members (employee_id, tg_id, chat_id, joined_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (employee_id) DO UPDATE SET chat_id = "
            "excluded.chat_id, joined_at = excluded.joined_at, started_private_at = NULL",
            (employee_id, tg_id, chat_id, utc_text(at)),
        )

    async def started_private(self, tg_id: int) -> bool:
        row = await self._session.fetchone(
            "SELECT started_private_at FROM group_members WHERE tg_id = ?", (tg_id,)
        )
        return row is None or row["started_private_at"] is not None

    def note_private_chat(self, tg_id: int, at: datetime) -> None:
        self._session.later(
            "UPDATE group_members SET started_private_at = ? "
            "WHERE tg_id = ? AND started_private_at IS NULL",
            (utc_text(at), tg_id),
        )
