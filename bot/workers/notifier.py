"""From domain events to outbox rows: each audience that hears of an event
(`domain.recipients`) gets its notice, in its language.

Runs inside the unit of work of the change (the Notifier port), so a notice exists if and
only if its cause was committed. Rows for the staff chat use the staff desk's own methods
(`ticketCard`, `toTicketThread`, `closeTicketTopic`), resolved when they are delivered:
the card is rendered from the database at that moment, so it is always current.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram.utils.i18n import I18n

from bot.config import Settings
from domain import events as ev
from domain.enums import StaffRole
from domain.model import Attachment, Client, Employee, Staff, Ticket, TicketMessage
from domain.ports import Clock, OutboxMessage, UnitOfWork
from domain.recipients import Audience, Facts, deadlines_when_taken, who_hears
from domain.services import may_hear_about
from domain.sla import SlaMilestone
from handlers.ui.callbacks import PageCb, StaffCb, TicketCb
from handlers.ui.cards import CARD_DESCRIPTION_LIMIT
from handlers.ui.formatting import deadline, duration
from handlers.ui.splitting import CAPTION_LIMIT, MESSAGE_LIMIT, first_part, split_html, utf16_len
from handlers.ui.texts import N_, priority_name

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
            employee_hears=may_hear_about(self.ticket, self.employee),
            emergency=self.ticket.emergency,
            working_hours=self.client.calendar.is_working(now),
        )


class OutboxNotifier:
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

    def t(self, msgid: str, locale: str, **values: Any) -> str:
        return self.i18n.gettext(msgid, locale=locale).format(**values)

    @contextmanager
    def speaking(self, locale: str) -> Iterator[None]:
        """Texts built by shared helpers (dates, names of values) in `locale`."""
        with self.i18n.context(), self.i18n.use_locale(locale):
            yield

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        cards: list[int] = []
        for event in events:
            handler = getattr(self, f"_on_{type(event).__name__}", None)
            if handler is not None:
                await handler(uow, event)
            if isinstance(event, ev.TicketOpened):
                cards.append(-event.ticket_id)  # its card is queued already, before its files
            elif isinstance(event, ev.TicketEvent) and event.ticket_id not in cards:
                cards.append(event.ticket_id)
        cards = [n for n in cards if n > 0 and -n not in cards]
        for ticket_id in cards:  # the card shows the state after all of it
            await self._staff(uow, CARD, {"ticket_id": ticket_id}, ticket_id)

    # --- plumbing --------------------------------------------------------------------

    async def _context(self, uow: UnitOfWork, ticket_id: int) -> Context:
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

    async def _told(
        self, uow: UnitOfWork, event: ev.TicketEvent
    ) -> tuple[Context, tuple[Audience, ...]]:
        """The ticket's context, and who hears of `event` (`domain.recipients`)."""
        c = await self._context(uow, event.ticket_id)
        return c, who_hears(event, c.facts(self.clock.now()))

    async def _people(self, uow: UnitOfWork, c: Context, told: Sequence[Audience]) -> list[Staff]:
        """The staff members behind these audiences: active ones, each once, in order."""
        tg_ids: list[int | None] = []
        for audience in told:
            if audience is Audience.ASSIGNEE:
                tg_ids.append(c.ticket.assignee_tg_id)
            elif audience is Audience.MANAGER:
                tg_ids.append(c.manager.tg_id if c.manager else None)
            elif audience is Audience.FIRST_LINE:
                tg_ids += await self._role(uow, StaffRole.FIRST_LINE)
            elif audience is Audience.LEADS:
                tg_ids += await self._role(uow, StaffRole.LEAD)
        return await self._active_staff(uow, tg_ids)

    def _employee_locale(self, employee: Employee) -> str:
        return employee.locale or self.settings.default_locale

    def _staff_locale(self, staff: Staff | None) -> str:
        return (staff.locale if staff and staff.locale else None) or self.settings.default_locale

    async def _queue(
        self,
        uow: UnitOfWork,
        chat_id: int | None,
        method: str,
        payload: dict[str, Any],
        ticket_id: int | None,
        key: str | None = None,
    ) -> bool:
        """Whether it was queued (False: a row with the same key already was, or the
        person no longer hears about this ticket). SLA warnings and breaches and pages
        (their keys say so) are urgent: delivered ahead of ordinary notices."""
        if chat_id is None:
            return False
        self.on_queued()  # the worker looks once this transaction lets it in
        row = await uow.outbox.add(
            OutboxMessage(
                chat_id=chat_id,
                method=method,
                payload=payload,
                dedup_key=key,
                ticket_id=ticket_id,
                created_at=self.clock.now(),
                urgent=key is not None and key.startswith(URGENT_KEYS),
            )
        )
        return row is not None

    async def _text(
        self,
        uow: UnitOfWork,
        chat_id: int | None,
        text: str,
        ticket_id: int | None,
        markup: dict[str, Any] | None = None,
        key: str | None = None,
        *,
        head: str = "",
    ) -> None:
        """A text over Telegram's limit goes in several messages (handlers/ui/splitting.py),
        each starting with `head` (the "№N" a reply is recognised by), the buttons on the
        last; with a key, a repeat of the first part adds none of them."""
        parts = split_html(text, MESSAGE_LIMIT - utf16_len(head))
        for index, part in enumerate(parts):
            payload: dict[str, Any] = {
                "text": head + part,
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
            }
            if markup and index == len(parts) - 1:
                payload["reply_markup"] = markup
            part_key = key if key is None or index == 0 else f"{key}#{index + 1}"
            queued = await self._queue(uow, chat_id, "sendMessage", payload, ticket_id, part_key)
            if key is not None and index == 0 and not queued:
                return  # already queued once

    async def _files(
        self,
        uow: UnitOfWork,
        chat_id: int | None,
        files: Sequence[Attachment],
        ticket_id: int,
        caption: str = "",
        *,
        to_thread: bool = False,
    ) -> None:
        for attachment in files:
            method = FILE_METHODS.get(attachment.kind, "sendDocument")
            field = method.removeprefix("send").lower()
            payload: dict[str, Any] = {field: attachment.file_id}
            if caption:
                payload |= {"caption": first_part(caption, CAPTION_LIMIT), "parse_mode": "HTML"}
            if to_thread:
                await self._staff(uow, THREAD, {"method": method, "payload": payload}, ticket_id)
            else:
                await self._queue(uow, chat_id, method, payload, ticket_id)

    async def _staff(
        self, uow: UnitOfWork, method: str, payload: dict[str, Any], ticket_id: int
    ) -> None:
        if self.settings.staff_chat_id is not None:
            await self._queue(uow, self.settings.staff_chat_id, method, payload, ticket_id)

    async def _thread_text(
        self, uow: UnitOfWork, ticket_id: int, text: str, *, head: str = ""
    ) -> None:
        """Into the ticket's thread in the staff chat, in as many messages as it takes, each
        starting with `head` (the "№N" a reply to any of them is recognised by)."""
        for part in split_html(text, MESSAGE_LIMIT - utf16_len(head)):
            await self._staff(
                uow,
                THREAD,
                {"method": "sendMessage", "payload": {"text": head + part, "parse_mode": "HTML"}},
                ticket_id,
            )

    async def _message(
        self, uow: UnitOfWork, ticket_id: int, message_id: int | None
    ) -> TicketMessage | None:
        if message_id is None:
            return None
        return next((m for m in await uow.tickets.messages(ticket_id) if m.id == message_id), None)

    async def _staff_name(self, uow: UnitOfWork, tg_id: int | None) -> str:
        staff = await uow.staff.get(tg_id) if tg_id else None
        return html.escape(staff.name) if staff else "—"

    def _deadlines(self, c: Context, locale: str) -> str:
        now, tz = self.clock.now(), c.client.timezone
        ticket = c.ticket
        with self.speaking(locale):
            if ticket.first_response_at is None and ticket.reaction_due and ticket.resolution_due:
                return self.t(
                    N_("We will answer by {reaction} and fix it by {resolution}."),
                    locale,
                    reaction=deadline(ticket.reaction_due, now, tz, locale),
                    resolution=deadline(ticket.resolution_due, now, tz, locale),
                )
            if ticket.resolution_due:
                return (
                    self.t(
                        N_("We will fix it by {time}"),
                        locale,
                        time=deadline(ticket.resolution_due, now, tz, locale),
                    )
                    + "."
                )
        return ""

    def _card_button(self, ticket_id: int, locale: str) -> dict[str, Any]:
        return button_markup(
            [(self.t(N_("Open the card"), locale), StaffCb(ticket=ticket_id, action="card").pack())]
        )

    # --- the ticket's life ---------------------------------------------------------------

    async def _on_TicketOpened(self, uow: UnitOfWork, event: ev.TicketOpened) -> None:
        c, told = await self._told(uow, event)
        if Audience.THREAD in told:
            await self._opened_in_staff_chat(uow, c)
        for manager in await self._people(uow, c, told):
            await self._new_ticket_to(uow, manager, c)

    async def _opened_in_staff_chat(self, uow: UnitOfWork, c: Context) -> None:
        # the card first (CARD is queued after all events), then files into its thread:
        # so the card is queued here already and the publish loop's refresh is a no-op edit
        await self._staff(uow, CARD, {"ticket_id": c.ticket.number}, c.ticket.number)
        description = c.ticket.description
        if len(description) > CARD_DESCRIPTION_LIMIT:  # the whole text, in parts, after the card
            await self._thread_text(
                uow, c.ticket.number, html.escape(description), head=f"№{c.ticket.number}\n"
            )
        files = [a for m in await uow.tickets.messages(c.ticket.number) for a in m.attachments]
        await self._files(uow, 0, files, c.ticket.number, f"№{c.ticket.number}", to_thread=True)

    async def _new_ticket_to(self, uow: UnitOfWork, manager: Staff, c: Context) -> None:
        locale = self._staff_locale(manager)
        with self.speaking(locale):
            priority = priority_name(c.ticket.priority)
        text = self.t(
            N_("New ticket of {client}: №{number}, {priority}.\n{title}"),
            locale,
            client=html.escape(c.client.name),
            number=c.ticket.number,
            priority=priority,
            title=html.escape(c.ticket.title),
        )
        await self._text(
            uow,
            manager.tg_id,
            text,
            c.ticket.number,
            self._card_button(c.ticket.number, locale),
            f"opened:{c.ticket.number}",
        )

    async def _on_TicketTaken(self, uow: UnitOfWork, event: ev.TicketTaken) -> None:
        c = await self._context(uow, event.ticket_id)
        facts = c.facts(self.clock.now())
        if Audience.EMPLOYEE not in who_hears(event, facts):
            return
        locale = self._employee_locale(c.employee)
        name = await self._staff_name(uow, event.staff_tg_id)
        text = self.t(
            N_("{name} has taken your request №{number}."),
            locale,
            name=name,
            number=c.ticket.number,
        )
        deadlines = self._deadlines(c, locale) if deadlines_when_taken(facts) else ""
        await self._text(uow, c.employee.tg_id, f"{text} {deadlines}".strip(), c.ticket.number)

    async def _on_TicketAssigned(self, uow: UnitOfWork, event: ev.TicketAssigned) -> None:
        c, told = await self._told(uow, event)
        assignee = await uow.staff.get(event.staff_tg_id)  # the one this is about, now
        if assignee is not None and Audience.ASSIGNEE in told:
            locale = self._staff_locale(assignee)
            text = self.t(
                N_("Ticket №{number} of {client} is assigned to you.\n{title}"),
                locale,
                number=c.ticket.number,
                client=html.escape(c.client.name),
                title=html.escape(c.ticket.title),
            )
            await self._text(
                uow,
                assignee.tg_id,
                text,
                c.ticket.number,
                self._card_button(c.ticket.number, locale),
            )
        if Audience.EMPLOYEE not in told:
            return
        locale = self._employee_locale(c.employee)
        await self._text(
            uow,
            c.employee.tg_id,
            self.t(
                N_("{name} is now working on your request №{number}."),
                locale,
                name=await self._staff_name(uow, event.staff_tg_id),
                number=c.ticket.number,
            ),
            c.ticket.number,
        )

    async def _on_StaffReplied(self, uow: UnitOfWork, event: ev.StaffReplied) -> None:
        c, told = await self._told(uow, event)
        message = await self._message(uow, c.ticket.number, event.message_id)
        if message is None:
            return
        if Audience.EMPLOYEE in told:
            await self._answer_to_employee(uow, c, message)
        if Audience.THREAD in told:
            await self._mirror(uow, c.ticket.number, "✉️", N_("{name} to the client:"), message)

    async def _answer_to_employee(
        self, uow: UnitOfWork, c: Context, message: TicketMessage
    ) -> None:
        locale = self._employee_locale(c.employee)
        head = self.t(N_("Answer on your request №{number}:"), locale, number=c.ticket.number)
        hint = self.t(N_("To add something, reply to this message."), locale)
        if message.text:
            await self._text(
                uow,
                c.employee.tg_id,
                f"{html.escape(message.text)}\n\n<i>{hint}</i>",
                c.ticket.number,
                head=f"<b>{head}</b>\n",
            )
        await self._files(
            uow,
            c.employee.tg_id,
            message.attachments,
            c.ticket.number,
            "" if message.text else f"<b>{head}</b>",
        )

    async def _on_InternalNoteAdded(self, uow: UnitOfWork, event: ev.InternalNoteAdded) -> None:
        if Audience.THREAD not in who_hears(event):
            return
        message = await self._message(uow, event.ticket_id, event.message_id)
        if message is not None:
            await self._mirror(uow, event.ticket_id, "📝", N_("{name}, internal note:"), message)

    async def _mirror(
        self, uow: UnitOfWork, ticket_id: int, icon: str, head: str, message: TicketMessage
    ) -> None:
        """What staff wrote to a ticket from their private chat, in the ticket's thread too,
        so that whoever opens the thread sees the whole conversation."""
        locale = self.settings.default_locale
        name = await self._staff_name(uow, message.author_tg_id)
        title = self.t(head, locale, name=name)
        if message.text:
            text = html.escape(message.text)
            await self._thread_text(
                uow, ticket_id, text, head=f"{icon} <b>№{ticket_id} · {title}</b>\n"
            )
        await self._files(uow, 0, message.attachments, ticket_id, f"№{ticket_id}", to_thread=True)

    async def _on_ClientQuestionAsked(self, uow: UnitOfWork, event: ev.ClientQuestionAsked) -> None:
        c, told = await self._told(uow, event)
        message = await self._message(uow, c.ticket.number, event.message_id)
        if Audience.EMPLOYEE in told:
            await self._question_to_employee(uow, c, message)
        if Audience.THREAD in told and message is not None:
            await self._mirror(uow, c.ticket.number, "❓", N_("{name} asks the client:"), message)

    async def _question_to_employee(
        self, uow: UnitOfWork, c: Context, message: TicketMessage | None
    ) -> None:
        locale = self._employee_locale(c.employee)
        head = self.t(N_("A question on your request №{number}:"), locale, number=c.ticket.number)
        tail = self.t(N_("Just write your answer here: we will go on as soon as you do."), locale)
        body = html.escape(message.text) if message else ""
        await self._text(
            uow,
            c.employee.tg_id,
            f"{body}\n\n{tail}",
            c.ticket.number,
            button_markup(
                [
                    (
                        self.t(N_("💬 Answer"), locale),
                        TicketCb(ticket=c.ticket.number, action="comment").pack(),
                    )
                ]
            ),
            head=f"<b>{head}</b>\n",
        )

    async def _on_EmployeeCommented(self, uow: UnitOfWork, event: ev.EmployeeCommented) -> None:
        c, told = await self._told(uow, event)
        message = await self._message(uow, c.ticket.number, event.message_id)
        if message is None:
            return
        if Audience.THREAD in told:
            await self._comment_in_thread(uow, c, message)
        for staff in await self._people(uow, c, told):
            await self._comment_to(uow, staff, c, message, event.resumed)

    async def _comment_in_thread(self, uow: UnitOfWork, c: Context, message: TicketMessage) -> None:
        locale = self.settings.default_locale
        head = self.t(
            N_("№{number} · {name}:"),
            locale,
            number=c.ticket.number,
            name=html.escape(c.employee.name),
        )
        said = f"💬 <b>{head}</b>\n{html.escape(message.text)}"
        if len(message.attachments) == 1 and fits_a_caption(said):  # a photo and its words
            await self._files(uow, 0, message.attachments, c.ticket.number, said, to_thread=True)
        else:
            if message.text:
                await self._thread_text(
                    uow, c.ticket.number, html.escape(message.text), head=f"💬 <b>{head}</b>\n"
                )
            await self._files(uow, 0, message.attachments, c.ticket.number, head, to_thread=True)

    async def _comment_to(
        self, uow: UnitOfWork, staff: Staff, c: Context, message: TicketMessage, resumed: bool
    ) -> None:
        """The client's words and files, in a staff member's private chat."""
        locale = self._staff_locale(staff)
        n = c.ticket.number
        said = (
            N_("№{number} · {name}, the answer to the question:")
            if resumed
            else N_("№{number} · {name}, a comment:")
        )
        head = "💬 <b>" + self.t(said, locale, number=n, name=html.escape(c.employee.name)) + "</b>"
        button = self._card_button(n, locale)
        said = f"{head}\n{html.escape(message.text)}"
        if len(message.attachments) == 1 and message.text and fits_a_caption(said):
            await self._files(uow, staff.tg_id, message.attachments, n, said)
        elif message.text:
            await self._files(uow, staff.tg_id, message.attachments, n, f"№{n}")
            await self._text(
                uow, staff.tg_id, html.escape(message.text), n, button, head=head + "\n"
            )
        else:  # files only: the heading is their caption, no message of its own
            await self._files(uow, staff.tg_id, message.attachments, n, head)

    async def _on_TicketResolved(self, uow: UnitOfWork, event: ev.TicketResolved) -> None:
        c, told = await self._told(uow, event)
        message = await self._message(uow, c.ticket.number, event.message_id)
        if Audience.THREAD in told and message is not None:
            await self._mirror(uow, c.ticket.number, "✅", N_("{name}, resolved:"), message)
        if Audience.EMPLOYEE in told:
            await self._resolved_to_employee(uow, c, message)

    async def _resolved_to_employee(
        self, uow: UnitOfWork, c: Context, message: TicketMessage | None
    ) -> None:
        locale = self._employee_locale(c.employee)
        resolved = self.t(N_("Your request №{number} is resolved."), locale, number=c.ticket.number)
        lines = [f"<b>{resolved}</b>"]
        if message is not None and message.text:
            lines.append(html.escape(message.text))
        days = self.settings.auto_close_working_days
        lines += [
            *([""] if len(lines) > 1 else []),  # a paragraph after the engineer's words
            self.t(
                N_(
                    "Does everything work? If we hear nothing, the request closes "
                    "in {days} working days."
                ),
                locale,
                days=days,
            ),
        ]
        n = c.ticket.number
        await self._text(
            uow,
            c.employee.tg_id,
            "\n".join(lines),
            n,
            button_markup(
                [
                    (
                        self.t(N_("✅ It works"), locale),
                        TicketCb(ticket=n, action="confirm").pack(),
                    ),
                    (
                        self.t(N_("❌ It does not work"), locale),
                        TicketCb(ticket=n, action="reopen").pack(),
                    ),
                ]
            ),
        )

    async def _on_TicketClosed(self, uow: UnitOfWork, event: ev.TicketClosed) -> None:
        c, told = await self._told(uow, event)
        if Audience.THREAD in told:
            await self._staff(uow, CLOSE_TOPIC, {"ticket_id": c.ticket.number}, c.ticket.number)
        if Audience.EMPLOYEE not in told:
            return  # the employee closed it and was answered on the spot
        locale = self._employee_locale(c.employee)
        n = c.ticket.number
        text = self.t(
            N_(
                "Request №{number} is closed: we did not hear back, so we take it that "
                "everything works. If not, just write to me. How did we do?"
            ),
            locale,
            number=n,
        )
        await self._text(
            uow,
            c.employee.tg_id,
            text,
            n,
            button_markup(
                [
                    (str(s), TicketCb(ticket=n, action="rate", value=str(s)).pack())
                    for s in range(1, 6)
                ]
            ),
            key=f"autoclosed:{n}",
        )

    async def _on_StatusChanged(self, uow: UnitOfWork, event: ev.StatusChanged) -> None:
        if Audience.THREAD in who_hears(event):  # reopened after closing: its topic opens again
            await self._staff(uow, REOPEN_TOPIC, {"ticket_id": event.ticket_id}, event.ticket_id)

    async def _on_TicketReopened(self, uow: UnitOfWork, event: ev.TicketReopened) -> None:
        c, told = await self._told(uow, event)
        locale = self.settings.default_locale
        reason = html.escape(event.reason)
        said = (
            N_("№{number}: the client says it still does not work: {reason}")
            if reason
            else N_("№{number}: the client says it still does not work.")
        )
        if Audience.THREAD in told:
            await self._thread_text(
                uow,
                c.ticket.number,
                "↩️ " + self.t(said, locale, number=c.ticket.number, reason=reason),
            )
        for manager in await self._people(uow, c, told):
            mlocale = self._staff_locale(manager)
            reopened = (
                N_("Ticket №{number} of {client} was reopened: {reason}")
                if reason
                else N_("Ticket №{number} of {client} was reopened.")
            )
            await self._text(
                uow,
                manager.tg_id,
                self.t(
                    reopened,
                    mlocale,
                    number=c.ticket.number,
                    client=html.escape(c.client.name),
                    reason=reason,
                ),
                c.ticket.number,
                self._card_button(c.ticket.number, mlocale),
            )

    async def _on_TicketCancelled(self, uow: UnitOfWork, event: ev.TicketCancelled) -> None:
        c, told = await self._told(uow, event)
        if Audience.THREAD in told:
            await self._staff(uow, CLOSE_TOPIC, {"ticket_id": c.ticket.number}, c.ticket.number)
        if Audience.PAGED in told:
            await self._call_off_pages(uow, c)
        if Audience.EMPLOYEE not in told:
            return
        locale = self._employee_locale(c.employee)
        await self._text(
            uow,
            c.employee.tg_id,
            self.t(
                N_("Request №{number} was cancelled by support: {reason}"),
                locale,
                number=c.ticket.number,
                reason=html.escape(event.reason),
            ),
            c.ticket.number,
        )

    async def _on_PriorityChanged(self, uow: UnitOfWork, event: ev.PriorityChanged) -> None:
        c, told = await self._told(uow, event)
        if Audience.EMPLOYEE not in told:
            return
        locale = self._employee_locale(c.employee)
        with self.speaking(locale):
            priority = priority_name(event.new).lower()
        text = self.t(
            N_("The priority of your request №{number} is now {priority}: {reason}"),
            locale,
            number=c.ticket.number,
            priority=priority,
            reason=html.escape(event.reason),
        )
        await self._text(
            uow, c.employee.tg_id, f"{text}\n{self._deadlines(c, locale)}", c.ticket.number
        )

    async def _on_TicketRated(self, uow: UnitOfWork, event: ev.TicketRated) -> None:
        c, told = await self._told(uow, event)
        if Audience.THREAD in told:
            stars = "⭐" * event.score
            comment = f": {html.escape(event.comment)}" if event.comment else ""
            await self._thread_text(uow, c.ticket.number, f"№{c.ticket.number} {stars}{comment}")
        for manager in await self._people(uow, c, told):
            await self._low_rating_to(uow, manager, c, event)

    async def _low_rating_to(
        self, uow: UnitOfWork, manager: Staff, c: Context, event: ev.TicketRated
    ) -> None:
        mlocale = self._staff_locale(manager)
        await self._text(
            uow,
            manager.tg_id,
            self.t(
                N_("Ticket №{number} of {client} was rated {score} of 5. {comment}"),
                mlocale,
                number=c.ticket.number,
                client=html.escape(c.client.name),
                score=event.score,
                comment=html.escape(event.comment),
            ),
            c.ticket.number,
            self._card_button(c.ticket.number, mlocale),
            key=f"rated:{c.ticket.number}:{bool(event.comment)}",
        )

    # --- SLA timers and after-hours pages ------------------------------------------------

    async def _active_staff(self, uow: UnitOfWork, tg_ids: Sequence[int | None]) -> list[Staff]:
        """These people, once each, in order, if they are active staff."""
        found: list[Staff] = []
        for tg_id in dict.fromkeys(tg_ids):
            staff = await uow.staff.get(tg_id) if tg_id else None
            if staff is not None and staff.active:
                found.append(staff)
        return found

    async def _role(self, uow: UnitOfWork, role: StaffRole) -> list[int | None]:
        return [s.tg_id for s in await uow.staff.list(role) if s.active]

    async def _sla_notice(
        self,
        uow: UnitOfWork,
        c: Context,
        people: list[Staff],
        texts: dict[SlaMilestone, str],
        milestone: SlaMilestone,
        due: datetime | None,
        overdue_seconds: int = 0,
    ) -> None:
        n = c.ticket.number
        for staff in people:
            locale = self._staff_locale(staff)
            with self.speaking(locale):
                when = deadline(due, self.clock.now(), c.client.timezone, locale) if due else "—"
                late = duration(timedelta(seconds=overdue_seconds))
            text = self.t(
                texts[milestone], locale, number=n, client=html.escape(c.client.name), time=when
            )
            if overdue_seconds >= 60:
                text += " " + self.t(N_("Overdue by {time}."), locale, time=late)
            await self._text(
                uow,
                staff.tg_id,
                f"{text}\n{html.escape(c.ticket.title)}",
                n,
                self._card_button(n, locale),
                key=f"sla:{n}:{milestone}:{staff.tg_id}",
            )

    async def _on_SlaWarning(self, uow: UnitOfWork, event: ev.SlaWarning) -> None:
        """To whoever has the ticket (the first line while nobody does) and the manager."""
        c, told = await self._told(uow, event)
        people = await self._people(uow, c, told)
        reaction = event.milestone is SlaMilestone.REACTION_WARNING
        due = c.ticket.reaction_due if reaction else c.ticket.resolution_due
        await self._sla_notice(
            uow,
            c,
            people,
            {
                SlaMilestone.REACTION_WARNING: N_(
                    "⚠️ №{number} of {client}: nobody has answered yet; "
                    "the reaction is due by {time}."
                ),
                SlaMilestone.RESOLUTION_WARNING: N_(
                    "⚠️ №{number} of {client}: it must be resolved by {time}."
                ),
            },
            event.milestone,
            due,
        )

    async def _on_SlaBreached(self, uow: UnitOfWork, event: ev.SlaBreached) -> None:
        """To the personal manager and the leads, with the overdue when it is known."""
        c, told = await self._told(uow, event)
        people = await self._people(uow, c, told)
        await self._sla_notice(
            uow,
            c,
            people,
            {
                SlaMilestone.REACTION_BREACH: N_(
                    "🔴 №{number} of {client}: the reaction time is breached (it was due {time})."
                ),
                SlaMilestone.RESOLUTION_BREACH: N_(
                    "🔴 №{number} of {client}: the resolution time is breached (it was due {time})."
                ),
            },
            event.milestone,
            event.due_at,
            event.overdue_seconds,
        )

    async def _on_AfterHoursAlarm(self, uow: UnitOfWork, event: ev.AfterHoursAlarm) -> None:
        """The staff chat hears who is being paged about the ticket."""
        if Audience.THREAD not in who_hears(event):
            return
        people = await self._active_staff(uow, list(event.targets))
        locale = self.settings.default_locale
        names = ", ".join(html.escape(p.name) for p in people) or "—"
        text = "🚨 " + self.t(
            N_("№{number}: outside working hours, paging {names}."),
            locale,
            number=event.ticket_id,
            names=names,
        )
        if event.nobody_on_duty:
            text += " " + self.t(N_("Nobody is on duty now: the leads are paged."), locale)
        await self._thread_text(uow, event.ticket_id, text)

    async def _on_PageSent(self, uow: UnitOfWork, event: ev.PageSent) -> None:
        """The page itself: what, for whom, and the button that stops the repeats."""
        c, told = await self._told(uow, event)
        if Audience.PAGE_TARGET not in told:
            return
        target = await uow.staff.get(event.target_tg_id)
        locale = self._staff_locale(target)
        n, client = c.ticket.number, html.escape(c.client.name)
        with self.speaking(locale):
            priority = priority_name(c.ticket.priority)
        if event.emergency:
            head = self.t(
                N_(
                    "🚨 After-hours emergency, №{number} of {client} ({priority}): the client "
                    "needs help now. Billable work outside the plan."
                ),
                locale,
                number=n,
                client=client,
                priority=priority,
            )
        else:
            head = self.t(
                N_(
                    "🚨 Round-the-clock support, №{number} of {client} ({priority}): "
                    "outside working hours."
                ),
                locale,
                number=n,
                client=client,
                priority=priority,
            )
        who = [html.escape(c.employee.name)]
        if c.employee.username:
            who.append(f"@{html.escape(c.employee.username)}")
        if c.employee.phone:
            who.append(html.escape(c.employee.phone))
        lines = [f"<b>{head}</b>", html.escape(c.ticket.title), "👤 " + " · ".join(who)]
        if event.attempt > 1:
            lines.append(
                self.t(
                    N_("Reminder {attempt}: nobody has acknowledged it yet."),
                    locale,
                    attempt=event.attempt,
                )
            )
        elif event.level > 0:
            lines.append(self.t(N_("Nobody acknowledged it in time: it comes to you."), locale))
        lines.append(
            self.t(
                N_("Press «Acknowledge» when you are on it: the client will hear who is helping."),
                locale,
            )
        )
        await self._text(
            uow,
            event.target_tg_id,
            "\n".join(lines),
            n,
            button_markup(
                [
                    (
                        self.t(N_("✅ Acknowledge"), locale),
                        PageCb(page=event.page_id, action="ack").pack(),
                    )
                ],
                [
                    (
                        self.t(N_("Open the card"), locale),
                        StaffCb(ticket=n, action="card").pack(),
                    )
                ],
            ),
            key=f"page:{event.page_id}:{event.attempt}",
        )

    async def _call_off_pages(self, uow: UnitOfWork, c: Context) -> None:
        """Whoever was paged about a ticket that is now cancelled hears that the alert is off
        (the pages themselves stop at their next due time)."""
        pages = await uow.pages.for_ticket(c.ticket.number)
        for staff in await self._active_staff(uow, [p.target_tg_id for p in pages]):
            locale = self._staff_locale(staff)
            await self._text(
                uow,
                staff.tg_id,
                "🔕 "
                + self.t(
                    N_("№{number} of {client} is cancelled: the alert is off."),
                    locale,
                    number=c.ticket.number,
                    client=html.escape(c.client.name),
                ),
                c.ticket.number,
                key=f"page-off:{c.ticket.number}:{staff.tg_id}",
            )

    async def _on_PageAcknowledged(self, uow: UnitOfWork, event: ev.PageAcknowledged) -> None:
        """The others paged about it hear that somebody is on it."""
        if Audience.OTHERS_PAGED not in who_hears(event):
            return
        name = await self._staff_name(uow, event.staff_tg_id)
        for staff in await self._active_staff(uow, list(event.others)):
            locale = self._staff_locale(staff)
            await self._text(
                uow,
                staff.tg_id,
                self.t(
                    N_("✅ №{number}: {name} acknowledged the alert and is on it."),
                    locale,
                    number=event.ticket_id,
                    name=name,
                ),
                event.ticket_id,
                key=f"acknowledged:{event.ticket_id}:{staff.tg_id}",
            )
