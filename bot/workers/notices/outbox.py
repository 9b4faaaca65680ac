"""The plumbing every notice goes through: rows into the outbox, in the unit of work of
the change, so a notice exists if and only if its cause was committed.

Texts over Telegram's limit are split, files go by their own methods, and rows for the
staff chat use the staff desk's own methods (`ticketCard`, `toTicketThread`,
`closeTicketTopic`, `reopenTicketTopic`), resolved when they are delivered: the card is
rendered from the database at that moment, so it is always current.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.workers.notices.group_copies import Told, where_told
from domain.enums import StaffRole
from domain.model import Attachment, Client, Employee, Staff, Ticket, TicketMessage
from domain.ports import Clock, OutboxMessage, UnitOfWork
from domain.recipients import Facts
from domain.use_cases.employee_tickets import may_hear_about
from handlers.ui.splitting import CAPTION_LIMIT, MESSAGE_LIMIT, first_part, split_html, utf16_len

CARD, THREAD = "ticketCard", "toTicketThread"
CLOSE_TOPIC, REOPEN_TOPIC = "closeTicketTopic", "reopenTicketTopic"
# The dedup keys of the urgent notices: SLA warnings and breaches, and pages.
URGENT_KEYS = ("sla:", "page:")
FILE_METHODS = {
    "photo": "sendPhoto",
    "document": "sendDocument",
    "voice": "sendVoice",
    "video": "sendVideo",
}


def fits_a_caption(text: str) -> bool:
    """Whether a file's caption can carry the whole text (Telegram's 1,024, as it counts)."""
    return split_html(text, CAPTION_LIMIT) == [text]


def _replying(message_id: int) -> dict[str, Any]:
    """A reply to the author's message in a client group (sent even if it was deleted)."""
    return {"message_id": message_id, "allow_sending_without_reply": True}


