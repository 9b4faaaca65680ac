"""The bot's command menu, per language and per role (setMyCommands)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _

LOCALES = ("ru", "en")


def _employee_commands(i18n: I18n, locale: str, director: bool) -> list[BotCommand]:
    def t(text: str) -> str:
        return i18n.gettext(text, locale=locale)

    commands = [
        BotCommand(command="new", description=t("Report a problem or ask for something")),
        BotCommand(command="my", description=t("My tickets")),
        BotCommand(command="status", description=t("A ticket by its number")),
    ]
    if director:
        commands.append(BotCommand(command="company", description=t("All tickets of the company")))
    commands += [
        BotCommand(command="language", description=t("Language")),
        BotCommand(command="cancel", description=t("Cancel what I am doing")),
        BotCommand(command="help", description=t("What I can do")),
    ]
    return commands


async def set_bot_commands(bot: Bot, i18n: I18n) -> None:
    """The employees' menu for every private chat, in Russian and English."""
    scope = BotCommandScopeAllPrivateChats()
    for locale in LOCALES:
        await bot.set_my_commands(
            _employee_commands(i18n, locale, director=False), scope=scope, language_code=locale
        )
    await bot.set_my_commands(
        _employee_commands(i18n, i18n.default_locale, director=False), scope=scope
    )


async def set_director_commands(bot: Bot, i18n: I18n, chat_id: int, locale: str) -> None:
    """A director's own menu adds /company."""
    await bot.set_my_commands(
        _employee_commands(i18n, locale, director=True), scope=BotCommandScopeChat(chat_id=chat_id)
    )


def _staff_commands(i18n: I18n, locale: str) -> list[BotCommand]:
    def t(text: str) -> str:
        return i18n.gettext(text, locale=locale)

    return [
        BotCommand(command="queue", description=t("Open tickets, nearest breach first")),
        BotCommand(command="mine", description=t("My tickets in work")),
        BotCommand(command="t", description=t("A ticket's card by its number")),
        BotCommand(command="duty", description=t("Who is on duty now and next")),
        BotCommand(command="report", description=t("A client's report")),
        BotCommand(command="language", description=t("Language")),
        BotCommand(command="cancel", description=t("Cancel what I am doing")),
    ]


def staff_help(locale: str) -> str:
    """/help for staff: each command of their menu with what it does, and the card."""
    lines = [_("Staff commands:")]
    lines += [f"/{c.command} — {c.description}" for c in _staff_commands(get_i18n(), locale)]
    lines += ["", _("A ticket's card has the buttons to take, answer, resolve and reassign it.")]
    return "\n".join(lines)


async def set_staff_commands(bot: Bot, i18n: I18n, chat_id: int, locale: str) -> None:
    """Staff see their own menu in their private chat with the bot."""
    await bot.set_my_commands(
        _staff_commands(i18n, locale), scope=BotCommandScopeChat(chat_id=chat_id)
    )
