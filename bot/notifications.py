"""From domain events to outbox rows: who must hear about what, in their language.

Runs inside the unit of work of the change (Notifier port), so a notice exists if and only
if its cause was committed. Each row has a dedup key built from the event, so handling the
same update twice cannot queue the same notice twice.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from aiogram.utils.i18n import I18n

from bot.config import Settings
from domain import events as ev
from domain.model import Client, Employee, Ticket
from domain.ports import Clock, OutboxMessage, UnitOfWork
from handlers.texts import N_, category_name, kind_name, priority_icon, priority_name


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

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        for event in events:
            if isinstance(event, ev.TicketOpened):
                await self._ticket_opened(uow, event)
            elif isinstance(event, ev.EmployeeCommented):
                await self._employee_commented(uow, event)
            elif isinstance(event, ev.TicketCancelled):
                await self._to_staff_chat(
                    uow, event, N_("Ticket №{number} was cancelled by the employee.")
                )
            elif isinstance(event, ev.TicketReopened):
                await self._reopened(uow, event)
            elif isinstance(event, ev.TicketRated):
                await self._rated(uow, event)

    # --- recipients ------------------------------------------------------------------

    async def _context(self, uow: UnitOfWork, ticket_id: int) -> tuple[Ticket, Client, Employee]:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        client = await uow.clients.get(ticket.client_id)
        employee = await uow.employees.get(ticket.employee_id)
        assert client is not None and employee is not None
        return ticket, client, employee

    async def _staff_locale(self, uow: UnitOfWork, tg_id: int) -> str:
        staff = await uow.staff.get(tg_id)
        return (staff.locale if staff and staff.locale else None) or self.settings.default_locale

    async def _send(
        self, uow: UnitOfWork, chat_id: int, text: str, key: str, ticket_id: int | None
    ) -> None:
        self.on_queued()  # the worker looks once this transaction lets it in
        await uow.outbox.add(
            OutboxMessage(
                chat_id=chat_id,
                method="sendMessage",
                payload={
                    "text": text,
                    "parse_mode": "HTML",
                    "link_preview_options": {"is_disabled": True},
                },
                dedup_key=key,
                ticket_id=ticket_id,
                created_at=self.clock.now(),
            )
        )

    # --- events ----------------------------------------------------------------------

    def _ticket_summary(self, ticket: Ticket, client: Client, employee: Employee) -> str:
        _ = self.i18n.gettext
        who = html.escape(employee.name)
        if employee.username:
            who += f" (@{html.escape(employee.username)})"
        if employee.phone:
            who += f", {html.escape(employee.phone)}"
        lines = [
            f"{priority_icon(ticket.priority)} <b>№{ticket.number}</b> · "
            f"{html.escape(client.name)} ({client.tier.value})",
            _("From: {who}").format(who=who),
            f"{kind_name(ticket.kind)} · {category_name(ticket.category)} · "
            f"{priority_name(ticket.priority)}",
            "",
            html.escape(ticket.description[:3000]),
        ]
        return "\n".join(lines)

    async def _ticket_opened(self, uow: UnitOfWork, event: ev.TicketOpened) -> None:
        ticket, client, employee = await self._context(uow, event.ticket_id)
        if self.settings.staff_chat_id is not None:
            with self.i18n.use_locale(self.settings.default_locale):
                text = self._ticket_summary(ticket, client, employee)
            await self._send(
                uow,
                self.settings.staff_chat_id,
                text,
                f"opened:{ticket.number}:staff",
                ticket.number,
            )
        manager_id = client.manager_tg_id
        if manager_id is None:
            return
        manager = await uow.staff.get(manager_id)
        if manager is None or not manager.active:
            return
        if not manager.notify_all_priorities and ticket.priority.rank < 2:
            return
        with self.i18n.use_locale(await self._staff_locale(uow, manager_id)):
            text = (
                self.i18n.gettext("New ticket of your client:")
                + "\n"
                + self._ticket_summary(ticket, client, employee)
            )
        await self._send(uow, manager_id, text, f"opened:{ticket.number}:manager", ticket.number)

    async def _employee_commented(self, uow: UnitOfWork, event: ev.EmployeeCommented) -> None:
        if self.settings.staff_chat_id is None:
            return
        messages = await uow.tickets.messages(event.ticket_id)
        message = next((m for m in messages if m.id == event.message_id), None)
        if message is None:
            return
        with self.i18n.use_locale(self.settings.default_locale):
            text = (
                self.i18n.gettext("Comment from the employee on №{number}:").format(
                    number=event.ticket_id
                )
                + "\n"
                + html.escape(message.text or "📎")
            )
        await self._send(
            uow,
            self.settings.staff_chat_id,
            text,
            f"comment:{event.message_id}:staff",
            event.ticket_id,
        )

    async def _to_staff_chat(self, uow: UnitOfWork, event: ev.TicketEvent, msgid: str) -> None:
        if self.settings.staff_chat_id is None:
            return
        with self.i18n.use_locale(self.settings.default_locale):
            text = self.i18n.gettext(msgid).format(number=event.ticket_id)
        await self._send(
            uow,
            self.settings.staff_chat_id,
            text,
            f"{type(event).__name__}:{event.ticket_id}:{self.clock.now().isoformat()}",
            event.ticket_id,
        )

    async def _to_manager(
        self, uow: UnitOfWork, ticket_id: int, msgid: str, key: str, **values: object
    ) -> None:
        ticket, client, _employee = await self._context(uow, ticket_id)
        if client.manager_tg_id is None:
            return
        with self.i18n.use_locale(await self._staff_locale(uow, client.manager_tg_id)):
            text = self.i18n.gettext(msgid).format(
                number=ticket.number, client=html.escape(client.name), **values
            )
        await self._send(uow, client.manager_tg_id, text, key, ticket.number)

    async def _reopened(self, uow: UnitOfWork, event: ev.TicketReopened) -> None:
        await self._to_staff_chat(uow, event, N_("Ticket №{number} was reopened by the employee."))
        await self._to_manager(
            uow,
            event.ticket_id,
            N_("Ticket №{number} of {client} was reopened: {reason}"),
            f"reopened:{event.ticket_id}:{self.clock.now().isoformat()}",
            reason=html.escape(event.reason),
        )

    async def _rated(self, uow: UnitOfWork, event: ev.TicketRated) -> None:
        if event.score > 3:
            return
        await self._to_manager(
            uow,
            event.ticket_id,
            N_("Ticket №{number} of {client} was rated {score} of 5. {comment}"),
            f"rated:{event.ticket_id}",
            score=event.score,
            comment=html.escape(event.comment),
        )
