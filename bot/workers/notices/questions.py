"""A question about the service (not a ticket) for the client's personal manager, or for
the leads when the client has none: who asked, from which company, what, and the answer
the bot gave from the FAQ, if any."""

from __future__ import annotations

import html

from bot.workers.notices.outbox import OutboxWriter
from domain import events as ev
from domain.enums import StaffRole
from domain.ports import UnitOfWork
from handlers.ui.texts import N_


async def service_question(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ServiceQuestionAsked
) -> None:
    client = await uow.clients.get(event.client_id)
    employee = await uow.employees.get(event.employee_id)
    if client is None or employee is None:
        return
    wanted = [client.manager_tg_id] if client.manager_tg_id else []
    people = await out.active_staff(uow, wanted) or await out.active_staff(
        uow, await out.role(uow, StaffRole.LEAD)
    )
    who = f'<a href="tg://user?id={employee.tg_id}">{html.escape(employee.name)}</a>'
    for person in people:
        locale = out.staff_locale(person)
        text = out.t(
            N_(
                "❓ A question about the service, not a request. Asked by {employee}, "
                "{client}:\n«{text}»"
            ),
            locale,
            employee=who,
            client=html.escape(client.name),
            text=html.escape(event.text),
        )
        if event.answered_with:
            text += "\n" + out.t(
                N_("I answered with «{title}», and they still want to ask you."),
                locale,
                title=html.escape(event.answered_with),
            )
        else:
            text += "\n" + out.t(N_("I had no answer to it."), locale)
        text += "\n" + out.t(
            N_("Reply to this message with your answer, and I will pass it on."), locale
        )
        await out.text(uow, person.tg_id, text, None)


async def service_question_answered(
    out: OutboxWriter, uow: UnitOfWork, event: ev.ServiceQuestionAnswered
) -> None:
    employee = await uow.employees.get(event.employee_id)
    if employee is None or not employee.active:
        return
    locale = out.employee_locale(employee)
    name = await out.staff_name(uow, event.staff_tg_id)
    text = out.t(
        N_("💬 {name} answers your question about the service:\n{text}"),
        locale,
        name=name,  # escaped already
        text=html.escape(event.text),
    )
    await out.text(uow, employee.tg_id, text, None)
