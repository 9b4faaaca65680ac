"""Use cases over in-memory ports: what each does to the ticket and which events it reports."""

from datetime import UTC, time, timedelta

import pytest

from domain import (
    Category,
    Priority,
    RequestType,
    Scope,
    TicketKind,
    TicketStatus,
    WorkImpact,
)
from domain import events as ev
from domain.enums import EmployeeRole
from domain.errors import AccessDenied, InvalidInput, InvalidTransition, InviteUnusable, NotFound
from domain.model import Attachment
from domain.routing import Action, Do, Option
from domain.use_cases import accounts, employee_tickets, intake, staff_tickets
from tests.unit.fakes import (
    COLLEAGUE_TG,
    DIRECTOR_TG,
    EMPLOYEE_TG,
    ENGINEER,
    STRANGER_TG,
    msk,
)

PRINTER_DOWN = intake.TicketDraft(
    description="Не печатает принтер в бухгалтерии, горит красная лампочка",
    kind=TicketKind.INCIDENT,
    category=Category.PRINTER,
    impact=WorkImpact.BLOCKED,
    scope=Scope.ME,
)


async def open_printer_ticket(uow, clock, **kw):
    return await intake.open_ticket(
        uow, clock, employee_tg_id=EMPLOYEE_TG, draft=PRINTER_DOWN, **kw
    )


async def test_open_ticket_registers_priority_and_deadlines(uow, clock):
    outcome = await open_printer_ticket(uow, clock)
    t = outcome.value
    assert t.number == 1 and t.status is TicketStatus.NEW and t.priority is Priority.HIGH
    assert t.reaction_due == msk(2026, 11, 23, 11, 0)  # Gold, High: 1 h
    assert t.resolution_due == msk(2026, 11, 23, 18, 0)  # Gold, High: 8 h
    assert t.title.startswith("Не печатает принтер") and not t.after_hours
    assert outcome.events == (ev.TicketOpened(1),)
    assert uow.commits == 0  # the caller's unit of work commits


async def test_double_send_with_the_same_intake_key_creates_one_ticket(uow, clock):
    first = await open_printer_ticket(uow, clock, intake_key="k1")
    second = await open_printer_ticket(uow, clock, intake_key="k1")
    assert first.value.number == second.value.number
    assert second.events == ()
    assert len(uow.store.tickets) == 1


async def test_after_hours_request_on_friday_evening_is_due_on_monday(uow, clock):
    clock.at = msk(2026, 11, 27, 19, 0).astimezone(UTC)
    draft = intake.TicketDraft(
        "Установите Zoom", TicketKind.REQUEST, Category.SOFTWARE, request_type=RequestType.SERVICE
    )
    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=draft)).value
    assert t.after_hours and t.priority is Priority.STANDARD
    assert t.reaction_due == msk(2026, 11, 30, 13, 0)  # Gold Standard: 4 h from Monday 09:00


async def test_round_the_clock_client_runs_high_tickets_at_night(uow, clock):
    client = await uow.clients.get(1)
    client.round_the_clock = True
    await uow.clients.update(client)
    clock.at = msk(2026, 11, 28, 23, 0).astimezone(UTC)  # Saturday night
    t = (await open_printer_ticket(uow, clock)).value
    assert not t.after_hours
    assert t.reaction_due == msk(2026, 11, 29, 0, 0)


async def test_preview_promises_what_registration_gives(uow, clock):
    client = await uow.clients.get(1)
    preview = intake.preview_deadlines(client, PRINTER_DOWN, clock.now())
    t = (await open_printer_ticket(uow, clock)).value
    assert (preview.reaction_due, preview.resolution_due) == (t.reaction_due, t.resolution_due)
    assert preview.priority is Priority.HIGH and not preview.after_hours


async def test_empty_or_overlong_description_is_refused(uow, clock):
    for text in ("   ", "x" * (intake.MAX_DESCRIPTION_LENGTH + 1)):
        draft = intake.TicketDraft(
            text, TicketKind.INCIDENT, impact=WorkImpact.HAMPERED, scope=Scope.ME
        )
        with pytest.raises(InvalidInput):
            await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=draft)
    assert not uow.store.tickets


async def test_a_photo_alone_is_a_valid_description(uow, clock):
    draft = intake.TicketDraft(
        "",
        TicketKind.INCIDENT,
        impact=WorkImpact.HAMPERED,
        scope=Scope.ME,
        attachments=(Attachment("photo", "f1"),),
    )
    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=draft)).value
    messages = await uow.tickets.messages(t.number)
    assert messages[0].attachments == (Attachment("photo", "f1"),)


