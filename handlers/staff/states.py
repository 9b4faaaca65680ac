"""Conversation states of the staff side: a button asked for one message of text."""

from aiogram.fsm.state import State, StatesGroup


class StaffInput(StatesGroup):
    reply = State()  # an answer to the employee
    ask = State()  # a question to the employee: the ticket waits for the client
    resolve = State()  # what was done
    resolve_check = State()  # what was typed as done reads as a question: which is it?
    priority_reason = State()
    log_minutes = State()
    note = State()  # internal, never shown to the client
    estimate = State()  # how long the work will take, for the client to approve
    agreed_date = State()  # a change request's completion date, as agreed with the client


class StaffKb(StatesGroup):
    editing = State()  # a lead types a draft article's new text
