"""Who is told what: for every kind of event, in the situations that change the answer."""

from __future__ import annotations

import inspect
from dataclasses import replace

import pytest

from domain import events as ev
from domain.digest import Digest
from domain.enums import Priority, TicketStatus
from domain.recipients import (
    Audience,
    Facts,
    deadlines_when_taken,
    manager_hears_of,
    manager_hears_of_outage,
    unreachable_told_to,
    who_hears,
)
from domain.sla import SlaMilestone
from tests.unit.fakes import msk

EMPLOYEE, THREAD, ASSIGNEE = Audience.EMPLOYEE, Audience.THREAD, Audience.ASSIGNEE
MANAGER, FIRST_LINE, LEADS = Audience.MANAGER, Audience.FIRST_LINE, Audience.LEADS
PAGE_TARGET, PAGED = Audience.PAGE_TARGET, Audience.PAGED
S, P, M = TicketStatus, Priority, SlaMilestone
ENGINEER, LEAD, DUTY, MANAGER_TG, EMPLOYEE_TG = 501, 503, 504, 502, 1001
AT = msk(2026, 11, 23, 10, 45)

GONE = Facts(employee_hears=False)  # the author lost access or moved to another company
HIGH_ONLY = Facts(manager_hears_all=False)  # a manager who asked to hear of High and up
IN_OUTAGE = Facts(in_outage=True)  # a child of a mass outage

