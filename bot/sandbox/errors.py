"""Error types of the Bot API emulator.

``TelegramApiError`` is what a Bot API method raises to produce Telegram's error
envelope (``{"ok": false, "error_code": ..., "description": ...}``); the helpers
build the errors with the exact descriptions the real Bot API uses.
``SandboxError`` is raised to the people side (tests, control API, terminal
sandbox) when an action cannot be performed, e.g. a button text that is not on
any message.
"""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """A people-side action is impossible (unknown user, no such button, ...)."""


class SandboxTimeout(TimeoutError):
    """A people-side wait helper did not see its condition within the timeout."""


class TelegramApiError(Exception):
    """An error answer of a Bot API method, rendered as Telegram's error envelope."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            payload["parameters"] = self.parameters
        return payload


def bad_request(reason: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> TelegramApiError:
    return TelegramApiError(403, f"Forbidden: {reason}")


def unauthorized() -> TelegramApiError:
    return TelegramApiError(401, "Unauthorized")


def not_found() -> TelegramApiError:
    return TelegramApiError(404, "Not Found")


def conflict(reason: str) -> TelegramApiError:
    return TelegramApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> TelegramApiError:
    return TelegramApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


def server_error(status: int = 500) -> TelegramApiError:
    reasons = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return TelegramApiError(status, reasons.get(status, "Internal Server Error"))


CHAT_NOT_FOUND = "chat not found"
MESSAGE_TEXT_EMPTY = "message text is empty"
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_CANT_BE_EDITED = "message can't be edited"
REPLIED_MESSAGE_NOT_FOUND = "message to be replied not found"
BOT_BLOCKED = "bot was blocked by the user"
BOT_CANT_INITIATE = "bot can't initiate conversation with a user"
QUERY_ID_INVALID = "query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
INVALID_FILE_ID = "invalid file_id"
THREAD_NOT_FOUND = "message thread not found"
NOT_A_FORUM = "the chat is not a forum"
TOPIC_NOT_MODIFIED = "TOPIC_NOT_MODIFIED"
USER_NOT_FOUND = "user not found"
GET_UPDATES_WITH_WEBHOOK = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
GET_UPDATES_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
