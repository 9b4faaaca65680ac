"""Who a new ticket goes to when it is registered (seed 003: "always the same specialist").

A client may have a default assignee, its fixed specialist. A new ticket of that client is
theirs from the start while they are on shift: within the client's working hours (their
working day is the client's), or at any hour while they are on the duty rota. Otherwise,
or once they have left, the ticket waits for whoever takes it, as any other.

Being assigned at registration is not a reaction: the reaction clock runs until the
specialist (or anybody) takes or answers it, and its warning goes to them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from domain.model import Client, Staff


def default_assignee(
    client: Client,
    specialist: Staff | None,
    at: datetime,
    on_duty: Collection[int],
) -> int | None:
    """The Telegram id of whoever a new ticket of `client` registered `at` is assigned to:
    its fixed specialist while on shift and still with us; None for nobody."""
    if specialist is None or not specialist.active:
        return None
    if specialist.tg_id != client.default_assignee_tg_id:
        return None
    if client.calendar.is_working(at) or specialist.tg_id in on_duty:
        return specialist.tg_id
    return None
