"""After hours: who is paged for what, repeats, going up the chain, and "Принял"."""

from datetime import timedelta

import pytest

from domain import Category, Priority, Scope, SlaTier, StaffRole, TicketKind, TicketStatus
from domain import events as ev
from domain.enums import WorkImpact
from domain.errors import AccessDenied, NotFound
from domain.model import Client, Staff
from domain.paging import (
    PageReason,
    PagingPolicy,
    Responder,
    advance_page,
    after_hours_call,
    escalated_to,
    first_targets,
    may_ask_for_help_now,
    needs_confirmation,
    next_level,
    paged_to_know,
    responder,
)
from domain.use_cases import accounts, after_hours, employee_tickets, intake, staff_tickets
from tests.unit.fakes import FakeClock, FakeUnitOfWork, msk

ENGINEER, MANAGER, LEAD, LEAD_2, ADMIN, FIRST_LINE = 501, 502, 503, 504, 505, 506
EMPLOYEE_TG = 1001
POLICY = PagingPolicy()


def client(round_the_clock: bool = False) -> Client:
    return Client(
        name="ООО Ромашка",
        tier=SlaTier.GOLD,
        timezone="Europe/Moscow",
        opens=msk(2026, 1, 1, 9).time(),
        closes=msk(2026, 1, 1, 18).time(),
        weekdays=frozenset(range(5)),
        country="RU",
        round_the_clock=round_the_clock,
        manager_tg_id=MANAGER,
    )


NIGHT = msk(2026, 11, 23, 22, 0)  # Monday night
SATURDAY = msk(2026, 11, 28, 12, 0)
MONDAY_NOON = msk(2026, 11, 23, 12, 0)


# --- who is paged for what ---------------------------------------------------------------


@pytest.mark.parametrize("at", [MONDAY_NOON, msk(2026, 11, 23, 9, 0)])
@pytest.mark.parametrize("round_the_clock", [False, True])
@pytest.mark.parametrize("asked", [False, True])
@pytest.mark.parametrize("priority", list(Priority))
def test_in_working_hours_nobody_is_paged(at, round_the_clock, asked, priority):
    assert after_hours_call(client(round_the_clock), priority, asked=asked, at=at) is None


@pytest.mark.parametrize("at", [NIGHT, SATURDAY, msk(2027, 1, 5, 12, 0)])  # a holiday too
@pytest.mark.parametrize(
    ("round_the_clock", "priority", "asked", "expected"),
    [
        (True, Priority.HIGHEST, False, PageReason.ROUND_THE_CLOCK),
        (True, Priority.HIGH, False, PageReason.ROUND_THE_CLOCK),
        (True, Priority.HIGH, True, PageReason.ROUND_THE_CLOCK),  # covered by the contract
        (True, Priority.STANDARD, False, None),
        (True, Priority.STANDARD, True, PageReason.EMERGENCY),
        (False, Priority.HIGHEST, False, PageReason.EMERGENCY),
        (False, Priority.HIGH, False, None),
        (False, Priority.HIGH, True, PageReason.EMERGENCY),
        (False, Priority.LOW, True, PageReason.EMERGENCY),
        (False, Priority.STANDARD, False, None),
    ],
)
def test_after_hours_matrix(at, round_the_clock, priority, asked, expected):
    call = after_hours_call(client(round_the_clock), priority, asked=asked, at=at)
    assert (call.reason if call else None) == expected
    if call is not None:
        assert call.emergency == (expected is PageReason.EMERGENCY)


@pytest.mark.parametrize(
    ("round_the_clock", "priority", "expected"),
    [
        (False, Priority.HIGHEST, None),  # happy to wait: no page, no extra charge
        (False, Priority.STANDARD, None),
        (True, Priority.HIGHEST, PageReason.ROUND_THE_CLOCK),  # paid for already: paged
        (True, Priority.STANDARD, None),
    ],
)
def test_a_ticket_that_can_wait_until_the_morning_pages_nobody_it_would_bill(
    round_the_clock, priority, expected
):
    for asked in (False, True):
        call = after_hours_call(
            client(round_the_clock), priority, asked=asked, at=NIGHT, waits=True
        )
        assert (call.reason if call else None) == expected


