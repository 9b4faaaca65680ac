from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from domain.compliance import (
    Breach,
    SlaTarget,
    TargetCompliance,
    TargetOutcome,
    compliance_report,
    ticket_sla,
)
from domain.enums import Category, Priority, RequestType, SlaTier, TicketKind, TicketStatus
from domain.model import Client, Rating, Ticket
from domain.sla import AgreedResolution, Pause, SlaTargets
from tests.unit.fakes import msk

CLIENT_ID = 7

INC, REQ = TicketKind.INCIDENT, TicketKind.REQUEST
LOW, STD, HIGH, HIGHEST = Priority.LOW, Priority.STANDARD, Priority.HIGH, Priority.HIGHEST


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def client(**changes) -> Client:
    base = Client(
        name="ООО Ромашка",
        tier=SlaTier.GOLD,
        timezone="Europe/Moscow",
        opens=time(9),
        closes=time(18),
        weekdays=frozenset(range(5)),
        country="RU",
        id=CLIENT_ID,
    )
    return replace(base, **changes)


def ticket(number: int, kind: TicketKind, priority: Priority, registered: datetime, **kw) -> Ticket:
    return Ticket(
        client_id=kw.pop("client_id", CLIENT_ID),
        employee_id=1,
        kind=kind,
        category=Category.OTHER,
        priority=priority,
        title=f"заявка {number}",
        description=f"заявка {number}",
        registered_at=registered,
        id=number,
        **kw,
    )


NOVEMBER = (msk(2026, 11, 1), msk(2026, 12, 1))
NOW = msk(2026, 11, 30, 12, 0)  # Monday noon


def november_tickets() -> list[Ticket]:
    """Gold client, 09:00–18:00 Mon–Fri Moscow; 23–27 November 2026 is a plain working week."""
    return [
        # Met: High, answered in 30 min, resolved in 4 h, closed next morning.
        ticket(
            1,
            INC,
            HIGH,
            msk(2026, 11, 23, 10, 0),
            status=TicketStatus.CLOSED,
            first_response_at=msk(2026, 11, 23, 10, 30),
            resolved_at=msk(2026, 11, 23, 14, 0),
            closed_at=msk(2026, 11, 24, 9, 30),
            pauses=[Pause(msk(2026, 11, 23, 14, 0), msk(2026, 11, 24, 9, 30))],
        ),
        # Reaction breach across a night: Standard (4 h), Tue 16:00 → Wed 11:30 is 4.5 working
        # hours; resolved Thu 10:00 after 12 working hours (16 allowed), awaiting confirmation.
        ticket(
            2,
            REQ,
            STD,
            msk(2026, 11, 24, 16, 0),
            status=TicketStatus.RESOLVED,
            first_response_at=msk(2026, 11, 25, 11, 30),
            resolved_at=msk(2026, 11, 26, 10, 0),
            pauses=[Pause(msk(2026, 11, 26, 10, 0))],
        ),
        # Resolution breach: High (8 h); 2 h Monday, waiting for the client until Tuesday 15:00,
        # then 3 h Tuesday and 4 h Wednesday: 9 h counted, 1 h over.
        ticket(
            3,
            INC,
            HIGH,
            msk(2026, 11, 23, 9, 0),
            status=TicketStatus.CLOSED,
            first_response_at=msk(2026, 11, 23, 9, 20),
            resolved_at=msk(2026, 11, 25, 13, 0),
            closed_at=msk(2026, 11, 25, 15, 0),
            pauses=[
                Pause(msk(2026, 11, 23, 11, 0), msk(2026, 11, 24, 15, 0)),
                Pause(msk(2026, 11, 25, 13, 0), msk(2026, 11, 25, 15, 0)),
            ],
        ),
        # Open and unanswered past its due: Highest (30 min) from Friday 17:00; by Monday noon
        # 4 working hours have passed. Resolution (6 h) is not due until Monday 14:00.
        ticket(4, INC, HIGHEST, msk(2026, 11, 27, 17, 0)),
        # Open, not yet due: Low (32 h) registered an hour ago.
        ticket(5, REQ, LOW, msk(2026, 11, 30, 11, 0)),
        # Cancelled before anyone answered: would be a reaction breach if it counted.
        ticket(
            6,
            INC,
            STD,
            msk(2026, 11, 24, 10, 0),
            status=TicketStatus.CANCELLED,
            closed_at=msk(2026, 11, 24, 10, 5),
        ),
        # An emergency on Saturday night, handled at once: no working time passed.
        ticket(
            7,
            INC,
            HIGH,
            msk(2026, 11, 28, 22, 0),
            status=TicketStatus.CLOSED,
            emergency=True,
            after_hours=True,
            first_response_at=msk(2026, 11, 28, 22, 10),
            resolved_at=msk(2026, 11, 28, 23, 0),
            closed_at=msk(2026, 11, 29, 10, 0),
            pauses=[Pause(msk(2026, 11, 28, 23, 0), msk(2026, 11, 29, 10, 0))],
        ),
        # Registered before the period and at its very end: both left out.
        ticket(8, INC, HIGH, msk(2026, 10, 30, 10, 0)),
        ticket(9, INC, HIGHEST, msk(2026, 12, 1, 0, 0), emergency=True),
    ]


