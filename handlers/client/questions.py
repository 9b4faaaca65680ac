"""Questions about the service ("какие у вас скидки?", "сколько часов у нас осталось?"),
which are not tickets: answered from the FAQ (knowledge-base articles of kind FAQ), with the
asker's own contract where the bot knows it (domain/service_facts.py); a question it has
no answer to goes to the personal manager, and the employee is told so. Either way
«Это не вопрос — оформить заявку» goes on to a request with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.article_text import escape, markdown_to_html
from domain.classification import classify
from domain.kb_search import Hit, search
from domain.knowledge import Article, ArticleKind
from domain.model import Client
from domain.ports import Clock, Notifier, UnitOfWork
from domain.self_help import asks_about_service, read_self_help_answer
from domain.service_facts import hours_left, personalise
from domain.use_cases.knowledge import articles_for, ask_manager
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import intake
from handlers.client.self_help import Asker, pressed_on_live_question
from handlers.client.states import Intake, IntakeDraft
from handlers.ui.callbacks import IntakeCb
from handlers.ui.formatting import number, time_spent
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.pressed import Pressed
from handlers.ui.texts import tier_name

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)


async def answer(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    asker: Asker,
    hits: Sequence[Hit],
) -> None:
    """The FAQ's answer (the best of `hits`), personalised; or the question passed to the
    manager."""
    client = asker.actor.client
    assert client is not None and client.id is not None
    draft.self_help_done = True
    draft.suggested = [hits[0].article.slug] if hits else []
    await state.set_state(Intake.question)
    await draft.save(state)
    if hits:
        text = await answer_text(hits[0].article, client, asker)
        text += "\n\n" + _("Anything else? Your personal manager will answer it.")
        rows = [[(_("✉️ Ask the manager"), intake.cb(draft, "question", "manager"))]]
    else:
        manager = await passed_to_manager(message, draft, asker, answered_with="")
        if manager is None:
            return
        text = manager
        rows = []
    rows.append(
        [(_("🔧 It is not a question: register a request"), intake.cb(draft, "question", "ticket"))]
    )
    await intake.say(message, draft, text, inline(*rows), edit=False, state=state)


async def answer_aside(message: Message, asker: Asker) -> bool:
    """A question about the service typed while a request's questions are asked ("а вы
    в выходные работаете?"): the FAQ's answer, and the request stays as it was. False when
    it is not such a question or the FAQ has no answer to it: it is then read as before."""
    client = asker.actor.client
    text = message.text or ""
    if client is None or client.id is None:
        return False
    articles = await articles_for(asker.uow, client.id, get_i18n().current_locale)
    hits = search(articles, text, client.id, kind=ArticleKind.FAQ)
    if not hits or not asks_about_service(classify(text), hits[0].score):
        return False
    await message.answer(await answer_text(hits[0].article, client, asker))
    return True


async def answer_text(article: Article, client: Client, asker: Asker) -> str:
    """The article with the placeholders of domain/service_facts.py filled in."""
    locale = get_i18n().current_locale
    manager = await asker.uow.staff.get(client.manager_tg_id) if client.manager_tg_id else None
    assert client.id is not None
    left = None
    if "{{remaining}}" in article.body:
        closed, logs = await asker.uow.knowledge.billing_history(client.id)
        changes = await asker.uow.clients.plan_changes(client.id)
        left = hours_left(client, changes, closed, logs, asker.clock.now())

    employee = asker.actor.employee
    sees_money = employee is not None and employee.is_director

    def sentence(name: str) -> str | None:
        if name == "remaining" and not sees_money:
            return None  # said with the plan's line
        if name == "plan" and not sees_money:
            # The contract's money is the company's management's to read, not everybody's.
            return _(
                "The price and the hours of your contract are known to your company's "
                "management; your personal manager can tell them too."
            )
        if name == "plan" and client.plan is not None:
            plan = client.plan
            return _(
                "Your plan: {fee} RUB a month, {hours} included, an hour beyond them {rate} RUB."
            ).format(
                fee=number(plan.monthly_fee, locale),
                hours=time_spent(round(plan.hours_included * 60), locale),
                rate=number(plan.extra_hour_rate, locale),
            )
        if name == "remaining" and left is not None:
            if left.fee_free:
                return _("This month is without the monthly fee: every hour is paid.")
            values = {
                "left": time_spent(left.included_left_minutes, locale),
                "included": time_spent(left.included_minutes, locale),
                "reserve": time_spent(left.reserve_left_minutes, locale),
            }
            if not left.reserve_left_minutes:
                return _("This month you have {left} left of {included}, and no reserve.").format(
                    **values
                )
            return _(
                "This month you have {left} left of {included} and {reserve} of reserve."
            ).format(**values)
        if name == "tier":
            return _("Your service level under the contract: {tier}.").format(
                tier=tier_name(client.tier)
            )
        if name == "hours":
            hours = _(
                "Your working hours under the contract: {opens}–{closes} on working days."
            ).format(opens=f"{client.opens:%H:%M}", closes=f"{client.closes:%H:%M}")
            if client.round_the_clock:
                return hours + " " + _("Your company has round-the-clock support.")
            return hours + " " + _("Round-the-clock support is not in your contract.")
        if name == "manager":
            if manager is None:
                return _("No personal manager is assigned to your company yet.")
            return _("Your personal manager is {name}.").format(name=escape(manager.name))
        return None

    body = personalise(article.body, sentence)
    return "<b>" + escape(article.title) + "</b>\n" + markdown_to_html(body)


async def passed_to_manager(
    message: Message | Pressed, draft: IntakeDraft, asker: Asker, *, answered_with: str
) -> str | None:
    """The question sent to the manager; what the employee is told (None: refused)."""
    outcome = await perform(
        ask_manager(
            asker.uow,
            asker.clock,
            employee_tg_id=asker.actor.tg_id,
            text=draft.description,
            answered_with=answered_with,
        ),
        asker.uow,
        asker.notifier,
        lambda exc: message.answer(exc.message),
    )
    if outcome is None:
        return None
    manager = await asker.uow.staff.get(outcome.value) if outcome.value else None
    if manager is None:
        return _(
            "This is a question about our service rather than a request: I passed it to "
            "the heads of support, they will answer you here in Telegram."
        )
    return _(
        "This is a question about our service rather than a request: I passed it to your "
        "personal manager, {name}. The answer will come to you in Telegram."
    ).format(name=escape(manager.name))


@router.callback_query(Intake.question, IntakeCb.filter(F.action == "question"))
async def question_choice(
    query: CallbackQuery,
    callback_data: IntakeCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«Спросить менеджера» after the FAQ's answer, or «Это не вопрос — оформить заявку»."""
    live = await pressed_on_live_question(query, callback_data, state)
    if live is None:
        return
    pressed, draft = live
    if callback_data.value == "ticket":
        await state.set_state(Intake.kind)
        await intake.ask_kind(pressed, state, draft, note=_("Then let us register a request."))
        return
    asker = Asker(actor, uow, clock, notifier)
    articles = (
        await articles_for(uow, actor.client.id or 0, get_i18n().current_locale)
        if actor.client
        else ()
    )
    title = next((a.title for a in articles if a.slug in draft.suggested), "")
    told = await passed_to_manager(pressed, draft, asker, answered_with=title)
    if told is not None:
        await state.clear()
        await pressed.answer(told, reply_markup=main_keyboard())


@router.message(Intake.question, F.text, ~F.text.startswith("/"))
async def after_the_answer(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "спасибо", "понятно" end it; anything else is a new message (a question or a request)."""
    text = (message.text or "").strip()
    await state.clear()
    if read_self_help_answer(text):
        await message.answer(_("You are welcome!"), reply_markup=main_keyboard())
        return
    await intake.start_with(
        message, state, clock, text, [], asker=Asker(actor, uow, clock, notifier)
    )
