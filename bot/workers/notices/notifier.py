"""From domain events to outbox rows: for each event, the audiences `domain.recipients`
names each get their notice (employee.py, staff_chat.py, staff_pings.py, pages.py).

`NOTICES` says which function handles which event; `SILENT` lists the events with no
notice of their own, and why. Every ticket event also brings the ticket's card in the
staff chat up to date, once per publish, after all of them.

Runs inside the unit of work of the change (the Notifier port), so a notice exists if and
only if its cause was committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any, TypeVar

from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.workers.notices import (
    contract,
    employee,
    estimates,
    outages,
    pages,
    questions,
    staff_chat,
    staff_pings,
)
from bot.workers.notices.outbox import Context, OutboxWriter
from domain import events as ev
from domain.enums import StaffRole
from domain.model import Client, Staff, Ticket
from domain.ports import Clock, UnitOfWork
from domain.recipients import Audience, deadlines_when_taken, who_hears
from domain.sla_milestones import settled
from handlers.ui.texts import N_

_E = TypeVar("_E", bound=ev.Event)
Notice = Callable[[OutboxWriter, UnitOfWork, Any], Awaitable[None]]


class OutboxNotifier:
    """The Notifier port: writes what everybody must be told into the outbox."""

    def __init__(
        self,
        settings: Settings,
        i18n: I18n,
        clock: Clock,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.out = OutboxWriter(settings, i18n, clock, on_queued)

    def known(
        self, uow: UnitOfWork, tickets: Mapping[int, Ticket], clients: Mapping[int, Client]
    ) -> AbstractAsyncContextManager[None]:
        """Publish about these tickets from rows read once (`OutboxWriter.known`)."""
        return self.out.known(uow, tickets, clients)

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        watched, suspected = await outages.watch(self.out, uow, events)
        events = [*events, *watched]
        cards: list[int] = []
        for event in events:
            notice = NOTICES.get(type(event))
            if isinstance(event, ev.TicketOpened):
                await ticket_opened(
                    self.out, uow, event, outage_suspected=event.ticket_id in suspected
                )
            elif notice is not None:
                await notice(self.out, uow, event)
            if isinstance(event, ev.TicketOpened):
                cards.append(-event.ticket_id)  # its card is queued already, before its files
            elif isinstance(event, ev.TicketEvent) and event.ticket_id not in cards:
                cards.append(event.ticket_id)
        cards = [n for n in cards if n > 0 and -n not in cards]
        for ticket_id in await outages.own_cards(
            uow, cards, self.out
        ):  # the card shows the state after all of it
            await staff_chat.card(self.out, uow, ticket_id)


# --- who hears -----------------------------------------------------------------------------


async def _told(
    out: OutboxWriter, uow: UnitOfWork, event: ev.TicketEvent
) -> tuple[Context, tuple[Audience, ...]]:
    """The ticket's context, and who hears of `event` (`domain.recipients`)."""
    c = await out.context(uow, event.ticket_id)
    facts = c.facts(out.clock.now())
    if isinstance(event, ev.SlaBreached):  # recorded late: what it waited for came already
        facts = replace(facts, breach_met=settled(c.ticket, event.milestone))
    return c, who_hears(event, facts)


async def _people(
    out: OutboxWriter, uow: UnitOfWork, c: Context, told: Sequence[Audience]
) -> list[Staff]:
    """The staff members behind these audiences: active ones, each once, in order."""
    tg_ids: list[int | None] = []
    for audience in told:
        if audience is Audience.ASSIGNEE:
            tg_ids.append(c.ticket.assignee_tg_id)
        elif audience is Audience.MANAGER:
            tg_ids.append(c.manager.tg_id if c.manager else None)
        elif audience is Audience.FIRST_LINE:
            tg_ids += await out.role(uow, StaffRole.FIRST_LINE)
        elif audience is Audience.LEADS:
            tg_ids += await out.role(uow, StaffRole.LEAD)
    return await out.active_staff(uow, tg_ids)


# --- one function per event ---------------------------------------------------------------


async def ticket_opened(
    out: OutboxWriter, uow: UnitOfWork, event: ev.TicketOpened, *, outage_suspected: bool = False
) -> None:
    c = await out.context(uow, event.ticket_id)
    facts = replace(c.facts(out.clock.now()), outage_suspected=outage_suspected)
    told = who_hears(event, facts)
    if Audience.THREAD in told:
        await staff_chat.opened(out, uow, c)
    for person in await _people(out, uow, c, told):
        if Audience.ASSIGNEE in told and person.tg_id == c.ticket.assignee_tg_id:
            await staff_pings.assigned(out, uow, person, c)  # the client's fixed specialist
        else:
            await staff_pings.new_ticket(out, uow, person, c)