@pytest.mark.parametrize(
    ("round_the_clock", "priority", "at", "confirm", "offer"),
    [
        # a Highest incident after hours would bill by itself: one more tap
        (False, Priority.HIGHEST, NIGHT, True, False),
        (False, Priority.HIGH, NIGHT, False, True),  # waits; "It's an emergency" offered
        (False, Priority.STANDARD, SATURDAY, False, True),
        (False, Priority.LOW, SATURDAY, False, False),  # it does not hinder work: no call
        (False, Priority.HIGHEST, MONDAY_NOON, False, False),  # the first line is at work
        (True, Priority.HIGHEST, NIGHT, False, False),  # 24/7: paged, covered by the contract
        (True, Priority.STANDARD, NIGHT, False, True),
    ],
)
def test_what_the_summary_asks_after_hours(round_the_clock, priority, at, confirm, offer):
    assert needs_confirmation(client(round_the_clock), priority, at=at) is confirm
    assert may_ask_for_help_now(client(round_the_clock), priority, at=at) is offer


@pytest.mark.parametrize(
    ("nobody_on_duty", "roles", "expected"),
    [
        (False, [StaffRole.SECOND_LINE], Responder.DUTY_ENGINEER),
        (False, [StaffRole.LEAD], Responder.DUTY_ENGINEER),  # a lead on the rota is on duty
        (True, [StaffRole.LEAD, StaffRole.LEAD], Responder.SHIFT_LEAD),  # a gap in the rota
        (True, [StaffRole.ADMIN], Responder.SUPPORT),  # no leads: the admins
        (True, [StaffRole.SECOND_LINE], Responder.SUPPORT),  # nobody but staff at large
    ],
)
def test_who_the_employee_is_told_is_called(nobody_on_duty, roles, expected):
    assert responder(nobody_on_duty=nobody_on_duty, roles=roles) is expected


@pytest.mark.parametrize(("level", "expected"), [(1, Responder.SHIFT_LEAD), (2, Responder.SUPPORT)])
def test_who_the_employee_is_told_is_called_next(level, expected):
    assert escalated_to(level) is expected


@pytest.mark.parametrize(
    ("target", "level", "responders", "expected"),
    [
        (MANAGER, 0, [ENGINEER], True),  # paged to know: one message, edited in place
        (MANAGER, 0, [MANAGER], False),  # on duty themselves: the repeats ring
        (MANAGER, 0, [LEAD, MANAGER], False),  # a lead standing in for a gap in the rota
        (ENGINEER, 0, [ENGINEER], False),
        (MANAGER, 1, [ENGINEER], False),  # gone up the chain to them as a lead
    ],
)
def test_the_managers_copy_of_a_page_is_to_know(target, level, responders, expected):
    assert paged_to_know(target, level, MANAGER, responders) is expected


def people(*pairs: tuple[int, StaffRole], inactive: tuple[int, ...] = ()) -> dict[int, Staff]:
    return {
        tg: Staff(tg_id=tg, name=str(tg), role=role, active=tg not in inactive)
        for tg, role in pairs
        if tg not in inactive
    }


STAFF = people(
    (ENGINEER, StaffRole.SECOND_LINE),
    (MANAGER, StaffRole.MANAGER),
    (LEAD, StaffRole.LEAD),
    (LEAD_2, StaffRole.LEAD),
    (ADMIN, StaffRole.ADMIN),
)


def test_the_on_duty_engineer_first():
    assert first_targets([ENGINEER], STAFF, MANAGER, emergency=False) == ([ENGINEER], False)


def test_an_emergency_pages_the_personal_manager_too():
    assert first_targets([ENGINEER], STAFF, MANAGER, emergency=True) == (
        [ENGINEER, MANAGER],
        False,
    )
    # On duty themselves: paged once.
    assert first_targets([MANAGER], STAFF, MANAGER, emergency=True) == ([MANAGER], False)