RATINGS = [
    Rating(7, 4, "", msk(2026, 11, 29, 10, 0)),
    Rating(3, 2, "решали два дня", msk(2026, 11, 25, 15, 0)),
    Rating(1, 5, "спасибо", msk(2026, 11, 24, 9, 30)),
    Rating(8, 1, "ужасно", msk(2026, 11, 2, 9, 0)),  # its ticket is not in the period
    Rating(2, 3, "долго ждали ответа", msk(2026, 11, 26, 11, 0)),
]


def november_report():
    return compliance_report(client(), november_tickets(), RATINGS, *NOVEMBER, NOW)


def test_counts_leave_cancelled_and_out_of_period_tickets_aside():
    report = november_report()
    assert report.registered == 7
    assert report.cancelled == 1
    assert report.by_kind == {INC: 4, REQ: 2}
    assert report.by_priority == {LOW: 1, STD: 1, HIGH: 3, HIGHEST: 1}
    assert [t.ticket_id for t in report.tickets] == [1, 2, 3, 4, 5, 7]


def test_reaction_and_resolution_counts_and_exact_percentages():
    report = november_report()
    assert (report.reaction.met, report.reaction.breached, report.reaction.pending) == (3, 2, 1)
    assert report.reaction.percent_met == Decimal("60.0")
    assert (report.resolution.met, report.resolution.breached) == (3, 1)
    assert report.resolution.pending == 2
    assert report.resolution.percent_met == Decimal("75.0")


def test_breaches_by_ticket_with_working_time_overdue():
    report = november_report()
    assert report.breaches == (
        Breach(2, SlaTarget.REACTION, STD, h(4), timedelta(minutes=30), msk(2026, 11, 25, 11, 0)),
        Breach(3, SlaTarget.RESOLUTION, HIGH, h(8), h(1), msk(2026, 11, 25, 12, 0)),
        Breach(4, SlaTarget.REACTION, HIGHEST, h(0.5), h(3.5), msk(2026, 11, 27, 17, 30)),
    )
    assert report.reaction.overdue == h(4)
    assert report.resolution.overdue == h(1)
    assert report.total_overdue == h(5)


def test_a_reaction_breach_across_a_night_counts_only_working_time():
    result = ticket_sla(november_tickets()[1], client(), NOW)
    assert result.reaction.outcome is TargetOutcome.BREACHED
    # 19.5 wall-clock hours passed; the night is not working time.
    assert result.reaction.overdue == timedelta(minutes=30)
    assert result.resolution.outcome is TargetOutcome.MET
    assert result.resolution.overdue == timedelta(0)


