"""The per-process pace, with a clock that only moves when the limiter sleeps or we say so."""

from __future__ import annotations

import pytest

from relance.channels.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def limiter(per_minute: int | None, time: FakeTime) -> RateLimiter:
    return RateLimiter(per_minute, clock=time.clock, sleep=time.sleep)


def test_messages_are_spaced_evenly_and_the_first_leaves_at_once():
    time = FakeTime()
    pace = limiter(120, time)
    for _ in range(4):
        pace.wait()
    assert time.slept == [0.5, 0.5, 0.5]


def test_never_more_than_the_rate_leave_within_a_minute():
    time = FakeTime()
    pace = limiter(30, time)
    sent_at = []
    for _ in range(100):
        pace.wait()
        sent_at.append(time.now)
    for start in sent_at:
        assert sum(start <= t < start + 60 for t in sent_at) <= 30


def test_time_spent_elsewhere_counts_towards_the_wait():
    time = FakeTime()
    pace = limiter(60, time)
    pace.wait()
    time.now += 0.75  # sending the message took that long
    pace.wait()
    time.now += 5  # then nothing to send for a while
    pace.wait()
    assert time.slept == [0.25]


def test_an_idle_spell_earns_no_burst_afterwards():
    time = FakeTime()
    pace = limiter(60, time)
    pace.wait()
    time.now += 600
    pace.wait()
    pace.wait()
    assert time.slept == [1.0]


def test_without_a_rate_nothing_ever_waits():
    time = FakeTime()
    pace = limiter(None, time)
    for _ in range(1000):
        pace.wait()
    assert time.slept == []


@pytest.mark.parametrize("rate", [0, -5])
def test_a_rate_must_be_positive(rate):
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate)