def test_nobody_on_duty_pages_the_leads():
    assert first_targets([], STAFF, MANAGER, emergency=False) == ([LEAD, LEAD_2], True)
    # Someone on the rota who has left the company does not count as on duty.
    assert first_targets([777], STAFF, MANAGER, emergency=True) == (
        [LEAD, LEAD_2, MANAGER],
        True,
    )


def test_no_leads_pages_the_admins_and_never_nobody():
    no_leads = {tg: s for tg, s in STAFF.items() if s.role is not StaffRole.LEAD}
    assert first_targets([], no_leads, None, emergency=False) == ([ADMIN], True)
    only_engineer = people((ENGINEER, StaffRole.SECOND_LINE))
    assert first_targets([], only_engineer, None, emergency=False) == ([ENGINEER], True)


def test_the_chain_goes_leads_then_admins_then_stops():
    assert next_level(0, STAFF, [ENGINEER]) == (1, [LEAD, LEAD_2])
    assert next_level(1, STAFF, [ENGINEER, LEAD, LEAD_2]) == (2, [ADMIN])
    assert next_level(2, STAFF, [ENGINEER, LEAD, LEAD_2, ADMIN]) is None
    # The leads were paged at once (nobody on duty): next come the admins.
    assert next_level(0, STAFF, [LEAD, LEAD_2]) == (2, [ADMIN])


# --- the use cases -----------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NIGHT)


async def desk(clock: FakeClock, *, round_the_clock: bool = False, on_duty: bool = True):
    uow = FakeUnitOfWork()
    for tg, name, role in (
        (ENGINEER, "Иван", StaffRole.SECOND_LINE),
        (MANAGER, "Мария", StaffRole.MANAGER),
        (LEAD, "Лев", StaffRole.LEAD),
        (ADMIN, "Анна", StaffRole.ADMIN),
        (FIRST_LINE, "Фёдор", StaffRole.FIRST_LINE),
    ):
        await accounts.add_staff(uow, clock, tg_id=tg, name=name, role=role)
    registered = await accounts.register_client(
        uow,
        clock,
        name="ООО Ромашка",
        tier=SlaTier.GOLD,
        manager_tg_id=MANAGER,
        round_the_clock=round_the_clock,
    )
    invite = (await accounts.create_invite(uow, clock, client_id=registered.value.id)).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=EMPLOYEE_TG, name="Ольга")
    if on_duty:
        await after_hours.add_duty_shift(
            uow,
            staff_tg_id=ENGINEER,
            starts_at=msk(2026, 11, 23, 18, 0),
            ends_at=msk(2026, 11, 24, 9, 0),
        )
    return uow


def draft(impact: WorkImpact, scope: Scope, *, emergency: bool = False) -> intake.TicketDraft:
    return intake.TicketDraft(
        description="Не работает сервер 1С",
        kind=TicketKind.INCIDENT,
        category=Category.SERVER,
        impact=impact,
        scope=scope,
        emergency=emergency,
    )


SERVER_DOWN = draft(WorkImpact.BLOCKED, Scope.COMPANY)  # Highest
PRINTER_SLOW = draft(WorkImpact.HAMPERED, Scope.ME)  # Standard


async def open_ticket(uow, clock, the_draft=SERVER_DOWN):
    return await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=the_draft)


def sent(events) -> list[tuple[int, int, int]]:
    """(target, attempt, level) of every page sent."""
    return [(e.target_tg_id, e.attempt, e.level) for e in events if isinstance(e, ev.PageSent)]


async def tick(uow, clock) -> list[ev.Event]:
    """What the scheduler does: advance every page that is due now."""
    events: list[ev.Event] = []
    for page in list(uow.store.pages.values()):
        if page.next_at is not None and page.next_at <= clock.now():
            _step, more = await advance_page(uow, clock, page_id=page.number, policy=POLICY)
            events.extend(more)
    return events


