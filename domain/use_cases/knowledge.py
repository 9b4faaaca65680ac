"""Knowledge base: the administrator's articles, the articles an employee may be shown, and
what the employee said of those suggested to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum

from domain import events as ev
from domain.enums import Category, StaffRole, TicketStatus
from domain.errors import AccessDenied, InvalidInput, NotFound
from domain.knowledge import (
    FAQ_LANGUAGES,
    MAX_BODY,
    MAX_TITLE,
    Article,
    ArticleStatus,
    SelfHelpOutcome,
    shipped_faq,
)
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import (
    Outcome,
    acting_employee,
    acting_staff,
    clean_text,
    get_client,
    get_ticket,
)


async def save_article(uow: UnitOfWork, clock: Clock, article: Article, *, new: bool) -> Article:
    """Add an article (`new`: its id must be free) or replace the one with its id."""
    existing = await uow.knowledge.by_slug(article.slug)
    if new and existing is not None:
        raise InvalidInput(
            f"an article with id {article.slug!r} exists already (to change it: kb edit)"
        )
    if not new and existing is None:
        raise NotFound(f"no article with id {article.slug!r} (to add it: kb add)")
    if article.client_id is not None:
        await get_client(uow, article.client_id)  # NotFound for an unknown client
    if existing is not None:  # a draft rewritten stays a draft: a lead publishes it
        article = replace(article, status=existing.status, source_ticket=existing.source_ticket)
    return await uow.knowledge.save(replace(article, updated_at=clock.now()))


async def remove_article(uow: UnitOfWork, slug: str) -> None:
    if not await uow.knowledge.remove(slug):
        raise NotFound(f"no article with id {slug!r}")


async def articles_for(uow: UnitOfWork, client_id: int, language: str) -> tuple[Article, ...]:
    """The published articles that apply to the client in the asker's language (an
    instruction they cannot read helps nobody), and the FAQ shipped with the product in
    that language (a stored article with the same id replaces its shipped copy)."""
    stored = list(await uow.knowledge.for_client(client_id))
    slugs = {a.slug for a in stored} | {a.slug for a in await uow.knowledge.list()}
    language = language if language in FAQ_LANGUAGES else FAQ_LANGUAGES[0]
    readable = tuple(a for a in stored if a.language == language)
    return readable + tuple(a for a in shipped_faq(language) if a.slug not in slugs)


async def record_self_help(
    uow: UnitOfWork,
    clock: Clock,
    *,
    employee_tg_id: int,
    articles: Sequence[Article],
    helped: bool,
    intake_key: str,
) -> Outcome[None]:
    """The articles suggested helped (a problem solved without a ticket) or did not (the
    request goes on, and its card will say so). Nobody else is told."""
    employee = await acting_employee(uow, employee_tg_id)
    assert employee.id is not None
    now = clock.now()
    for article in articles[:1] if helped else articles:
        await uow.knowledge.add_outcome(
            SelfHelpOutcome(
                title=article.title,
                client_id=employee.client_id,
                employee_id=employee.id,
                helped=helped,
                at=now,
                article_id=article.id,
                intake_key=intake_key,
            )
        )
    return Outcome(None)


MAX_QUESTION_LENGTH = 4000


async def ask_manager(
    uow: UnitOfWork, clock: Clock, *, employee_tg_id: int, text: str, answered_with: str = ""
) -> Outcome[int | None]:
    """A question about the service goes to the client's personal manager (not a ticket);
    the manager's Telegram id, None when the client has none (the leads hear it)."""
    employee = await acting_employee(uow, employee_tg_id)
    assert employee.id is not None
    question = clean_text(text, limit=MAX_QUESTION_LENGTH, what="question")
    client = await get_client(uow, employee.client_id)
    event = ev.ServiceQuestionAsked(employee.client_id, employee.id, question, answered_with)
    return Outcome(client.manager_tg_id, (event,))


async def answer_question(
    uow: UnitOfWork, clock: Clock, *, staff_tg_id: int, employee_tg_id: int, text: str
) -> Outcome[None]:
    """Staff answer an employee's question about the service, through the bot: the
    employee hears it in their chat with it."""
    await acting_staff(uow, staff_tg_id)
    employee = await uow.employees.by_tg_id(employee_tg_id)
    if employee is None or not employee.active or employee.id is None:
        raise NotFound("the employee who asked is no longer with the client")
    answer = clean_text(text, limit=MAX_QUESTION_LENGTH, what="answer")
    return Outcome(None, (ev.ServiceQuestionAnswered(employee.id, staff_tg_id, answer),))


# --- drafts from solved tickets -------------------------------------------------------------

DRAFT_PHRASE_LENGTH = 200


async def draft_from_ticket(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Article]:
    """A draft article from a resolved ticket: its title and description as what it
    answers, the resolution staff wrote as its text. Never shown to clients until a lead
    publishes it; the same ticket twice gives back the draft made the first time."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise InvalidInput(f"ticket №{ticket_id} is not resolved yet")
    slug = f"ticket-{ticket_id}"
    existing = await uow.knowledge.by_slug(slug)
    if existing is not None:
        return Outcome(existing)
    said = [m for m in await uow.tickets.messages(ticket_id) if m.author == "staff" and m.text]
    if not said:
        raise InvalidInput(f"ticket №{ticket_id} has no resolution text to make an article of")
    description = " ".join(ticket.description.split())[:DRAFT_PHRASE_LENGTH]
    draft = Article(
        slug=slug,
        title=(ticket.title[:1].upper() + ticket.title[1:])[:MAX_TITLE],
        body=said[-1].text[:MAX_BODY],
        categories=() if ticket.category is Category.OTHER else (ticket.category,),
        phrases=(description,) if description else (),
        status=ArticleStatus.DRAFT,
        source_ticket=ticket_id,
        updated_at=clock.now(),
    )
    return Outcome(await uow.knowledge.save(draft))


class Review(StrEnum):
    APPROVE = "approve"
    DROP = "drop"
    EDIT = "edit"


async def review_draft(
    uow: UnitOfWork,
    clock: Clock,
    *,
    slug: str,
    staff_tg_id: int,
    review: Review,
    text: str = "",
) -> Outcome[Article | None]:
    """A lead publishes a draft, drops it, or replaces its text (its first line the
    title when it starts with "# "); what is left, None when dropped."""
    lead = await acting_staff(uow, staff_tg_id)
    if lead.role not in (StaffRole.LEAD, StaffRole.ADMIN):
        raise AccessDenied("only a lead reviews the knowledge base's drafts")
    draft = await uow.knowledge.by_slug(slug)
    if draft is None or draft.published:
        raise NotFound(f"no draft with id {slug!r}")
    if review is Review.DROP:
        await uow.knowledge.remove(slug)
        return Outcome(None)
    if review is Review.APPROVE:
        changed = replace(draft, status=ArticleStatus.PUBLISHED, updated_at=clock.now())
    else:
        body = clean_text(text, limit=MAX_BODY, what="article's text")
        title = draft.title
        first, _, rest = body.partition("\n")
        if first.startswith("# ") and rest.strip():
            title, body = first[2:].strip()[:MAX_TITLE] or title, rest.strip()
        changed = replace(draft, title=title, body=body, updated_at=clock.now())
    return Outcome(await uow.knowledge.save(changed))
