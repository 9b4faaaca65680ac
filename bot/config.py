"""Settings, from the environment and `.env`. Only `bot` reads them; everything else gets
what it needs passed in."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.enums import Priority
from domain.follow_ups import FollowUpPolicy
from domain.outages import OutageRule

TELEGRAM_API = "https://api.telegram.org"
SUPPORTED_LOCALES = ("ru", "en")
# Telegram calls webhooks over HTTPS on these ports only.
WEBHOOK_PORTS = (443, 80, 88, 8443)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_nested_delimiter="__"
    )

    bot_token: SecretStr = Field(validation_alias="BOT_TOKEN")
    database_path: Path = Field(Path("./frontdesk.db"), validation_alias="DATABASE_PATH")
    # sqlite:///path (the same as DATABASE_PATH=path) or postgresql://user:pass@host:port/db;
    # when set, it is the database, whatever DATABASE_PATH says.
    database_url: str = Field("", validation_alias="DATABASE_URL")
    telegram_api_base: str = Field(TELEGRAM_API, validation_alias="TELEGRAM_API_BASE")
    default_locale: str = Field("ru", validation_alias="DEFAULT_LOCALE")
    default_timezone: str = Field("Europe/Moscow", validation_alias="DEFAULT_TIMEZONE")
    staff_chat_id: int | None = Field(None, validation_alias="STAFF_CHAT_ID")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="ADMIN_IDS"
    )
    # An intake nobody finished is dropped after this many hours.
    # A member of a client's bound group who writes to the bot there is registered as an
    # employee of that client (the group is their invitation).
    group_members_join: bool = Field(True, validation_alias="GROUP_MEMBERS_JOIN")
    intake_timeout_hours: float = Field(24, gt=0, validation_alias="INTAKE_TIMEOUT_HOURS")
    # Outbox rows delivered or given up are deleted this many days after they were written
    # (pending ones never): what was sent stays for an inquiry into a complaint meanwhile.
    outbox_kept_days: float = Field(30, gt=0, validation_alias="OUTBOX_KEPT_DAYS")
    # On shutdown, pending outbox messages are sent for at most this long.
    shutdown_flush_seconds: float = Field(5, ge=0, validation_alias="SHUTDOWN_FLUSH_SECONDS")
    # Updates handled at once. They share one SQLite connection but not the time spent waiting
    # for Telegram (the transaction is committed before each call), so against the real
    # Telegram more in flight means more handled; it is also the webhook's max_connections.
    updates_in_flight: int = Field(16, ge=1, le=100, validation_alias="UPDATES_IN_FLIGHT")
    # A person who sends more than RATE_LIMIT_UPDATES messages and button presses within
    # RATE_LIMIT_SECONDS is asked once to wait, and what they send for the next
    # RATE_LIMIT_SECONDS is dropped. A long text Telegram splits into several messages, an
    # album of 10 photos or a quick run through the intake's questions stay well below it.
    rate_limit_updates: int = Field(40, ge=1, validation_alias="RATE_LIMIT_UPDATES")
    rate_limit_seconds: float = Field(60, gt=0, validation_alias="RATE_LIMIT_SECONDS")
    # A resolved ticket the employee does not answer closes after this many working days.
    auto_close_working_days: int = Field(3, ge=1, validation_alias="AUTO_CLOSE_WORKING_DAYS")
    # A Highest / High ticket in work without news for this many working hours gets a status
    # line to the employee (0: none for that priority).
    status_line_hours_highest: float = Field(2, ge=0, validation_alias="STATUS_LINE_HOURS_HIGHEST")
    status_line_hours_high: float = Field(4, ge=0, validation_alias="STATUS_LINE_HOURS_HIGH")
    # A ticket waiting for the employee's answer: reminders after these many working days,
    # then whoever has it is asked whether to close it.
    waiting_first_reminder_days: int = Field(
        1, ge=1, validation_alias="WAITING_FIRST_REMINDER_DAYS"
    )
    waiting_second_reminder_days: int = Field(
        3, ge=2, validation_alias="WAITING_SECOND_REMINDER_DAYS"
    )
    waiting_ask_staff_days: int = Field(4, ge=3, validation_alias="WAITING_ASK_STAFF_DAYS")
    # Mass outages: from OUTAGE_MIN_TICKETS similar incidents of one client registered within
    # OUTAGE_WINDOW_MINUTES the staff chat is asked to link them as one.
    outage_window_minutes: float = Field(30, gt=0, validation_alias="OUTAGE_WINDOW_MINUTES")
    outage_min_tickets: int = Field(3, ge=2, validation_alias="OUTAGE_MIN_TICKETS")

    # Webhook mode (`frontdesk run --webhook`, or WEBHOOK_URL set): Telegram calls
    # WEBHOOK_URL (a reverse proxy's public https address), which forwards to the bot
    # listening on WEBHOOK_HOST:WEBHOOK_PORT at the same path. Without WEBHOOK_SECRET one
    # is derived from the bot token, the same in every replica (bot/app.py).
    webhook_url: str = Field("", validation_alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(None, validation_alias="WEBHOOK_SECRET")
    webhook_host: str = Field("127.0.0.1", validation_alias="WEBHOOK_HOST")
    webhook_port: int = Field(8080, ge=1, le=65535, validation_alias="WEBHOOK_PORT")
    # /healthz and /metrics; METRICS_PORT 0 (or empty) turns them off.
    metrics_host: str = Field("127.0.0.1", validation_alias="METRICS_HOST")
    metrics_port: int = Field(9090, ge=0, le=65535, validation_alias="METRICS_PORT")
    # /healthz says unhealthy when an outbox message has waited longer than this.
    health_outbox_lag_seconds: float = Field(
        600, gt=0, validation_alias="HEALTH_OUTBOX_LAG_SECONDS"
    )
    log_format: Literal["text", "json"] = Field("text", validation_alias="LOG_FORMAT")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError("ADMIN_IDS must be comma-separated Telegram ids") from exc
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("BOT_TOKEN does not look like a bot token (digits:secret)")
        return value

    @field_validator("database_path")
    @classmethod
    def _database_path(cls, value: Path) -> Path:
        if str(value) == ":memory:" or str(value).startswith("file:"):
            return value
        if value.is_dir():
            raise ValueError(f"DATABASE_PATH {str(value)!r} is a folder, not a file")
        if value.exists() and not os.access(value, os.R_OK | os.W_OK):
            raise ValueError(f"DATABASE_PATH {str(value)!r} cannot be read and written")
        # The folder (created on start when missing) must take the file and its WAL files.
        folder = value.absolute().parent
        while not folder.exists():
            folder = folder.parent
        if not folder.is_dir():
            raise ValueError(f"DATABASE_PATH {str(value)!r}: {str(folder)!r} is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ValueError(f"DATABASE_PATH {str(value)!r}: cannot write in {str(folder)!r}")
        return value

    @model_validator(mode="after")
    def _database_url(self) -> Settings:
        url = self.database_url.strip()
        if not url:
            return self
        if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            self.database_path = Settings._database_path(Path(url.removeprefix("sqlite:///")))
            return self
        parts = urlsplit(url)
        if parts.scheme in ("postgresql", "postgres") and parts.hostname and parts.path.strip("/"):
            return self
        raise ValueError(
            "DATABASE_URL must be sqlite:///path/to/file.db or "
            "postgresql://user:password@host:port/database"
        )

    @property
    def database(self) -> str | Path:
        """What to open: a postgresql:// URL, or the SQLite file's path."""
        if self.database_url.startswith(("postgresql://", "postgres://")):
            return self.database_url.strip()
        return self.database_path

    @property
    def on_postgres(self) -> bool:
        return isinstance(self.database, str)

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError(
                "WEBHOOK_SECRET must be 1-256 characters: letters A-Z a-z, digits, _ and -"
            )
        return value

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _metrics_port(cls, value: object) -> object:
        return 0 if value in ("", None) else value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
        return level

    @model_validator(mode="after")
    def _follow_ups(self) -> Settings:
        first, second = self.waiting_first_reminder_days, self.waiting_second_reminder_days
        if not first < second < self.waiting_ask_staff_days:
            raise ValueError(
                "WAITING_FIRST_REMINDER_DAYS < WAITING_SECOND_REMINDER_DAYS < "
                "WAITING_ASK_STAFF_DAYS: the reminders come first, then staff are asked"
            )
        return self

    @property
    def outage_rule(self) -> OutageRule:
        """When tickets are proposed as one mass outage (domain/outages.py)."""
        return OutageRule(
            window=timedelta(minutes=self.outage_window_minutes),
            min_tickets=self.outage_min_tickets,
        )

    @property
    def follow_up_policy(self) -> FollowUpPolicy:
        """When the employee hears of a ticket without news (domain/follow_ups.py)."""
        every = (
            (Priority.HIGHEST, self.status_line_hours_highest),
            (Priority.HIGH, self.status_line_hours_high),
        )
        return FollowUpPolicy(
            status_line_every=tuple((p, hours) for p, hours in every if hours > 0),
            reminders=(self.waiting_first_reminder_days, self.waiting_second_reminder_days),
            ask_staff_after=self.waiting_ask_staff_days,
        )

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if not self.webhook_url:
            return self
        problems = []
        url = urlsplit(self.webhook_url)
        official = self.telegram_api_base.rstrip("/") == TELEGRAM_API
        if url.scheme not in ("http", "https") or not url.hostname:
            problems.append("WEBHOOK_URL must be a full URL, like https://bot.example.com/tg")
        elif official and url.scheme != "https":
            problems.append("WEBHOOK_URL must start with https:// (Telegram's rule)")
        elif official and (url.port or 443) not in WEBHOOK_PORTS:
            ports = ", ".join(map(str, WEBHOOK_PORTS))
            problems.append(f"WEBHOOK_URL: Telegram calls webhooks on ports {ports} only")
        if self.metrics_port == self.webhook_port:
            problems.append("WEBHOOK_PORT and METRICS_PORT must differ")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def webhook_path(self) -> str:
        """Where the webhook listens: the path of WEBHOOK_URL."""
        return urlsplit(self.webhook_url).path or "/"

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"DEFAULT_TIMEZONE {value!r} is not a known time zone") from exc
        return value

    @property
    def bot_id(self) -> int:
        return int(self.bot_token.get_secret_value().split(":", 1)[0])


class SettingsError(Exception):
    """Settings are missing or wrong; the message has one line per problem."""


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once, turning pydantic's report into one clear line per problem
    (`overrides`: values for pydantic to check, like those read from the environment)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "missing":
                lines.append(f"{name} is not set: put it in the environment or in .env")
            elif not name or message.startswith(name):
                lines.append(message)
            else:
                lines.append(f"{name}: {message}")
        raise SettingsError("\n".join(lines)) from None


# What stands in for BOT_TOKEN in a command that never talks to Telegram.
NO_TOKEN = "0:not-needed"


def load_offline_settings() -> Settings:
    """The settings of a command that never talks to Telegram (`frontdesk report`): the
    bot token is neither needed nor read, whatever the environment holds."""
    return load_settings(BOT_TOKEN=NO_TOKEN)
