"""Logging for `frontdesk run`: one line per event, the update and the ticket it is about
in every line, JSON lines when LOG_FORMAT=json, and secrets kept out.

The update id and the ticket number live in context variables: the update middleware
binds the update, whoever learns which ticket the work is about binds the ticket
(`bind_ticket`), and `ContextFilter` copies both onto every record logged meanwhile, by
our code or by a library. asyncio gives each task a copy of the context, so concurrent
updates never see each other's values.

`RedactingFilter` rewrites the message (and the traceback) before any handler sees it: the
bot token, anything shaped like one, and phone numbers become placeholders.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TextIO

update_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "update_id", default=None
)
ticket_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("ticket", default=None)


@contextlib.contextmanager
def log_context(*, update_id: int | None = None, ticket: int | None = None) -> Iterator[None]:
    """Lines logged inside carry this update id and ticket number (None: not known yet)."""
    update_token = update_id_var.set(update_id)
    ticket_token = ticket_var.set(ticket)
    try:
        yield
    finally:
        ticket_var.reset(ticket_token)
        update_id_var.reset(update_token)


def bind_ticket(ticket: int | None) -> None:
    """The work in hand turned out to be about this ticket (the first one named wins)."""
    if ticket is not None and ticket_var.get() is None:
        ticket_var.set(ticket)


class ContextFilter(logging.Filter):
    """Puts `update_id` and `ticket` from the context onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id = update_id_var.get()
        record.ticket = ticket_var.get()
        return True


# A bot token: the bot's numeric id, a colon, 35 characters of secret.
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
# Phone numbers: "+" and 10-15 digits; a Russian number of 11 digits starting with 7 or 8;
# a Russian mobile number without the country prefix (10 digits starting with 9, whole or
# as 9xx xxx-xx-xx); any 10-digit number with its area code in brackets ((495) 123-45-67).
# Spaces, dashes and brackets as people write them. Telegram ids (at most 10 digits, not
# starting with 9 so far), group ids (-100...), ticket numbers (at most 9 digits), times,
# dates and sums (grouped by three) do not match.
_PHONE = re.compile(
    r"(?<![\w+-])(?:"
    r"\+\d(?:[\s().-]{0,2}\d){9,14}"
    r"|[78][\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}"
    r"|\(\d{3}\)[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}"
    r"|9\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}"
    r")(?!\w|[-.:,]\d)"
)


class RedactingFilter(logging.Filter):
    """Replaces tokens and phone numbers in the message and the traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        text = _TOKEN.sub("<token>", text)
        return _PHONE.sub("<phone>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [update 12 ticket 7]: message`; the context only when known."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        update_id = getattr(record, "update_id", None)  # set through `extra=`, if at all
        if update_id is not None:
            parts.append(f"update {update_id}")
        ticket = getattr(record, "ticket", None)
        if ticket is not None:
            parts.append(f"ticket {ticket}")
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, update_id, ticket, and the
    traceback (as one string) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("update_id", "ticket"):
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def log_handler(
    log_format: str, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """A handler writing to `stream` (stderr) in the given format, with the context and
    redaction filters."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(secrets))
    return handler


def setup_logging(log_format: str, level: str, secrets: Iterable[str] = ()) -> None:
    """Send every log line of the process through one handler of ours."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(log_handler(log_format, secrets))
    root.setLevel(level)
    # aiogram logs each update too ("Update id=... is handled"); ours carries the ticket.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
