"""A personal manager answers an employee's question about the service by replying to the
bot's message about it (bot/workers/notices/questions.py): the answer reaches the
employee in their chat with the bot, who was promised it there."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases import knowledge
from handlers.acting import perform
from handlers.actor import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_staff)

QUESTION_MARK = "❓"  # how the bot's message about a question begins
_USER_LINK = "tg://user?id="


def asker_of(message: Message) -> int | None:
    """The Telegram id of the employee whose question the replied message is about: the
    link to them in it (a mention of the user, or a tg://user link)."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    if not (replied.text or "").startswith(QUESTION_MARK):
        return None
    for entity in replied.entities or ():
        if entity.type == "text_mention" and entity.user is not None:
            return entity.user.id
        if entity.type == "text_link" and (entity.url or "").startswith(_USER_LINK):
            user_id = (entity.url or "").removeprefix(_USER_LINK)
            return int(user_id) if user_id.isdigit() else None
    return None


@router.message(StateFilter(None), F.text, lambda message: asker_of(message) is not None)
async def answered(
    message: Message, actor: Actor, uow: UnitOfWork, clock: Clock, notifier: Notifier
) -> None:
    employee_tg_id = asker_of(message)
    assert employee_tg_id is not None
    outcome = await perform(
        knowledge.answer_question(
            uow,
            clock,
            staff_tg_id=actor.tg_id,
            employee_tg_id=employee_tg_id,
            text=message.text or "",
        ),
        uow,
        notifier,
        lambda _exc: message.answer(_("They are no longer with the client: nothing was sent.")),
    )
    if outcome is not None:
        await message.reply(_("✉️ Passed on."))
