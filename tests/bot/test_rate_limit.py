"""The per-person rate limit, on a clock the test moves."""

from bot.telegram.rate_limit import RateLimit, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_over_the_limit_a_person_is_told_once_then_dropped_for_the_window():
    clock = Clock()
    limit = RateLimit(updates=5, seconds=60, now=clock)
    assert [limit.check(1) for _ in range(5)] == [Verdict.PASS] * 5
    assert limit.check(2) is Verdict.PASS  # somebody else is not affected
    assert limit.check(1) is Verdict.WARN
    assert [limit.check(1) for _ in range(100)] == [Verdict.DROP] * 100
    clock.now += 59
    assert limit.check(1) is Verdict.DROP
    clock.now += 1
    assert [limit.check(1) for _ in range(5)] == [Verdict.PASS] * 5  # heard again
    assert limit.dropped == 102


def test_the_window_slides():
    clock = Clock()
    limit = RateLimit(updates=3, seconds=10, now=clock)
    for _ in range(3):
        assert limit.check(1) is Verdict.PASS
        clock.now += 4  # 3 within any 10 s: never more
    assert limit.check(1) is Verdict.PASS
    assert limit.check(1) is Verdict.WARN


def test_updates_from_nobody_are_never_limited():
    limit = RateLimit(updates=1, seconds=60, now=Clock())
    assert {limit.check(None) for _ in range(10)} == {Verdict.PASS}


def test_people_who_went_quiet_are_forgotten():
    clock = Clock()
    limit = RateLimit(updates=2, seconds=60, now=clock)
    for user in range(1000):
        limit.check(user)
    limit.check(5)
    limit.check(5)  # over: muted
    clock.now += 61
    limit._sweep(clock.now)
    assert not limit._seen and not limit._muted_until
