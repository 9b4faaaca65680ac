"""Built-in Telegram Bot API emulator (powers ``frontdesk sandbox`` and e2e tests).

The real bot runs against it unchanged, only pointed at its address::

    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    async with BotApiEmulator() as emulator:
        session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(emulator.token, session=session)
        alice = emulator.create_user("Alice", username="alice")
        await alice.command("start")
        reply = await alice.wait_for_message(timeout=5)
"""

from .bot_api import ApiCall, ApiStats
from .errors import SandboxError, SandboxTimeout, TelegramApiError
from .faults import Busiest, FaultInjector, FaultRule, RateLimits, Window
from .files import SAMPLE_GIF, SAMPLE_OGG, SAMPLE_PDF, SAMPLE_PNG, StoredFile
from .formatting import parse_html, utf16_len
from .model import CallbackAnswer, ChatMessage, ForumTopicRecord, MessageVersion
from .people import CallbackPress, ChatView, Group, Person
from .server import BotApiEmulator

__all__ = [
    "SAMPLE_GIF",
    "SAMPLE_OGG",
    "SAMPLE_PDF",
    "SAMPLE_PNG",
    "ApiCall",
    "ApiStats",
    "BotApiEmulator",
    "Busiest",
    "CallbackAnswer",
    "CallbackPress",
    "ChatMessage",
    "ChatView",
    "FaultInjector",
    "FaultRule",
    "ForumTopicRecord",
    "Group",
    "MessageVersion",
    "Person",
    "RateLimits",
    "SandboxError",
    "SandboxTimeout",
    "StoredFile",
    "TelegramApiError",
    "Window",
    "parse_html",
    "utf16_len",
]
