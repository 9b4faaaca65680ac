"""Mass outages: when the internet or the server goes down, many employees of one client
write within minutes. Their tickets are one incident: a parent ticket with theirs as its
children (ITIL's problem management, JSM's major incident).

- `similar`: two tickets are about the same thing when they have the same topic, or, when
  a topic is missing, their descriptions share enough of the classifier's features.
- `cluster`: a newly registered ticket and the same client's recent open tickets similar
  to it, within the window; proposed to staff as one outage from `min_tickets` on.
- `same_symptom`: whether what an employee writes is about an outage that is open.
- `parent_priority`: the parent's priority is the highest of its children's (a
  company-wide outage is Highest).

Pure and table-tested (tests/unit/test_outages.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.classification import extract_features, normalize
from domain.enums import Category, Priority, TicketKind

DEFAULT_WINDOW = timedelta(minutes=30)
DEFAULT_MIN_TICKETS = 3
# Cosine similarity of the classifier's features above which two descriptions without a
# topic in common are taken for the same symptom ("нет интернета" and "интернет пропал").
DEFAULT_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class OutageRule:
    """When tickets are proposed as one outage (settings OUTAGE_WINDOW_MINUTES,
    OUTAGE_MIN_TICKETS)."""

    window: timedelta = DEFAULT_WINDOW
    min_tickets: int = DEFAULT_MIN_TICKETS
    similarity: float = DEFAULT_SIMILARITY


@dataclass(frozen=True, slots=True)
class Report:
    """What the rule reads of a ticket."""

    number: int
    client_id: int
    kind: TicketKind
    category: Category
    description: str
    registered_at: datetime
    linked: bool = False  # a child of an outage already, or an outage itself


# Words that say something is wrong but not what: two texts alike only in them ("не
# работает интернет", "не работает принтер") are not about the same thing.
_GENERIC = frozenset(
    {
        "не", "нет", "работает", "работают", "работать", "работ", "перестал", "перестала",
        "перестало", "пропал", "пропала", "пропало", "ничего", "совсем", "вообще", "опять",
        "снова", "тоже", "также", "сейчас", "уже", "весь", "всё", "все", "у", "меня", "нас", "нам",
        "мой", "моём", "моем", "мою", "наш", "офис", "офисе", "проблема", "проблемы", "помогите",
        "срочно", "not", "work", "working", "does", "doesn", "down", "is",
    }
)  # fmt: skip


def _what(text: str) -> dict[str, float]:
    """The classifier's features of the words that name what is wrong."""
    return extract_features(" ".join(w for w in normalize(text) if w not in _GENERIC))


def likeness(a: str, b: str) -> float:
    """Cosine similarity of the features (stems and character n-grams) of what two texts
    say is wrong, 0 to 1."""
    return _cosine(_what(a), _what(b))


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(w * b.get(f, 0.0) for f, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def similar(a: Report, b: Report, rule: OutageRule = OutageRule()) -> bool:
    """Same client and both incidents (a request is never an outage); the same topic, or
    descriptions alike when either has none."""
    if a.client_id != b.client_id or TicketKind.REQUEST in (a.kind, b.kind):
        return False
    if Category.OTHER not in (a.category, b.category):
        return a.category is b.category
    return likeness(a.description, b.description) >= rule.similarity


def cluster(new: Report, recent: Sequence[Report], rule: OutageRule = OutageRule()) -> list[int]:
    """The tickets that look like one outage with `new`: the recent ones (of the same
    client, not linked yet, registered within the window before it) similar to it, and
    `new`, oldest first; empty when fewer than `rule.min_tickets`."""
    if new.linked:
        return []
    since = new.registered_at - rule.window
    found = [
        r
        for r in recent
        if r.number != new.number
        and not r.linked
        and since <= r.registered_at <= new.registered_at
        and similar(new, r, rule)
    ]
    if len(found) + 1 < rule.min_tickets:
        return []
    return sorted([r.number for r in found] + [new.number])


def topic_of_cluster(reports: Sequence[Report]) -> Category:
    """The topic most of the tickets share (OTHER when none has one): the outage's."""
    topics = [r.category for r in reports if r.category is not Category.OTHER]
    return max(topics, key=topics.count) if topics else Category.OTHER


def same_symptom(
    text: str, category: Category, outage_category: Category, outage_text: str, rule: OutageRule
) -> bool:
    """Whether a new message (its topic as the classifier is sure of it, else OTHER) is
    about the open outage: its topic, or words alike when either has no topic."""
    if Category.OTHER not in (category, outage_category):
        return category is outage_category
    return likeness(text, outage_text) >= rule.similarity


def parent_priority(children: Sequence[Priority]) -> Priority:
    """The highest of the children's priorities; Standard for an outage with none yet
    (declared by staff)."""
    return max(children, key=lambda p: p.rank, default=Priority.STANDARD)


@dataclass(slots=True)
class Proposal:
    """ "Похоже на массовый сбой…": one message in the staff chat per cluster of tickets;
    a ticket of the cluster that comes later extends it instead of a message of its own."""

    client_id: int
    category: Category
    tickets: list[int]
    proposed_at: datetime
    state: str = "open"  # open, linked (`parent_id` is the outage), dismissed
    parent_id: int | None = None
    edits: int = 0  # how many times its message was edited (each edit has its own key)
    id: int | None = None

    @property
    def open(self) -> bool:
        return self.state == "open"
