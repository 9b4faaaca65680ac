"""A task's estimate: the client asked to approve it with one tap (the employee who wrote, or
the director for work billed separately, domain/estimates.py; the author then hears who
decides), and staff told the answer."""

from __future__ import annotations

import html

from bot.workers.notices.outbox import Context, OutboxWriter, button_markup
from bot.workers.notices.staff_pings import card_button
from domain.estimates import Estimate
from domain.model import Employee, Staff
from domain.ports import UnitOfWork
from handlers.ui.callbacks import TicketCb
from handlers.ui.formatting import estimate_size
from handlers.ui.texts import N_

APPROVE, DECLINE = "y", "n"  # after the estimate's id: "12y"


def estimate_buttons(out: OutboxWriter, estimate: Estimate, locale: str) -> dict:
    def press(said: str, answer: str) -> tuple[str, str]:
        value = f"{estimate.id}{answer}"
        return out.t(said, locale), TicketCb(
            ticket=estimate.ticket_id, action="estimate", value=value
        ).pack()

    return button_markup(
        [press(N_("✅ Approve"), APPROVE), press(N_("❌ Do not approve"), DECLINE)]
    )


def question(out: OutboxWriter, c: Context, estimate: Estimate, locale: str) -> str:
    """«Оценка по заявке №N: ~3 ч (≈ 6 000 ₽). Согласовать?» and what it is about."""
    with out.speaking(locale):
        size = estimate_size(estimate.minutes, estimate.amount, locale)
    said = (
        N_(
            "💰 Estimate for request №{number}: {size}, billed separately, on top of the "
            "plan. Approve it?"
        )
        if estimate.billed_separately
        else N_("💰 Estimate for request №{number}: {size}, out of the plan's hours. Approve it?")
    )
    return out.t(said, locale, number=c.ticket.number, size=size) + (
        f"\n«{html.escape(c.ticket.title)}»"
    )


async def asked(
    out: OutboxWriter, uow: UnitOfWork, c: Context, estimate: Estimate, approver: Employee
) -> None:
    """The one who decides gets the question with its two buttons; the author, when that is
    somebody else (the director), hears where their request stands."""
    locale = out.employee_locale(approver)
    text = question(out, c, estimate, locale)
    if c.ticket.outage:  # the company's: who reported it, not the first of them alone
        names = []
        for child in await uow.tickets.children(c.ticket.number):
            author = await uow.employees.get(child.employee_id)
            names.append(html.escape(author.name if author else "—"))
        said = N_("A mass outage; reported by: {names}.")
        text += "\n" + out.t(said, locale, names=", ".join(names) or "—")
    elif approver.id != c.employee.id:
        text += "\n" + out.t(N_("Requested by {name}."), locale, name=html.escape(c.employee.name))
    await out.text(
        uow,
        approver.tg_id,
        text,
        c.ticket.number,
        estimate_buttons(out, estimate, locale),
        key=f"estimate:{estimate.id}",
    )
    if approver.id == c.employee.id or c.ticket.outage:
        return
    locale = out.employee_locale(c.employee)
    with out.speaking(locale):
        size = estimate_size(estimate.minutes, estimate.amount, locale)
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(
            N_(
                "💰 Estimate for your request №{number}: {size}. The work is billed "
                "separately, so {name} approves it; we will go on as soon as they decide."
            ),
            locale,
            number=c.ticket.number,
            size=size,
            name=html.escape(approver.name),
        ),
        c.ticket.number,
        key=f"estimate-told:{estimate.id}",
    )


async def decided(
    out: OutboxWriter,
    uow: UnitOfWork,
    c: Context,
    estimate: Estimate,
    decider: Employee,
    staff: list[Staff],
) -> None:
    """Staff hear the answer: whoever has the ticket and whoever put the estimate."""
    for person in staff:
        locale = out.staff_locale(person)
        with out.speaking(locale):
            size = estimate_size(estimate.minutes, estimate.amount, locale)
        said = (
            N_("✅ №{number}: the estimate {size} is approved ({name}). Go ahead.")
            if estimate.approved
            else N_(
                "❌ №{number}: the estimate {size} is not approved ({name}). The ticket is "
                "back in work: talk it over with the client."
            )
        )
        await out.text(
            uow,
            person.tg_id,
            out.t(said, locale, number=c.ticket.number, size=size, name=html.escape(decider.name)),
            c.ticket.number,
            card_button(out, c.ticket.number, locale),
        )


async def decided_for_author(
    out: OutboxWriter, uow: UnitOfWork, c: Context, estimate: Estimate, decider: Employee
) -> None:
    """The author of a request whose estimate the director decided on hears the answer."""
    locale = out.employee_locale(c.employee)
    said = (
        N_("The estimate for your request №{number} is approved ({name}): the work goes on.")
        if estimate.approved
        else N_(
            "The estimate for your request №{number} is not approved ({name}). The engineer "
            "will talk the work over with you."
        )
    )
    await out.text(
        uow,
        c.employee.tg_id,
        out.t(said, locale, number=c.ticket.number, name=html.escape(decider.name)),
        c.ticket.number,
    )
