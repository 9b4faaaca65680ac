"""Every text the bot can show has a Russian translation with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.i18n import load_catalog

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "t": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def source_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, keywords=KEYWORDS
        ):
            found.add(message)
    assert len(found) > 100, f"the sources were not found under {ROOT}"
    return found


def test_every_text_in_the_code_is_translated_to_russian():
    catalog = load_catalog("ru")
    missing = []
    for message in source_messages():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        translated = entry.string if entry is not None else None
        if not translated or (isinstance(translated, tuple) and not all(translated)):
            missing.append(message)
    assert not missing, f"untranslated: {missing}"


def test_translations_keep_the_placeholders():
    for message in load_catalog("ru"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == expected, (message.id, text)


def test_english_readers_see_hash_numbers_never_the_numero_sign():
    """The msgids are the English texts and may say "№{number}", as Russian does; English
    readers read "#12": an English text given for each of them, with the same placeholders."""
    catalog = load_catalog("en")
    shown = []
    for message in source_messages():
        ids = message if isinstance(message, tuple) else (message,)
        entry = catalog.get(ids[0])
        strings = entry.string if entry is not None else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        for msgid, text in zip(ids, texts if any(texts) else ids, strict=False):
            shown.append(text or msgid)
    with_sign = [text for text in shown if "№" in text]
    assert not with_sign, f"English texts with №: {with_sign}"
    for message in catalog:
        if message.id and message.string and not isinstance(message.id, tuple):
            expected = set(PLACEHOLDER.findall(message.id))
            assert set(PLACEHOLDER.findall(message.string)) == expected, message.id


def test_russian_plurals_follow_the_numbers():
    from bot.i18n import create_i18n

    i18n = create_i18n("ru")
    words = [
        i18n.gettext("{n} hour", "{n} hours", n, locale="ru").format(n=n) for n in (1, 2, 5, 21)
    ]
    assert words == ["1 час", "2 часа", "5 часов", "21 час"]


def test_both_catalogs_read_without_a_warning(capsys):
    for locale in ("ru", "en"):
        load_catalog(locale)
    captured = capsys.readouterr()
    assert "WARNING" not in captured.out + captured.err


def test_the_texts_of_a_handler_come_from_the_bots_catalogs():
    """aiogram's `_()` finds the current I18n with `I18n.get_current()`: the bot's own
    subclass must be the one found there inside `context()`, and nothing after it."""
    from aiogram.utils.i18n import I18n, get_i18n
    from aiogram.utils.i18n import gettext as _

    from bot.i18n import create_i18n

    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("ru"):
        assert get_i18n() is i18n
        assert I18n.get_current() is i18n
        assert _("{n} hour", "{n} hours", 5).format(n=5) == "5 часов"
    assert I18n.get_current() is None
    with pytest.raises(LookupError):
        get_i18n()
