"""Names of domain values as people read them, in their language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain import Category, Priority, SlaTier, TicketKind, TicketStatus
from domain.descriptions import Device, printing_device


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; it is translated where it is shown."""
    return text


def ticket_no(number: int) -> str:
    """A ticket's number as the reader writes it: "№12" in Russian, "#12" in English."""
    return _("№{number}").format(number=number)


def kind_name(kind: TicketKind) -> str:
    return _("incident") if kind is TicketKind.INCIDENT else _("request")


def priority_name(priority: Priority) -> str:
    return {
        Priority.LOW: _("Low"),
        Priority.STANDARD: _("Standard"),
        Priority.HIGH: _("High"),
        Priority.HIGHEST: _("Highest"),
    }[priority]


def status_name(status: TicketStatus, *, own: bool = True) -> str:
    """The status as the employee reads it; `own=False` for a director looking at a
    colleague's request: what it waits for is the colleague's answer, not theirs."""
    if not own and status is TicketStatus.WAITING_CLIENT:
        return _("waiting for your colleague's answer")
    if not own and status is TicketStatus.RESOLVED:
        return _("resolved, waiting for your colleague to confirm")
    return {
        TicketStatus.NEW: _("new"),
        TicketStatus.IN_PROGRESS: _("in progress"),
        TicketStatus.WAITING_CLIENT: _("waiting for your answer"),
        TicketStatus.RESOLVED: _("resolved, waiting for your confirmation"),
        TicketStatus.REOPENED: _("reopened"),
        TicketStatus.CLOSED: _("closed"),
        TicketStatus.CANCELLED: _("cancelled"),
    }[status]


def report_status_name(status: TicketStatus) -> str:
    """The status as the report's reader (the client's director or accountant) reads it."""
    return {
        TicketStatus.NEW: _("registered, not in work yet"),
        TicketStatus.IN_PROGRESS: _("in work"),
        TicketStatus.WAITING_CLIENT: _("waiting for the client's answer"),
        TicketStatus.RESOLVED: _("resolved, awaiting the client's confirmation"),
        TicketStatus.REOPENED: _("reopened, in work"),
        TicketStatus.CLOSED: _("closed"),
        TicketStatus.CANCELLED: _("cancelled"),
    }[status]


def staff_status_name(status: TicketStatus) -> str:
    """The status as staff say it: "waiting for the client", not "waiting for your answer"."""
    if status is TicketStatus.WAITING_CLIENT:
        return _("waiting for the client")
    if status is TicketStatus.RESOLVED:
        return _("resolved, waiting for the client to confirm")
    return status_name(status)


def category_name(category: Category) -> str:
    names = {
        Category.PRINTER: _("printer or scanner"),
        Category.ONE_C: _("1C"),
        Category.EMAIL: _("e-mail"),
        Category.INTERNET_NETWORK: _("internet and network"),
        Category.COMPUTER_HARDWARE: _("computer"),
        Category.ACCOUNTS_ACCESS: _("accounts and access"),
        Category.SOFTWARE: _("software"),
        Category.PHONE: _("phone"),
        Category.NEW_WORKPLACE_PURCHASE: _("new workplace or purchase"),
        Category.SERVER: _("server"),
        Category.OTHER: _("other"),
    }
    return names.get(category, category.value)


def stated_topic(category: Category, description: str) -> str:
    """The topic as a request states it: the device it was about ("сканер", "МФУ") for the
    printing topic, which holds all of them; else the topic's name."""
    if category is not Category.PRINTER:
        return category_name(category)
    return {
        Device.PRINTER: _("printer"),
        Device.SCANNER: _("scanner"),
        Device.MFP: _("MFP (printer and scanner)"),
        Device.COPIER: _("copier"),
    }[printing_device(description)]


def priority_icon(priority: Priority) -> str:
    return {
        Priority.LOW: "⚪",
        Priority.STANDARD: "🔵",
        Priority.HIGH: "🟠",
        Priority.HIGHEST: "🔥",  # 🔴 means overdue, and only that (⚡ is the Priority button)
    }[priority]


def tier_name(tier: SlaTier) -> str:
    return {
        SlaTier.BRONZE: _("Bronze"),
        SlaTier.SILVER: _("Silver"),
        SlaTier.GOLD: _("Gold"),
        SlaTier.PLATINUM: _("Platinum"),
    }[tier]
