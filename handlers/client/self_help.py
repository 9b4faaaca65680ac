"""Self-help in the intake: after the description and before the urgency questions, the
knowledge base's articles that answer it well ("Возможно, поможет: …"), with «Помогло»
(no request: a problem solved, counted) and «Нет, нужна помощь» (the questions go on, the
description kept). Typed answers work too ("помогло", "нет, не помогло"). Never outside
the client's working hours nor for an outage that stops many (domain/self_help.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.article_text import escape, markdown_to_html
from domain.classification import classify
from domain.descriptions import says_what
from domain.kb_search import search
from domain.knowledge import Article, ArticleKind
from domain.ports import Clock, Notifier, UnitOfWork
from domain.self_help import (
    MAX_ANSWER_WORDS,
    asks_about_service,
    may_suggest,
    read_self_help_answer,
)
from domain.use_cases import intake as intake_use_case
from domain.use_cases.knowledge import articles_for, record_self_help
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import intake
from handlers.client.states import Intake, IntakeDraft, SelfHelped
from handlers.ui.callbacks import IntakeCb
from handlers.ui.keyboards import inline, main_keyboard
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.message.filter(F.chat.type == "private", lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who describes the request, and what a suggestion needs to be looked up."""

    actor: Actor
    uow: UnitOfWork
    clock: Clock
    notifier: Notifier


async def about_the_service(text: str, asker: Asker) -> bool:
    """Whether a message is a question about the service (domain/self_help.py)."""
    client = asker.actor.client
    if not text or client is None or client.id is None:
        return False
    articles = await articles_for(asker.uow, client.id, get_i18n().current_locale)
    faq = search(articles, text, client.id, kind=ArticleKind.FAQ)
    return asks_about_service(classify(text), faq[0].score if faq else 0.0)


def article_html(article: Article) -> str:
    return "<b>" + escape(article.title) + "</b>\n" + markdown_to_html(article.body)


async def offer_or_ask_kind(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    asker: Asker | None,
    *,
    note: str = "",
) -> None:
    """The articles that may solve it, once per request; else (or then) the kind question."""
    client = asker.actor.client if asker is not None else None
    if (
        asker is None
        or client is None
        or client.id is None
        or draft.self_help_done
        or not draft.description
        or not says_what(draft.description)  # "помогите": asked what happened first
    ):
        await intake.ask_kind(message, state, draft, note=note)
        return
    articles = await articles_for(asker.uow, client.id, get_i18n().current_locale)
    faq = search(articles, draft.description, client.id, kind=ArticleKind.FAQ)
    best = faq[0].score if faq else 0.0
    if not draft.attachments and asks_about_service(classify(draft.description), best):
        from handlers.client import questions  # it imports this module

        await questions.answer(message, state, draft, asker, faq)  # not a ticket
        return
    draft.self_help_done = True
    working = client.calendar.is_working(asker.clock.now())
    hits = []
    if may_suggest(draft.description, working_hours=working):
        hits = search(articles, draft.description, client.id, kind=ArticleKind.HOWTO)
    if not hits:
        await draft.save(state)
        await intake.ask_kind(message, state, draft, note=note)
        return
    draft.suggested = [hit.article.slug for hit in hits]
    await state.set_state(Intake.suggest)
    await draft.save(state)
    await send_files(message, asker.uow, [hit.article for hit in hits])
    await ask_if_helped(message, state, draft, [hit.article for hit in hits], note=note)


async def send_files(
    message: Message | Pressed, uow: UnitOfWork, articles: Sequence[Article]
) -> None:
    """An article's picture or file goes above the text that refers to it."""
    for article in articles:
        if article.id is None or message.bot is None:
            continue
        full = await uow.knowledge.attachment(article.id)
        file = full.attachment if full is not None else None
        if file is None:
            continue
        upload = BufferedInputFile(file.content, filename=file.name)
        if file.is_image:
            await message.bot.send_photo(message.chat.id, upload, caption=article.title)
        else:
            await message.bot.send_document(message.chat.id, upload, caption=article.title)