def test_the_time_waiting_for_the_client_is_left_out_of_resolution():
    paused = november_tickets()[2]
    assert ticket_sla(paused, client(), NOW).resolution.overdue == h(1)
    unpaused = replace(paused, pauses=[])
    assert ticket_sla(unpaused, client(), NOW).resolution.overdue == h(14)


def test_open_tickets_past_due_are_breached_and_not_yet_due_are_pending():
    tickets = november_tickets()
    overdue = ticket_sla(tickets[3], client(), NOW)
    assert overdue.reaction.outcome is TargetOutcome.BREACHED
    assert overdue.resolution.outcome is TargetOutcome.PENDING
    assert overdue.resolution.due_at == msk(2026, 11, 30, 14, 0)
    fresh = ticket_sla(tickets[4], client(), NOW)
    assert fresh.reaction.outcome is TargetOutcome.PENDING
    assert fresh.resolution.outcome is TargetOutcome.PENDING
    assert fresh.reaction.overdue == timedelta(0)
    # Later the same open ticket becomes a breach, by the working time past its due.
    later = ticket_sla(tickets[3], client(), msk(2026, 11, 30, 15, 0))
    assert later.resolution.outcome is TargetOutcome.BREACHED
    assert later.resolution.overdue == h(1)


def test_exactly_at_the_due_time_an_open_ticket_is_still_pending():
    at_due = ticket_sla(november_tickets()[3], client(), msk(2026, 11, 27, 17, 30))
    assert at_due.reaction.outcome is TargetOutcome.PENDING
    answered_at_due = replace(november_tickets()[3], first_response_at=msk(2026, 11, 27, 17, 30))
    assert ticket_sla(answered_at_due, client(), NOW).reaction.outcome is TargetOutcome.MET


def test_after_hours_emergencies_are_listed():
    report = november_report()
    assert [e.ticket_id for e in report.emergencies] == [7]
    emergency = report.emergencies[0]
    assert emergency.priority is HIGH
    assert emergency.responded_after == timedelta(minutes=10)


def test_ratings_average_and_low_ones_with_comments():
    report = november_report()
    assert report.ratings_count == 4
    assert report.average_rating == Decimal("3.50")  # (5 + 3 + 2 + 4) / 4; ticket 8 left out
    assert [(r.ticket_id, r.score, r.comment) for r in report.low_ratings] == [
        (2, 3, "долго ждали ответа"),
        (3, 2, "решали два дня"),
    ]


def test_average_rating_rounds_half_up_to_two_places():
    tickets = [ticket(n, INC, STD, msk(2026, 11, 23, 10, 0)) for n in (1, 2, 3)]
    ratings = [Rating(1, 5, "", NOW), Rating(2, 4, "", NOW), Rating(3, 4, "", NOW)]
    report = compliance_report(client(), tickets, ratings, *NOVEMBER, NOW)
    assert report.average_rating == Decimal("4.33")
    assert report.low_ratings == ()


def test_the_clients_own_sla_table_replaces_the_tier_where_it_says():
    own = client(custom_sla={HIGH: SlaTargets(timedelta(minutes=15), h(2))})
    tickets = [
        ticket(
            1,
            INC,
            HIGH,
            msk(2026, 11, 23, 10, 0),
            status=TicketStatus.CLOSED,
            first_response_at=msk(2026, 11, 23, 10, 20),
            resolved_at=msk(2026, 11, 23, 11, 30),
        ),
        # Standard is not in the contract's table: Gold's 4 h apply, 3 h is in time.
        ticket(
            2,
            REQ,
            STD,
            msk(2026, 11, 23, 10, 0),
            status=TicketStatus.CLOSED,
            first_response_at=msk(2026, 11, 23, 13, 0),
            resolved_at=msk(2026, 11, 23, 15, 0),
        ),
    ]
    report = compliance_report(own, tickets, [], *NOVEMBER, NOW)
    assert report.breaches == (
        Breach(
            1,
            SlaTarget.REACTION,
            HIGH,
            timedelta(minutes=15),
            timedelta(minutes=5),
            msk(2026, 11, 23, 10, 15),
        ),
    )
    assert report.reaction.percent_met == Decimal("50.0")
    assert report.resolution.percent_met == Decimal("100.0")
    # On Gold's own table (1 h reaction) the same history has no breach.
    assert compliance_report(client(), tickets, [], *NOVEMBER, NOW).breaches == ()


