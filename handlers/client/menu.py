"""The employee's menu works the same in every state: the keyboard's «📝 New request» and
«📋 My tickets», /new, /my and /company are handled here, before any step's own handler, so
they never become a description, a comment, a reason or a rating comment. (/cancel, /help
and /status are answered in any state by their own routers, which come first too.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.answers import read_score
from domain.outages import OutageRule
from domain.ports import Clock, Notifier, UnitOfWork
from domain.routing import says_nothing_to_keep
from handlers.actor import Actor
from handlers.client import follow_up, intake, tickets
from handlers.client.people import people_button
from handlers.client.states import FollowUp, HeldMessage, Intake, IntakeDraft, TicketInput
from handlers.ui.keyboards import MY_TICKETS, NEW_TICKET, ButtonText, inline

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_employee)


@router.message(Command("new"))
@router.message(ButtonText(NEW_TICKET))
async def new_request(message: Message, state: FSMContext, clock: Clock) -> None:
    """A new request, whatever was going on: an unsent one is offered to continue (an empty
    one just starts again); a message held by "к заявке или новая?" becomes its description."""
    step, data = await state.get_state(), await state.get_data()
    if step in Intake.__all_states_names__ and IntakeDraft.from_state(data).has_content:
        await intake.offer_to_resume(message, state)
        return
    held = HeldMessage.from_state(data)
    if step == FollowUp.choosing.state and held.has_content:
        await follow_up.forget_question(message, held)
        await state.clear()
        await intake.start_with(message, state, clock, "\n".join(held.texts), held.files)
        return
    await state.clear()  # a comment asked for is no longer awaited
    await intake.begin(message, state, clock)


@router.message(Command("my"))
@router.message(ButtonText(MY_TICKETS))
async def my_tickets(
    message: Message, state: FSMContext, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """The person's tickets; a half-written request or a question about a held message
    stays, a comment or reason asked for is no longer awaited."""
    await forget_awaited_input(state)
    text, markup = await tickets.render_list(uow, actor, clock, "my", 0)
    if await state.get_state() in Intake.__all_states_names__:
        unsent = _("Your new request is not sent yet: please answer the question above.")
        text = f"{text}\n\n{unsent}" if tickets.has_any(markup) else unsent
    await message.answer(text, reply_markup=markup)


@router.message(Command("company"))
async def company_tickets(
    message: Message, state: FSMContext, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    """A director sees every ticket of the company."""
    if actor.employee is None or not actor.employee.is_director:
        await message.answer(tickets.only_directors_text())
        return
    await forget_awaited_input(state)
    text, markup = await tickets.render_list(uow, actor, clock, "company", 0)
    if isinstance(markup, InlineKeyboardMarkup):
        markup.inline_keyboard.append(inline(people_button()).inline_keyboard[0])
    else:  # no tickets yet: the list comes with the main keyboard, which stays anyway
        markup = inline(people_button())
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(TicketInput), ~F.text.startswith("/"))
async def input_no_longer_awaited(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    outage_rule: OutageRule,
) -> None:
    """A comment, reason or rating comment asked for an hour ago, or a reply to another
    message: that step is over, and the message goes where it belongs."""
    awaited = await tickets.still_awaited(message, state, clock)
    if (
        await state.get_state() == TicketInput.rating.state
        and read_score(message.text or "") is None
    ):
        awaited = False  # under the rating question, but no score: an ordinary message
    if await state.get_state() == TicketInput.rating_comment.state and says_nothing_to_keep(
        message.text or ""
    ):
        awaited = False  # "спасибо" after the stars is no review: answered as thanks
    if awaited:
        raise SkipHandler  # the step's own handler takes it
    await state.clear()
    await follow_up.typed(message, state, actor, uow, clock, notifier, outage_rule)


async def forget_awaited_input(state: FSMContext) -> None:
    if await state.get_state() in TicketInput.__all_states_names__:
        await state.clear()
