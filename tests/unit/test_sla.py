import re
from datetime import datetime, time, timedelta

import pytest

from domain import Priority, SlaTier, WorkCalendar, sla_targets
from domain.sla import Pause, SlaClock, SlaTargets, check_sla_table
from tests.unit.fakes import msk

CAL = WorkCalendar("Europe/Moscow", time(9), time(18), frozenset(range(5)), "RU")


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


# The table of DOMAIN.md, "SLA tiers", exactly: tier -> (reaction L/S/H/Hst, resolution L/S/H/Hst)
TABLE = {
    SlaTier.BRONZE: ((40, 8, 2, 1), (80, 32, 16, 8)),
    SlaTier.SILVER: ((32, 6, 2, 1), (64, 24, 12, 8)),
    SlaTier.GOLD: ((32, 4, 1, 0.5), (64, 16, 8, 6)),
    SlaTier.PLATINUM: ((24, 2, 1, 0.5), (48, 12, 8, 4)),
}


@pytest.mark.parametrize("tier", list(SlaTier))
def test_default_targets_match_the_contract_table(tier):
    reactions, resolutions = TABLE[tier]
    for priority, reaction, resolution in zip(Priority, reactions, resolutions, strict=True):
        assert sla_targets(tier, priority) == SlaTargets(h(reaction), h(resolution))


def test_a_contract_table_overrides_only_what_it_names():
    custom = {Priority.HIGH: SlaTargets(h(0.25), h(2))}
    assert sla_targets(SlaTier.BRONZE, Priority.HIGH, custom) == SlaTargets(h(0.25), h(2))
    assert sla_targets(SlaTier.BRONZE, Priority.LOW, custom) == SlaTargets(h(40), h(80))


def gold_high(registered: datetime, pauses=()) -> SlaClock:
    return SlaClock.of(CAL, sla_targets(SlaTier.GOLD, Priority.HIGH), registered, pauses)


def test_due_times_and_warnings_in_working_hours():
    d = gold_high(msk(2026, 11, 23, 10, 0)).deadlines()  # Monday
    assert d.reaction_due == msk(2026, 11, 23, 11, 0)
    assert d.reaction_warning_at == msk(2026, 11, 23, 10, 45)
    assert d.resolution_warning_at == msk(2026, 11, 23, 16, 0)
    assert d.resolution_due == msk(2026, 11, 23, 18, 0)  # closing time stays closing time


def test_registered_after_hours_the_clock_starts_next_working_morning():
    clock = gold_high(msk(2026, 11, 27, 19, 30))  # Friday evening
    assert clock.clock_starts_at == msk(2026, 11, 30, 9, 0)
    assert clock.deadlines().reaction_due == msk(2026, 11, 30, 10, 0)


def test_warning_fraction_is_configurable():
    clock = SlaClock.of(
        CAL, sla_targets(SlaTier.GOLD, Priority.HIGH), msk(2026, 11, 23, 10), (), 0.5
    )
    assert clock.deadlines().reaction_warning_at == msk(2026, 11, 23, 10, 30)


def test_waiting_for_the_client_moves_resolution_but_not_reaction():
    pause = Pause(msk(2026, 11, 23, 12, 0), msk(2026, 11, 24, 10, 0))
    d = gold_high(msk(2026, 11, 23, 10, 0), [pause]).deadlines()
    assert d.reaction_due == msk(2026, 11, 23, 11, 0)
    # 2 h worked before the pause, 6 h left from Tuesday 10:00
    assert d.resolution_due == msk(2026, 11, 24, 16, 0)


def test_while_waiting_there_is_no_resolution_due_time():
    d = gold_high(msk(2026, 11, 23, 10), [Pause(msk(2026, 11, 23, 12))]).deadlines()
    assert d.resolution_due is None and d.resolution_warning_at is None
    assert d.reaction_due == msk(2026, 11, 23, 11, 0)


def test_a_target_reached_before_a_later_pause_is_not_moved_by_it():
    pause = Pause(msk(2026, 11, 23, 17, 0), msk(2026, 11, 24, 12, 0))
    d = gold_high(msk(2026, 11, 23, 9, 0), [pause]).deadlines()
    assert d.reaction_due == msk(2026, 11, 23, 10, 0)
    assert d.resolution_warning_at == msk(2026, 11, 23, 15, 0)
    # 8 h from 09:00 would be 17:00, exactly when the pause starts
    assert d.resolution_due == msk(2026, 11, 23, 17, 0)


def test_reaction_breach_is_measured_in_working_time():
    clock = SlaClock.of(CAL, sla_targets(SlaTier.GOLD, Priority.STANDARD), msk(2026, 11, 23, 10))
    assert clock.reaction_met(msk(2026, 11, 23, 14, 0))
    assert not clock.reaction_met(msk(2026, 11, 23, 14, 1))
    assert clock.reaction_overdue(msk(2026, 11, 23, 15, 20)) == timedelta(hours=1, minutes=20)
    # the night does not count: due 14:00 Monday, answered 10:00 Tuesday = 5 h late
    assert clock.reaction_overdue(msk(2026, 11, 24, 10, 0)) == h(5)


def test_resolution_breach_leaves_out_pauses():
    pause = Pause(msk(2026, 11, 23, 12, 0), msk(2026, 11, 23, 15, 0))
    clock = gold_high(msk(2026, 11, 23, 10, 0), [pause])
    assert clock.resolution_elapsed(msk(2026, 11, 23, 16, 0)) == h(3)
    # Monday 10–12 and 15–18, Tuesday 09–12: exactly the 8 h target
    assert clock.resolution_met(msk(2026, 11, 24, 12, 0))
    assert clock.resolution_overdue(msk(2026, 11, 24, 12, 30)) == h(0.5)
    assert clock.resolution_left(msk(2026, 11, 23, 16, 0)) == h(5)


def test_round_the_clock_calendar_counts_nights():
    always = WorkCalendar("Europe/Moscow", time(9), time(18), frozenset(range(5)), "RU", True)
    clock = SlaClock.of(always, sla_targets(SlaTier.GOLD, Priority.HIGHEST), msk(2026, 11, 28, 23))
    assert clock.deadlines().reaction_due == msk(2026, 11, 28, 23, 30)
    assert clock.deadlines().resolution_due == msk(2026, 11, 29, 5, 0)


# --- a contract's own table -------------------------------------------------------------

_FULL = {p: SlaTargets(timedelta(hours=2), timedelta(hours=8)) for p in Priority}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({Priority.HIGHEST: SlaTargets(timedelta(hours=1), timedelta(hours=1))}, None),  # equal
        ({Priority.HIGHEST: None}, "the table has no highest (it needs all four priorities)"),
        ({Priority.LOW: None, Priority.HIGH: None}, "the table has no low, high"),
        (
            {Priority.HIGH: SlaTargets(timedelta(hours=4), timedelta(hours=2))},
            "high: the resolution time must not be shorter than the reaction time",
        ),
        (
            {Priority.LOW: SlaTargets(timedelta(0), timedelta(hours=2))},
            "low: the reaction time must be above zero",
        ),
    ],
)
def test_a_contracts_own_table_names_every_priority_and_resolves_after_reacting(changes, problem):
    table = {p: t for p, t in (_FULL | changes).items() if t is not None}
    if problem is None:
        check_sla_table(table)
    else:
        with pytest.raises(ValueError, match=re.escape(problem)):
            check_sla_table(table)