def test_round_the_clock_support_counts_nights_for_high_priority():
    night = msk(2026, 11, 28, 22, 0)  # Saturday
    emergency = ticket(
        1,
        INC,
        HIGH,
        night,
        emergency=True,
        first_response_at=night + h(2),
        status=TicketStatus.IN_PROGRESS,
    )
    report = compliance_report(client(round_the_clock=True), [emergency], [], *NOVEMBER, NOW)
    assert report.breaches[0].kind is SlaTarget.REACTION
    assert report.breaches[0].overdue == h(1)
    without_24_7 = compliance_report(client(), [emergency], [], *NOVEMBER, NOW)
    assert without_24_7.reaction.met == 1 and without_24_7.breaches == ()


def test_two_of_three_met_is_sixty_six_point_seven():
    registered = msk(2026, 11, 23, 10, 0)
    tickets = [
        ticket(n, INC, HIGH, registered, first_response_at=registered + timedelta(minutes=m))
        for n, m in ((1, 5), (2, 60), (3, 61))
    ]
    report = compliance_report(client(), tickets, [], *NOVEMBER, NOW)
    assert (report.reaction.met, report.reaction.breached) == (2, 1)
    assert report.reaction.percent_met == Decimal("66.7")


def test_percent_is_half_up_to_one_place_and_none_when_nothing_is_decided():
    assert TargetCompliance(1, 15, 0, timedelta(0)).percent_met == Decimal("6.3")  # 6.25
    assert TargetCompliance(0, 0, 4, timedelta(0)).percent_met is None
    only_pending = compliance_report(client(), [november_tickets()[4]], [], *NOVEMBER, NOW)
    assert only_pending.reaction.percent_met is None
    assert only_pending.resolution.percent_met is None
    assert only_pending.average_rating is None


def test_the_period_is_half_open():
    start, end = NOVEMBER
    tickets = [
        ticket(1, INC, LOW, start),
        ticket(2, INC, LOW, end - timedelta(microseconds=1)),
        ticket(3, INC, LOW, end),
    ]
    report = compliance_report(client(), tickets, [], start, end, end)
    assert [t.ticket_id for t in report.tickets] == [1, 2]


def test_another_clients_ticket_or_a_bad_period_is_refused():
    stranger = ticket(1, INC, LOW, msk(2026, 11, 23, 10, 0), client_id=CLIENT_ID + 1)
    with pytest.raises(ValueError):
        compliance_report(client(), [stranger], [], *NOVEMBER, NOW)
    with pytest.raises(ValueError):
        compliance_report(client(), [], [], NOVEMBER[1], NOVEMBER[0], NOW)
    with pytest.raises(ValueError):
        compliance_report(client(), [], [], *NOVEMBER, datetime(2026, 11, 30, 12, 0))


# --- change requests: the resolution time is agreed with the client -----------------------


def change_request(number: int, **kw) -> Ticket:
    return ticket(number, REQ, LOW, msk(2026, 11, 2, 10, 0), request_type=RequestType.CHANGE, **kw)