def button_markup(*rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


@dataclass
class Context:
    """What most notices need: the ticket, its client, employee and personal manager (if
    any, and active), in one place."""

    ticket: Ticket
    client: Client
    employee: Employee
    manager: Staff | None

    def facts(self, now: datetime) -> Facts:
        """What `domain.recipients` needs to know to say who hears of an event."""
        return Facts(
            priority=self.ticket.priority,
            assigned=bool(self.ticket.assignee_tg_id),
            manager_hears_all=self.manager is None or self.manager.notify_all_priorities,
            # A mass outage is nobody's own ticket: its children's employees hear of it.
            employee_hears=may_hear_about(self.ticket, self.employee) and not self.ticket.outage,
            emergency=self.ticket.emergency,
            working_hours=self.client.calendar.is_working(now),
            in_outage=self.ticket.parent_id is not None,
        )


@dataclass
class Known:
    """What a batch of notices written in one unit of work has read already (see
    `OutboxWriter.known`), and the rows it queues, written together at its end."""

    contexts: dict[int, Context]
    staff: dict[int, Staff]  # every staff member, active or not, by tg_id, in list order
    origins: dict[int, bool]  # whether the ticket was opened in a client's group
    rows: list[OutboxMessage] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


class OutboxWriter:
    """Writes notices into the outbox: texts in the reader's language, split to fit, with
    their files; and the reads most notices share."""

    def __init__(
        self,
        settings: Settings,
        i18n: I18n,
        clock: Clock,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.i18n = i18n
        self.clock = clock
        self.on_queued = on_queued
        self._known: dict[int, Known] = {}  # by the unit of work (its id) writing a batch

    # --- a batch -------------------------------------------------------------------------

    @asynccontextmanager
    async def known(
        self, uow: UnitOfWork, tickets: Mapping[int, Ticket], clients: Mapping[int, Client]
    ) -> AsyncIterator[None]:
        """Notices about these tickets, written in this unit of work, from rows read once:
        the tickets and clients the caller read, their employees, the staff, and whether
        each was opened in a client's group; their rows are queued in memory and written
        in one statement when the block ends (SLA warnings and breaches by the thousand at
        opening hours). Only for a unit of work that writes nothing the notices read."""
        reads = {e: uow.employees.get(e) for e in {t.employee_id for t in tickets.values()}}
        staff_read = uow.staff.list()
        origin_reads = [uow.client_groups.ticket_origin(n) for n in tickets]
        employees = {e: await read for e, read in reads.items()}
        staff = {s.tg_id: s for s in await staff_read}
        origins = [origin is not None for origin in await asyncio.gather(*origin_reads)]
        contexts = {}
        for number, ticket in tickets.items():
            client, employee = clients.get(ticket.client_id), employees.get(ticket.employee_id)
            if client is None or employee is None:
                continue
            manager = staff.get(client.manager_tg_id) if client.manager_tg_id else None
            active = manager if manager is not None and manager.active else None
            contexts[number] = Context(ticket, client, employee, active)
        known = Known(contexts, staff, dict(zip(tickets, origins, strict=True)))
        self._known[id(uow)] = known
        try:
            yield
        finally:
            del self._known[id(uow)]
        if known.rows:
            await uow.outbox.add_many(known.rows)

    # --- language ------------------------------------------------------------------------

    def t(self, msgid: str, locale: str, **values: Any) -> str:
        return self.i18n.gettext(msgid, locale=locale).format(**values)

    def ngettext(self, singular: str, plural: str, n: int, locale: str, **values: Any) -> str:
        """A text with a count in it, in the form the count takes in `locale` ("через
        1 рабочий день", "через 3 рабочих дня", "через 5 рабочих дней")."""
        return self.i18n.gettext(singular, plural, n, locale=locale).format(**values)

    @contextmanager
    def speaking(self, locale: str) -> Iterator[None]:
        """Texts built by shared helpers (dates, names of values) in `locale`."""
        with self.i18n.context(), self.i18n.use_locale(locale):
            yield

    def employee_locale(self, employee: Employee) -> str:
        return employee.locale or self.settings.default_locale

    def staff_locale(self, staff: Staff | None) -> str:
        return (staff.locale if staff and staff.locale else None) or self.settings.default_locale

    # --- rows ----------------------------------------------------------------------------

    async def queue(
        self,
        uow: UnitOfWork,
        chat_id: int,
        method: str,
        payload: dict[str, Any],
        ticket_id: int | None,
        key: str | None = None,
    ) -> bool:
        """Whether it was queued (False: a row with the same key already was). SLA warnings
        and breaches and pages (their keys say so) are urgent: delivered ahead of ordinary
        notices."""
        self.on_queued()  # the worker looks once this transaction lets it in
        message = OutboxMessage(
            chat_id=chat_id,
            method=method,
            payload=payload,
            dedup_key=key,
            ticket_id=ticket_id,
            created_at=self.clock.now(),
            urgent=key is not None and key.startswith(URGENT_KEYS),
        )
        known = self._known.get(id(uow))
        if known is not None:  # written with the batch's other rows
            if key is not None:
                if key in known.keys:
                    return False
                known.keys.add(key)
            known.rows.append(message)
            return True
        return await uow.outbox.add(message) is not None

    async def text(
        self,
        uow: UnitOfWork,
        chat_id: int,
        text: str,
        ticket_id: int | None,
        markup: dict[str, Any] | None = None,
        key: str | None = None,
        *,
        head: str = "",
        in_group: str | None = None,
    ) -> None:
        """A text over Telegram's limit goes in several messages (handlers/ui/splitting.py),
        each starting with `head` (the "№N" a reply is recognised by), the buttons on the
        last; with a key, a repeat of the first part adds none of them. The author of a
        request opened in a client's group hears of it there too, without the buttons
        (bot/workers/notices/group_copies.py), in the words of `in_group` when given."""
        if ticket_id is not None:
            told = await self._where_told(uow, chat_id, ticket_id)
            if told.group_chat_id is not None:
                await self._text(
                    uow,
                    told.group_chat_id,
                    text if in_group is None else in_group,
                    ticket_id,
                    None,
                    key and f"{key}:group",
                    head=head,
                    reply_to=told.reply_to,
                )
            if not told.private:
                return
        await self._text(uow, chat_id, text, ticket_id, markup, key, head=head)

    async def _text(
        self,
        uow: UnitOfWork,
        chat_id: int,
        text: str,
        ticket_id: int | None,
        markup: dict[str, Any] | None,
        key: str | None,
        *,
        head: str,
        reply_to: int | None = None,
    ) -> None:
        parts = split_html(text, MESSAGE_LIMIT - utf16_len(head))
        for index, part in enumerate(parts):
            payload: dict[str, Any] = {
                "text": head + part,
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
            }
            if markup and index == len(parts) - 1:
                payload["reply_markup"] = markup
            if reply_to is not None:
                payload["reply_parameters"] = _replying(reply_to)
            part_key = key if key is None or index == 0 else f"{key}#{index + 1}"
            queued = await self.queue(uow, chat_id, "sendMessage", payload, ticket_id, part_key)
            if key is not None and index == 0 and not queued:
                return  # already queued once

    async def files(
        self,
        uow: UnitOfWork,
        chat_id: int,
        files: Sequence[Attachment],
        ticket_id: int,
        caption: str = "",
        *,
        to_thread: bool = False,
    ) -> None:
        """Each file by its own method, with the caption cut to fit; `to_thread`: into the
        ticket's thread in the staff chat (`chat_id` is not used). Files go where the text
        went: a client group's request's author gets them there too (see `text`)."""
        targets: list[tuple[int, int | None]] = [(chat_id, None)]
        if not to_thread:
            told = await self._where_told(uow, chat_id, ticket_id)
            group = [(told.group_chat_id, told.reply_to)] if told.group_chat_id else []
            targets = group + (targets if told.private else [])
        for attachment in files:
            method = FILE_METHODS.get(attachment.kind, "sendDocument")
            field = method.removeprefix("send").lower()
            payload: dict[str, Any] = {field: attachment.file_id}
            if caption:
                payload |= {"caption": first_part(caption, CAPTION_LIMIT), "parse_mode": "HTML"}
            if to_thread:
                await self.staff_chat(
                    uow, THREAD, {"method": method, "payload": payload}, ticket_id
                )
                continue
            for target, reply_to in targets:
                replying = {"reply_parameters": _replying(reply_to)} if reply_to else {}
                await self.queue(uow, target, method, payload | replying, ticket_id)

    async def staff_chat(
        self, uow: UnitOfWork, method: str, payload: dict[str, Any], ticket_id: int
    ) -> None:
        """One of the staff desk's own methods, when there is a staff chat."""
        if self.settings.staff_chat_id is not None:
            await self.queue(uow, self.settings.staff_chat_id, method, payload, ticket_id)

    async def thread_text(
        self, uow: UnitOfWork, ticket_id: int, text: str, *, head: str = ""
    ) -> None:
        """Into the ticket's thread in the staff chat, in as many messages as it takes, each
        starting with `head` (the "№N" a reply to any of them is recognised by)."""
        for part in split_html(text, MESSAGE_LIMIT - utf16_len(head)):
            await self.staff_chat(
                uow,
                THREAD,
                {"method": "sendMessage", "payload": {"text": head + part, "parse_mode": "HTML"}},
                ticket_id,
            )

    # --- reads ---------------------------------------------------------------------------

    def known_ticket(self, uow: UnitOfWork, ticket_id: int) -> Ticket | None:
        """The ticket as a batch of notices read it (see `known`); None outside one."""
        known = self._known.get(id(uow))
        context = known.contexts.get(ticket_id) if known is not None else None
        return context.ticket if context is not None else None

    async def _where_told(self, uow: UnitOfWork, chat_id: int, ticket_id: int) -> Told:
        known = self._known.get(id(uow))
        if known is not None and known.origins.get(ticket_id) is False:
            return Told()  # not opened in a group: told where it always is
        return await where_told(uow, chat_id, ticket_id)

    async def context(self, uow: UnitOfWork, ticket_id: int) -> Context:
        known = self._known.get(id(uow))
        if known is not None and ticket_id in known.contexts:
            return known.contexts[ticket_id]
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        # Both reads are queued before either is awaited: one trip to the database.
        client_read, employee_read = (
            uow.clients.get(ticket.client_id),
            uow.employees.get(ticket.employee_id),
        )
        client, employee = await client_read, await employee_read
        assert client is not None and employee is not None
        manager = (
            await uow.staff.get(client.manager_tg_id) if client.manager_tg_id is not None else None
        )
        return Context(ticket, client, employee, manager if manager and manager.active else None)

    async def message(
        self, uow: UnitOfWork, ticket_id: int, message_id: int | None
    ) -> TicketMessage | None:
        if message_id is None:
            return None
        return next((m for m in await uow.tickets.messages(ticket_id) if m.id == message_id), None)

    async def staff_name(self, uow: UnitOfWork, tg_id: int | None) -> str:
        staff = await uow.staff.get(tg_id) if tg_id else None
        return html.escape(staff.name) if staff else "—"

    async def active_staff(self, uow: UnitOfWork, tg_ids: Sequence[int | None]) -> list[Staff]:
        """These people, once each, in order, if they are active staff."""
        found: list[Staff] = []
        known = self._known.get(id(uow))
        for tg_id in dict.fromkeys(tg_ids):
            if known is not None:
                staff = known.staff.get(tg_id) if tg_id else None
            else:
                staff = await uow.staff.get(tg_id) if tg_id else None
            if staff is not None and staff.active:
                found.append(staff)
        return found

    async def role(self, uow: UnitOfWork, role: StaffRole) -> list[int | None]:
        known = self._known.get(id(uow))
        staff = known.staff.values() if known is not None else await uow.staff.list(role)
        return [s.tg_id for s in staff if s.role is role and s.active]
