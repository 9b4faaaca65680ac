"""The bot in a client's own group chat ("Офис Ромашка"): the group bound to its client by a
one-time code, when a message there is addressed to the bot, who may bind a group, whose
message in it becomes whose request, and where the author hears of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# A message with one of these asks for help as plainly as a mention does.
HASHTAGS = frozenset({"#заявка", "#problem"})
# The command that opens a request with its words: "/new не печатает принтер".
NEW = "new"
BIND = "bind"


@dataclass(slots=True)
class ClientGroup:
    """A Telegram group bound to a client: its members' requests are that client's."""

    chat_id: int
    client_id: int
    title: str
    bound_by_tg_id: int
    bound_at: datetime
    active: bool = True


@dataclass(slots=True)
class GroupCode:
    """A one-time code an administrator gives out; `/bind CODE` in the group uses it."""

    code: str
    client_id: int
    expires_at: datetime
    created_at: datetime | None = None
    used_at: datetime | None = None
    used_in_chat_id: int | None = None

    def unusable_reason(self, now: datetime) -> str | None:
        if self.used_at is not None:
            return "used"
        if now >= self.expires_at:
            return "expired"
        return None


@dataclass(frozen=True, slots=True)
class GroupMessage:
    """What decides whether a group message is for the bot, in plain terms."""

    text: str
    mentions: tuple[str, ...] = ()  # the "@name" entities, as written
    hashtags: tuple[str, ...] = ()  # the "#tag" entities, as written
    command: str | None = None  # "/new" or "/new@name" at the start
    reply_to_bot: bool = False


def command_name(command: str | None, bot_username: str) -> str | None:
    """ "new" for "/new" or "/new@this_bot"; None for another bot's command or none."""
    if not command or not command.startswith("/"):
        return None
    name, _, addressee = command[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower()


def addressed(message: GroupMessage, bot_username: str) -> bool:
    """Whether the bot is spoken to: a mention of it, a reply to it, a command for it, or a
    request's hashtag. Everything else in the group is the members' own talk."""
    if message.reply_to_bot:
        return True
    if command_name(message.command, bot_username) is not None:
        return True
    me = "@" + bot_username.lower()
    if any(m.lower() == me for m in message.mentions):
        return True
    return any(tag.lower() in HASHTAGS for tag in message.hashtags)


def request_words(message: GroupMessage, bot_username: str) -> str:
    """The request's description: the text without the bot's mention, the command and the
    hashtags that only served to call the bot."""
    text = message.text
    if command_name(message.command, bot_username) is not None and message.command:
        text = text[len(message.command) :]
    text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    for tag in HASHTAGS:
        text = re.sub(rf"{re.escape(tag)}(?!\w)", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"[ \t]+", " ", text)
    return "\n".join(line.strip() for line in text.strip().splitlines()).strip(" ,:—-")


class Author(StrEnum):
    """Who wrote an addressed message in a bound group, and so what happens to it."""

    EMPLOYEE = "employee"  # of the group's client: their own request
    JOINS = "joins"  # unknown: the group is their invitation, registered on first use
    ANONYMOUS = "anonymous"  # a channel or an anonymous admin: nobody to answer to
    OTHER_COMPANY = "other_company"  # registered with another client: not here
    REMOVED = "removed"  # their access to this client was taken away
    STAFF = "staff"  # staff work from the staff chat
    STRANGER = "stranger"  # unknown, and the group lets nobody join by writing


def author_in_group(
    *,
    sender_chat: bool,
    is_staff: bool,
    employee_client_id: int | None,
    employee_active: bool,
    group_client_id: int,
    members_join: bool,
) -> Author:
    """An employee of another company is refused in the group (their requests and the
    group's would mix two companies); one removed from this company does not come back by
    writing in its group (the director took the access away); staff are not authors."""
    if sender_chat:
        return Author.ANONYMOUS
    if employee_client_id is not None and employee_active:
        return Author.EMPLOYEE if employee_client_id == group_client_id else Author.OTHER_COMPANY
    if is_staff:
        return Author.STAFF
    if employee_client_id == group_client_id:
        return Author.REMOVED
    return Author.JOINS if members_join else Author.STRANGER


def may_bind(*, is_director_of_client: bool, is_manager_of_client: bool) -> bool:
    """A group is bound by the client's director or its personal manager, nobody else."""
    return is_director_of_client or is_manager_of_client


def may_stay_when_added(*, by_staff: bool, by_director: bool) -> bool:
    """Added to a group by staff or a client's director, the bot stays and waits for
    `/bind`; added by anybody else, it leaves at once."""
    return by_staff or by_director


def where_author_hears(
    *, opened_in_group: bool, group_active: bool, started_private: bool
) -> tuple[bool, bool]:
    """(in the group, privately): a request opened in the group is answered there as a
    reply to it while the group is bound, and privately too if the author has a chat with
    the bot (Telegram lets no bot write first); any other request privately."""
    if not opened_in_group:
        return False, True
    return group_active, started_private or not group_active