async def test_unknown_person_cannot_open_a_ticket(uow, clock):
    with pytest.raises(AccessDenied):
        await intake.open_ticket(uow, clock, employee_tg_id=STRANGER_TG, draft=PRINTER_DOWN)


async def test_invite_unknown_expired_and_used_up(uow, clock):
    with pytest.raises(InviteUnusable) as unknown:
        await accounts.register_employee(uow, clock, code="nope", tg_id=5, name="A")
    assert unknown.value.reason == "unknown"
    invite = (
        await accounts.create_invite(uow, clock, client_id=1, valid_for=timedelta(days=1))
    ).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=5, name="A")
    with pytest.raises(InviteUnusable) as used:
        await accounts.register_employee(uow, clock, code=invite.code, tg_id=6, name="B")
    assert used.value.reason == "used_up"
    invite2 = (
        await accounts.create_invite(uow, clock, client_id=1, valid_for=timedelta(days=1))
    ).value
    clock.advance(days=1)
    with pytest.raises(InviteUnusable) as expired:
        await accounts.register_employee(uow, clock, code=invite2.code, tg_id=7, name="C")
    assert expired.value.reason == "expired"


async def test_registering_twice_does_not_use_up_the_invite(uow, clock):
    invite = (await accounts.create_invite(uow, clock, client_id=1, max_uses=2)).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=5, name="A")
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=5, name="A")
    assert (await uow.invites.get(invite.code)).used == 1


