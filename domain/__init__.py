"""The pure domain of the front desk: no framework imports, time only through a Clock."""

from domain.calendar import WorkCalendar

# classification: restored when its module lands
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
    "sla_targets",
]