@pytest.mark.parametrize(
    ("kw", "outcome", "overdue"),
    [
        pytest.param(
            {"status": TicketStatus.IN_PROGRESS, "first_response_at": msk(2026, 11, 2, 11)},
            TargetOutcome.TO_BE_AGREED,
            h(0),
            id="open for four weeks, no date agreed: neither met nor breached",
        ),
        pytest.param(
            {
                "status": TicketStatus.CLOSED,
                "first_response_at": msk(2026, 11, 2, 11),
                "resolved_at": msk(2026, 11, 27, 17),
                "closed_at": msk(2026, 11, 27, 18),
            },
            TargetOutcome.TO_BE_AGREED,
            h(0),
            id="done without an agreed date: not counted",
        ),
        pytest.param(
            {
                "status": TicketStatus.CLOSED,
                "first_response_at": msk(2026, 11, 2, 11),
                "resolved_at": msk(2026, 11, 20, 17),
                "closed_at": msk(2026, 11, 20, 18),
                "agreed_resolution": AgreedResolution(msk(2026, 11, 20, 18), msk(2026, 11, 3, 10)),
            },
            TargetOutcome.MET,
            h(0),
            id="done by the agreed date: met",
        ),
        pytest.param(
            {
                "status": TicketStatus.IN_PROGRESS,
                "first_response_at": msk(2026, 11, 2, 11),
                "agreed_resolution": AgreedResolution(msk(2026, 11, 27, 18), msk(2026, 11, 3, 10)),
            },
            TargetOutcome.BREACHED,
            h(3),  # Monday 09:00–12:00
            id="open past the agreed date: breached by the working time since",
        ),
    ],
)
def test_a_change_requests_resolution_counts_only_against_an_agreed_date(kw, outcome, overdue):
    result = ticket_sla(change_request(1, **kw), client(), NOW)
    assert result.resolution.outcome is outcome
    assert result.resolution.overdue == overdue
    assert result.reaction.outcome is TargetOutcome.MET


def test_the_report_counts_change_requests_without_an_agreed_date_apart():
    tickets = [
        change_request(1, status=TicketStatus.IN_PROGRESS, first_response_at=msk(2026, 11, 2, 11)),
        change_request(
            2,
            status=TicketStatus.RESOLVED,
            first_response_at=msk(2026, 11, 2, 11),
            resolved_at=msk(2026, 11, 27, 17),
        ),
    ]
    report = compliance_report(client(), tickets, [], *NOVEMBER, NOW)
    assert report.resolution == TargetCompliance(0, 0, 0, h(0), to_be_agreed=2)
    assert report.resolution.percent_met is None
    assert report.breaches == ()


def test_by_closing_the_period_holds_the_tickets_closed_or_cancelled_in_it():
    """The monthly report's rule: a ticket registered in October and closed in November is
    November's, with its October reaction breach; one closed in December is not."""
    october = msk(2026, 10, 30, 10, 0)  # Friday: Gold, High, 1 h to answer
    late = ticket(
        1,
        INC,
        HIGH,
        october,
        status=TicketStatus.CLOSED,
        first_response_at=october + h(3),
        resolved_at=october + h(3),  # confirmed by the employee on Monday
        closed_at=msk(2026, 11, 2, 12, 0),
    )
    cancelled = ticket(
        2, INC, HIGH, october, status=TicketStatus.CANCELLED, closed_at=msk(2026, 11, 5, 9, 0)
    )
    december = ticket(
        3,
        INC,
        HIGH,
        msk(2026, 11, 30, 10, 0),
        status=TicketStatus.CLOSED,
        first_response_at=msk(2026, 11, 30, 10, 30),
        resolved_at=msk(2026, 12, 1, 10, 0),
        closed_at=msk(2026, 12, 1, 12, 0),
    )
    tickets = [late, cancelled, december]
    by_closing = compliance_report(client(), tickets, [], *NOVEMBER, NOW, by_closing=True)
    assert (by_closing.registered, by_closing.cancelled) == (2, 1)
    assert [t.ticket_id for t in by_closing.tickets] == [1]
    assert [(b.ticket_id, b.kind) for b in by_closing.breaches] == [(1, SlaTarget.REACTION)]
    by_registration = compliance_report(client(), tickets, [], *NOVEMBER, NOW)
    assert [t.ticket_id for t in by_registration.tickets] == [3]
