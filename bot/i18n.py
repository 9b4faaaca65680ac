"""Languages: aiogram's gettext i18n, with catalogs read from the `.po` sources.

aiogram's `I18n` loads compiled `.mo` files; we compile every `*.po` of a locale with
Babel in memory at start-up instead (a few milliseconds), so there is no build step to
forget and translators may split a locale into several `.po` files.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import io
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.commands import LOCALES

LOCALES_DIR = Path(__file__).parent / "locales"


def load_catalog(locale: str, directory: Path = LOCALES_DIR) -> Catalog:
    """All messages of one locale, merged from its `.po` files."""
    merged = Catalog(locale=locale)
    for po_path in sorted((directory / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fp:
            part = read_po(fp, locale=locale)
        for message in part:
            if message.id:
                merged[message.id] = message
    return merged


@functools.lru_cache(maxsize=16)
def _compiled(locale: str, directory: Path, sources: tuple[tuple[str, int, int], ...]) -> bytes:
    """The locale's catalog as a `.mo` file. Cached for as long as its `.po` files stay as
    they were (`sources`: name, mtime, size): a desk started again in the same process
    (the sandbox, the tests) does not parse them again."""
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(locale, directory))
    return buffer.getvalue()


class PoI18n(I18n):
    """aiogram's I18n with the catalogs compiled from the `.po` files at start-up."""

    # aiogram's `gettext` helpers (`_()`) find the current instance with
    # `I18n.get_current()`, while ContextInstanceMixin gives every subclass a context
    # variable of its own, which `I18n.context()` (the middleware's, the workers') sets
    # through `self.set_current`: set and reset I18n's instead.
    @classmethod
    def set_current(cls, value: I18n) -> contextvars.Token[I18n]:
        return I18n.set_current(value)

    @classmethod
    def reset_current(cls, token: contextvars.Token[I18n]) -> None:
        I18n.reset_current(token)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for locale_dir in sorted(self.path.iterdir()):
            if not (locale_dir / "LC_MESSAGES").is_dir():
                continue
            sources = tuple(
                (path.name, path.stat().st_mtime_ns, path.stat().st_size)
                for path in sorted((locale_dir / "LC_MESSAGES").glob("*.po"))
            )
            mo = _compiled(locale_dir.name, self.path, sources)
            translations[locale_dir.name] = gettext.GNUTranslations(io.BytesIO(mo))
        return translations


def create_i18n(default_locale: str) -> PoI18n:
    return PoI18n(path=LOCALES_DIR, default_locale=default_locale, domain="messages")


def locale_of_user(user: User | None, default: str) -> str:
    """Russian or English from Telegram's language_code; the default for anything else."""
    code = (user.language_code or "") if user else ""
    base = code.split("-")[0].lower()
    return base if base in LOCALES else default


class ActorLocaleMiddleware(I18nMiddleware):
    """The person's chosen language if they have one, else their Telegram language."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor = data.get("actor")
        if actor is not None and actor.locale in LOCALES:
            return str(actor.locale)
        return locale_of_user(data.get("event_from_user"), self.i18n.default_locale)
