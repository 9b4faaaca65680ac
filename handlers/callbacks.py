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
    action: str  # open, comment, cancel, confirm, reopen, rate
    value: str = ""


class ListCb(CallbackData, prefix="ls"):
    scope: str  # my, company
    page: int


class OnboardingCb(CallbackData, prefix="ob"):
    action: str  # name_ok, name_edit, skip_phone


class LanguageCb(CallbackData, prefix="lang"):
    locale: str


class StaffCb(CallbackData, prefix="st"):
    ticket: int
    action: str  # take, reply, ask, resume, resolve, prio, setprio, assign, assignto, time,
    #              logtime, note, card, nosummary
    value: str = ""


FROM_LIST = "list"  # StaffCb.value of a button in the new tickets list: not on the card


class QueueCb(CallbackData, prefix="q"):
    view: str  # all, mine, unassigned, client
    value: str = ""
    page: int = 0