# (what happened, the facts, who is told, in order)
TABLE = [
    pytest.param(ev.TicketOpened(1), Facts(), (THREAD, MANAGER), id="new ticket: card, manager"),
    pytest.param(
        ev.TicketOpened(1),
        Facts(assigned=True),
        (THREAD, ASSIGNEE, MANAGER),
        id="new ticket put on the client's fixed specialist: they hear of it",
    ),
    pytest.param(
        ev.TicketOpened(1),
        Facts(priority=P.HIGHEST, emergency=True, working_hours=False),
        (THREAD,),
        id="new after-hours emergency: the manager's page is their one message",
    ),
    pytest.param(
        ev.TicketOpened(1),
        Facts(priority=P.HIGHEST, emergency=True, working_hours=True),
        (THREAD, MANAGER),
        id="an emergency opened at night, heard of in the morning: a new ticket as any",
    ),
    pytest.param(
        ev.TicketOpened(1),
        Facts(priority=P.STANDARD, manager_hears_all=False),
        (THREAD,),
        id="new Standard ticket: not to a manager who wants High and up",
    ),
    pytest.param(
        ev.TicketOpened(1),
        Facts(priority=P.HIGH, manager_hears_all=False),
        (THREAD, MANAGER),
        id="new High ticket: to every manager",
    ),
    pytest.param(
        ev.TicketOpened(1),
        Facts(priority=P.LOW, manager_hears_all=True),
        (THREAD, MANAGER),
        id="new Low ticket: to a manager who hears of everything",
    ),
    pytest.param(
        ev.TicketTaken(1, ENGINEER),
        Facts(),
        (PAGED, EMPLOYEE),
        id="taken: employee; a page still ringing about it says who has it",
    ),
    pytest.param(ev.TicketTaken(1, ENGINEER), GONE, (PAGED,), id="taken: not to a former employee"),
    pytest.param(
        ev.TicketAssigned(1, ENGINEER, by_tg_id=LEAD),
        Facts(),
        (ASSIGNEE, PAGED, EMPLOYEE),
        id="assigned by a lead: assignee, then employee",
    ),
    pytest.param(
        ev.TicketAssigned(1, ENGINEER, by_tg_id=ENGINEER),
        Facts(),
        (PAGED, EMPLOYEE),
        id="assigned to oneself: only the employee",
    ),
    pytest.param(
        ev.TicketAssigned(1, ENGINEER, by_tg_id=LEAD),
        GONE,
        (ASSIGNEE, PAGED),
        id="assigned, author gone: only the assignee",
    ),
    pytest.param(
        ev.StaffReplied(1, 7, ENGINEER, in_thread=True),
        Facts(),
        (EMPLOYEE,),
        id="answer written in the thread: to the employee",
    ),
    pytest.param(
        ev.StaffReplied(1, 7, ENGINEER, in_thread=False),
        Facts(),
        (EMPLOYEE, THREAD),
        id="answer written privately: employee, then mirrored in the thread",
    ),
    pytest.param(
        ev.StaffReplied(1, 7, ENGINEER, in_thread=False),
        GONE,
        (THREAD,),
        id="answer to a former employee: only the thread",
    ),
    pytest.param(
        ev.InternalNoteAdded(1, 7, ENGINEER, in_thread=True),
        Facts(),
        (),
        id="note written in the thread: nobody else",
    ),
    pytest.param(
        ev.InternalNoteAdded(1, 7, ENGINEER, in_thread=False),
        Facts(),
        (THREAD,),
        id="note written privately: mirrored, never to the employee",
    ),
    pytest.param(
        ev.ClientQuestionAsked(1, 7, ENGINEER, in_thread=True),
        Facts(),
        (EMPLOYEE,),
        id="question in the thread: to the employee",
    ),
    pytest.param(
        ev.ClientQuestionAsked(1, 7, ENGINEER, in_thread=False),
        Facts(),
        (EMPLOYEE, THREAD),
        id="question written privately: employee, then the thread",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=False),
        Facts(),
        (THREAD,),
        id="comment, nobody has it: the thread; not the manager's business",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=False, complaint=True),
        Facts(assigned=True, priority=P.STANDARD, manager_hears_all=False),
        (THREAD, ASSIGNEE, MANAGER),
        id="complaint: whoever has it and the manager, whatever the manager wants to hear",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=False, complaint=True),
        Facts(),
        (THREAD, MANAGER),
        id="complaint, nobody has it: the thread and the manager",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=True),
        Facts(assigned=True),
        (THREAD, ASSIGNEE),
        id="answer to a question: thread and assignee",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=False),
        Facts(assigned=True, priority=P.STANDARD, manager_hears_all=False),
        (THREAD, ASSIGNEE),
        id="comment on Standard: not to a manager who wants High and up",
    ),
    pytest.param(
        ev.EmployeeCommented(1, 7, resumed=False),
        Facts(priority=P.HIGHEST, manager_hears_all=False),
        (THREAD,),
        id="comment on Highest: the thread; the manager heard of the ticket itself",
    ),
    pytest.param(
        ev.TicketResolved(1, ENGINEER, 7, in_thread=True),
        Facts(),
        (EMPLOYEE,),
        id="resolved in the thread: employee",
    ),
    pytest.param(
        ev.TicketResolved(1, ENGINEER, 7, in_thread=False),
        Facts(),
        (THREAD, EMPLOYEE),
        id="resolved privately: mirrored, then the employee",
    ),
    pytest.param(
        ev.TicketClosed(1, automatically=True),
        Facts(),
        (THREAD, EMPLOYEE),
        id="closed for want of an answer: topic closes, employee asked to rate",
    ),
    pytest.param(
        ev.TicketClosed(1, automatically=False),
        Facts(),
        (THREAD,),
        id="closed by the employee: topic closes, they were answered already",
    ),
    pytest.param(
        ev.StatusChanged(1, S.CLOSED, S.REOPENED, EMPLOYEE_TG),
        Facts(),
        (THREAD,),
        id="closed ticket reopened: its topic opens again",
    ),
    pytest.param(
        ev.StatusChanged(1, S.NEW, S.IN_PROGRESS, ENGINEER),
        Facts(),
        (),
        id="other status change: only the card",
    ),
    pytest.param(
        ev.TicketReopened(1, "не печатает"),
        Facts(manager_hears_all=False, priority=P.LOW),
        (THREAD, MANAGER),
        id="reopened: thread and manager, whatever the priority",
    ),
    pytest.param(
        ev.TicketReopened(1, "не печатает"),
        Facts(assigned=True),
        (THREAD, ASSIGNEE, MANAGER),
        id="reopened while somebody has it: they hear it privately too",
    ),
    pytest.param(
        ev.TicketCancelled(1, by_employee=False, reason="дубль"),
        Facts(),
        (THREAD, PAGED, EMPLOYEE),
        id="cancelled by support: topic, alert off, employee",
    ),
    pytest.param(
        ev.TicketCancelled(1, by_employee=True, reason=""),
        Facts(),
        (THREAD, PAGED, MANAGER),
        id="cancelled by the employee: topic, alert off, the manager who heard of it",
    ),
    pytest.param(
        ev.TicketCancelled(1, by_employee=True, reason=""),
        Facts(priority=P.LOW, manager_hears_all=False),
        (THREAD, PAGED),
        id="cancelled by the employee: a manager never told of it is not told now",
    ),
    pytest.param(
        ev.TicketCancelled(1, by_employee=True, reason=""),
        Facts(priority=P.HIGH, manager_hears_all=False, assigned=True),
        (THREAD, PAGED, MANAGER, ASSIGNEE),
        id="cancelled by the employee: the manager (High) and whoever has it",
    ),
    pytest.param(
        ev.PriorityChanged(1, P.LOW, P.HIGH, "весь офис", ENGINEER),
        Facts(),
        (EMPLOYEE,),
        id="priority changed: employee, with the reason",
    ),
    pytest.param(
        ev.ResolutionDateAgreed(1, AT, changed=False, staff_tg_id=ENGINEER),
        Facts(),
        (EMPLOYEE,),
        id="completion date agreed: the employee",
    ),
    pytest.param(
        ev.ResolutionDateAgreed(1, AT, changed=True, staff_tg_id=ENGINEER),
        GONE,
        (),
        id="completion date changed, the author gone: nobody",
    ),
    pytest.param(
        ev.EstimateGiven(1, estimate_id=7, staff_tg_id=ENGINEER),
        Facts(),
        (EMPLOYEE,),
        id="estimate given: the employee (or the director who decides for them)",
    ),
    pytest.param(
        ev.EstimateDecided(1, estimate_id=7, approved=False, employee_id=3),
        Facts(assigned=True),
        (ASSIGNEE, EMPLOYEE),
        id="estimate decided: whoever has the ticket; the author, if the director decided",
    ),
    pytest.param(
        ev.TicketRated(1, 5, ""),
        Facts(),
        (THREAD,),
        id="rated 5: only the thread",
    ),
    pytest.param(
        ev.TicketRated(1, 4, "норм"),
        Facts(),
        (THREAD,),
        id="rated 4: only the thread",
    ),
    pytest.param(
        ev.TicketRated(1, 3, ""),
        Facts(),
        (THREAD, MANAGER),
        id="rated 3: the manager too",
    ),
    pytest.param(
        ev.TicketRated(1, 1, "ужасно"),
        Facts(manager_hears_all=False),
        (THREAD, MANAGER),
        id="rated 1: the manager, whatever their setting",
    ),
    pytest.param(
        ev.SlaWarning(1, M.REACTION_WARNING, AT),
        Facts(),
        (FIRST_LINE,),
        id="warning, nobody has it: the first line (the manager's digest has it)",
    ),
    pytest.param(
        ev.SlaWarning(1, M.RESOLUTION_WARNING, AT),
        Facts(assigned=True, priority=P.HIGHEST),
        (ASSIGNEE,),
        id="warning, somebody has it: they alone",
    ),
    pytest.param(
        ev.SlaBreached(1, M.REACTION_BREACH, AT, 0),
        Facts(assigned=True, priority=P.HIGH),
        (EMPLOYEE, MANAGER, LEADS),
        id="High breach by day: an apology, the manager and leads, not the assignee",
    ),
    pytest.param(
        ev.SlaBreached(1, M.RESOLUTION_BREACH, AT, 0),
        Facts(priority=P.STANDARD),
        (EMPLOYEE, LEADS),
        id="Standard breach: the manager reads it in the digest",
    ),
    pytest.param(
        ev.SlaBreached(1, M.RESOLUTION_BREACH, AT, 0),
        Facts(priority=P.HIGHEST, working_hours=False),
        (EMPLOYEE, LEADS),
        id="Highest breach after hours: the manager reads it in the morning's digest",
    ),
    pytest.param(
        ev.SlaBreached(1, M.REACTION_BREACH, AT, 0),
        Facts(priority=P.HIGH, breach_met=True),
        (MANAGER, LEADS),
        id="breach recorded after the answer came: no apology after 'Иван is on it'",
    ),
    pytest.param(
        ev.SlaBreached(1, M.REACTION_BREACH, AT, 0),
        Facts(employee_hears=False),
        (LEADS,),
        id="breach: no apology to a former employee",
    ),
    pytest.param(ev.StatusLineDue(1), Facts(), (EMPLOYEE,), id="status line: the employee"),
    pytest.param(ev.StatusLineDue(1), GONE, (), id="status line: not to a former employee"),
    pytest.param(
        ev.WaitingReminderDue(1, 1, AT), Facts(), (EMPLOYEE,), id="reminder: the employee"
    ),
    pytest.param(
        ev.WaitingResumed(1, ENGINEER), Facts(), (EMPLOYEE,), id="went on without an answer"
    ),
    pytest.param(
        ev.ResolutionWithdrawn(1, ENGINEER),
        Facts(),
        (EMPLOYEE,),
        id="resolution taken back: nothing to confirm",
    ),
    pytest.param(
        ev.ResolutionWithdrawn(1, ENGINEER), GONE, (), id="taken back: not a former employee"
    ),
    pytest.param(
        ev.WaitingTooLong(1, AT),
        Facts(assigned=True),
        (ASSIGNEE,),
        id="nobody answers: whoever has it is asked whether to close",
    ),
    pytest.param(
        ev.WaitingTooLong(1, AT), Facts(), (THREAD,), id="nobody answers, nobody has it: thread"
    ),
    pytest.param(
        ev.WaitingClosed(1, by_employee=True),
        Facts(assigned=True),
        (THREAD, ASSIGNEE),
        id="no longer needed: the topic closes, whoever has it hears",
    ),
    pytest.param(
        ev.WaitingClosed(1, by_employee=False, staff_tg_id=ENGINEER),
        Facts(assigned=True),
        (THREAD, EMPLOYEE),
        id="closed by staff after a long wait: the employee hears",
    ),
    pytest.param(
        ev.DailyDigest(Digest(MANAGER_TG, AT.date(), ())),
        Facts(),
        (MANAGER,),
        id="daily digest: the manager",
    ),
    pytest.param(
        ev.AfterHoursAlarm(1, emergency=True, targets=(DUTY, MANAGER_TG), nobody_on_duty=False),
        Facts(),
        (THREAD,),
        id="after-hours alarm: the thread hears who is paged",
    ),
    pytest.param(
        ev.PageSent(1, page_id=3, target_tg_id=DUTY, attempt=1, level=0, emergency=True),
        Facts(),
        (PAGE_TARGET,),
        id="page: to its target only",
    ),
    pytest.param(
        ev.PageEscalated(1, level=1, targets=(LEAD,)),
        Facts(emergency=True, working_hours=False),
        (EMPLOYEE,),
        id="escalated: the employee hears we still try (once: the notice's key)",
    ),
    pytest.param(
        ev.PageEscalated(1, level=1, targets=(LEAD,)),
        GONE,
        (),
        id="escalated: not to an author who lost access",
    ),
    pytest.param(
        ev.PageAcknowledged(1, DUTY, others=(MANAGER_TG,)),
        Facts(),
        (PAGED,),
        id="acknowledged: every copy of the page says who took it",
    ),
    # A child of a mass outage: staff work it through the outage, its employee hears all.
    pytest.param(
        ev.TicketOpened(2), IN_OUTAGE, (), id="joined an outage: no card, no manager's ping"
    ),
    pytest.param(
        ev.TicketOpened(3),
        Facts(outage_suspected=True),
        (THREAD,),
        id="looks like a mass outage: a card; the manager hears of the outage, not of each",
    ),
    pytest.param(
        ev.StaffReplied(2, 7, ENGINEER, in_thread=False),
        IN_OUTAGE,
        (EMPLOYEE,),
        id="the outage's answer: to the child's employee, not mirrored into its thread",
    ),
    pytest.param(
        ev.TicketResolved(2, ENGINEER, None, in_thread=False),
        IN_OUTAGE,
        (EMPLOYEE,),
        id="the outage resolved: each child's employee hears it",
    ),
    pytest.param(
        ev.SlaBreached(2, M.RESOLUTION_BREACH, AT, 0),
        replace(IN_OUTAGE, priority=P.HIGHEST),
        (EMPLOYEE,),
        id="a child's breach: the apology, but the leads hear of the outage's own",
    ),
    pytest.param(
        ev.EmployeeCommented(2, 7, resumed=False),
        replace(IN_OUTAGE, assigned=True),
        (THREAD, ASSIGNEE),
        id="what a child's employee says reaches staff as always",
    ),
]

