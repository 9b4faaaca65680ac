"""SLA milestones as the timers see them: when each warning and breach is due, that each is
recorded once, how pauses, priority changes and answers move or stop them, and the
overdue in working time."""

from datetime import datetime

from domain import Category, Priority, Scope, TicketKind, WorkImpact
from domain import events as ev
from domain.sla import SlaMilestone
from domain.sla_milestones import pending_milestones
from domain.use_cases import employee_tickets, intake, staff_tickets
from domain.use_cases.sla_checks import check_sla
from tests.unit.fakes import EMPLOYEE_TG, ENGINEER, msk

M = SlaMilestone


def incident(
    impact: WorkImpact = WorkImpact.BLOCKED, scope: Scope = Scope.ME
) -> intake.TicketDraft:
    return intake.TicketDraft(
        description="Не печатает принтер",
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        impact=impact,
        scope=scope,
    )


async def open_high(uow, clock):
    """Gold, High: reaction 1 h (warning at 45 min), resolution 8 h (warning at 6 h)."""
    return (
        await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=incident())
    ).value


async def check(uow, clock, ticket_id: int = 1) -> list[ev.Event]:
    return list((await check_sla(uow, clock, ticket_id=ticket_id)).events)


def recorded(uow) -> dict[str, tuple[datetime, int]]:
    return {m: (r.due_at, r.overdue_seconds) for (_, m), r in uow.store.sla_events.items()}


async def test_warnings_at_three_quarters_and_breaches_at_due_times_once_each(uow, clock):
    ticket = await open_high(uow, clock)
    assert pending_milestones(ticket) == [
        (M.REACTION_WARNING, msk(2026, 11, 23, 10, 45)),
        (M.REACTION_BREACH, msk(2026, 11, 23, 11, 0)),
        (M.RESOLUTION_WARNING, msk(2026, 11, 23, 16, 0)),
        (M.RESOLUTION_BREACH, msk(2026, 11, 23, 18, 0)),
    ]
    clock.at = msk(2026, 11, 23, 10, 44, 59)
    assert await check(uow, clock) == []
    clock.at = msk(2026, 11, 23, 10, 45)
    assert await check(uow, clock) == [ev.SlaWarning(1, M.REACTION_WARNING, clock.at)]
    assert await check(uow, clock) == []  # twice: nothing new
    clock.at = msk(2026, 11, 23, 11, 0)
    assert await check(uow, clock) == [ev.SlaBreached(1, M.REACTION_BREACH, clock.at, 0)]
    clock.at = msk(2026, 11, 23, 16, 0)
    assert await check(uow, clock) == [ev.SlaWarning(1, M.RESOLUTION_WARNING, clock.at)]
    clock.at = msk(2026, 11, 23, 18, 0)
    assert await check(uow, clock) == [ev.SlaBreached(1, M.RESOLUTION_BREACH, clock.at, 0)]
    clock.advance(hours=20)
    assert await check(uow, clock) == []
    assert len(uow.store.sla_events) == 4


async def test_what_fell_due_while_nobody_looked_is_recorded_at_once_in_order(uow, clock):
    await open_high(uow, clock)
    clock.at = msk(2026, 11, 23, 12, 0)
    outcome = await check_sla(uow, clock, ticket_id=1)
    assert [type(e) for e in outcome.events] == [ev.SlaWarning, ev.SlaBreached]
    assert outcome.events[1] == ev.SlaBreached(1, M.REACTION_BREACH, msk(2026, 11, 23, 11), 3600)
    assert outcome.value.upcoming == (M.RESOLUTION_WARNING, msk(2026, 11, 23, 16, 0))


async def test_taking_the_ticket_stops_the_reaction_timers(uow, clock):
    await open_high(uow, clock)
    clock.at = msk(2026, 11, 23, 10, 30)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    assert [m for m, _ in pending_milestones(uow.store.tickets[1])] == [
        M.RESOLUTION_WARNING,
        M.RESOLUTION_BREACH,
    ]
    clock.at = msk(2026, 11, 23, 11, 30)
    assert await check(uow, clock) == []


