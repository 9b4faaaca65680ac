"""The knowledge base grows from solved tickets: «📚 В базу знаний» under a resolution
makes a draft article of the ticket's description and the resolution; a lead reviews the
drafts with /kb drafts (publish, edit, drop). Nothing reaches clients unreviewed."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.errors import AccessDenied, DomainError, NotFound
from domain.knowledge import Article, ArticleStatus
from domain.ports import Clock, Notifier, UnitOfWork
from domain.use_cases.knowledge import Review, draft_from_ticket, review_draft
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.self_help import article_html
from handlers.staff import in_staff_place
from handlers.staff.states import StaffKb
from handlers.ui.callbacks import KbCb
from handlers.ui.keyboards import inline
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.message.filter(lambda _m, actor: actor.is_staff, in_staff_place)
router.callback_query.filter(lambda _q, actor: actor.is_staff, in_staff_place)


def to_knowledge_base(ticket_id: int) -> InlineKeyboardMarkup:
    """The button under a resolution with a text."""
    return inline(
        [(_("📚 To the knowledge base"), KbCb(action="draft", key=str(ticket_id)).pack())]
    )


def why_not(exc: DomainError) -> str:
    if isinstance(exc, AccessDenied):
        return _("Drafts are reviewed by a lead.")
    if isinstance(exc, NotFound):
        return _("This draft has been reviewed already.")
    return _("There is no resolution text in this ticket to make an article of.")


def draft_text(article: Article) -> str:
    source = article.source_ticket
    head = _("📚 Draft from request №{number}").format(number=source) if source else _("📚 Draft")
    phrases = "\n".join(f"«{html.escape(p)}»" for p in article.phrases)
    lines = [f"<b>{head}</b>", "", article_html(article)]
    if phrases:
        lines += ["", _("Answers:") + "\n" + phrases]
    return "\n".join(lines)


def review_buttons(article: Article) -> InlineKeyboardMarkup:
    def b(text: str, action: str) -> tuple[str, str]:
        return text, KbCb(action=action, key=article.slug).pack()

    return inline([b(_("✅ Publish"), "approve"), b(_("✏️ Edit"), "edit"), b(_("🗑 Drop"), "drop")])


@router.callback_query(KbCb.filter(F.action == "draft"))
async def make_draft(
    query: CallbackQuery,
    callback_data: KbCb,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """«📚 В базу знаний»: a draft of the resolved ticket, for a lead to review."""
    if not callback_data.key.isdigit():
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    outcome = await perform(
        draft_from_ticket(uow, clock, ticket_id=int(callback_data.key), staff_tg_id=actor.tg_id),
        uow,
        notifier,
        lambda exc: query.answer(why_not(exc), show_alert=True),
    )
    if outcome is None:
        return
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()
    await pressed.answer(
        _("📚 A draft article «{title}» is made; a lead reviews it with /kb drafts.").format(
            title=html.escape(outcome.value.title)
        )
    )


@router.message(Command("kb"))
async def drafts(message: Message, actor: Actor, uow: UnitOfWork) -> None:
    """/kb drafts: the drafts waiting for a lead, each with its buttons."""
    if not actor.is_lead:
        await message.answer(_("Drafts are reviewed by a lead."))
        return
    waiting = await uow.knowledge.list(ArticleStatus.DRAFT)
    if not waiting:
        await message.answer(_("No drafts are waiting for review."))
        return
    for article in waiting:
        await message.answer(draft_text(article), reply_markup=review_buttons(article))


@router.callback_query(KbCb.filter(F.action.in_({"approve", "drop", "edit"})))
async def reviewed(
    query: CallbackQuery,
    callback_data: KbCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """A lead publishes or drops a draft, or is asked for its new text."""
    pressed = Pressed(query)
    if callback_data.action == "edit":
        article = await uow.knowledge.by_slug(callback_data.key)
        if not actor.is_lead or article is None or article.published:
            await query.answer(why_not(AccessDenied("") if not actor.is_lead else NotFound("")))
            return
        await state.set_state(StaffKb.editing)
        await state.update_data(article=article.slug)
        await query.answer()
        await pressed.answer(
            _("Send the article's new text. A first line «# Title» changes its title too.")
        )
        return
    review = Review(callback_data.action)
    outcome = await perform(
        review_draft(uow, clock, slug=callback_data.key, staff_tg_id=actor.tg_id, review=review),
        uow,
        notifier,
        lambda exc: query.answer(why_not(exc), show_alert=True),
    )
    if outcome is None:
        return
    await query.answer()
    if outcome.value is None:
        await pressed.edit_text(_("🗑 The draft is dropped."))
        return
    await pressed.edit_text(
        _("✅ Published: «{title}». The bot suggests it to clients from now on.").format(
            title=html.escape(outcome.value.title)
        )
    )


@router.message(StaffKb.editing, F.text, ~F.text.startswith("/"))
async def new_text(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The draft's new text; the draft is shown again to publish or drop."""
    slug = str((await state.get_data()).get("article", ""))
    await state.clear()
    outcome = await perform(
        review_draft(
            uow,
            clock,
            slug=slug,
            staff_tg_id=actor.tg_id,
            review=Review.EDIT,
            text=message.text or "",
        ),
        uow,
        notifier,
        lambda exc: message.answer(why_not(exc)),
    )
    if outcome is None or outcome.value is None:
        return
    await message.answer(draft_text(outcome.value), reply_markup=review_buttons(outcome.value))
