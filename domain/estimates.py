"""A task's estimate, agreed with the client before the work (seed 003: "по каждой задаче
мы даём плановую оценку и работаем в рамках заранее согласованной оценки").

Staff put an estimate in hours on a ticket; the client approves it or not with one tap
(or a typed "да" / "согласен" / "нет"), and the ticket's resolution clock stands still
while they decide, as it does while staff wait for any answer of the client.

Who decides: the employee who wrote, for work the subscription's hours cover: they know
whether the task is worth the time. Work billed separately (an after-hours emergency, or a
plan without included hours) is paid on top of the fee: the company's director
decides, as whoever pays does; the employee is told that the estimate went to them. A
company without a director: the employee decides either way.

The amount is shown only for work billed separately, at the plan's price of an extra hour:
an amount on work the fee already covers would read as a bill.

Pure and table-tested.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.billing import cost_of_minutes
from domain.model import Plan
from domain.time_spent import SpentProblem, read_time_spent

# An estimate of a task is at most this: longer work is split into tasks and estimated
# one by one.
MOST_IN_ONE_ESTIMATE = 200 * 60  # minutes


class Decision(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class Estimate:
    """An estimate put on a ticket, who is to decide on it, and what they decided."""

    ticket_id: int
    minutes: int
    amount: int | None  # roubles, for work billed separately at the plan's rate
    staff_tg_id: int
    at: datetime
    approver_employee_id: int
    billed_separately: bool = False
    decision: Decision | None = None
    decided_by_employee_id: int | None = None
    decided_at: datetime | None = None
    id: int | None = None

    @property
    def pending(self) -> bool:
        return self.decision is None

    @property
    def approved(self) -> bool:
        return self.decision is Decision.APPROVED


def read_estimate(text: str) -> int | SpentProblem:
    """The minutes of work an estimate typed as people say it holds ("3 часа", "2ч 30м",
    "полтора часа"; domain/time_spent.py), up to 200 hours. A bare whole number is hours
    here: nobody estimates a task at "3" minutes."""
    said = text.strip()
    if said.isdigit() and len(said) <= 3:
        said += " ч"
    return read_time_spent(said, most=MOST_IN_ONE_ESTIMATE)


def billed_separately(*, emergency: bool, plan: Plan | None) -> bool:
    """Work paid on top of the monthly fee: an after-hours emergency (announced as
    "оплачивается отдельно, сверх тарифа"), or any work under a plan that includes no hours
    (every hour paid). Without a plan on record nothing says the work costs extra."""
    return emergency or (plan is not None and plan.hours_included <= 0)


def estimate_amount(minutes: int, plan: Plan | None, *, separately: bool) -> int | None:
    """The price of the estimated work in roubles, for work billed separately at the plan's
    price of an extra hour; None when the fee covers it or the plan names no price."""
    if not separately or plan is None or plan.extra_hour_rate <= 0:
        return None
    return cost_of_minutes(minutes, plan.extra_hour_rate)


def approver(
    *, separately: bool, author_id: int, director_ids: list[int], outage: bool = False
) -> int | None:
    """The employee who decides on the estimate: the director for work billed separately
    (the author themselves if they are one), else the author. A mass outage is the
    company's, not the first reporter's whose words it began with: its director decides,
    and without one nobody can (None)."""
    if outage:
        return director_ids[0] if director_ids else None
    if not separately or not director_ids or author_id in director_ids:
        return author_id
    return director_ids[0]


def beyond_estimate(logged_minutes: int, estimate: Estimate | None) -> int:
    """Minutes logged beyond an approved estimate (0 within it, or without one)."""
    if estimate is None or not estimate.approved:
        return 0
    return max(0, logged_minutes - estimate.minutes)


_WORD = re.compile(r"[^\W_]+")
_NO = ("нет", "неа", "не соглас", "не надо", "не нужно", "отказ", "дорого", "no", "decline",
       "disagree", "not agree")  # fmt: skip
_YES = ("да", "ага", "согласен", "согласна", "согласны", "согласов", "согласую", "одобр",
        "подтвержд", "давайте", "yes", "approve", "agree")  # fmt: skip
# "ок", "хорошо" are not here: said in passing, they acknowledge; an amount is approved
# in words that mean it.
_MAX_WORDS = 5


def read_decision(text: str) -> Decision | None:
    """The decision a typed answer to «Согласовать?» names, or None (anything else: a
    question, a longer message, words that decide nothing)."""
    said = " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower().replace("ё", "е")))
    if not said or "?" in text or len(said.split()) > _MAX_WORDS:
        return None
    padded = f" {said} "

    def has(phrases: tuple[str, ...]) -> bool:
        return any((f" {p} " if len(p) <= 3 else f" {p}") in padded for p in phrases)

    if has(_NO):
        return Decision.DECLINED
    if has(_YES):
        return Decision.APPROVED
    return None
