"""The vocabulary of the front desk: every enum stores as its lowercase string value."""

from __future__ import annotations

from enum import StrEnum


class TicketKind(StrEnum):
    INCIDENT = "incident"  # something broke
    REQUEST = "request"  # help, a service or a change


class RequestType(StrEnum):
    SERVICE = "service"  # help, consultation, routine operation
    CHANGE = "change"  # something new or different; resolution time by agreement


class WorkImpact(StrEnum):
    NOT_HINDERED = "not_hindered"
    HAMPERED = "hampered"
    BLOCKED = "blocked"


class Scope(StrEnum):
    ME = "me"
    SEVERAL = "several"
    COMPANY = "company"


class Priority(StrEnum):
    LOW = "low"
    STANDARD = "standard"
    HIGH = "high"
    HIGHEST = "highest"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 0, Priority.STANDARD: 1, Priority.HIGH: 2, Priority.HIGHEST: 3}


class SlaTier(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class PenaltyBasis(StrEnum):
    """What an SLA penalty is proportional to (seed 001)."""

    OVERDUE_HOUR = "hour"  # each working hour past a target
    OVERDUE_TICKET = "ticket"  # each ticket with a missed target


class TicketStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_CLIENT = "waiting_client"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (TicketStatus.CLOSED, TicketStatus.CANCELLED)


class EmployeeRole(StrEnum):
    EMPLOYEE = "employee"
    DIRECTOR = "director"  # also sees every ticket and report of the company


class StaffRole(StrEnum):
    FIRST_LINE = "first_line"
    SECOND_LINE = "second_line"
    MANAGER = "manager"  # a client's personal manager
    LEAD = "lead"
    ADMIN = "admin"


class Category(StrEnum):
    PRINTER = "printer"
    ONE_C = "1c"
    EMAIL = "email"
    INTERNET_NETWORK = "internet_network"
    COMPUTER_HARDWARE = "computer_hardware"
    ACCOUNTS_ACCESS = "accounts_access"
    SOFTWARE = "software"
    PHONE = "phone"
    NEW_WORKPLACE_PURCHASE = "new_workplace_purchase"
    SERVER = "server"
    OTHER = "other"
