"""From the employee's answers to a priority: the matrix of DOMAIN.md, "Priority"."""

from __future__ import annotations

from domain.enums import Priority, RequestType, Scope, TicketKind, WorkImpact
from domain.errors import DomainError

_INCIDENT_MATRIX: dict[WorkImpact, dict[Scope, Priority]] = {
    WorkImpact.NOT_HINDERED: dict.fromkeys(Scope, Priority.LOW),
    WorkImpact.HAMPERED: dict.fromkeys(Scope, Priority.STANDARD),
    WorkImpact.BLOCKED: {
        Scope.ME: Priority.HIGH,
        Scope.SEVERAL: Priority.HIGHEST,
        Scope.COMPANY: Priority.HIGHEST,
    },
}

_REQUEST_PRIORITY = {RequestType.SERVICE: Priority.STANDARD, RequestType.CHANGE: Priority.LOW}


def assess_priority(
    kind: TicketKind,
    *,
    impact: WorkImpact | None = None,
    scope: Scope | None = None,
    request_type: RequestType | None = None,
) -> Priority:
    """Incidents by (can you work, who is affected); service requests Standard, changes Low."""
    if kind is TicketKind.INCIDENT:
        if impact is None or scope is None:
            raise DomainError("an incident needs both the impact on work and who is affected")
        return _INCIDENT_MATRIX[WorkImpact(impact)][Scope(scope)]
    if request_type is None:
        raise DomainError("a request needs its type: service or change")
    return _REQUEST_PRIORITY[RequestType(request_type)]
