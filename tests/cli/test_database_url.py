"""DATABASE_URL: which database the front desk opens, and a clear word when it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

TOKEN = "123456789:secret"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "DATABASE_PATH", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_url_the_sqlite_file_of_database_path_is_opened(tmp_path: Path) -> None:
    settings = load_settings(BOT_TOKEN=TOKEN, DATABASE_PATH=tmp_path / "desk.db")
    assert settings.database == tmp_path / "desk.db"
    assert not settings.on_postgres


def test_a_sqlite_url_means_the_same_file_as_database_path(tmp_path: Path) -> None:
    settings = load_settings(BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path}/desk.db")
    assert settings.database == tmp_path / "desk.db"


def test_a_postgresql_url_is_opened_as_it_is() -> None:
    url = "postgresql://desk:pw@db.example.com:5432/frontdesk"
    settings = load_settings(BOT_TOKEN=TOKEN, DATABASE_URL=url)
    assert settings.database == url
    assert settings.on_postgres


@pytest.mark.parametrize(
    "url", ["mysql://desk@host/db", "postgresql://", "postgresql://host", "sqlite://", "desk.db"]
)
def test_anything_else_is_refused_in_one_line_naming_the_forms_taken(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(BOT_TOKEN=TOKEN, DATABASE_URL=url)
    message = str(refused.value)
    assert "\n" not in message
    assert "sqlite:///" in message and "postgresql://" in message


def test_a_sqlite_url_to_a_folder_is_refused_as_database_path_is(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="is a folder"):
        load_settings(BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path}")


async def test_a_server_out_of_reach_is_one_line_naming_it_without_its_password() -> None:
    from bot.clock import SystemClock
    from storage import open_database
    from storage.database import DatabaseUnreachable

    with pytest.raises(DatabaseUnreachable) as refused:
        await open_database("postgresql://desk:secret@127.0.0.1:1/desk", clock=SystemClock())
    message = str(refused.value)
    assert "postgresql://desk:***@127.0.0.1:1/desk" in message and "cannot be reached" in message
    assert "secret" not in message and "\n" not in message
