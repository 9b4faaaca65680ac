"""Intake: a new ticket from what the employee told the bot: the draft, the deadlines it
promises before it is sent, and its registration (which pages the on-duty engineer when it
cannot wait for the morning)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import events as ev
from domain.assignment import default_assignee
from domain.enums import Category, Priority, RequestType, Scope, TicketKind, WorkImpact
from domain.errors import ContractEnded
from domain.model import Attachment, Client, Ticket, TicketMessage, title_from
from domain.paging import after_hours_call, raise_alarm
from domain.ports import Clock, UnitOfWork
from domain.priority import assess_priority
from domain.use_cases.common import Outcome, acting_employee, clean_text, get_client

MAX_DESCRIPTION_LENGTH = 16_000  # ~4 Telegram messages; stored whole, split when relayed


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """What the intake learned from the employee."""

    description: str
    kind: TicketKind
    category: Category = Category.OTHER
    impact: WorkImpact | None = None
    scope: Scope | None = None
    request_type: RequestType | None = None
    attachments: tuple[Attachment, ...] = ()
    emergency: bool = False  # the employee asked for help now, after hours (and confirmed)
    waits: bool = False  # the employee said it can wait until the morning: nobody is paged

    @property
    def priority(self) -> Priority:
        return assess_priority(
            self.kind, impact=self.impact, scope=self.scope, request_type=self.request_type
        )


@dataclass(frozen=True, slots=True)
class DeadlinePreview:
    """What the summary card promises before the ticket is sent."""

    priority: Priority
    after_hours: bool
    clock_starts_at: datetime
    reaction_due: datetime
    resolution_due: datetime | None  # None: to be agreed with the client (a change request)


def preview_deadlines(client: Client, draft: TicketDraft, now: datetime) -> DeadlinePreview:
    """The deadlines the ticket would get if it were registered `now`."""
    priority = draft.priority
    probe = Ticket(
        client_id=client.id or 0,
        employee_id=0,
        kind=draft.kind,
        category=draft.category,
        priority=priority,
        title="",
        description="",
        registered_at=now,
        request_type=draft.request_type,
    )
    clock = probe.sla_clock(client)
    deadlines = clock.deadlines()
    return DeadlinePreview(
        priority=priority,
        after_hours=not clock.calendar.is_working(now),
        clock_starts_at=clock.clock_starts_at,
        reaction_due=deadlines.reaction_due,
        resolution_due=deadlines.resolution_due,
    )


async def open_ticket(
    uow: UnitOfWork,
    clock: Clock,
    *,
    employee_tg_id: int,
    draft: TicketDraft,
    intake_key: str | None = None,
) -> Outcome[Ticket]:
    """Register a ticket with its SLA due times. The same `intake_key` twice gives back the
    ticket registered the first time and no new events (a double tap on "send")."""
    employee = await acting_employee(uow, employee_tg_id)
    if intake_key is not None:
        existing = await uow.tickets.by_intake_key(intake_key)
        if existing is not None:
            return Outcome(existing)
    description = clean_text(
        draft.description,
        limit=MAX_DESCRIPTION_LENGTH,
        what="description",
        allow_empty=bool(draft.attachments),
    )
    client = await get_client(uow, employee.client_id)
    if not client.active:
        raise ContractEnded(f"the contract of {client.name} has ended", client_id=client.id)
    now = clock.now()
    priority = draft.priority
    assert employee.id is not None
    ticket = Ticket(
        client_id=client.id or 0,
        employee_id=employee.id,
        kind=draft.kind,
        category=draft.category,
        priority=priority,
        title=title_from(description) if description else "📎",
        description=description,
        registered_at=now,
        request_type=draft.request_type,
        impact=draft.impact,
        scope=draft.scope,
        updated_at=now,
    )
    ticket.after_hours = not client.calendar_for(priority).is_working(now)
    # Outside working hours some tickets cannot wait: they page the on-duty engineer.
    call = after_hours_call(client, priority, asked=draft.emergency, at=now, waits=draft.waits)
    ticket.emergency = call is not None and call.emergency
    ticket.refresh_deadlines(client)
    if client.default_assignee_tg_id is not None:
        specialist = await uow.staff.get(client.default_assignee_tg_id)
        rota = await uow.duty.rota(now)
        ticket.assignee_tg_id = default_assignee(client, specialist, now, rota.on_duty_ids(now))
    ticket = await uow.tickets.add(ticket, intake_key=intake_key)
    if draft.attachments:
        await uow.tickets.add_message(
            TicketMessage(
                ticket_id=ticket.number,
                author="employee",
                author_tg_id=employee_tg_id,
                text="",
                attachments=draft.attachments,
                created_at=now,
            )
        )
    events: list[ev.Event] = [ev.TicketOpened(ticket.number)]
    if call is not None:
        events.extend(await raise_alarm(uow, clock, ticket, client, call))
    return Outcome(ticket, tuple(events))
