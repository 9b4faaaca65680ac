"""Conversation states of the client side (kept in the SQLite FSM storage), and what the
intake and a held message keep in the conversation's data, typed.

The data is stored as JSON (storage/fsm.py) and outlives the code that wrote it: a bot
updated in the middle of somebody's intake reads what the previous one saved. So each
shape is read with `from_state` (a key that is missing, or whose value is not understood,
gets its default; keys it does not know are ignored) and written whole with `to_state`
(under the keys it always had, the unset ones left out).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup

from domain import Category, RequestType, Scope, TicketKind, WorkImpact
from domain.model import Attachment
from domain.use_cases.intake import TicketDraft


class Registration(StatesGroup):
    name = State()  # confirming or typing the name
    typing_name = State()
    phone = State()  # sharing the phone number, or skipping


class Intake(StatesGroup):
    describe = State()  # the first text or files
    kind = State()  # broken, or help/change? (and is the topic right?)
    topic = State()  # the topic, when the one understood is wrong
    impact = State()  # can you work?
    scope = State()  # who is affected?
    request_type = State()  # service or change
    summary = State()  # the card: send, edit, cancel
    emergency = State()  # after hours: call the on-duty engineer now (billable), or wait?
    editing = State()  # typing a new description
    second = State()  # another problem typed meanwhile: add it, or a separate request?
    suggest = State()  # "Возможно, поможет: …": helped (no request), or go on
    question = State()  # a question about the service answered: ask the manager, or a request


class TicketInput(StatesGroup):
    comment = State()  # a comment or photo for a ticket (also: what still does not work)
    rating = State()  # "Rate from 1 to 5": a score may be typed ("5", "отлично")
    rating_comment = State()
    cancelling = State()  # "Отменить заявку №N?": yes or no may be typed


class FollowUp(StatesGroup):
    choosing = State()  # "к заявке №N или новая?": the message is held until answered


class OutageOffer(StatesGroup):
    # "Мы уже знаем о проблеме…": join the open outage, or it is something else; the
    # message is held (a `HeldMessage`, its key the outage's number) until answered.
    asked = State()


@dataclass(slots=True)
class IntakeDraft:
    """The request being written (any `Intake` step): the answers so far, and the messages
    the intake keeps track of."""

    intake: str = ""  # its id: on its buttons (IntakeCb.intake), and the ticket's intake key
    started: datetime | None = None  # an intake left too long is dropped
    description: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    desc_message_id: int | None = None  # the message it was described in: an edit follows
    album: str | None = None  # the media group of the last file: one answer per album
    category: Category = Category.OTHER  # the topic the description was classified under
    guess: TicketKind | None = None  # the kind the classification was sure of: "right?"
    kind: TicketKind | None = None
    impact: WorkImpact | None = None  # incidents: can you work?
    scope: Scope | None = None  # incidents: who is affected?
    request_type: RequestType | None = None  # requests: service or change?
    question_id: int | None = None  # the message with the live question (and its buttons)
    topic_fixed: bool = False  # the person chose the topic: a longer description keeps it
    asked_what: bool = False  # "Что случилось?" was asked (the first words named nothing)
    extra: str = ""  # another problem typed meanwhile, until they say where it goes
    extra_step: str = ""  # the step it interrupted
    queued: str = ""  # a separate request, started as soon as this one is registered
    suggested: list[str] = field(default_factory=list)  # the articles shown (their ids)
    self_help_done: bool = False  # articles were suggested, or there were none to suggest

    @property
    def has_content(self) -> bool:
        """Something to send: a description or files."""
        return bool(self.description or self.attachments)

    def ticket_draft(self, *, emergency: bool = False, waits: bool = False) -> TicketDraft:
        """What the domain registers; the kind is known by the summary."""
        assert self.kind is not None, "the kind is asked before the summary"
        return TicketDraft(
            description=self.description,
            kind=self.kind,
            category=self.category,
            impact=self.impact,
            scope=self.scope,
            request_type=self.request_type,
            attachments=tuple(self.attachments),
            emergency=emergency,
            waits=waits,
        )

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> IntakeDraft:
        return cls(
            intake=data.get("intake") or "",
            started=_moment(data.get("started")),
            description=data.get("description") or "",
            attachments=_attachments(data.get("attachments")),
            desc_message_id=data.get("desc_message_id"),
            album=data.get("album"),
            category=_choice(Category, data.get("category")) or Category.OTHER,
            guess=_choice(TicketKind, data.get("guess")),
            kind=_choice(TicketKind, data.get("kind")),
            impact=_choice(WorkImpact, data.get("impact")),
            scope=_choice(Scope, data.get("scope")),
            request_type=_choice(RequestType, data.get("rtype")),
            question_id=data.get("question_id"),
            topic_fixed=bool(data.get("topic_fixed")),
            asked_what=bool(data.get("asked_what")),
            extra=data.get("extra") or "",
            extra_step=data.get("extra_step") or "",
            queued=data.get("queued") or "",
            suggested=[str(slug) for slug in data.get("suggested") or []],
            self_help_done=bool(data.get("self_help_done")),
        )

    def to_state(self) -> dict[str, Any]:
        return _without_none(
            intake=self.intake,
            started=self.started.isoformat() if self.started else None,
            description=self.description,
            attachments=[_attachment_state(a) for a in self.attachments],
            desc_message_id=self.desc_message_id,
            album=self.album,
            category=self.category.value,
            guess=_value(self.guess),
            kind=_value(self.kind),
            impact=_value(self.impact),
            scope=_value(self.scope),
            rtype=_value(self.request_type),
            question_id=self.question_id,
            topic_fixed=self.topic_fixed or None,
            asked_what=self.asked_what or None,
            extra=self.extra or None,
            extra_step=self.extra_step or None,
            queued=self.queued or None,
            suggested=self.suggested or None,
            self_help_done=self.self_help_done or None,
        )

    @classmethod
    async def load(cls, state: FSMContext) -> IntakeDraft:
        return cls.from_state(await state.get_data())

    async def save(self, state: FSMContext) -> None:
        """The conversation's data becomes this draft (what is not in it is gone)."""
        await state.set_data(self.to_state())