SILENT = [
    # Mass outages: their own notices (bot/workers/notices/outages.py), not the ticket's
    # audiences.
    pytest.param(ev.OutageSuspected(1), id="outage suspected: the staff chat's proposal"),
    pytest.param(ev.OutageLinked(4, ENGINEER, (1, 2, 3)), id="outage linked: the cards"),
    pytest.param(ev.OutageJoined(4, 5), id="outage joined: the outage's thread"),
    pytest.param(ev.OutageLeft(4, 2, ENGINEER, False), id="outage left: both cards"),
    pytest.param(ev.ClientRegistered(1), id="client registered"),
    pytest.param(ev.EmployeeRegistered(1, 2), id="employee registered"),
    pytest.param(ev.EmployeeRemoved(1, 2), id="employee removed"),
    # Not about a ticket: its employees and manager are told by bot/workers/notices/contract.py.
    pytest.param(ev.ClientDeactivated(1), id="contract ended: no ticket's audiences"),
    pytest.param(ev.ClientReactivated(1), id="contract renewed: no ticket's audiences"),
    # Not about a ticket: the manager is told by bot/workers/notices/questions.py.
    pytest.param(ev.ServiceQuestionAsked(1, 2, "?"), id="service question: no ticket's"),
    pytest.param(ev.ServiceQuestionAnswered(2, 502, "!"), id="its answer: no ticket's"),
    pytest.param(ev.DeadlinesChanged(1), id="deadlines changed: the card shows them"),
    pytest.param(ev.ReactionMet(1, ENGINEER), id="reaction met: the response is the news"),
    pytest.param(ev.WorkLogged(1, ENGINEER, 30), id="work logged: for the card and the report"),
]