async def test_a_reply_stops_the_reaction_timers_but_not_resolution(uow, clock):
    await open_high(uow, clock)
    clock.at = msk(2026, 11, 23, 10, 50)
    assert [type(e) for e in await check(uow, clock)] == [ev.SlaWarning]
    await staff_tickets.reply(uow, clock, ticket_id=1, staff_tg_id=ENGINEER, text="Смотрим")
    clock.at = msk(2026, 11, 23, 16, 0)
    assert await check(uow, clock) == [
        ev.SlaWarning(1, M.RESOLUTION_WARNING, msk(2026, 11, 23, 16, 0))
    ]


async def test_a_late_answer_settles_the_overdue_in_working_time(uow, clock):
    clock.at = msk(2026, 11, 23, 17, 30)
    await open_high(uow, clock)  # reaction due Tuesday 09:30: half an hour each day
    clock.at = msk(2026, 11, 24, 9, 30)
    breach = (await check(uow, clock))[-1]
    assert breach == ev.SlaBreached(1, M.REACTION_BREACH, msk(2026, 11, 24, 9, 30), 0)
    clock.at = msk(2026, 11, 24, 10, 50)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    assert await check(uow, clock) == []
    assert recorded(uow)[M.REACTION_BREACH] == (msk(2026, 11, 24, 9, 30), 80 * 60)
    clock.advance(hours=30)
    await check(uow, clock)  # settled: time after the answer changes nothing
    assert recorded(uow)[M.REACTION_BREACH][1] == 80 * 60


async def test_the_night_does_not_count_towards_the_overdue(uow, clock):
    await open_high(uow, clock)
    clock.at = msk(2026, 11, 24, 9, 30)  # nobody looked from Monday 11:00 to Tuesday 09:30
    await check(uow, clock)
    assert recorded(uow)[M.REACTION_BREACH] == (msk(2026, 11, 23, 11, 0), (7 * 60 + 30) * 60)
    assert recorded(uow)[M.RESOLUTION_BREACH] == (msk(2026, 11, 23, 18, 0), 30 * 60)