async def ask_if_helped(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    articles: Sequence[Article],
    *,
    note: str = "",
) -> None:
    text = "\n\n".join(
        [
            "💡 <b>" + _("Maybe this helps:") + "</b>",
            *(article_html(a) for a in articles),
            _("Did it help? If not, we will register a request: nothing you wrote is lost."),
        ]
    )
    markup = inline(
        [(_("👍 It helped"), intake.cb(draft, "helped", "yes"))],
        [(_("No, I need help"), intake.cb(draft, "helped", "no"))],
    )
    await intake.say(message, draft, text, markup, edit=False, state=state, note=note)


async def suggested_articles(uow: UnitOfWork, actor: Actor, draft: IntakeDraft) -> list[Article]:
    assert actor.client is not None and actor.client.id is not None
    by_slug = {
        a.slug: a for a in await articles_for(uow, actor.client.id, get_i18n().current_locale)
    }
    return [by_slug[slug] for slug in draft.suggested if slug in by_slug]


async def answered(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    *,
    helped: bool,
    note: str = "",
) -> None:
    """«Помогло»: the request is dropped, the solution counted; «Нет»: the questions go on."""
    articles = await suggested_articles(uow, actor, draft)
    outcome = await perform(
        record_self_help(
            uow,
            clock,
            employee_tg_id=actor.tg_id,
            articles=articles,
            helped=helped,
            intake_key=draft.intake,
        ),
        uow,
        notifier,
        lambda exc: message.answer(exc.message),
        then=state.clear if helped else None,
    )
    if outcome is None:
        return
    if helped:
        # "всё равно не работает" soon after goes on with this request (routing.py)
        helped_with = SelfHelped(draft.description, draft.category, clock.now())
        await state.set_data(helped_with.to_state())
        await message.answer(
            _(
                "Glad it helped! No request was registered. If the problem comes back, "
                "just write to me."
            ),
            reply_markup=main_keyboard(),
        )
        return
    await state.set_state(Intake.kind)
    await intake.ask_kind(message, state, draft, note=note or _("Then let us register a request."))


async def pressed_on_live_question(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext
) -> tuple[Pressed, IntakeDraft] | None:
    """The button's message (its buttons gone) and the draft, if the button is on the
    intake's live question; else it is said to be out of date."""
    draft = await IntakeDraft.load(state)
    pressed_on = query.message.message_id if query.message is not None else None
    if draft.intake != callback_data.intake or pressed_on != draft.question_id:
        await query.answer(_("This card is out of date."), show_alert=True)
        return None
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()
    return pressed, draft


@router.callback_query(Intake.suggest, IntakeCb.filter(F.action == "helped"))
async def helped_pressed(
    query: CallbackQuery,
    callback_data: IntakeCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«Помогло» or «Нет, нужна помощь» under the suggested articles."""
    live = await pressed_on_live_question(query, callback_data, state)
    if live is None:
        return
    pressed, draft = live
    helped = callback_data.value == "yes"
    await answered(pressed, state, draft, actor, uow, clock, notifier, helped=helped)


@router.message(Intake.suggest, F.text, ~F.text.startswith("/"))
async def helped_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """ "помогло" / "нет, не помогло" typed; a longer text adds to the description and the
    questions go on; anything else: the question again."""
    draft = await IntakeDraft.load(state)
    text = (message.text or "").strip()
    answer = read_self_help_answer(text)
    if answer is not None:
        await answered(message, state, draft, actor, uow, clock, notifier, helped=answer)
        return
    if len(text.split()) > MAX_ANSWER_WORDS:  # more about the problem: it did not help
        combined = f"{draft.description}\n{text}".strip()
        if len(combined) <= intake_use_case.MAX_DESCRIPTION_LENGTH:
            draft.description = combined
        await draft.save(state)
        note = _("Added to the description.")
        await answered(message, state, draft, actor, uow, clock, notifier, helped=False, note=note)
        return
    articles = await suggested_articles(uow, actor, draft)
    note = _("Please answer with a button below: did it help?")
    await ask_if_helped(message, state, draft, articles, note=note)
