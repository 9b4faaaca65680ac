"""The intake's draft and a held message in the conversation's data: what a running bot
saved loads (a missing key takes its default, an unknown one is ignored), and what is
written is what was always written."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from domain import Category, RequestType, Scope, TicketKind, WorkImpact
from domain.model import Attachment
from handlers.client.states import HeldMessage, IntakeDraft

STARTED = datetime(2025, 3, 4, 9, 15, tzinfo=UTC)
PHOTO = {
    "kind": "photo",
    "file_id": "AgAD",
    "file_unique_id": "u1",
    "file_name": None,
    "mime_type": None,
}

# An incident at its summary, as the intake saved it before the draft was typed.
SAVED_INTAKE = {
    "intake": "0123456789ab",
    "started": STARTED.isoformat(),
    "description": "не печатает принтер",
    "attachments": [PHOTO],
    "album": None,
    "desc_message_id": 41,
    "category": "printer",
    "guess": "incident",
    "kind": "incident",
    "impact": "blocked",
    "scope": "me",
    "question_id": 44,
}


def test_a_saved_intake_loads_and_is_written_back_the_same() -> None:
    draft = IntakeDraft.from_state(json.loads(json.dumps(SAVED_INTAKE)))
    assert draft == IntakeDraft(
        intake="0123456789ab",
        started=STARTED,
        description="не печатает принтер",
        attachments=[Attachment("photo", "AgAD", "u1")],
        desc_message_id=41,
        category=Category.PRINTER,
        guess=TicketKind.INCIDENT,
        kind=TicketKind.INCIDENT,
        impact=WorkImpact.BLOCKED,
        scope=Scope.ME,
        question_id=44,
    )
    written = {key: value for key, value in SAVED_INTAKE.items() if value is not None}
    assert draft.to_state() == written
    assert IntakeDraft.from_state(json.loads(json.dumps(draft.to_state()))) == draft


def test_a_request_type_is_kept_under_its_old_key() -> None:
    draft = IntakeDraft.from_state({"intake": "k", "kind": "request", "rtype": "change"})
    assert draft.request_type is RequestType.CHANGE
    assert draft.to_state()["rtype"] == "change"
    assert draft.ticket_draft().request_type is RequestType.CHANGE


def test_a_freshly_started_intake_has_nothing_to_send() -> None:
    draft = IntakeDraft.from_state(
        {"intake": "k", "started": STARTED.isoformat(), "description": "", "attachments": []}
    )
    assert not draft.has_content
    assert draft.kind is None and draft.guess is None and draft.category is Category.OTHER
    assert IntakeDraft.from_state({}) == IntakeDraft()


def test_unknown_keys_are_ignored_and_answers_not_understood_are_no_answers() -> None:
    draft = IntakeDraft.from_state(
        {
            "intake": "k",
            "started": "yesterday",
            "kind": "complaint",
            "category": "coffee machine",
            "impact": "hampered",
            "attachments": [PHOTO, {"kind": "photo"}, "AgAD"],
            "mood": "worried",
        }
    )
    assert draft.started is None
    assert draft.kind is None
    assert draft.category is Category.OTHER
    assert draft.impact is WorkImpact.HAMPERED
    assert draft.attachments == [Attachment("photo", "AgAD", "u1")]
    assert "mood" not in draft.to_state()


def test_the_draft_for_the_domain_carries_the_answers_and_files() -> None:
    draft = IntakeDraft.from_state(SAVED_INTAKE).ticket_draft(emergency=True)
    assert draft.kind is TicketKind.INCIDENT
    assert draft.category is Category.PRINTER
    assert (draft.impact, draft.scope, draft.request_type) == (WorkImpact.BLOCKED, Scope.ME, None)
    assert draft.attachments == (Attachment("photo", "AgAD", "u1"),)
    assert draft.emergency


SAVED_HELD = {
    "texts": ["всё равно не печатает", "и сканер тоже"],
    "files": [PHOTO],
    "album": "g1",
    "question": "К заявке №5 или новая?",
    "rows": [["💬 К заявке №5", "attach", 5], ["📝 Новая заявка", "new", 0]],
    "key": "fedcba987654",
    "asked_at": STARTED.isoformat(),
    "asked_in": 52,
    "situation": [[5, "in_progress", 2]],
}


def test_a_saved_held_message_loads_and_is_written_back_the_same() -> None:
    held = HeldMessage.from_state(json.loads(json.dumps(SAVED_HELD)))
    assert held.texts == ["всё равно не печатает", "и сканер тоже"]
    assert held.files == [Attachment("photo", "AgAD", "u1")]
    assert held.rows == [("💬 К заявке №5", "attach", 5), ("📝 Новая заявка", "new", 0)]
    assert held.asked_at == STARTED
    assert held.situation == [(5, "in_progress", 2)]
    assert held.has_content
    assert held.to_state() == SAVED_HELD
    assert HeldMessage.from_state(json.loads(json.dumps(held.to_state()))) == held


def test_a_message_held_before_it_was_asked_about_has_no_situation_yet() -> None:
    held = HeldMessage.from_state({"texts": [], "files": [PHOTO], "album": None, "rows": []})
    assert held.situation is None and held.asked_at is None and held.key == ""
    assert held.to_state() == {
        "texts": [],
        "files": [PHOTO],
        "question": "",
        "rows": [],
    }
    assert not HeldMessage.from_state({"extra": 1}).has_content
