"""aiogram routers, in the order they are tried: specific ones first, catch-alls last."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `handlers.numbers` and the like serve the command line without aiogram
    from aiogram import Router


def setup_routers() -> list[Router]:
    from handlers import common, reports
    from handlers.client import follow_up, intake, menu, onboarding, people, tickets
    from handlers.staff import desk, queue

    return [
        reports.router,
        queue.router,
        desk.router,
        common.router,
        menu.router,
        people.router,
        onboarding.router,
        tickets.router,
        follow_up.router,
        intake.router,
        common.fallback_router,
    ]
