"""The ticket's life (DOMAIN.md): which status may follow which, and who may move it.

new → in progress → (waiting for client ⇄ in progress) → resolved → closed; waiting for
client → closed (no longer needed, or nobody answered);
resolved → reopened → in progress; closed → reopened (the employee, soon after closing); an
open ticket → cancelled (the employee only before work). A resolved ticket nobody confirms
closes by itself after a few working days (`auto_close_at`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.enums import TicketStatus as S
from domain.errors import InvalidTransition

if TYPE_CHECKING:
    from domain.model import Client


class ActorKind(StrEnum):
    """Who makes a step of the ticket's life: the employee who wrote, staff, or the bot itself
    (a timer): a kind, not the person."""

    EMPLOYEE = "employee"
    STAFF = "staff"
    SYSTEM = "system"


_E, _ST, _SYS = ActorKind.EMPLOYEE, ActorKind.STAFF, ActorKind.SYSTEM

# (from, to) -> who may make that step
TRANSITIONS: dict[tuple[S, S], frozenset[ActorKind]] = {
    (S.NEW, S.IN_PROGRESS): frozenset({_ST}),
    (S.NEW, S.WAITING_CLIENT): frozenset({_ST}),
    (S.NEW, S.RESOLVED): frozenset({_ST}),
    (S.NEW, S.CANCELLED): frozenset({_E, _ST}),
    (S.IN_PROGRESS, S.WAITING_CLIENT): frozenset({_ST}),
    (S.IN_PROGRESS, S.RESOLVED): frozenset({_ST}),
    (S.IN_PROGRESS, S.CANCELLED): frozenset({_ST}),
    (S.WAITING_CLIENT, S.IN_PROGRESS): frozenset({_E, _ST}),
    (S.WAITING_CLIENT, S.RESOLVED): frozenset({_ST}),
    (S.WAITING_CLIENT, S.CANCELLED): frozenset({_ST}),
    # "No longer needed", said by the employee when reminded, or staff closing a ticket
    # nobody answered after the reminders (domain/follow_ups.py).
    (S.WAITING_CLIENT, S.CLOSED): frozenset({_E, _ST}),
    (S.RESOLVED, S.CLOSED): frozenset({_E, _ST, _SYS}),
    (S.RESOLVED, S.REOPENED): frozenset({_E, _ST}),
    (S.CLOSED, S.REOPENED): frozenset({_E}),  # "it broke again" soon after closing
    (S.REOPENED, S.IN_PROGRESS): frozenset({_ST}),
    (S.REOPENED, S.WAITING_CLIENT): frozenset({_ST}),
    (S.REOPENED, S.RESOLVED): frozenset({_ST}),
    (S.REOPENED, S.CANCELLED): frozenset({_ST}),
}

# Statuses in which the resolution clock stands still.
PAUSED_STATUSES = frozenset({S.WAITING_CLIENT, S.RESOLVED})

_STATUS_WORDS = {
    S.NEW: "new",
    S.IN_PROGRESS: "in progress",
    S.WAITING_CLIENT: "waiting for the client",
    S.RESOLVED: "resolved",
    S.REOPENED: "reopened",
    S.CLOSED: "closed",
    S.CANCELLED: "cancelled",
}


def can_transition(old: S, new: S, actor: ActorKind) -> bool:
    return actor in TRANSITIONS.get((old, new), frozenset())


def check_transition(old: S, new: S, actor: ActorKind) -> None:
    """Raise a readable InvalidTransition unless `actor` may move a ticket from `old` to `new`."""
    allowed = TRANSITIONS.get((old, new))
    if allowed is None:
        raise InvalidTransition(
            f"a ticket that is {_STATUS_WORDS[old]} cannot become {_STATUS_WORDS[new]}",
            old=old,
            new=new,
        )
    if actor not in allowed:
        who = {_E: "the employee", _ST: "staff", _SYS: "the system"}[actor]
        raise InvalidTransition(
            f"{who} cannot make a ticket that is {_STATUS_WORDS[old]} {_STATUS_WORDS[new]}",
            old=old,
            new=new,
        )


def auto_close_at(client: Client, resolved_at: datetime, working_days: int) -> datetime:
    """When a resolved ticket nobody confirmed closes by itself: `working_days` full working
    days' worth of the client's working time after it was resolved (resolved on Monday at
    11:00 with 3 days: Thursday 11:00; resolved in the evening: three whole working days
    from the next opening). Holidays and days off do not count."""
    calendar = client.calendar
    day = datetime.combine(date.min, calendar.closes) - datetime.combine(date.min, calendar.opens)
    return calendar.add_working_time(resolved_at, day * working_days)
