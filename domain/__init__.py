"""The pure domain of the front desk: no framework imports, time only through a Clock."""

from domain.calendar import WorkCalendar
from domain.classification import Classification, classify
from domain.enums import (
    Category,
    EmployeeRole,
    Priority,
    RequestType,
    Scope,
    SlaTier,
    StaffRole,
    TicketKind,
    TicketStatus,
    WorkImpact,
)
from domain.priority import assess_priority
from domain.sla import SlaClock, SlaTargets, sla_targets

__all__ = [
    "Category",
    "Classification",
    "EmployeeRole",
    "Priority",
    "RequestType",
    "Scope",
    "SlaClock",
    "SlaTargets",
    "SlaTier",
    "StaffRole",
    "TicketKind",
    "TicketStatus",
    "WorkCalendar",
    "WorkImpact",
    "assess_priority",
    "classify",
    "sla_targets",
]
