"""Who is told what (DOMAIN.md, "People"): from something that happened to the audiences
that hear of it.

- The employee who wrote the ticket hears of every answer and question from staff, of
  whoever takes it or is put on it, of its new priority and of a change request's agreed
  completion date (set or changed), that it is resolved, closed for
  want of an answer, or cancelled by support; never of what they did themselves, and
  nothing more once their access is gone or they moved to another company.
- The ticket's thread in the staff chat (its topic, with its card) gets the ticket itself,
  what the client says, what staff wrote from their private chats, ratings, reopenings,
  pages; its topic closes with the ticket and opens again when a closed ticket reopens.
- A client's fixed specialist hears of a new ticket put on them as it is registered.
- The personal manager hears of what matters (DOMAIN.md, "People"): their clients' new
  tickets (or, if they asked for less, of High and Highest ones only) but not of an
  emergency they are paged about, nor one by one of tickets that look like a mass outage
  (one message about the outage instead, edited as it grows and when it is linked),
  reopenings, unhappy ratings and the complaint written after the stars, breaches of
  High and Highest tickets in working hours, and of an employee the bot cannot reach.
  The client's everyday comments ("щас посмотрю", "ок жду") are the thread's and the
  assignee's, not the manager's.
  What can wait (warnings, other breaches, long waits, yesterday's low ratings) is in
  their daily digest (domain/digest.py), one message at the start of their day.
- Whoever has the ticket hears of the client's comments, of its reopening and its SLA
  warnings (while nobody has it, the first line does), and is asked whether to close a
  ticket nobody answers; a ticket put on somebody by somebody else is news to them.
- A ticket the employee cancels is news to the personal manager who heard of it (its
  priority was one they hear of) and to whoever has it.
- The employee hears, besides, of a missed deadline (once each, with an apology, unless
  what it waited for came meanwhile), status lines of a High or Highest ticket in work,
  reminders of a question they have not answered, and that staff went on without it.
- The leads hear of every breach. The on-duty engineer (or whoever a page goes up to)
  is paged; every copy of the page is edited to say who acknowledged it, and all of them
  hear when the ticket is cancelled. A manager paged about an after-hours emergency gets
  the page instead of the "new ticket" notice. The employee hears, once, when a page
  nobody answered goes up the chain.

Pure: the caller gathers the `Facts`, then finds the people behind each audience (the
active staff among them, each once, in the order of the audiences) and renders the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain import events as ev
from domain.enums import Priority, TicketStatus
from domain.model import LOW_RATING_UP_TO

# A manager who does not hear of every new ticket still hears of those from High up.
MANAGER_HEARS_FROM = Priority.HIGH


class Audience(StrEnum):
    """Who hears: the person or place; the bot finds the chats."""

    EMPLOYEE = "employee"  # the ticket's author, in their chat with the bot
    THREAD = "thread"  # the ticket's thread (topic) in the staff chat, where its card is
    ASSIGNEE = "assignee"  # the staff member who has the ticket
    MANAGER = "manager"  # the client's personal manager
    FIRST_LINE = "first_line"  # every first-line engineer
    LEADS = "leads"  # every lead
    PAGE_TARGET = "page_target"  # the one person a page is for
    PAGED = "paged"  # everybody paged about the ticket


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know besides the event. The defaults are the ordinary case
    (a Standard ticket nobody has yet, its author still a client's employee, a manager who
    hears of everything, working hours), so that a rule reading only its event needs none."""

    priority: Priority = Priority.STANDARD
    assigned: bool = False  # somebody from staff has the ticket
    manager_hears_all: bool = True  # the manager's setting: every new ticket, or High up
    employee_hears: bool = True  # the author may still hear about it (`may_hear_about`)
    emergency: bool = False  # an after-hours emergency (billable outside the plan)
    working_hours: bool = True  # now, on the client's calendar
    # A breach recorded late: what the deadline waited for (an answer, the fix) came already.
    breach_met: bool = False
    # A child of a mass outage (domain/outages.py): staff work it through the outage.
    in_outage: bool = False
    # Registered as one of tickets that look like a mass outage (the staff chat is asked to
    # link them), or the outage they were linked into: the manager hears of the outage in
    # one message (`manager_hears_of_outage`), edited as it grows, not of each ticket.
    outage_suspected: bool = False


ORDINARY = Facts()

_E = Audience.EMPLOYEE
_THREAD = Audience.THREAD


def manager_hears_of(priority: Priority, *, hears_all: bool) -> bool:
    """Whether a personal manager hears of a new ticket (or a comment on one) of this
    priority."""
    return hears_all or priority.rank >= MANAGER_HEARS_FROM.rank


# What staff and the timers do to a child of a mass outage: staff heard of it, once, on the
# outage itself (its card, the manager's ping, its breaches); the child's employee hears as
# always. What the employee says on their child (a comment, a reopening) reaches staff.
_WORKED_THROUGH_THE_OUTAGE = (
    ev.TicketOpened,
    ev.TicketTaken,
    ev.TicketAssigned,
    ev.StaffReplied,
    ev.ClientQuestionAsked,
    ev.TicketResolved,
    ev.StatusChanged,
    ev.WaitingResumed,
    ev.ResolutionWithdrawn,
    ev.SlaWarning,
    ev.SlaBreached,
    ev.WaitingTooLong,
)


def who_hears(event: ev.Event, facts: Facts = ORDINARY) -> tuple[Audience, ...]:
    """The audiences told about `event`, in the order they are told; none for an event
    that only refreshes the ticket's card or that the actor was answered about."""
    told = _who_hears(event, facts)
    if facts.in_outage and isinstance(event, _WORKED_THROUGH_THE_OUTAGE):
        return tuple(a for a in told if a is _E)
    return told