@pytest.mark.parametrize(("event", "facts", "told"), TABLE)
def test_who_is_told(event: ev.Event, facts: Facts, told: tuple[Audience, ...]) -> None:
    assert who_hears(event, facts) == told


@pytest.mark.parametrize("event", SILENT)
def test_events_without_a_notice_of_their_own_tell_nobody(event: ev.Event) -> None:
    assert who_hears(event, Facts()) == ()


def test_every_kind_of_event_is_in_a_table() -> None:
    kinds = {
        cls
        for _, cls in inspect.getmembers(ev, inspect.isclass)
        if issubclass(cls, ev.Event) and cls not in (ev.Event, ev.TicketEvent)
    }
    tabled = {type(p.values[0]) for p in [*TABLE, *SILENT]}
    assert kinds == tabled


@pytest.mark.parametrize(
    ("priority", "hears_all", "told"),
    [
        (P.LOW, False, False),
        (P.STANDARD, False, False),
        (P.HIGH, False, True),
        (P.HIGHEST, False, True),
        (P.LOW, True, True),
        (P.STANDARD, True, True),
    ],
)
def test_a_manager_who_asked_for_less_hears_of_high_and_highest(
    priority: Priority, hears_all: bool, told: bool
) -> None:
    assert manager_hears_of(priority, hears_all=hears_all) is told