async def ticket_taken(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketTaken) -> None:
    c = await out.context(uow, event.ticket_id)
    facts = c.facts(out.clock.now())
    if Audience.PAGED in who_hears(event, facts):
        await pages.taken_elsewhere(out, uow, c, event.staff_tg_id)
    if Audience.EMPLOYEE in who_hears(event, facts):
        await employee.taken(out, uow, c, event, with_deadlines=deadlines_when_taken(facts))


async def ticket_assigned(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketAssigned) -> None:
    c, told = await _told(out, uow, event)
    if Audience.PAGED in told:
        await pages.taken_elsewhere(out, uow, c, event.staff_tg_id)
    assignee = await uow.staff.get(event.staff_tg_id)  # the one this is about, now
    if assignee is not None and Audience.ASSIGNEE in told:
        await staff_pings.assigned(out, uow, assignee, c)
    if Audience.EMPLOYEE in told:
        await employee.assigned(out, uow, c, event)


async def staff_replied(out: OutboxWriter, uow: UnitOfWork, event: ev.StaffReplied) -> None:
    c, told = await _told(out, uow, event)
    message = await out.message(uow, c.ticket.number, event.message_id)
    if message is None:
        return
    if Audience.EMPLOYEE in told:
        await employee.answer(out, uow, c, message)
    if Audience.THREAD in told:
        await staff_chat.mirror(
            out, uow, c.ticket.number, "✉️", N_("{name} to the client:"), message
        )


async def internal_note_added(
    out: OutboxWriter, uow: UnitOfWork, event: ev.InternalNoteAdded
) -> None:
    if Audience.THREAD not in who_hears(event):
        return
    message = await out.message(uow, event.ticket_id, event.message_id)
    if message is not None:
        await staff_chat.mirror(
            out, uow, event.ticket_id, "📝", N_("{name}, internal note:"), message
        )


async def client_question_asked(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ClientQuestionAsked
) -> None:
    c, told = await _told(out, uow, event)
    message = await out.message(uow, c.ticket.number, event.message_id)
    if Audience.EMPLOYEE in told:
        await employee.question(out, uow, c, message)
    if Audience.THREAD in told and message is not None:
        await staff_chat.mirror(
            out, uow, c.ticket.number, "❓", N_("{name} asks the client:"), message
        )


async def employee_commented(
    out: OutboxWriter, uow: UnitOfWork, event: ev.EmployeeCommented
) -> None:
    c, told = await _told(out, uow, event)
    message = await out.message(uow, c.ticket.number, event.message_id)
    if message is None:
        return
    if Audience.THREAD in told:
        await staff_chat.comment(out, uow, c, message)
    for staff in await _people(out, uow, c, told):
        if event.complaint and c.manager is not None and staff.tg_id == c.manager.tg_id:
            await staff_pings.complaint(out, uow, staff, c, message)
        else:
            await staff_pings.comment(out, uow, staff, c, message, resumed=event.resumed)


async def ticket_resolved(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketResolved) -> None:
    c, told = await _told(out, uow, event)
    message = await out.message(uow, c.ticket.number, event.message_id)
    if Audience.THREAD in told and message is not None:
        await staff_chat.mirror(out, uow, c.ticket.number, "✅", N_("{name}, resolved:"), message)
    if Audience.EMPLOYEE in told:
        await employee.resolved(out, uow, c, message)


async def ticket_closed(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketClosed) -> None:
    c, told = await _told(out, uow, event)
    if Audience.THREAD in told:
        await staff_chat.close_topic(out, uow, c.ticket.number)
    if Audience.EMPLOYEE in told:
        await employee.closed_unanswered(out, uow, c)


async def status_changed(out: OutboxWriter, uow: UnitOfWork, event: ev.StatusChanged) -> None:
    if Audience.THREAD in who_hears(event):  # reopened after closing: its topic opens again
        await staff_chat.reopen_topic(out, uow, event.ticket_id)


async def ticket_reopened(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketReopened) -> None:
    c, told = await _told(out, uow, event)
    if Audience.THREAD in told:
        await staff_chat.reopened(out, uow, c, event)
    for manager in await _people(out, uow, c, told):
        await staff_pings.reopened(out, uow, manager, c, event)


