"""Callback data of every inline button. Each names what it acts on, so a handler can
check the presser may act on it; intake buttons carry the intake's id, so a button of a
finished or replaced intake is recognised as stale."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class IntakeCb(CallbackData, prefix="in"):
    intake: str  # the id of the intake the button belongs to
    action: str  # kind, impact, scope, rtype, send, edit, cancel, back, done
    value: str = ""


class TicketCb(CallbackData, prefix="tk"):
    ticket: int
    action: str  # open, comment, cancel, confirm, reopen, rate, notneeded
    value: str = ""


class FollowUpCb(CallbackData, prefix="fu"):
    """Where a held message goes: the question's key (a stale question is recognised),
    what to do, and the ticket (0: none)."""

    key: str
    action: str  # attach, confirm, reopen, new, drop
    ticket: int = 0


class ListCb(CallbackData, prefix="ls"):
    scope: str  # my, company
    screen: int  # 0: the newest tickets


class OnboardingCb(CallbackData, prefix="ob"):
    action: str  # name_ok, name_edit, skip_phone


class LanguageCb(CallbackData, prefix="lang"):
    locale: str


class StaffCb(CallbackData, prefix="st"):
    ticket: int
    action: str  # take, reply, ask, resume, resolve, prio, setprio, assign, assignto, time,
    #              logtime, note, card, nosummary, wclose, wkeep (a long wait)
    value: str = ""


FROM_LIST = "list"  # StaffCb.value of a button in the new tickets list: not on the card


class QueueCb(CallbackData, prefix="q"):
    view: str  # all, mine, unassigned, client
    value: str = ""
    screen: int = 0  # 0: the nearest breaches


class PeopleCb(CallbackData, prefix="pp"):
    """A director's list of the company's people: show it, ask to remove one, remove."""

    action: str  # list, ask, remove
    employee: int = 0


class PageCb(CallbackData, prefix="pg"):
    """A page to the on-duty engineer: acknowledge it."""

    page: int
    action: str  # ack


class KbCb(CallbackData, prefix="kb"):
    action: str  # draft (from a resolved ticket), approve, edit, drop (a lead's review)
    key: str  # the ticket's number for draft, the article's id otherwise


class OutageCb(CallbackData, prefix="og"):
    """Mass outages: staff link a proposal's tickets or leave them apart, or unlink a child
    (`id`: the proposal, or the child); an employee joins an open outage (`id`: the
    outage) or says theirs is something else."""

    action: str  # link, dismiss, unlink; join, apart
    id: int