@pytest.mark.parametrize(
    ("score", "manager_told"), [(1, True), (2, True), (3, True), (4, False), (5, False)]
)
def test_ratings_of_three_and_below_reach_the_manager(score: int, manager_told: bool) -> None:
    assert (MANAGER in who_hears(ev.TicketRated(1, score, ""))) is manager_told


@pytest.mark.parametrize(
    ("emergency", "working_hours", "deadlines"),
    [
        pytest.param(False, True, True, id="ordinary, by day"),
        pytest.param(False, False, True, id="ordinary, at night: when the clock runs"),
        pytest.param(True, True, True, id="emergency by day"),
        pytest.param(True, False, False, id="emergency at night: worked now, no deadlines"),
    ],
)
def test_the_employee_hears_deadlines_when_taken_unless_an_emergency_at_night(
    emergency: bool, working_hours: bool, deadlines: bool
) -> None:
    facts = Facts(emergency=emergency, working_hours=working_hours)
    assert deadlines_when_taken(facts) is deadlines


@pytest.mark.parametrize(
    ("person", "manager", "told"),
    [
        pytest.param(EMPLOYEE_TG, MANAGER_TG, MANAGER_TG, id="the manager hears"),
        pytest.param(EMPLOYEE_TG, None, None, id="no manager: nobody"),
        pytest.param(MANAGER_TG, MANAGER_TG, None, id="the manager is that person: nobody"),
    ],
)
def test_an_unreachable_employee_is_reported_to_their_manager(
    person: int, manager: int | None, told: int | None
) -> None:
    assert unreachable_told_to(person, manager) == told


@pytest.mark.parametrize(
    ("priorities", "hears_all", "told"),
    [
        ((P.STANDARD, P.STANDARD), True, True),
        ((P.STANDARD, P.STANDARD), False, False),
        ((P.STANDARD, P.HIGHEST), False, True),  # one of them is theirs to hear of
    ],
)
def test_the_manager_hears_of_a_suspected_outage_if_of_one_of_its_tickets(
    priorities: tuple[Priority, ...], hears_all: bool, told: bool
) -> None:
    assert manager_hears_of_outage(priorities, hears_all=hears_all) is told