def _who_hears(event: ev.Event, facts: Facts) -> tuple[Audience, ...]:
    employee = (_E,) if facts.employee_hears else ()
    manager = (
        (Audience.MANAGER,)
        if manager_hears_of(facts.priority, hears_all=facts.manager_hears_all)
        else ()
    )
    match event:
        case ev.TicketOpened():
            # Assigned on registration: the client's fixed specialist, on shift.
            assignee = (Audience.ASSIGNEE,) if facts.assigned else ()
            # An after-hours emergency pages the manager: that page is their one message.
            paged = facts.emergency and not facts.working_hours
            quiet = paged or facts.outage_suspected
            return (_THREAD, *assignee, *(() if quiet else manager))
        case ev.TicketTaken():
            # A page still ringing about it says who has it now (not after «Принял»).
            return (Audience.PAGED, *employee)
        case ev.PriorityChanged() | ev.ResolutionDateAgreed():
            return employee
        case ev.EstimateGiven():
            # The employee, or the director who decides for them (domain/estimates.py).
            return employee
        case ev.EstimateDecided():
            # Whoever has the ticket (and whoever put the estimate, if somebody else); the
            # author too when the director decided for them.
            return (Audience.ASSIGNEE, *employee)
        case ev.TicketAssigned(staff_tg_id=staff, by_tg_id=by):
            # Whoever put it on themselves knows already.
            assignee = (Audience.ASSIGNEE,) if staff != by else ()
            return (*assignee, Audience.PAGED, *employee)
        case ev.StaffReplied(in_thread=in_thread) | ev.ClientQuestionAsked(in_thread=in_thread):
            # Written from a private chat: mirrored into the thread, after the employee's copy.
            return employee + (() if in_thread else (_THREAD,))
        case ev.InternalNoteAdded(in_thread=in_thread):
            return () if in_thread else (_THREAD,)
        case ev.EmployeeCommented(complaint=complaint):
            assignee = (Audience.ASSIGNEE,) if facts.assigned else ()
            # "Никто не позвонил": the manager answers for how the client is served.
            return (_THREAD, *assignee, *((Audience.MANAGER,) if complaint else ()))
        case ev.TicketResolved(in_thread=in_thread):
            return (() if in_thread else (_THREAD,)) + employee
        case ev.TicketClosed(automatically=automatically):
            # The employee who closed it was answered on the spot.
            return (_THREAD, *(employee if automatically else ()))
        case ev.StatusChanged(old=old):
            return (_THREAD,) if old is TicketStatus.CLOSED else ()  # its topic opens again
        case ev.TicketReopened():
            assignee = (Audience.ASSIGNEE,) if facts.assigned else ()
            return (_THREAD, *assignee, Audience.MANAGER)
        case ev.TicketCancelled(by_employee=True):
            assignee = (Audience.ASSIGNEE,) if facts.assigned else ()
            return (_THREAD, Audience.PAGED, *manager, *assignee)
        case ev.TicketCancelled():  # by support: the employee hears why
            return (_THREAD, Audience.PAGED, *employee)
        case ev.TicketRated(score=score):
            return (_THREAD, *((Audience.MANAGER,) if score <= LOW_RATING_UP_TO else ()))
        case ev.SlaWarning():
            return (Audience.ASSIGNEE if facts.assigned else Audience.FIRST_LINE,)
        case ev.SlaBreached():
            apology = () if facts.breach_met else employee
            now = facts.working_hours and facts.priority.rank >= MANAGER_HEARS_FROM.rank
            return (*apology, *((Audience.MANAGER,) if now else ()), Audience.LEADS)
        case (
            ev.StatusLineDue()
            | ev.WaitingReminderDue()
            | ev.WaitingResumed()
            | ev.ResolutionWithdrawn()
        ):
            return employee
        case ev.WaitingTooLong():
            return (Audience.ASSIGNEE if facts.assigned else _THREAD,)
        case ev.WaitingClosed(by_employee=by_employee):
            if by_employee:  # they were answered on the spot
                return (_THREAD, *((Audience.ASSIGNEE,) if facts.assigned else ()))
            return (_THREAD, *employee)
        case ev.DailyDigest():
            return (Audience.MANAGER,)
        case ev.AfterHoursAlarm():
            return (_THREAD,)
        case ev.PageSent():
            return (Audience.PAGE_TARGET,)
        case ev.PageEscalated():
            # Told once, at the first escalation (the notice's key), that we still try.
            return employee
        case ev.PageAcknowledged():
            # Every copy of the page, the presser's too, is edited to say who took it.
            return (Audience.PAGED,)
    return ()


def manager_hears_of_outage(priorities: Sequence[Priority], *, hears_all: bool) -> bool:
    """Whether the personal manager hears of tickets that look like a mass outage (in one
    message, instead of a "new ticket" notice each): if they would hear of one of them."""
    return any(manager_hears_of(p, hears_all=hears_all) for p in priorities)


def deadlines_when_taken(facts: Facts) -> bool:
    """Whether the employee whose ticket was taken hears its deadlines: not for an
    emergency outside working hours, which is worked now; the contract's deadlines of the
    morning would only confuse."""
    return not (facts.emergency and not facts.working_hours)


def unreachable_told_to(person_tg_id: int, manager_tg_id: int | None) -> int | None:
    """Who hears that a client's employee cannot be reached (they blocked the bot or
    deleted the chat): the company's personal manager, unless that is the same person."""
    return None if manager_tg_id in (None, person_tg_id) else manager_tg_id
