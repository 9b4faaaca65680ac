"""The bot's side of the emulator: the Bot API methods served at ``/bot<token>/<method>``,
one module per area of the API:

=========== ==============================================================================
``core``     the HTTP endpoint, fault injection, the call log and counters, and the helpers
             every area shares (which chat, may the bot write there, flood limits, text)
``updates``  getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo
``sending``  sendMessage, the media and albums, location, contact, poll, copy, forward,
             chat actions
``editing``  edits, deletions, answerCallbackQuery
``files``    getFile and the file downloads
``chats``    getChat, members, leaveChat, forum topics, menu button, pins, reactions
``profile``  the bot's commands, name and descriptions
=========== ==============================================================================

A method the emulator does not know is answered 404 "Not Found", as Telegram does.
"""

from __future__ import annotations

from .chats import ChatMethods
from .core import ApiCall, ApiStats, BotActivity, Described, MethodHandler
from .editing import EditingMethods
from .files import FileMethods
from .profile import ProfileMethods
from .sending import SendingMethods
from .updates import UpdateMethods


class BotApi(
    UpdateMethods, SendingMethods, EditingMethods, FileMethods, ChatMethods, ProfileMethods
):
    """Implementation of the Bot API methods over a ``SandboxState``."""

    def _method_table(self) -> dict[str, MethodHandler]:
        return {
            **self.update_methods(),
            **self.sending_methods(),
            **self.editing_methods(),
            **self.file_methods(),
            **self.chat_methods(),
            **self.profile_methods(),
        }


__all__ = ["ApiCall", "ApiStats", "BotActivity", "BotApi", "Described", "MethodHandler"]