async def test_whole_life_of_a_ticket(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number

    clock.advance(minutes=20)
    taken = await staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    assert taken.value.status is TicketStatus.IN_PROGRESS
    assert taken.value.assignee_tg_id == ENGINEER
    assert ev.ReactionMet(number, ENGINEER) in taken.events

    clock.advance(minutes=10)
    asked = await staff_tickets.ask_client(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, question="Какая модель принтера?"
    )
    ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.WAITING_CLIENT and ticket.resolution_due is None
    assert any(isinstance(e, ev.ClientQuestionAsked) for e in asked.events)

    clock.advance(hours=2)  # the client answers two hours later: those hours do not count
    answered = await employee_tickets.comment_as_employee(
        uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, text="HP LaserJet 1020"
    )
    assert answered.events[0] == ev.EmployeeCommented(number, answered.value.id, True)
    ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.IN_PROGRESS
    assert ticket.resolution_due == msk(2026, 11, 24, 11, 0)  # 8 h + 2 h paused → next day

    resolved = await staff_tickets.resolve(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, summary="Заменили картридж"
    )
    assert resolved.value.status is TicketStatus.RESOLVED
    closed = await employee_tickets.confirm_resolution(
        uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG
    )
    assert closed.value.status is TicketStatus.CLOSED
    rated = await employee_tickets.rate(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, score=5)
    assert rated.events == (ev.TicketRated(number, 5, ""),)
    with pytest.raises(InvalidInput):
        await employee_tickets.rate(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, score=4)


async def test_reopen_sends_it_back_with_the_reason_and_new_deadlines(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    clock.advance(hours=1)
    outcome = await employee_tickets.reopen(
        uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, reason="Снова не печатает"
    )
    assert outcome.value.status is TicketStatus.REOPENED and outcome.value.resolved_at is None
    assert ev.TicketReopened(number, "Снова не печатает") in outcome.events
    # the hour it spent resolved does not count against resolution
    assert outcome.value.resolution_due == msk(2026, 11, 24, 10, 0)


async def test_a_ticket_closed_lately_may_be_reopened_and_its_closed_days_do_not_count(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    await employee_tickets.confirm_resolution(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG)
    clock.advance(days=3)  # Thursday 10:00
    outcome = await employee_tickets.reopen(
        uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, reason="Опять"
    )
    ticket = outcome.value
    assert ticket.status is TicketStatus.REOPENED and ticket.closed_at is None
    assert ticket.resolution_due == msk(2026, 11, 26, 18, 0)  # the whole 8 h still ahead
    assert ev.StatusChanged(number, TicketStatus.CLOSED, TicketStatus.REOPENED, EMPLOYEE_TG) in (
        outcome.events
    )


async def test_a_ticket_closed_long_ago_is_not_reopened(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    await employee_tickets.confirm_resolution(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG)
    clock.advance(days=15)
    with pytest.raises(InvalidInput, match="too long ago"):
        await employee_tickets.reopen(
            uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG, reason="Опять"
        )


async def test_a_staff_answer_puts_a_new_ticket_in_work_with_the_one_who_answered(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    outcome = await staff_tickets.reply(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, text="Иду"
    )
    ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.IN_PROGRESS and ticket.assignee_tg_id == ENGINEER
    assert ev.StatusChanged(number, TicketStatus.NEW, TicketStatus.IN_PROGRESS, ENGINEER) in (
        outcome.events
    )
    note = await staff_tickets.reply(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, text="!", internal=True
    )
    assert note.events == (ev.InternalNoteAdded(number, note.value.id, ENGINEER),)


async def test_assigning_a_new_ticket_puts_it_in_work_and_meets_the_reaction(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    clock.advance(minutes=20)
    outcome = await staff_tickets.assign(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, assignee_tg_id=ENGINEER
    )
    ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.IN_PROGRESS
    assert ticket.first_response_at == clock.now()  # the client was told who is on it
    assert ev.ReactionMet(number, ENGINEER) in outcome.events


async def test_a_message_is_routed_among_the_employees_own_tickets_only(uow, clock):
    theirs = (await open_printer_ticket(uow, clock)).value.number
    colleague = await intake.open_ticket(
        uow, clock, employee_tg_id=COLLEAGUE_TG, draft=PRINTER_DOWN
    )
    await staff_tickets.ask_client(
        uow, clock, ticket_id=colleague.value.number, staff_tg_id=ENGINEER, question="?"
    )
    clock.advance(days=2)
    routed = await employee_tickets.route_message(
        uow, clock, tg_id=EMPLOYEE_TG, text="Модель HP 1020", replied_to=colleague.value.number
    )
    assert routed.route == Do(Option(Action.NEW))  # not the colleague's waiting ticket
    assert set(routed.tickets) == {theirs}


async def test_employee_cancels_only_before_work(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    with pytest.raises(InvalidTransition):
        await employee_tickets.cancel_by_employee(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG)
    other = (await open_printer_ticket(uow, clock)).value.number
    done = await employee_tickets.cancel_by_employee(uow, clock, ticket_id=other, tg_id=EMPLOYEE_TG)
    assert done.value.status is TicketStatus.CANCELLED


async def test_nobody_sees_or_changes_what_is_not_theirs(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    with pytest.raises(NotFound):
        await employee_tickets.ticket_for_employee(uow, number, COLLEAGUE_TG)
    with pytest.raises(NotFound):
        await employee_tickets.cancel_by_employee(uow, clock, ticket_id=number, tg_id=COLLEAGUE_TG)
    with pytest.raises(AccessDenied):
        await staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=EMPLOYEE_TG)
    assert (await employee_tickets.ticket_for_employee(uow, number, DIRECTOR_TG)).number == number
    assert (await uow.tickets.get(number)).status is TicketStatus.NEW


async def test_director_of_another_company_does_not_see_the_ticket(uow, clock):
    other = (await accounts.register_client(uow, clock, name="ЗАО Лютик")).value
    invite = (
        await accounts.create_invite(uow, clock, client_id=other.id, role=EmployeeRole.DIRECTOR)
    ).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=7777, name="Boss")
    number = (await open_printer_ticket(uow, clock)).value.number
    with pytest.raises(NotFound):
        await employee_tickets.ticket_for_employee(uow, number, 7777)


async def test_priority_override_is_recorded_and_recomputes_deadlines(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    outcome = await staff_tickets.change_priority(
        uow,
        clock,
        ticket_id=number,
        staff_tg_id=ENGINEER,
        priority=Priority.STANDARD,
        reason="Есть второй принтер",
    )
    assert outcome.value.priority is Priority.STANDARD
    assert outcome.value.reaction_due == msk(2026, 11, 23, 14, 0)  # Gold Standard: 4 h
    change = (await uow.tickets.priority_changes(number))[0]
    assert (change.old, change.new, change.reason) == (
        Priority.HIGH,
        Priority.STANDARD,
        "Есть второй принтер",
    )
    with pytest.raises(InvalidInput):
        await staff_tickets.change_priority(
            uow, clock, ticket_id=number, staff_tg_id=ENGINEER, priority=Priority.LOW, reason=" "
        )


async def test_first_public_reply_meets_reaction_but_an_internal_note_does_not(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    note = await staff_tickets.reply(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, text="проверю", internal=True
    )
    assert (await uow.tickets.get(number)).first_response_at is None
    assert isinstance(note.events[0], ev.InternalNoteAdded)
    clock.advance(minutes=5)
    answer = await staff_tickets.reply(
        uow, clock, ticket_id=number, staff_tg_id=ENGINEER, text="Иду к вам"
    )
    assert ev.ReactionMet(number, ENGINEER) in answer.events
    assert (await uow.tickets.get(number)).first_response_at == clock.now()


async def test_work_log_bounds(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.log_work(uow, clock, ticket_id=number, staff_tg_id=ENGINEER, minutes=30)
    for minutes in (0, -5, 24 * 60 + 1):
        with pytest.raises(InvalidInput):
            await staff_tickets.log_work(
                uow, clock, ticket_id=number, staff_tg_id=ENGINEER, minutes=minutes
            )
    assert [w.minutes for w in await uow.tickets.work_logs(number)] == [30]


async def test_auto_close_only_from_resolved(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    with pytest.raises(InvalidTransition):
        await employee_tickets.close_unconfirmed(uow, clock, ticket_id=number)
    await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    outcome = await employee_tickets.close_unconfirmed(uow, clock, ticket_id=number)
    assert ev.TicketClosed(number, True) in outcome.events


async def test_client_with_a_bad_calendar_is_not_registered(uow, clock):
    with pytest.raises(ValueError):
        await accounts.register_client(uow, clock, name="X", timezone="Mars/Base")
    with pytest.raises(ValueError):
        await accounts.register_client(uow, clock, name="X", opens=time(18), closes=time(9))
    assert len(uow.store.clients) == 1


def test_an_invite_code_never_reads_as_a_command_line_option():
    codes = [accounts.new_invite_code() for _ in range(3000)]
    assert not [c for c in codes if c.startswith("-")]
    assert all(len(c) == 12 for c in codes) and len(set(codes)) == len(codes)


async def test_a_registered_person_keeps_the_language_they_chose(uow, clock):
    await accounts.set_language(uow, EMPLOYEE_TG, "en")
    await accounts.set_language(uow, ENGINEER, "en")

    assert (await uow.employees.by_tg_id(EMPLOYEE_TG)).locale == "en"
    assert (await uow.staff.get(ENGINEER)).locale == "en"
    with pytest.raises(AccessDenied):
        await accounts.set_language(uow, STRANGER_TG, "en")


# --- a change request's completion date, agreed with the client ----------------------------

NEW_LAPTOP = intake.TicketDraft(
    description="Нужно купить новый ноутбук для бухгалтера",
    kind=TicketKind.REQUEST,
    category=Category.OTHER,
    request_type=RequestType.CHANGE,
)


async def test_a_change_request_is_registered_with_a_reaction_time_and_no_resolution_date(
    uow, clock
):
    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=NEW_LAPTOP)).value
    assert t.priority is Priority.LOW and t.resolution_to_be_agreed
    assert t.reaction_due is not None
    assert (t.resolution_due, t.resolution_warning_at) == (None, None)
    client = await uow.clients.get(t.client_id)
    assert intake.preview_deadlines(client, NEW_LAPTOP, clock.now()).resolution_due is None


async def test_staff_agree_the_date_and_change_it_each_on_record(uow, clock):
    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=NEW_LAPTOP)).value
    friday = msk(2026, 11, 27, 18)
    agreed = await staff_tickets.agree_resolution(
        uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER, due=friday
    )
    assert agreed.value.resolution_due == friday and not agreed.value.resolution_to_be_agreed
    assert agreed.events == (
        ev.ResolutionDateAgreed(t.number, friday, changed=False, staff_tg_id=ENGINEER),
        ev.DeadlinesChanged(t.number),
    )
    clock.advance(hours=2)
    monday = msk(2026, 11, 30, 18)
    moved = await staff_tickets.agree_resolution(
        uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER, due=monday
    )
    assert moved.value.resolution_due == monday
    assert moved.events[0] == ev.ResolutionDateAgreed(t.number, monday, True, ENGINEER)
    history = await uow.tickets.agreed_resolutions(t.number)
    assert [(a.due, a.staff_tg_id) for a in history] == [(friday, ENGINEER), (monday, ENGINEER)]


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("incident", InvalidInput),
        ("past", InvalidInput),
        ("same date", InvalidInput),
        ("closed", InvalidInput),
        ("not staff", AccessDenied),
        ("no such ticket", NotFound),
    ],
)
async def test_an_agreed_date_is_refused_where_it_does_not_belong(uow, clock, case, error):
    draft = PRINTER_DOWN if case == "incident" else NEW_LAPTOP
    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=draft)).value
    due = msk(2026, 11, 27, 18)
    if case == "same date":
        await staff_tickets.agree_resolution(
            uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER, due=due
        )
    if case == "closed":
        await staff_tickets.resolve(uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER)
    kw = {
        "ticket_id": 99 if case == "no such ticket" else t.number,
        "staff_tg_id": STRANGER_TG if case == "not staff" else ENGINEER,
        "due": clock.now() - timedelta(minutes=1) if case == "past" else due,
    }
    before = await uow.tickets.get(t.number)
    with pytest.raises(error):
        await staff_tickets.agree_resolution(uow, clock, **kw)
    after = await uow.tickets.get(t.number)
    assert after.resolution_due == before.resolution_due


@pytest.mark.parametrize("breached", [False, True])
async def test_a_new_date_warns_again_and_a_breach_of_the_old_one_stays(uow, clock, breached):
    from domain.ports import SlaEventRecord
    from domain.sla import SlaMilestone

    t = (await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=NEW_LAPTOP)).value
    friday = msk(2026, 11, 27, 18)
    await staff_tickets.agree_resolution(
        uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER, due=friday
    )
    recorded = [SlaMilestone.RESOLUTION_WARNING]
    if breached:
        recorded.append(SlaMilestone.RESOLUTION_BREACH)
    for milestone in recorded:
        await uow.sla_events.record(SlaEventRecord(t.number, milestone, friday, friday, 0))
    clock.advance(days=4, hours=9)  # Friday 19:00 ... agreed again for next Friday
    await staff_tickets.agree_resolution(
        uow, clock, ticket_id=t.number, staff_tg_id=ENGINEER, due=msk(2026, 12, 4, 18)
    )
    left = {r.milestone for r in await uow.sla_events.for_ticket(t.number)}
    assert left == (set(recorded) if breached else set())


async def test_a_resolution_taken_back_puts_the_ticket_in_work_as_if_never_resolved(uow, clock):
    number = (await open_printer_ticket(uow, clock)).value.number
    await staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    before = (await uow.tickets.get(number)).resolution_due
    with pytest.raises(InvalidInput):  # nothing resolved yet: nothing to take back
        await staff_tickets.back_to_work(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    clock.advance(minutes=20)
    outcome = await staff_tickets.back_to_work(uow, clock, ticket_id=number, staff_tg_id=ENGINEER)
    assert ev.ResolutionWithdrawn(number, ENGINEER) in outcome.events
    ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.IN_PROGRESS and ticket.assignee_tg_id == ENGINEER
    assert ticket.resolved_at is None and not ticket.is_paused
    assert ticket.resolution_due == before  # the 20 minutes "resolved" counted as work
    with pytest.raises(InvalidTransition):  # her older «✅ Всё работает»: nothing to confirm
        await employee_tickets.confirm_resolution(uow, clock, ticket_id=number, tg_id=EMPLOYEE_TG)


@pytest.mark.parametrize(
    ("outage", "who", "sees", "acts"),
    [
        (False, "author", True, True),
        (False, "colleague", False, False),
        (False, "director", True, True),
        (False, "stranger", False, False),
        # A mass outage is the company's, not the first reporter's whose report it came from.
        (True, "author", True, False),
        (True, "colleague", True, False),
        (True, "director", True, False),
        (True, "stranger", False, False),
    ],
)
def test_a_mass_outage_is_the_companys_and_nobody_acts_on_it_as_their_own(
    outage: bool, who: str, sees: bool, acts: bool
) -> None:
    from domain.model import Employee, Ticket
    from domain.use_cases.common import can_view, may_act_on

    people = {
        "author": Employee(1, 11, "Анна", id=1),
        "colleague": Employee(1, 12, "Борис", id=2),
        "director": Employee(1, 13, "Елена", EmployeeRole.DIRECTOR, id=3),
        "stranger": Employee(2, 14, "Пётр", id=4),
    }
    ticket = Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.INTERNET_NETWORK,
        priority=Priority.HIGHEST,
        title="не работает интернет",
        description="не работает интернет",
        registered_at=msk(2026, 11, 23, 10, 0),
        outage=outage,
    )
    assert can_view(ticket, people[who]) is sees
    assert may_act_on(ticket, people[who]) is acts
