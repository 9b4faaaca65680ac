"""A director manages who of the company may write to support: from /company, the list of
the people with access and a button to take a colleague's access away, confirmed first.
The director's own access is not theirs to remove (an administrator does that)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from domain.model import Employee
from domain.ports import Notifier, UnitOfWork
from domain.use_cases import accounts
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client.intake import escape
from handlers.ui.callbacks import PeopleCb
from handlers.ui.keyboards import inline
from handlers.ui.pressed import Pressed

router = Router(name=__name__)
router.callback_query.filter(
    F.message.chat.type == "private", lambda _q, actor: actor.is_employee, PeopleCb.filter()
)


def people_button() -> list[tuple[str, str]]:
    """The row /company shows a director under the company's tickets."""
    return [(_("👥 People with access"), PeopleCb(action="list").pack())]


def _error_text(exc: DomainError) -> str:
    return {
        "access_denied": _("Only your company's director manages who has access."),
        "not_found": _("This person no longer has access."),
        "invalid_input": _("You cannot remove yourself: ask your personal manager."),
    }.get(exc.code, exc.message)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    await query.answer()
    await Pressed(query).edit_text(text, reply_markup=markup)


async def _people(query: CallbackQuery, actor: Actor, uow: UnitOfWork) -> list[Employee] | None:
    try:
        return await accounts.colleagues(uow, director_tg_id=actor.tg_id)
    except DomainError as exc:
        await query.answer(_error_text(exc), show_alert=True)
        return None


@router.callback_query(PeopleCb.filter(F.action == "list"))
async def list_people(query: CallbackQuery, actor: Actor, uow: UnitOfWork) -> None:
    """Who of the company may write to support, with a button to remove each colleague."""
    people = await _people(query, actor, uow)
    if people is None:
        return
    company = escape(actor.client.name) if actor.client else ""
    lines = [_("<b>People of {company} with access to support</b>").format(company=company), ""]
    for person in people:
        role = _("director") if person.is_director else _("employee")
        lines.append(f"• {escape(person.name)} ({role})")
    lines += ["", _("To take a colleague's access away, press their name.")]
    rows = [
        [("❌ " + p.name[:40], PeopleCb(action="ask", employee=p.id or 0).pack())]
        for p in people
        if p.tg_id != actor.tg_id
    ]
    await _edit(query, "\n".join(lines), inline(*rows) if rows else None)


@router.callback_query(PeopleCb.filter(F.action == "ask"))
async def ask_to_remove(
    query: CallbackQuery, callback_data: PeopleCb, actor: Actor, uow: UnitOfWork
) -> None:
    """Confirm before the access is taken away."""
    people = await _people(query, actor, uow)
    if people is None:
        return
    person = next((p for p in people if p.id == callback_data.employee), None)
    if person is None:
        await query.answer(_("This person no longer has access."), show_alert=True)
        return
    text = _(
        "{name} will no longer be able to write to support. Their requests stay in the "
        "company's history, and the open ones will still be worked on.\n\n"
        "Take away the access?"
    ).format(name=f"<b>{escape(person.name)}</b>")
    markup = inline(
        [
            (_("Yes, take away access"), PeopleCb(action="remove", employee=person.id or 0).pack()),
            (_("« Back"), PeopleCb(action="list").pack()),
        ]
    )
    await _edit(query, text, markup)


@router.callback_query(PeopleCb.filter(F.action == "remove"))
async def remove(
    query: CallbackQuery,
    callback_data: PeopleCb,
    actor: Actor,
    uow: UnitOfWork,
    notifier: Notifier,
) -> None:
    """The colleague is a stranger to the bot from their next message on."""
    outcome = await perform(
        accounts.remove_colleague(
            uow, director_tg_id=actor.tg_id, employee_id=callback_data.employee
        ),
        uow,
        notifier,
        lambda exc: query.answer(_error_text(exc), show_alert=True),
    )
    if outcome is None:
        return
    removal = outcome.value
    text = _("{name} no longer has access to support.").format(
        name=f"<b>{escape(removal.name)}</b>"
    )
    if removal.open_tickets:
        text += " " + _(
            "Their open requests ({count}) stay with the company and will still be worked on."
        ).format(count=removal.open_tickets)
    await _edit(query, text, inline([(_("« Back"), PeopleCb(action="list").pack())]))