async def test_highest_incident_at_night_without_24x7_is_an_emergency(clock):
    uow = await desk(clock)
    outcome = await open_ticket(uow, clock)
    ticket = outcome.value
    assert ticket.emergency and ticket.after_hours
    assert ev.AfterHoursAlarm(1, True, (ENGINEER, MANAGER), False, (ENGINEER,)) in outcome.events
    assert sent(await tick(uow, clock)) == [(ENGINEER, 1, 0), (MANAGER, 1, 0)]


async def test_a_standard_ticket_at_night_waits_for_the_morning(clock):
    uow = await desk(clock)
    outcome = await open_ticket(uow, clock, PRINTER_SLOW)
    assert not outcome.value.emergency
    assert not any(isinstance(e, ev.AfterHoursAlarm) for e in outcome.events)
    assert uow.store.pages == {}


async def test_asking_for_help_now_makes_any_ticket_an_emergency(clock):
    uow = await desk(clock)
    outcome = await open_ticket(uow, clock, draft(WorkImpact.HAMPERED, Scope.ME, emergency=True))
    assert outcome.value.emergency
    assert sent(await tick(uow, clock)) == [(ENGINEER, 1, 0), (MANAGER, 1, 0)]


async def test_round_the_clock_client_pages_only_the_engineer_and_is_not_billable(clock):
    uow = await desk(clock, round_the_clock=True)
    outcome = await open_ticket(uow, clock)
    assert not outcome.value.emergency
    assert ev.AfterHoursAlarm(1, False, (ENGINEER,), False, (ENGINEER,)) in outcome.events
    assert sent(await tick(uow, clock)) == [(ENGINEER, 1, 0)]


