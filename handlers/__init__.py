"""aiogram routers, in the order they are tried: specific ones first, catch-alls last.

How a handler meets the database:

- One transaction per update. The unit of work (`uow`) is opened for the update before
  any handler runs, and the conversation state (the FSM) is read and written in it;
  handlers never open connections, and do not commit on their own.
- A change goes through `handlers.acting.perform`: one use case, its events published
  into the outbox, and then the commit of the change and its notices, before the bot
  answers; or, if the use case refuses, the handler's own answer saying why (nothing
  changed). What follows is said about committed state; what the handler still reads or
  writes after it runs in a new transaction, committed when the update is done.
- The safety net: before any request to Telegram, whatever is still open is committed
  (the Bot API session's request middleware, `CommitBeforeSending` in
  bot/telegram/middlewares.py), so the database is never held while a request to Telegram
  is in flight, and what a handler changed without a use case (a step of a conversation)
  is never announced before it is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `handlers.numbers` and the like serve the command line without aiogram
    from aiogram import Router


def setup_routers() -> list[Router]:
    from handlers import common, reports
    from handlers.client import (
        contract_ended,
        estimates,
        follow_up,
        group_chat,
        intake,
        menu,
        onboarding,
        outages,
        people,
        questions,
        self_help,
        tickets,
        unfinished,
    )
    from handlers.staff import desk, queue, service_questions
    from handlers.staff import knowledge as staff_knowledge
    from handlers.staff import outages as staff_outages

    return [
        group_chat.router,  # client groups: nothing else sees their talk
        group_chat.private_router,
        contract_ended.router,  # before anything an employee could start
        reports.router,
        queue.router,
        staff_knowledge.router,  # drafts of articles from solved tickets
        staff_outages.router,
        service_questions.router,  # a reply to a question about the service, passed on
        desk.router,
        common.router,
        menu.router,
        people.router,
        onboarding.router,
        tickets.router,
        estimates.router,  # a typed yes or no to an estimate, before other routing
        outages.router,  # joining a mass outage, or not
        follow_up.router,
        unfinished.router,  # the reminder of an unsent request: send it as it is, or drop it
        self_help.router,  # the suggestion's answers, before the intake's own
        questions.router,
        intake.router,
        common.fallback_router,
    ]
