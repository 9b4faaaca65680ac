"""Outer middlewares: one unit of work per update, repeated updates dropped, the actor
resolved from the database, an abandoned intake dropped; and the Bot API request
middleware that commits before the bot says anything."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.fsm.context import FSMContext
from aiogram.methods import Response, TelegramMethod
from aiogram.types import TelegramObject, Update
from aiogram.utils.i18n import gettext as _

from domain.ports import Person, UnitOfWork
from handlers.actor import Actor
from handlers.client.states import Intake, IntakeDraft
from storage import Database

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UnitOfWorkMiddleware(BaseMiddleware):
    """One unit of work for the update, committed when its handling is done (a failed
    handler rolls everything back, including the mark that the update was processed, so
    a redelivery is handled again).

    On PostgreSQL every transaction of the update begins with the chat's advisory lock
    (storage/postgres.py), so that replicas handle one chat's updates one after another.

    It goes before aiogram's FSM middleware and is task-wide, so that the conversation
    state read there is part of it; it runs no statement itself: the transaction (and
    the database lock) begins inside the FSM's per-person lock, always in that order. It
    queues what `ActorMiddleware` asks (the mark, who wrote), so that those statements go
    with the state read: an update that moves a conversation on takes two trips to the
    database, that one and the commit."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        # One chat's updates take turns across replicas (PostgreSQL, webhook mode): each of
        # this update's transactions waits for another process's on the same chat.
        chat, user = data.get("event_chat"), data.get("event_from_user")
        key = chat.id if chat is not None else user.id if user is not None else None
        async with self.db.unit_of_work(task_wide=True, serial_key=key) as uow:
            data["uow"] = uow
            data[_LOOKUPS] = lookups = _Lookups.queue(uow, event, data)
            try:
                result = await handler(event, data)
            finally:
                lookups.close()
            await uow.commit()
            return result


_LOOKUPS = "frontdesk_update_lookups"
# In an update's data: it was handled before, and is passed on only to show the person the
# question they are at (see ActorMiddleware).
REPLAYED = "replayed_update"


def in_a_private_intake(data: dict[str, Any]) -> bool:
    chat = data.get("event_chat")
    raw_state = data.get("raw_state") or ""
    return chat is not None and chat.type == "private" and raw_state.startswith("Intake:")


@dataclass(slots=True)
class _Lookups:
    """The update's first questions to the database, queued before they are awaited."""

    seen_before: Coroutine[Any, Any, bool]
    person: Coroutine[Any, Any, Person] | None

    @classmethod
    def queue(cls, uow: UnitOfWork, event: TelegramObject, data: dict[str, Any]) -> _Lookups:
        assert isinstance(event, Update)
        user = data.get("event_from_user")
        return cls(
            uow.processed_updates.seen_before(event.update_id),
            None if user is None else uow.people.by_tg_id(user.id),
        )

    def close(self) -> None:
        """Let go of the answers nobody awaited (the update failed before they were)."""
        self.seen_before.close()
        if self.person is not None:
            self.person.close()


class ActorMiddleware(BaseMiddleware):
    """Drop an update_id seen before and resolve who wrote (after the FSM middleware)."""

    def __init__(self, admin_ids: frozenset[int]) -> None:
        self.admin_ids = admin_ids

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        lookups = data.pop(_LOOKUPS, None) or _Lookups.queue(data["uow"], event, data)
        person = None if lookups.person is None else await lookups.person
        if await lookups.seen_before:
            if not in_a_private_intake(data):
                log.info("update %s was handled before; dropped", event.update_id)
                return None
            # Telegram sends an update again only when it had no answer to it: the process
            # that handled it may have died after its changes committed and before the bot
            # answered. What it changed stands; the person is shown the question they are
            # at (handlers/client/replayed.py) instead of its being handled again.
            log.info("update %s was handled before; its question is shown again", event.update_id)
            data[REPLAYED] = True
        user = data.get("event_from_user")
        if person is not None and user is not None:
            data["actor"] = Actor(
                tg_id=user.id,
                employee=person.employee,
                client=person.client,
                staff=person.staff,
                is_admin=user.id in self.admin_ids,
            )
        return await handler(event, data)


class IntakeExpiryMiddleware(BaseMiddleware):
    """An intake left unfinished for longer than the timeout is dropped, with a short note,
    before the person's next message or press is handled (a message then starts afresh).
    A «📝 Новая заявка» prompt nothing was written to expires sooner (`EMPTY_PROMPT`), and
    without a word: the next morning's "ну что там с сервером?" is routed as any message
    (to the open request, or "к №1 или новая?"), not taken for a new request's description."""

    # "Опишите своими словами…" left unanswered this long no longer waits for a description.
    EMPTY_PROMPT = timedelta(hours=1)

    def __init__(self, timeout_hours: float, clock: Any) -> None:
        self.timeout = timedelta(hours=timeout_hours)
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        raw_state = data.get("raw_state")
        if state is not None and raw_state and raw_state.startswith(f"{Intake.__name__}:"):
            draft = IntakeDraft.from_state(await state.get_data())
            started = draft.started
            idle = self.clock.now() - started if started else timedelta()
            empty = raw_state == Intake.describe.state and not (
                draft.description or draft.attachments
            )
            if empty and idle > self.EMPTY_PROMPT:
                await state.clear()  # nothing was written: nothing to say it was dropped
                data["raw_state"] = None
            elif started and idle > self.timeout:
                await state.clear()
                data["raw_state"] = None
                chat = data.get("event_chat")
                bot = data.get("bot")
                if chat is not None and bot is not None:
                    await bot.send_message(
                        chat.id,
                        _(
                            "Your unfinished request was dropped after {hours} hours without an "
                            "answer. Nothing was sent."
                        ).format(hours=int(self.timeout.total_seconds() // 3600)),
                    )
        return await handler(event, data)


class CommitBeforeSending(BaseRequestMiddleware):
    """Before the bot says anything, what the handler changed so far is committed.

    The safety net under the handlers' rule (handlers/__init__.py): a change is committed
    by `handlers.acting.perform` before the bot answers; this commits whatever else is
    still open (a conversation's step, a read), so the database is never held while a
    request to Telegram is in flight, and nothing is announced that could still roll back.
    What the handler does after that runs in a new transaction, committed by
    `UnitOfWorkMiddleware`.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        session = self.db.current_session()
        if session is not None:
            await session.commit()
        return await make_request(bot, method)


class RetryBlips(BaseRequestMiddleware):
    """A handler's own call that Telegram answered with a 5xx, or that never reached it, is
    made again, twice, within about a second and a half: the person in front of the bot
    does not lose an answer (or a card stuck on an old question) to a blip. Each try passes
    the flood limits again (this sits outside the throttle). Refusals (4xx, 429) are not
    retried; nor are the outbox's calls, which have retries of their own, nor getUpdates.
    A send whose answer was lost may so arrive twice: better than never."""

    DELAYS = (0.3, 1.0)

    def __init__(self, is_outbox_call: Callable[[], bool]) -> None:
        self.is_outbox_call = is_outbox_call

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        if self.is_outbox_call() or method.__api_method__ == "getUpdates":
            return await make_request(bot, method)
        for delay in self.DELAYS:
            try:
                return await make_request(bot, method)
            except (TelegramServerError, TelegramNetworkError) as exc:
                log.warning("%s failed (%s); trying again", method.__api_method__, exc)
                await asyncio.sleep(delay)
        return await make_request(bot, method)