async def test_going_up_the_chain_says_so_once_per_level(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    escalations = []
    for _ in range(8):
        escalations += [e for e in await tick(uow, clock) if isinstance(e, ev.PageEscalated)]
        clock.advance(minutes=5)
    assert escalations == [ev.PageEscalated(1, 1, (LEAD,)), ev.PageEscalated(1, 2, (ADMIN,))]


async def test_nobody_on_duty_the_leads_are_paged(clock):
    uow = await desk(clock, on_duty=False)
    outcome = await open_ticket(uow, clock)
    # the employee is told the shift lead is called, not the on-duty engineer
    assert ev.AfterHoursAlarm(1, True, (LEAD, MANAGER), True, (LEAD,)) in outcome.events


async def test_a_page_repeats_every_five_minutes_then_goes_up_the_chain(clock):
    uow = await desk(clock, round_the_clock=True)
    await open_ticket(uow, clock)
    history = []
    for _ in range(10):
        history.append(sent(await tick(uow, clock)))
        clock.advance(minutes=5)
    assert history == [
        [(ENGINEER, 1, 0)],
        [(ENGINEER, 2, 0)],
        [(ENGINEER, 3, 0)],
        [(LEAD, 1, 1)],  # three tries without an answer: the lead
        [(LEAD, 2, 1)],
        [(LEAD, 3, 1)],
        [(ADMIN, 1, 2)],  # then the admins
        [(ADMIN, 2, 2)],
        [(ADMIN, 3, 2)],
        [(ADMIN, 4, 2)],  # the top of the chain: reminders go on until somebody answers
    ]


async def test_a_page_handled_late_goes_on_from_where_the_chain_would_be(clock):
    uow = await desk(clock, round_the_clock=True)
    await open_ticket(uow, clock)
    assert sent(await tick(uow, clock)) == [(ENGINEER, 1, 0)]
    clock.advance(minutes=7)  # a little late: the next reminder keeps the cadence
    assert sent(await tick(uow, clock)) == [(ENGINEER, 2, 0)]
    clock.advance(minutes=3)
    assert sent(await tick(uow, clock)) == [(ENGINEER, 3, 0)]
    clock.advance(minutes=30)  # half an hour with nobody awake: the lead, not a reminder
    assert sent(await tick(uow, clock)) == [(LEAD, 1, 1)]
    clock.advance(minutes=5)
    assert sent(await tick(uow, clock)) == [(LEAD, 2, 1)]


async def test_after_a_long_stop_the_first_page_still_goes_out_first(clock):
    uow = await desk(clock, round_the_clock=True)
    await open_ticket(uow, clock)
    clock.advance(minutes=40)
    assert sent(await tick(uow, clock)) == [(ENGINEER, 1, 0)]
    clock.advance(minutes=20)  # then the missed tries are over at once
    assert sent(await tick(uow, clock)) == [(LEAD, 1, 1)]


async def test_a_page_that_is_not_due_yet_is_left_alone(clock):
    uow = await desk(clock, round_the_clock=True)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    clock.advance(minutes=4)
    step, events = await advance_page(uow, clock, page_id=1, policy=POLICY)
    assert events == () and step.page is not None and step.page.attempt == 1


async def test_pages_stop_when_somebody_takes_the_ticket_from_the_card(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=LEAD)
    clock.advance(minutes=5)
    assert sent(await tick(uow, clock)) == []
    assert all(p.next_at is None for p in uow.store.pages.values())


async def test_pages_stop_when_the_ticket_is_resolved_or_cancelled(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    await employee_tickets.cancel_by_employee(uow, clock, ticket_id=1, tg_id=EMPLOYEE_TG)
    clock.advance(minutes=5)
    assert sent(await tick(uow, clock)) == []
    assert all(not p.pending for p in uow.store.pages.values())


async def test_acknowledging_stops_every_page_and_takes_the_ticket(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    clock.advance(minutes=2)
    outcome = await after_hours.acknowledge_page(uow, clock, page_id=1, staff_tg_id=ENGINEER)
    assert outcome.value == after_hours.Acknowledgement(1, ENGINEER, True)
    assert ev.PageAcknowledged(1, ENGINEER, (MANAGER,)) in outcome.events
    assert ev.TicketTaken(1, ENGINEER) in outcome.events  # the employee hears who
    ticket = uow.store.tickets[1]
    assert ticket.status is TicketStatus.IN_PROGRESS and ticket.assignee_tg_id == ENGINEER
    assert ticket.first_response_at == clock.now()
    for page in uow.store.pages.values():
        assert (page.acknowledged_by, page.acknowledged_at, page.next_at) == (
            ENGINEER,
            clock.now(),
            None,
        )
    clock.advance(minutes=10)
    assert sent(await tick(uow, clock)) == []


async def test_the_second_presser_is_told_who_was_first(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    await after_hours.acknowledge_page(uow, clock, page_id=2, staff_tg_id=MANAGER)
    outcome = await after_hours.acknowledge_page(uow, clock, page_id=1, staff_tg_id=ENGINEER)
    assert outcome.value == after_hours.Acknowledgement(1, MANAGER, False)
    assert outcome.events == ()
    assert uow.store.tickets[1].assignee_tg_id == MANAGER


async def test_pressing_after_somebody_took_it_from_the_card_says_who_has_it(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=LEAD)
    outcome = await after_hours.acknowledge_page(uow, clock, page_id=1, staff_tg_id=ENGINEER)
    assert outcome.value == after_hours.Acknowledgement(1, LEAD, False)
    assert uow.store.tickets[1].assignee_tg_id == LEAD
    assert all(not p.pending for p in uow.store.pages.values())


async def test_an_escalated_page_is_acknowledged_by_the_lead(clock):
    uow = await desk(clock, round_the_clock=True)
    await open_ticket(uow, clock)
    for _ in range(4):
        await tick(uow, clock)
        clock.advance(minutes=5)
    lead_page = next(p for p in uow.store.pages.values() if p.target_tg_id == LEAD)
    outcome = await after_hours.acknowledge_page(
        uow, clock, page_id=lead_page.number, staff_tg_id=LEAD
    )
    assert outcome.value.first
    assert ev.PageAcknowledged(1, LEAD, (ENGINEER,)) in outcome.events
    assert uow.store.tickets[1].assignee_tg_id == LEAD


async def test_only_staff_may_acknowledge(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    with pytest.raises(AccessDenied):
        await after_hours.acknowledge_page(uow, clock, page_id=1, staff_tg_id=EMPLOYEE_TG)
    with pytest.raises(NotFound):
        await after_hours.acknowledge_page(uow, clock, page_id=99, staff_tg_id=ENGINEER)


def test_a_policy_must_repeat():
    with pytest.raises(ValueError):
        PagingPolicy(repeat_every=timedelta(0))
    with pytest.raises(ValueError):
        PagingPolicy(tries=0)


@pytest.mark.parametrize(
    "act",
    [
        lambda uow, clock: staff_tickets.reply(
            uow, clock, ticket_id=1, staff_tg_id=ENGINEER, text="Подключаюсь удалённо"
        ),
        lambda uow, clock: staff_tickets.ask_client(
            uow, clock, ticket_id=1, staff_tg_id=ENGINEER, question="Что на экране?"
        ),
        lambda uow, clock: staff_tickets.resolve(
            uow, clock, ticket_id=1, staff_tg_id=ENGINEER, summary="Перезапустил службу"
        ),
    ],
    ids=["answer", "question", "resolution"],
)
async def test_acting_on_a_paged_ticket_answers_the_page(clock, act):
    """Answering the client (or asking, or resolving) instead of pressing «Принял»: every
    copy of the page will say who took it, and the employee hears who is on it first."""
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    clock.advance(minutes=3)
    events = (await act(uow, clock)).events
    assert events[0] == ev.PageAcknowledged(1, ENGINEER, (MANAGER,))
    assert ev.TicketTaken(1, ENGINEER) in events
    assert all(
        (p.acknowledged_by, p.acknowledged_at, p.next_at) == (ENGINEER, clock.now(), None)
        for p in uow.store.pages.values()
    )
    clock.advance(minutes=10)
    assert sent(await tick(uow, clock)) == []


async def test_an_internal_note_or_a_ticket_without_pages_answers_no_page(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)
    note = await staff_tickets.reply(
        uow, clock, ticket_id=1, staff_tg_id=ENGINEER, text="смотрю логи", internal=True
    )
    assert not any(isinstance(e, ev.PageAcknowledged) for e in note.events)
    assert all(p.pending for p in uow.store.pages.values())
    await open_ticket(uow, clock, PRINTER_SLOW)  # waits for the morning: nobody paged
    answer = await staff_tickets.reply(uow, clock, ticket_id=2, staff_tg_id=ENGINEER, text="Да")
    assert not any(isinstance(e, ev.PageAcknowledged | ev.TicketTaken) for e in answer.events)


async def test_a_page_answered_in_words_is_the_one_calling_them(clock):
    uow = await desk(clock)
    await open_ticket(uow, clock)
    await tick(uow, clock)

    async def page(tg_id: int, ticket_id: int | None = None) -> int | None:
        return await after_hours.page_answered_in_words(
            uow, clock, staff_tg_id=tg_id, ticket_id=ticket_id
        )

    assert await page(ENGINEER) == 1  # «принял», typed plainly
    assert await page(LEAD) is None  # nobody calls the lead yet
    assert await page(MANAGER) is None  # hers is to know, not to act
    assert await page(MANAGER, ticket_id=1) is None
    assert await page(LEAD, ticket_id=1) == 1  # named: a reply to the card
    assert await page(ENGINEER, ticket_id=5) is None
    await open_ticket(uow, clock)
    await tick(uow, clock)
    assert await page(ENGINEER) is None  # two tickets call him: which one?
    assert await page(ENGINEER, ticket_id=2) == 3
    await staff_tickets.take(uow, clock, ticket_id=2, staff_tg_id=LEAD)
    clock.advance(minutes=5)
    await tick(uow, clock)  # №1 repeats; №2's pages stop: taken from the card
    assert await page(ENGINEER, ticket_id=2) is None
    assert await page(ENGINEER) == 1
    await after_hours.acknowledge_page(uow, clock, page_id=1, staff_tg_id=ENGINEER)
    assert await page(LEAD, ticket_id=1) == 1  # told who was first