async def ticket_cancelled(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketCancelled) -> None:
    c, told = await _told(out, uow, event)
    if Audience.THREAD in told:
        await staff_chat.close_topic(out, uow, c.ticket.number)
    paged: set[int] = set()
    if Audience.PAGED in told:
        await pages.alert_off(out, uow, c)
        paged = {p.target_tg_id for p in await uow.pages.for_ticket(c.ticket.number)}
    if Audience.EMPLOYEE in told:
        await employee.cancelled(out, uow, c, event)
    for staff in await _people(out, uow, c, told):
        if staff.tg_id not in paged:  # the page's "alert is off" told them already
            await staff_pings.cancelled(out, uow, staff, c, event)


async def priority_changed(out: OutboxWriter, uow: UnitOfWork, event: ev.PriorityChanged) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.priority_changed(out, uow, c, event)


async def resolution_date_agreed(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ResolutionDateAgreed
) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.resolution_agreed(out, uow, c, event)


async def estimate_given(out: OutboxWriter, uow: UnitOfWork, event: ev.EstimateGiven) -> None:
    c, told = await _told(out, uow, event)
    estimate = (await uow.tickets.latest_estimates([event.ticket_id])).get(event.ticket_id)
    if estimate is None or estimate.id != event.estimate_id:
        return
    if Audience.EMPLOYEE not in told and not c.ticket.outage:  # an outage's: its director
        return
    approver = await uow.employees.get(estimate.approver_employee_id)
    if approver is not None and approver.active:
        await estimates.asked(out, uow, c, estimate, approver)


async def estimate_decided(out: OutboxWriter, uow: UnitOfWork, event: ev.EstimateDecided) -> None:
    c, told = await _told(out, uow, event)
    estimate = (await uow.tickets.latest_estimates([event.ticket_id])).get(event.ticket_id)
    decider = await uow.employees.get(event.employee_id)
    if estimate is None or decider is None:
        return
    tg_ids = [c.ticket.assignee_tg_id] if Audience.ASSIGNEE in told else []
    staff = await out.active_staff(uow, [*tg_ids, estimate.staff_tg_id])
    await estimates.decided(out, uow, c, estimate, decider, staff)
    if Audience.EMPLOYEE in told and decider.id != c.employee.id:
        await estimates.decided_for_author(out, uow, c, estimate, decider)


async def ticket_rated(out: OutboxWriter, uow: UnitOfWork, event: ev.TicketRated) -> None:
    c, told = await _told(out, uow, event)
    if Audience.THREAD in told:
        await staff_chat.rated(out, uow, c, event)
    for manager in await _people(out, uow, c, told):
        await staff_pings.low_rating(out, uow, manager, c, event)


async def sla_warning(out: OutboxWriter, uow: UnitOfWork, event: ev.SlaWarning) -> None:
    c, told = await _told(out, uow, event)
    await staff_pings.sla_warning(out, uow, await _people(out, uow, c, told), c, event)


async def sla_breached(out: OutboxWriter, uow: UnitOfWork, event: ev.SlaBreached) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.breach_apology(out, uow, c, event)
    await staff_pings.sla_breach(out, uow, await _people(out, uow, c, told), c, event)


async def waiting_resumed(out: OutboxWriter, uow: UnitOfWork, event: ev.WaitingResumed) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.resumed(out, uow, c)


async def waiting_closed(out: OutboxWriter, uow: UnitOfWork, event: ev.WaitingClosed) -> None:
    c, told = await _told(out, uow, event)
    if Audience.THREAD in told:
        await staff_chat.close_topic(out, uow, c.ticket.number)
    if Audience.EMPLOYEE in told:
        await employee.closed_unanswered_question(out, uow, c)
    people = await _people(out, uow, c, told)
    if people:
        await staff_pings.no_longer_needed(out, uow, people, c)


async def resolution_withdrawn(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ResolutionWithdrawn
) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.back_to_work(out, uow, c)


async def status_line_due(out: OutboxWriter, uow: UnitOfWork, event: ev.StatusLineDue) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.status_line(out, uow, c)


async def waiting_reminder_due(
    out: OutboxWriter, uow: UnitOfWork, event: ev.WaitingReminderDue
) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.waiting_reminder(out, uow, c, event)


async def waiting_too_long(out: OutboxWriter, uow: UnitOfWork, event: ev.WaitingTooLong) -> None:
    c, told = await _told(out, uow, event)
    people = await _people(out, uow, c, told)
    await staff_pings.waiting_too_long(
        out, uow, people, c, event, in_thread=Audience.THREAD in told or not people
    )


async def daily_digest(out: OutboxWriter, uow: UnitOfWork, event: ev.DailyDigest) -> None:
    if Audience.MANAGER not in who_hears(event):
        return
    for manager in await out.active_staff(uow, [event.digest.manager_tg_id]):
        await staff_pings.digest(out, uow, manager, event)


