"""Conversation states of the client side (kept in the SQLite FSM storage)."""

from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    name = State()  # confirming or typing the name
    typing_name = State()
    phone = State()  # sharing the phone number, or skipping


class Intake(StatesGroup):
    describe = State()  # the first text or files
    kind = State()  # broken, or help/change?
    impact = State()  # can you work?
    scope = State()  # who is affected?
    request_type = State()  # service or change
    summary = State()  # the card: send, edit, cancel
    editing = State()  # typing a new description


class TicketInput(StatesGroup):
    comment = State()  # a comment or photo for a ticket (also: what still does not work)
    rating_comment = State()


class FollowUp(StatesGroup):
    choosing = State()  # "к заявке №N или новая?": the message is held until answered
