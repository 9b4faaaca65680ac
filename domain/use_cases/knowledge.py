"""Knowledge base: the administrator's articles, the articles an employee may be shown, and
what the employee said of those suggested to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain import events as ev
from domain.errors import InvalidInput, NotFound
from domain.knowledge import Article, SelfHelpOutcome, shipped_faq
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import Outcome, acting_employee, clean_text, get_client


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
    return await uow.knowledge.save(replace(article, updated_at=clock.now()))


async def remove_article(uow: UnitOfWork, slug: str) -> None:
    if not await uow.knowledge.remove(slug):
        raise NotFound(f"no article with id {slug!r}")


async def articles_for(uow: UnitOfWork, client_id: int) -> tuple[Article, ...]:
    """The published articles that apply to the client, and the FAQ shipped with the
    product (a stored article with the same id replaces its shipped copy)."""
    stored = list(await uow.knowledge.for_client(client_id))
    slugs = {a.slug for a in stored} | {a.slug for a in await uow.knowledge.list()}
    return tuple(stored) + tuple(a for a in shipped_faq() if a.slug not in slugs)


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
