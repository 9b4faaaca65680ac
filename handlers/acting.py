"""Running a use case from a handler: publish what it caused and commit it, or say why it
could not be done (and then nothing changed)."""

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
    *,
    then: Callable[[], Awaitable[object]] | None = None,
) -> Outcome[T] | None:
    """The outcome of `call`, its events published and committed; None after `on_error`
    answered.

    The transaction ends here: the use case's change, the notices its events put into the
    outbox and the conversation's state set so far are committed together, before the
    handler answers; so is `then`, the conversation's next step when it may move on only
    with the change (the intake is over once its ticket is registered, not before). What
    the person is told next ("registered", "sent to the engineer") is so said about
    committed state; what the handler does after this runs in a new transaction of the
    same update, committed when the update is done (or, sooner, before the bot's next call
    to Telegram).

    A use case refuses (DomainError) before it changes anything: `on_error` says why, and
    nothing is committed here.
    """
    try:
        outcome = await call
    except DomainError as exc:
        await on_error(exc)
        return None
    await notifier.publish(uow, outcome.events)
    if then is not None:
        await then()
    await uow.commit()
    return outcome
