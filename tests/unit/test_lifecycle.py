from itertools import pairwise

import pytest

from domain import TicketStatus as S
from domain.errors import InvalidTransition
from domain.lifecycle import TRANSITIONS, ActorKind, can_transition, check_transition


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