async def test_a_late_resolution_is_settled_when_resolved(uow, clock):
    await open_high(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    clock.at = msk(2026, 11, 23, 18, 0)
    await check(uow, clock)
    clock.at = msk(2026, 11, 24, 11, 15)
    await staff_tickets.resolve(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    await check(uow, clock)
    assert recorded(uow)[M.RESOLUTION_BREACH] == (msk(2026, 11, 23, 18, 0), (2 * 60 + 15) * 60)


async def test_waiting_for_the_client_moves_resolution_and_resuming_rearms_it(uow, clock):
    await open_high(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    clock.at = msk(2026, 11, 23, 12, 0)
    await staff_tickets.ask_client(
        uow, clock, ticket_id=1, staff_tg_id=ENGINEER, question="Какой принтер?"
    )
    assert pending_milestones(uow.store.tickets[1]) == []  # the clock stands still
    clock.at = msk(2026, 11, 23, 18, 30)
    assert await check(uow, clock) == []
    clock.at = msk(2026, 11, 24, 10, 0)
    await employee_tickets.comment_as_employee(
        uow, clock, ticket_id=1, tg_id=EMPLOYEE_TG, text="HP в 204"
    )
    # 2 h worked before the question, 6 h left from Tuesday 10:00.
    assert pending_milestones(uow.store.tickets[1]) == [
        (M.RESOLUTION_WARNING, msk(2026, 11, 24, 14, 0)),
        (M.RESOLUTION_BREACH, msk(2026, 11, 24, 16, 0)),
    ]
    clock.at = msk(2026, 11, 24, 14, 0)
    assert await check(uow, clock) == [ev.SlaWarning(1, M.RESOLUTION_WARNING, clock.at)]


async def test_a_warning_recorded_before_a_pause_is_not_repeated_after_it(uow, clock):
    await open_high(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    clock.at = msk(2026, 11, 23, 16, 30)
    assert len(await check(uow, clock)) == 1  # the resolution warning
    await staff_tickets.ask_client(
        uow, clock, ticket_id=1, staff_tg_id=ENGINEER, question="Перезагрузили?"
    )
    clock.at = msk(2026, 11, 24, 10, 0)
    await staff_tickets.resume_work(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    assert uow.store.tickets[1].resolution_due == msk(2026, 11, 24, 11, 30)
    clock.at = msk(2026, 11, 24, 11, 30)
    assert await check(uow, clock) == [ev.SlaBreached(1, M.RESOLUTION_BREACH, clock.at, 0)]


async def test_a_priority_change_recomputes_the_due_times(uow, clock):
    draft = incident(WorkImpact.HAMPERED)  # Standard: reaction 4 h, resolution 16 h
    await intake.open_ticket(uow, clock, employee_tg_id=EMPLOYEE_TG, draft=draft)
    assert uow.store.tickets[1].reaction_due == msk(2026, 11, 23, 14, 0)
    clock.at = msk(2026, 11, 23, 10, 20)
    await staff_tickets.change_priority(
        uow,
        clock,
        ticket_id=1,
        staff_tg_id=ENGINEER,
        priority=Priority.HIGHEST,
        reason="Встала бухгалтерия",
    )
    assert pending_milestones(uow.store.tickets[1])[:2] == [
        (M.REACTION_WARNING, msk(2026, 11, 23, 10, 22, 30)),
        (M.REACTION_BREACH, msk(2026, 11, 23, 10, 30)),
    ]
    clock.at = msk(2026, 11, 23, 10, 30)
    assert [e.milestone for e in await check(uow, clock)] == [
        M.REACTION_WARNING,
        M.REACTION_BREACH,
    ]


async def test_a_cancelled_ticket_has_no_timers(uow, clock):
    await open_high(uow, clock)
    await employee_tickets.cancel_by_employee(uow, clock, ticket_id=1, tg_id=EMPLOYEE_TG)
    assert pending_milestones(uow.store.tickets[1]) == []
    clock.advance(days=3)
    assert await check(uow, clock) == []


async def test_a_reopened_ticket_runs_its_resolution_clock_again(uow, clock):
    await open_high(uow, clock)
    await staff_tickets.take(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    clock.at = msk(2026, 11, 23, 11, 0)
    await staff_tickets.resolve(uow, clock, ticket_id=1, staff_tg_id=ENGINEER)
    assert pending_milestones(uow.store.tickets[1]) == []
    clock.at = msk(2026, 11, 23, 15, 0)
    await employee_tickets.reopen(
        uow, clock, ticket_id=1, tg_id=EMPLOYEE_TG, reason="Опять не печатает"
    )
    # While resolved the clock stood still: 1 h worked, 7 h left from Monday 15:00.
    assert pending_milestones(uow.store.tickets[1]) == [
        (M.RESOLUTION_WARNING, msk(2026, 11, 24, 11, 0)),
        (M.RESOLUTION_BREACH, msk(2026, 11, 24, 13, 0)),
    ]
    clock.at = msk(2026, 11, 24, 11, 0)
    assert await check(uow, clock) == [ev.SlaWarning(1, M.RESOLUTION_WARNING, clock.at)]


async def test_friday_1730_before_a_holiday_is_due_on_the_next_working_day(uow, clock):
    # Monday 9 March 2026 is a day off (8 March fell on a Sunday).
    clock.at = msk(2026, 3, 6, 17, 30)
    ticket = await open_high(uow, clock)
    assert not ticket.after_hours
    assert ticket.reaction_warning_at == msk(2026, 3, 10, 9, 15)
    assert ticket.reaction_due == msk(2026, 3, 10, 9, 30)
    assert ticket.resolution_due == msk(2026, 3, 10, 16, 30)
    clock.at = msk(2026, 3, 9, 12, 0)  # the holiday: nothing is due
    assert await check(uow, clock) == []