async def after_hours_alarm(out: OutboxWriter, uow: UnitOfWork, event: ev.AfterHoursAlarm) -> None:
    if Audience.THREAD in who_hears(event):
        await staff_chat.paging(out, uow, event)


async def page_sent(out: OutboxWriter, uow: UnitOfWork, event: ev.PageSent) -> None:
    c, told = await _told(out, uow, event)
    if Audience.PAGE_TARGET in told:
        await pages.page(out, uow, c, event)


async def page_escalated(out: OutboxWriter, uow: UnitOfWork, event: ev.PageEscalated) -> None:
    c, told = await _told(out, uow, event)
    if Audience.EMPLOYEE in told:
        await employee.still_reaching(out, uow, c, event)


async def page_acknowledged(out: OutboxWriter, uow: UnitOfWork, event: ev.PageAcknowledged) -> None:
    if Audience.PAGED in who_hears(event):
        await pages.acknowledged(out, uow, event)


async def client_deactivated(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ClientDeactivated
) -> None:
    client = await uow.clients.get(event.client_id)
    if client is None:
        return
    told = await contract.farewell(out, uow, client)
    await contract.hand_over(out, uow, client, told)


async def client_reactivated(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ClientReactivated
) -> None:
    client = await uow.clients.get(event.client_id)
    if client is not None:
        await contract.welcome_back(out, uow, client, f"{out.clock.now():%Y%m%d%H%M%S%f}")


# --- the table -----------------------------------------------------------------------------


def _on(
    kind: type[_E], notice: Callable[[OutboxWriter, UnitOfWork, _E], Awaitable[None]]
) -> tuple[type[ev.Event], Notice]:
    """One row of the table; mypy checks that the function takes that kind of event."""
    return kind, notice


NOTICES: Mapping[type[ev.Event], Notice] = dict(
    [
        _on(ev.ServiceQuestionAsked, questions.service_question),
        _on(ev.ServiceQuestionAnswered, questions.service_question_answered),
        _on(ev.TicketOpened, ticket_opened),
        _on(ev.TicketTaken, ticket_taken),
        _on(ev.TicketAssigned, ticket_assigned),
        _on(ev.StaffReplied, staff_replied),
        _on(ev.InternalNoteAdded, internal_note_added),
        _on(ev.ClientQuestionAsked, client_question_asked),
        _on(ev.EmployeeCommented, employee_commented),
        _on(ev.TicketResolved, ticket_resolved),
        _on(ev.TicketClosed, ticket_closed),
        _on(ev.StatusChanged, status_changed),
        _on(ev.TicketReopened, ticket_reopened),
        _on(ev.TicketCancelled, ticket_cancelled),
        _on(ev.PriorityChanged, priority_changed),
        _on(ev.ResolutionDateAgreed, resolution_date_agreed),
        _on(ev.EstimateGiven, estimate_given),
        _on(ev.EstimateDecided, estimate_decided),
        _on(ev.TicketRated, ticket_rated),
        _on(ev.SlaWarning, sla_warning),
        _on(ev.SlaBreached, sla_breached),
        _on(ev.AfterHoursAlarm, after_hours_alarm),
        _on(ev.PageSent, page_sent),
        _on(ev.PageEscalated, page_escalated),
        _on(ev.PageAcknowledged, page_acknowledged),
        _on(ev.ClientDeactivated, client_deactivated),
        _on(ev.ClientReactivated, client_reactivated),
        _on(ev.WaitingResumed, waiting_resumed),
        _on(ev.ResolutionWithdrawn, resolution_withdrawn),
        _on(ev.WaitingClosed, waiting_closed),
        _on(ev.StatusLineDue, status_line_due),
        _on(ev.WaitingReminderDue, waiting_reminder_due),
        _on(ev.WaitingTooLong, waiting_too_long),
        _on(ev.DailyDigest, daily_digest),
        _on(ev.OutageSuspected, outages.suspected),
        _on(ev.OutageLinked, outages.linked),
        _on(ev.OutageJoined, outages.joined),
        _on(ev.OutageLeft, outages.left),
    ]
)

# Events with no notice of their own. A ticket event among them still refreshes the card.
SILENT: Mapping[type[ev.Event], str] = {
    ev.ClientRegistered: "an admin's command, answered where it was typed",
    ev.EmployeeRegistered: "the newcomer is welcomed in the conversation that registered them",
    ev.EmployeeRemoved: "answered to whoever removed them; what was queued for them is dropped",
    ev.DeadlinesChanged: "the card shows the new due times (a new priority's notice tells the "
    "employee)",
    ev.ReactionMet: "the response itself (taken, answered) is what people hear of",
    ev.WorkLogged: "hours are for the card and the monthly report",
}
