"""The notices' table: every kind of event the domain can report is handled or is silent
for a stated reason, never forgotten."""

import inspect
from typing import get_type_hints

from bot.workers.notices import NOTICES, SILENT
from domain import events as ev

# Not events of their own: what the others are built on.
BASES = {ev.Event, ev.TicketEvent}


def kinds_of_event() -> set[type[ev.Event]]:
    found = {
        cls
        for _, cls in inspect.getmembers(ev, inspect.isclass)
        if issubclass(cls, ev.Event) and cls.__module__ == ev.__name__
    }
    assert len(found) > 10, "the events were not found"
    return found - BASES


def test_every_event_has_a_notice_or_a_reason_to_be_silent():
    kinds = kinds_of_event()
    assert set(NOTICES) | set(SILENT) == kinds
    assert not set(NOTICES) & set(SILENT)


def test_every_silence_says_why():
    assert all(reason.strip() for reason in SILENT.values())


def test_every_notice_takes_the_event_it_is_listed_for():
    for kind, notice in NOTICES.items():
        assert get_type_hints(notice)["event"] is kind, notice
