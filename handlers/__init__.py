"""aiogram routers, in the order they are tried: specific ones first, catch-alls last."""

from aiogram import Router


def setup_routers() -> list[Router]:
    from handlers import common, reports
    from handlers.client import intake, onboarding, tickets
    from handlers.staff import desk, queue

    return [
        reports.router,
        queue.router,
        desk.router,
        common.router,
        onboarding.router,
        tickets.router,
        intake.router,
        common.fallback_router,
    ]