# A ticket in the situation a question was asked in: its number, status and how many
# times staff had written to the employee about it.
TicketSituation = tuple[int, str, int]


@dataclass(slots=True)
class HeldMessage:
    """What an employee wrote while it was not clear where it goes (`FollowUp.choosing`),
    held until they choose, and the question asked about it."""

    texts: list[str] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    album: str | None = None  # the media group of the held files: the rest joins quietly
    question: str = ""  # the question, as asked
    rows: list[tuple[str, str, int]] = field(default_factory=list)  # (label, action, ticket)
    key: str = ""  # the live question's key (FollowUpCb.key): an older question is stale
    asked_at: datetime | None = None
    asked_in: int | None = None  # the message with the question (and its buttons)
    # The open tickets when it was asked (None before): if they change, it is asked anew.
    situation: list[TicketSituation] | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.texts or self.files)

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> HeldMessage:
        return cls(
            texts=list(data.get("texts") or []),
            files=_attachments(data.get("files")),
            album=data.get("album"),
            question=data.get("question") or "",
            rows=[(label, action, n) for label, action, n in data.get("rows") or []],
            key=data.get("key") or "",
            asked_at=_moment(data.get("asked_at")),
            asked_in=data.get("asked_in"),
            situation=_situation(data.get("situation")),
        )

    def to_state(self) -> dict[str, Any]:
        return _without_none(
            texts=self.texts,
            files=[_attachment_state(a) for a in self.files],
            album=self.album,
            question=self.question,
            rows=[list(row) for row in self.rows],
            key=self.key or None,
            asked_at=self.asked_at.isoformat() if self.asked_at else None,
            asked_in=self.asked_in,
            situation=None if self.situation is None else [list(t) for t in self.situation],
        )

    @classmethod
    async def load(cls, state: FSMContext) -> HeldMessage:
        return cls.from_state(await state.get_data())

    async def save(self, state: FSMContext) -> None:
        """The conversation's data becomes this message (what is not in it is gone)."""
        await state.set_data(self.to_state())


@dataclass(slots=True)
class SelfHelped:
    """The request a suggested article solved («👍 Помогло»), kept outside any step: "всё
    равно не работает" soon after continues it (domain/routing.py)."""

    description: str = ""
    category: Category = Category.OTHER
    at: datetime | None = None

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> SelfHelped:
        return cls(
            description=data.get("self_helped") or "",
            category=_choice(Category, data.get("self_helped_topic")) or Category.OTHER,
            at=_moment(data.get("self_helped_at")),
        )

    def to_state(self) -> dict[str, Any]:
        return _without_none(
            self_helped=self.description or None,
            self_helped_topic=self.category.value,
            self_helped_at=self.at.isoformat() if self.at else None,
        )


# --- reading and writing the JSON ---------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: Any) -> E | None:
    """An answer saved earlier; one this code does not know is no answer (asked again)."""
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return kind(value)
    return None


def _value(choice: StrEnum | None) -> str | None:
    return None if choice is None else choice.value


def _moment(text: Any) -> datetime | None:
    if not text:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return datetime.fromisoformat(text)
    return None


def _situation(saved: Any) -> list[TicketSituation] | None:
    if saved is None:
        return None
    return [(n, status, said) for n, status, said in saved]


def _attachments(saved: Any) -> list[Attachment]:
    return [
        Attachment(
            kind=a.get("kind", "document"),
            file_id=a["file_id"],
            file_unique_id=a.get("file_unique_id"),
            file_name=a.get("file_name"),
            mime_type=a.get("mime_type"),
        )
        for a in saved or []
        if isinstance(a, Mapping) and a.get("file_id")
    ]


def _attachment_state(attachment: Attachment) -> dict[str, Any]:
    return {
        "kind": attachment.kind,
        "file_id": attachment.file_id,
        "file_unique_id": attachment.file_unique_id,
        "file_name": attachment.file_name,
        "mime_type": attachment.mime_type,
    }


def _without_none(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
