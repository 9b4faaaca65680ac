"""A request described and then left half-way through the questions: when its author is
reminded that nothing was sent, and what it says if they send it as it stands.

People describe the problem, answer a question or none, and go back to work believing it
reported. Ten minutes of silence later they are told once that it was not sent, and may
send it as it stands: the answers not given are taken from the description where it says
them plainly ("работа стоит", "во всём офисе"), else the mildest that still gets it
worked on (hampered, only me; a request for help). Staff can raise the priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.answers import impact_in_passing, scope_in_passing
from domain.enums import RequestType, Scope, TicketKind, WorkImpact

REMIND_AFTER = timedelta(minutes=10)


def reminder_due(last_touched: datetime, now: datetime, *, reminded: bool) -> bool:
    """Once per pause: not again until the person has touched the request since."""
    return not reminded and now - last_touched >= REMIND_AFTER


@dataclass(frozen=True, slots=True)
class AsItStands:
    kind: TicketKind
    impact: WorkImpact | None
    scope: Scope | None
    request_type: RequestType | None


def as_it_stands(
    description: str,
    *,
    kind: TicketKind | None,
    guess: TicketKind | None,
    impact: WorkImpact | None,
    scope: Scope | None,
    request_type: RequestType | None,
) -> AsItStands:
    """The answers given, and the others filled in (see the module's docstring)."""
    kind = kind or guess or TicketKind.INCIDENT
    if kind is TicketKind.INCIDENT:
        return AsItStands(
            kind,
            impact or impact_in_passing(description) or WorkImpact.HAMPERED,
            scope or scope_in_passing(description) or Scope.ME,
            None,
        )
    return AsItStands(kind, None, None, request_type or RequestType.SERVICE)
