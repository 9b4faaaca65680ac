"""Notices: what everybody must be told about a change, written into the outbox in the same
transaction, by audience: the employee (employee.py), the staff chat (staff_chat.py), staff
members in private (staff_pings.py), the people paged after hours (pages.py); the plumbing
in outbox.py, the event → notice table in notifier.py. Who hears what is the domain's call
(`domain.recipients`)."""

from bot.workers.notices.notifier import NOTICES, SILENT, OutboxNotifier

__all__ = ["NOTICES", "SILENT", "OutboxNotifier"]
