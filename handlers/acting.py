"""Running a use case from a handler: publish what it caused, or say why it could not be
done (and then nothing changed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.errors import DomainError
from domain.ports import Notifier, UnitOfWork
from domain.use_cases.common import Outcome

T = TypeVar("T")


async def perform(
    call: Awaitable[Outcome[T]],
    uow: UnitOfWork,
    notifier: Notifier,
    on_error: Callable[[DomainError], Awaitable[object]],
) -> Outcome[T] | None:
    """The outcome of `call`, its events published; None after `on_error` answered."""
    try:
        outcome = await call
    except DomainError as exc:
        await on_error(exc)
        return None
    await notifier.publish(uow, outcome.events)
    return outcome
