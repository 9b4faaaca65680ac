from datetime import timedelta
from itertools import pairwise

import pytest

from domain import Category, Priority, TicketKind
from domain import TicketStatus as S
from domain.errors import InvalidTransition
from domain.lifecycle import (
    TRANSITIONS,
    ActorKind,
    auto_close_at,
    can_transition,
    check_transition,
)
from domain.model import Ticket
from domain.sla import Pause
from tests.unit.fakes import msk
from tests.unit.test_paging import client


def test_the_happy_path_is_allowed():
    path = [S.NEW, S.IN_PROGRESS, S.WAITING_CLIENT, S.IN_PROGRESS, S.RESOLVED, S.CLOSED]
    actors = [
        ActorKind.STAFF,
        ActorKind.STAFF,
        ActorKind.EMPLOYEE,
        ActorKind.STAFF,
        ActorKind.EMPLOYEE,
    ]
    for (old, new), actor in zip(pairwise(path), actors, strict=True):
        check_transition(old, new, actor)


def test_reopen_goes_back_to_work():
    check_transition(S.RESOLVED, S.REOPENED, ActorKind.EMPLOYEE)
    check_transition(S.REOPENED, S.IN_PROGRESS, ActorKind.STAFF)


def test_employee_may_cancel_only_before_work_starts():
    assert can_transition(S.NEW, S.CANCELLED, ActorKind.EMPLOYEE)
    assert not can_transition(S.IN_PROGRESS, S.CANCELLED, ActorKind.EMPLOYEE)
    with pytest.raises(InvalidTransition, match="employee cannot"):
        check_transition(S.IN_PROGRESS, S.CANCELLED, ActorKind.EMPLOYEE)


def test_only_staff_take_and_resolve():
    assert not can_transition(S.NEW, S.IN_PROGRESS, ActorKind.EMPLOYEE)
    assert not can_transition(S.IN_PROGRESS, S.RESOLVED, ActorKind.EMPLOYEE)


def test_finished_tickets_do_not_move_but_the_employee_may_reopen_a_closed_one():
    for status in S:
        assert not any(can_transition(S.CANCELLED, status, a) for a in ActorKind)
        reopening = status is S.REOPENED
        assert can_transition(S.CLOSED, status, ActorKind.EMPLOYEE) is reopening
        assert not can_transition(S.CLOSED, status, ActorKind.STAFF)
    with pytest.raises(InvalidTransition, match="closed cannot become in progress"):
        check_transition(S.CLOSED, S.IN_PROGRESS, ActorKind.STAFF)


def test_only_the_system_closes_without_a_person_and_only_resolved_tickets():
    system_steps = [key for key, who in TRANSITIONS.items() if ActorKind.SYSTEM in who]
    assert system_steps == [(S.RESOLVED, S.CLOSED)]


def printer_ticket() -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.HIGH,
        title="Не печатает принтер",
        description="Не печатает принтер",
        registered_at=msk(2026, 11, 23, 10, 0),
        id=1,
    )


def test_a_ticket_refuses_a_step_its_life_does_not_allow_and_stays_as_it_was():
    ticket = printer_ticket()
    with pytest.raises(InvalidTransition, match="employee cannot"):
        ticket.start_work(ActorKind.EMPLOYEE, msk(2026, 11, 23, 10, 5))
    with pytest.raises(InvalidTransition, match="new cannot become closed"):
        ticket.close(ActorKind.STAFF, msk(2026, 11, 23, 10, 5))
    assert (ticket.status, ticket.updated_at, ticket.closed_at) == (S.NEW, None, None)


def test_the_steps_of_a_ticket_keep_its_clock_and_its_moments():
    ticket = printer_ticket()
    at = msk(2026, 11, 23, 10, 0)
    assert ticket.start_work(ActorKind.STAFF, at + timedelta(minutes=5)) is S.NEW
    assert ticket.wait_for_client(ActorKind.STAFF, at + timedelta(hours=1)) is S.IN_PROGRESS
    assert ticket.is_paused
    ticket.start_work(ActorKind.EMPLOYEE, at + timedelta(hours=2))  # the answer came
    assert ticket.pauses == [Pause(at + timedelta(hours=1), at + timedelta(hours=2))]
    ticket.resolve(ActorKind.STAFF, at + timedelta(hours=3))
    assert (ticket.status, ticket.resolved_at) == (S.RESOLVED, at + timedelta(hours=3))
    assert ticket.is_paused  # waiting for the employee's word
    ticket.close(ActorKind.SYSTEM, at + timedelta(days=3))
    assert (ticket.closed_at, ticket.is_paused) == (at + timedelta(days=3), False)
    assert ticket.reopen(ActorKind.EMPLOYEE, at + timedelta(days=4)) is S.CLOSED
    # The day it stood closed does not count; it is resolved no more.
    assert ticket.pauses[-1] == Pause(at + timedelta(days=3), at + timedelta(days=4))
    assert (ticket.closed_at, ticket.resolved_at) == (None, None)
    assert ticket.updated_at == at + timedelta(days=4)


def test_auto_close_counts_whole_working_days():
    gold = client()
    assert auto_close_at(gold, msk(2026, 11, 23, 11, 0), 3) == msk(2026, 11, 26, 11, 0)
    # Resolved in the evening: three whole working days from the next morning.
    assert auto_close_at(gold, msk(2026, 11, 27, 20, 0), 3) == msk(2026, 12, 2, 18, 0)
    # Holidays do not count: Thursday 5 March, then Friday, Tuesday 10 and Wednesday 11.
    assert auto_close_at(gold, msk(2026, 3, 5, 18, 0), 3) == msk(2026, 3, 11, 18, 0)
    assert auto_close_at(gold, msk(2026, 11, 23, 11, 0), 1) == msk(2026, 11, 24, 11, 0)


@pytest.mark.parametrize("actor", [ActorKind.EMPLOYEE, ActorKind.STAFF])
def test_a_ticket_waiting_for_an_answer_closes_when_no_longer_needed(actor: ActorKind) -> None:
    check_transition(S.WAITING_CLIENT, S.CLOSED, actor)
    assert not can_transition(S.WAITING_CLIENT, S.CLOSED, ActorKind.SYSTEM)
