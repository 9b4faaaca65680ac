"""Requests described and then left half-way through the questions: their authors are told,
once per pause, that nothing was sent, with the buttons to send it as it stands or drop it
(domain/unfinished.py says when, and what it is sent with; handlers/client/unfinished.py
answers the buttons).

Run by the leader with the timers' sweep (every minute, and at once when the sandbox's
clock moves). The reminder is an outbox row, written in the transaction that marks the
conversation reminded, so it goes out once however the process ends.
"""

from __future__ import annotations

import html

from aiogram.fsm.storage.base import StorageKey

from bot.workers.notices.outbox import OutboxWriter, button_markup
from domain.ports import Clock
from domain.unfinished import REMIND_AFTER, reminder_due
from handlers.client.states import Intake, IntakeDraft
from handlers.ui.callbacks import IntakeCb
from handlers.ui.texts import N_
from storage import Database
from storage.fsm import FsmRecord, SqliteStorage

# In the conversation's data: reminded since the person last touched it (the intake's own
# writes leave the key out, so the next pause is reminded of again).
REMINDED = "reminded"
QUOTED = 200  # characters of the description quoted


class UnfinishedIntakes:
    def __init__(
        self, db: Database, storage: SqliteStorage, writer: OutboxWriter, clock: Clock
    ) -> None:
        self.db = db
        self.storage = storage
        self.writer = writer
        self.clock = clock
        self.reminded = 0

    async def remind(self) -> None:
        now = self.clock.now()
        for record in await self.storage.stale(now - REMIND_AFTER, state_group=Intake.__name__):
            private = record.key.chat_id == record.key.user_id
            if private and reminder_due(
                record.updated_at, now, reminded=bool(record.data.get(REMINDED))
            ):
                await self._remind(record)

    async def _remind(self, record: FsmRecord) -> None:
        draft = IntakeDraft.from_state(record.data)
        if not draft.has_content or not draft.intake:
            return  # nothing described yet: nothing would be lost
        key: StorageKey = record.key
        async with self.db.unit_of_work(task_wide=True) as uow:
            # Read again in this transaction: the person may have just gone on.
            if await self.storage.get_data(key) != record.data:
                return
            employee = await uow.employees.by_tg_id(key.user_id)
            if employee is None:
                return
            locale = self.writer.employee_locale(employee)
            text = _reminder(self.writer, locale, draft)
            markup = button_markup(
                [
                    (
                        self.writer.t(N_("✅ Send it as it is"), locale),
                        IntakeCb(intake=draft.intake, action="asis").pack(),
                    )
                ],
                [
                    (
                        self.writer.t(N_("✖ Not needed"), locale),
                        IntakeCb(intake=draft.intake, action="drop").pack(),
                    )
                ],
            )
            dedup = f"unfinished:{draft.intake}:{record.updated_at.isoformat()}"
            await self.writer.text(uow, key.chat_id, text, None, markup, key=dedup)
            await self.storage.update_data(key, {REMINDED: True})
            await uow.commit()
        self.reminded += 1


def _reminder(writer: OutboxWriter, locale: str, draft: IntakeDraft) -> str:
    described = draft.description or writer.t(N_("(no description, files only)"), locale)
    if len(described) > QUOTED:
        described = described[:QUOTED] + "…"
    return writer.t(
        N_(
            "Your request has not been sent yet: «{text}».\n"
            "Answer the question above, or send it as it is: the engineer will ask what "
            "is missing."
        ),
        locale,
        text=html.escape(described, quote=False),
    )
