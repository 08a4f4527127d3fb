"""Calling windows with a fixed clock, and their properties over generated clocks and calls."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.engine.calling import (
    CallingRules,
    CallingRulesError,
    calls_before,
    following_window,
    next_call_slot,
)

PARIS = ZoneInfo("Europe/Paris")
FRENCH = CallingRules()


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# Fixed-clock examples (2026-11-24 is a Tuesday) ---------------------------------------------


def test_a_call_inside_a_window_is_due_at_once():
    assert next_call_slot(paris(2026, 11, 24, 11, 15), FRENCH, []) == paris(2026, 11, 24, 11, 15)


def test_a_call_at_lunchtime_waits_for_the_afternoon_window():
    assert next_call_slot(paris(2026, 11, 24, 13, 0), FRENCH, []) == paris(2026, 11, 24, 14, 0)


def test_a_call_early_in_the_morning_waits_for_ten_o_clock():
    assert next_call_slot(paris(2026, 11, 24, 7, 30), FRENCH, []) == paris(2026, 11, 24, 10, 0)


def test_a_call_in_the_evening_waits_for_the_next_morning():
    assert next_call_slot(paris(2026, 11, 24, 20, 0), FRENCH, []) == paris(2026, 11, 25, 10, 0)


def test_a_call_on_friday_evening_waits_for_monday():
    assert next_call_slot(paris(2026, 11, 27, 21, 0), FRENCH, []) == paris(2026, 11, 30, 10, 0)


def test_no_call_on_a_french_public_holiday():
    # Wednesday 11 November 2026 is Armistice Day.
    assert next_call_slot(paris(2026, 11, 10, 20, 30), FRENCH, []) == paris(2026, 11, 12, 10, 0)


def test_christmas_friday_pushes_the_call_to_monday():
    assert next_call_slot(paris(2026, 12, 24, 19, 59), FRENCH, []) == paris(2026, 12, 24, 19, 59)
    assert next_call_slot(paris(2026, 12, 24, 20, 0), FRENCH, []) == paris(2026, 12, 28, 10, 0)


def test_moselle_also_rests_on_st_stephens_day():
    moselle = CallingRules(holidays_country="FR-57")
    # Saturday 26 December 2026 is a weekend day anyway: check a year it is a weekday.
    assert next_call_slot(paris(2025, 12, 25, 21, 0), FRENCH, []) == paris(2025, 12, 26, 10, 0)
    assert next_call_slot(paris(2025, 12, 25, 21, 0), moselle, []) == paris(2025, 12, 29, 10, 0)


def test_a_fifth_call_in_thirty_days_waits_until_the_oldest_leaves_the_period():
    calls = [paris(2026, 11, day, 10, 30) for day in (2, 9, 16, 23)]
    now = paris(2026, 11, 24, 11, 0)
    # 2 November 10:30 leaves the 30-day period on 2 December at 10:30, a Wednesday.
    assert next_call_slot(now, FRENCH, calls) == paris(2026, 12, 2, 10, 30)


def test_a_period_ending_outside_the_windows_moves_on_to_the_next_window():
    calls = [paris(2026, 11, day, 19, 45) for day in (2, 3, 4, 5)]
    # The oldest leaves on 2 December at 19:45; 3 December 19:45 has the next; and so on.
    assert next_call_slot(paris(2026, 11, 24, 11, 0), FRENCH, calls) == paris(2026, 12, 2, 19, 45)
    late = [paris(2026, 11, day, 19, 59, 59) for day in (6, 9, 10, 11)]
    # 6 November + 30 days is Sunday 6 December: Monday morning it is.
    assert next_call_slot(paris(2026, 11, 24, 11, 0), FRENCH, late) == paris(2026, 12, 7, 10, 0)


def test_calls_older_than_the_period_do_not_count():
    calls = [paris(2026, 10, day, 10, 0) for day in (1, 2, 5, 6, 7)]
    now = paris(2026, 11, 24, 11, 0)
    assert next_call_slot(now, FRENCH, calls) == now


def test_a_call_exactly_one_period_old_has_left_it():
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert calls_before(now, timedelta(days=30), [now - timedelta(days=30)]) == []
    assert calls_before(now, timedelta(days=30), [now]) == [now]


def test_the_limit_counts_in_real_time_across_a_daylight_saving_change():
    # Summer time ends on 25 October 2026: 30 days after 20 October 10:00 (UTC+2) is
    # 19 November 09:00 in Paris (UTC+1), inside no window; the call waits for 10:00.
    calls = [paris(2026, 10, 20, 10, 0)]
    rules = CallingRules(max_calls=1)
    assert next_call_slot(paris(2026, 11, 19, 8, 0), rules, calls) == paris(2026, 11, 19, 10, 0)
    early = CallingRules(windows=((time(8), time(20)),), max_calls=1)
    assert next_call_slot(paris(2026, 11, 19, 8, 0), early, calls) == paris(2026, 11, 19, 9, 0)


def test_calls_given_in_utc_count_the_same_as_local_ones():
    local = [paris(2026, 11, day, 10, 30) for day in (2, 9, 16, 23)]
    utc = [call.astimezone(UTC) for call in local]
    now = paris(2026, 11, 24, 11, 0)
    assert next_call_slot(now, FRENCH, utc) == next_call_slot(now, FRENCH, local)


def test_weekends_are_allowed_when_the_rules_say_every_day():
    rules = CallingRules.parse("09:00-12:00;everyday;holidays=none")
    assert next_call_slot(paris(2026, 11, 28, 8, 0), rules, []) == paris(2026, 11, 28, 9, 0)
    assert next_call_slot(paris(2026, 12, 25, 8, 0), rules, []) == paris(2026, 12, 25, 9, 0)


def test_an_unanswered_call_is_tried_again_in_the_following_window():
    assert following_window(paris(2026, 11, 24, 11, 0), FRENCH) == paris(2026, 11, 24, 14, 0)
    assert following_window(paris(2026, 11, 24, 14, 0), FRENCH) == paris(2026, 11, 25, 10, 0)
    assert following_window(paris(2026, 11, 27, 16, 0), FRENCH) == paris(2026, 11, 30, 10, 0)


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_call_slot(datetime(2026, 11, 24, 11), FRENCH, [])


# Parsing ------------------------------------------------------------------------------------


def test_the_default_rules_are_the_french_practice():
    assert CallingRules.parse("10:00-13:00,14:00-20:00;weekdays;holidays=FR;max=4/30") == FRENCH


def test_parts_left_out_keep_their_defaults():
    rules = CallingRules.parse("9:30-12:00")
    assert rules.windows == ((time(9, 30), time(12)),)
    assert (rules.weekdays_only, rules.holidays_country, rules.max_calls, rules.per_days) == (
        True,
        "FR",
        4,
        30,
    )


def test_the_parts_after_the_windows_come_in_any_order():
    rules = CallingRules.parse(" 08:00-12:00 , 13:00-24:00 ; max=2/7 ; holidays=be ; everyday ")
    assert rules.windows == ((time(8), time(12)), (time(13), time.max))
    assert (rules.weekdays_only, rules.holidays_country, rules.max_calls, rules.per_days) == (
        False,
        "BE",
        2,
        7,
    )


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "no calling window"),
        ("10h-13h", "not a window"),
        ("13:00-10:00", "ends before it starts"),
        ("10:00-13:00,12:00-14:00", "must not overlap"),
        ("14:00-20:00,10:00-13:00", "in order"),
        ("10:00-25:00", "10:00-25:00"),
        ("10:00-13:00;weekends", "not understood"),
        ("10:00-13:00;max=4", "not understood"),
        ("10:00-13:00;max=0/30", "at least 1 call"),
        ("10:00-13:00;holidays=XX", "no public holidays known"),
    ],
)
def test_rules_that_cannot_be_understood_are_refused_with_the_reason(text, complaint):
    with pytest.raises(CallingRulesError, match=complaint):
        CallingRules.parse(text)


# Properties ---------------------------------------------------------------------------------

ZONES = st.sampled_from([PARIS, ZoneInfo("America/New_York"), UTC])
moments = st.builds(
    lambda minutes, zone: (
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    ).astimezone(zone),
    st.integers(min_value=0, max_value=3 * 366 * 24 * 60),
    ZONES,
)


@st.composite
def rules(draw: st.DrawFn) -> CallingRules:
    edges = sorted(draw(st.sets(st.integers(min_value=0, max_value=24 * 4 - 1), min_size=2)))
    if len(edges) % 2:
        edges = edges[:-1]
    windows = tuple(
        (time(start // 4, start % 4 * 15), time(end // 4, end % 4 * 15))
        for start, end in zip(edges[::2], edges[1::2], strict=True)
    )
    return CallingRules(
        windows=windows,
        weekdays_only=draw(st.booleans()),
        holidays_country=draw(st.sampled_from(["", "FR", "FR-57", "DE"])),
        max_calls=draw(st.integers(min_value=1, max_value=5)),
        per_days=draw(st.integers(min_value=1, max_value=40)),
    )


def calls_around(now: datetime) -> st.SearchStrategy[list[datetime]]:
    return st.lists(
        st.integers(min_value=-60 * 24 * 60, max_value=10 * 24 * 60).map(
            lambda minutes: now + timedelta(minutes=minutes)
        ),
        max_size=12,
    )


def in_a_window(slot: datetime, rules: CallingRules) -> bool:
    return rules.allows(slot.date()) and any(
        start <= slot.time() and (slot.time() < end or end == time.max)
        for start, end in rules.windows
    )


examples = settings(max_examples=300, deadline=None)


@examples
@given(st.data(), moments, rules())
def test_the_slot_is_never_before_now_and_always_inside_a_window_on_an_allowed_day(
    data, now, rules
):
    calls = data.draw(calls_around(now))
    slot = next_call_slot(now, rules, calls)
    assert slot >= now
    assert slot.utcoffset() == slot.astimezone(now.tzinfo).utcoffset()
    assert in_a_window(slot.astimezone(now.tzinfo), rules)


@examples
@given(st.data(), moments, rules())
def test_the_slot_keeps_the_calls_in_the_period_below_the_limit(data, now, rules):
    calls = data.draw(calls_around(now))
    slot = next_call_slot(now, rules, calls)
    assert len(calls_before(slot, rules.period, calls)) < rules.max_calls


@examples
@given(st.data(), moments, rules())
def test_no_earlier_moment_would_have_done(data, now, rules):
    """Every quarter of an hour between now and the slot is either outside the windows or
    over the limit: the slot is the first possible one (checked on a 15-minute grid, the
    grid the windows are drawn on)."""
    calls = data.draw(calls_around(now))
    slot = next_call_slot(now, rules, calls)
    moment = now
    while moment < slot:
        allowed = in_a_window(moment.astimezone(now.tzinfo), rules)
        assert not allowed or len(calls_before(moment, rules.period, calls)) >= rules.max_calls
        moment = (moment + timedelta(minutes=15)).replace(second=0, microsecond=0)
        moment -= timedelta(minutes=moment.minute % 15)


@examples
@given(moments, rules())
def test_without_any_recent_call_the_limit_never_delays_a_call(now, rules):
    unlimited = CallingRules(rules.windows, rules.weekdays_only, rules.holidays_country, 99, 1)
    assert next_call_slot(now, rules, []) == next_call_slot(now, unlimited, [])


@examples
@given(st.data(), moments, rules())
def test_calling_again_at_the_slot_gives_the_slot_itself(data, now, rules):
    calls = data.draw(calls_around(now))
    slot = next_call_slot(now, rules, calls)
    assert next_call_slot(slot, rules, calls) == slot


def test_calling_rules_need_at_least_one_window():
    with pytest.raises(CallingRulesError, match="at least one"):
        CallingRules(windows=())
