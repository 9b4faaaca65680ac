"""Settings, from the environment and `.env`. Only `bot` reads them; everything else gets
what it needs passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"
SUPPORTED_LOCALES = ("ru", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_nested_delimiter="__"
    )

    bot_token: SecretStr = Field(validation_alias="BOT_TOKEN")
    database_path: Path = Field(Path("./frontdesk.db"), validation_alias="DATABASE_PATH")
    telegram_api_base: str = Field(TELEGRAM_API, validation_alias="TELEGRAM_API_BASE")
    default_locale: str = Field("ru", validation_alias="DEFAULT_LOCALE")
    default_timezone: str = Field("Europe/Moscow", validation_alias="DEFAULT_TIMEZONE")
    staff_chat_id: int | None = Field(None, validation_alias="STAFF_CHAT_ID")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="ADMIN_IDS"
    )
    # An intake nobody finished is dropped after this many hours.
    intake_timeout_hours: float = Field(24, gt=0, validation_alias="INTAKE_TIMEOUT_HOURS")
    # On shutdown, pending outbox messages are sent for at most this long.
    shutdown_flush_seconds: float = Field(5, ge=0, validation_alias="SHUTDOWN_FLUSH_SECONDS")
    # A resolved ticket the employee does not answer closes after this many working days.
    auto_close_working_days: int = Field(3, ge=1, validation_alias="AUTO_CLOSE_WORKING_DAYS")

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


def load_settings(**overrides: object) -> Settings:
    """Read the settings once, turning pydantic's report into one clear line per problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            if error["type"] == "missing":
                lines.append(f"{name} is not set: put it in the environment or in .env")
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
                lines.append(f"{name}: {message}")
        raise SettingsError("\n".join(lines)) from None
