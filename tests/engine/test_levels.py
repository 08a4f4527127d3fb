"""Which level an invoice sits at, and whether a reminder is due, in both scenario modes.

The policy (see builders.b2b): level 0 [-5, -1], N1 [1, 14], N2 [15, 29], N3 [30, 9999],
NA [366, 99999]. In sequential mode N2 and N3 come 15 and 30 days after the previous reminder.
"""

from __future__ import annotations

import pytest

from relance.engine.levels import assess, in_exclusion_window
from relance.engine.scenario import Mode, Scenario, Window
from tests.engine.builders import AS_OF, b2b, invoice, level, sequential


def level_of(scenario: Scenario, late: int, delay: int = 0, **state) -> tuple[int, bool] | None:
    """(level, due) for an invoice ``late`` days overdue, or None outside every window."""
    assessment = assess(scenario, invoice(late=late, **state), AS_OF, delay)
    return None if assessment is None else (assessment.level.level, assessment.due)


# --- due_date mode ---------------------------------------------------------------------------


def test_a_forty_day_late_invoice_goes_straight_to_the_level_covering_forty():
    assessment = assess(b2b(), invoice(late=40), AS_OF)
    assert assessment is not None
    assert (assessment.level.level, assessment.days, assessment.due) == (3, 40, True)
    assert assessment.level.formal_notice


@pytest.mark.parametrize(
    ("late", "expected"),
    [
        (-6, None),
        (-5, 0),
        (-1, 0),
        (0, None),
        (1, 1),
        (14, 1),
        (15, 2),
        (29, 2),
        (30, 3),
        (9999, 3),
        (10000, None),
    ],
)
def test_an_invoice_sits_at_the_level_whose_window_holds_its_days_bounds_included(late, expected):
    assert level_of(b2b(), late) == (None if expected is None else (expected, True))


def test_a_reminder_is_due_only_when_the_level_is_higher_than_the_one_reached():
    assert level_of(b2b(), 20, reached=1, reminded=6) == (2, True)
    assert level_of(b2b(), 20, reached=2, reminded=5) == (2, False)
    assert level_of(b2b(), 20, reached=3, reminded=5) == (2, False)


def test_an_invoice_reminded_at_level_one_skips_to_level_three_when_it_is_thirty_days_late():
    assert level_of(b2b(), 30, reached=1, reminded=29) == (3, True)


def test_the_preventive_level_zero_comes_before_the_due_date_and_only_once():
    assert level_of(b2b(), -5) == (0, True)
    assert level_of(b2b(), -3, reached=0, reminded=2) == (0, False)
    assert level_of(b2b(), 1, reached=0, reminded=6) == (1, True)


def test_on_the_due_date_itself_the_policy_has_no_level():
    assert level_of(b2b(), 0) is None
    assert level_of(b2b(), 0, reached=0, reminded=1) is None


def test_a_customer_extra_delay_shifts_every_window():
    assert level_of(b2b(), 11, delay=10) == (1, True)
    assert level_of(b2b(), 10, delay=10) is None
    assert level_of(b2b(), 24, delay=10) == (1, True)
    assert level_of(b2b(), 25, delay=10) == (2, True)
    assert level_of(b2b(), 39, delay=10) == (2, True)
    assert level_of(b2b(), 40, delay=10) == (3, True)


def test_a_customer_extra_delay_shifts_the_preventive_window_too():
    assert level_of(b2b(), -5, delay=10) is None
    assert level_of(b2b(), 5, delay=10) == (0, True)


def test_the_last_level_repeats_every_n_days_after_its_previous_reminder_and_not_before():
    monthly = b2b(repeat_every_days=30)
    assert level_of(monthly, 90, reached=3, reminded=29) == (3, False)
    assert level_of(monthly, 90, reached=3, reminded=30) == (3, True)
    assert level_of(monthly, 90, reached=3, reminded=45) == (3, True)


def test_the_last_level_does_not_repeat_when_the_scenario_does_not_say_so():
    assert level_of(b2b(), 90, reached=3, reminded=300) == (3, False)


def test_a_lower_level_never_repeats():
    monthly = b2b(repeat_every_days=5)
    assert level_of(monthly, 20, reached=2, reminded=5) == (2, False)
    assert level_of(monthly, 10, reached=1, reminded=9) == (1, False)


def test_the_last_level_does_not_repeat_without_the_date_of_its_previous_reminder():
    assert level_of(b2b(repeat_every_days=30), 90, reached=3) == (3, False)


def test_an_invoice_reminded_above_its_window_does_not_repeat_the_last_level():
    two_levels = Scenario("t", (level(1, 1, 14), level(2, 15, 9999)), repeat_every_days=7)
    assert level_of(two_levels, 40, reached=3, reminded=60) == (2, False)


# --- sequential mode -------------------------------------------------------------------------


def test_sequential_level_one_comes_as_soon_as_the_days_reach_its_from_days():
    assert level_of(sequential(), 0) is None
    assert level_of(sequential(), 1) == (1, True)


def test_sequential_never_skips_a_level_even_when_the_invoice_is_very_late():
    assert level_of(sequential(), 200) == (1, True)
    assert level_of(sequential(), 9999) == (1, True)


def test_sequential_level_two_waits_for_its_from_days_after_the_level_one_reminder():
    assert level_of(sequential(), 100, reached=1, reminded=14) == (1, False)
    assert level_of(sequential(), 100, reached=1, reminded=15) == (2, True)


def test_sequential_counts_days_since_the_previous_reminder_not_days_overdue():
    assert level_of(sequential(), 100, reached=1, reminded=3) == (1, False)
    assert level_of(sequential(), 50, reached=2, reminded=29) == (2, False)
    assert level_of(sequential(), 50, reached=2, reminded=30) == (3, True)


def test_sequential_to_days_does_not_limit_escalation():
    short = Scenario(
        "short",
        (level(1, 1, 5), level(2, 10, 12), level(3, 10, 12)),
        mode=Mode.SEQUENTIAL,
    )
    assert level_of(short, 500, reached=1, reminded=200) == (2, True)
    assert level_of(short, 500, reached=2, reminded=200) == (3, True)
    assert level_of(short, 500, reached=3, reminded=200) == (3, False)


def test_sequential_sends_the_preventive_level_zero_then_level_one():
    assert level_of(sequential(), -6) is None
    assert level_of(sequential(), -5) == (0, True)
    assert level_of(sequential(), -2, reached=0, reminded=3) == (0, False)
    assert level_of(sequential(), 1, reached=0, reminded=6) == (1, True)


def test_sequential_sends_no_preventive_reminder_once_its_window_is_over():
    # An invoice first seen after the due date gets no "it falls due soon" reminder.
    late_start = sequential(levels=(level(0, -5, -1), level(1, 10, 20)))
    assert level_of(late_start, 3) is None
    assert level_of(late_start, 3, reached=0, reminded=8) is None
    assert level_of(late_start, 10) == (1, True)


def test_sequential_without_a_preventive_level_waits_for_level_one():
    no_zero = sequential(levels=sequential().levels[1:])
    assert level_of(no_zero, -3) is None
    assert level_of(no_zero, -3, reached=0, reminded=1) is None


def test_sequential_repeats_the_last_level_every_n_days_and_not_before():
    monthly = sequential(repeat_every_days=30)
    assert level_of(monthly, 200, reached=3, reminded=29) == (3, False)
    assert level_of(monthly, 200, reached=3, reminded=30) == (3, True)


def test_sequential_never_repeats_a_lower_level():
    slow = sequential(levels=(level(1, 1, 14), level(2, 200, 9999)), repeat_every_days=30)
    assert level_of(slow, 150, reached=1, reminded=100) == (1, False)


def test_sequential_escalation_needs_the_date_of_the_previous_reminder():
    assert level_of(sequential(), 100, reached=1) == (1, False)


def test_sequential_extra_delay_moves_levels_zero_and_one_only():
    assert level_of(sequential(), 10, delay=10) is None
    assert level_of(sequential(), 5, delay=10) == (0, True)
    assert level_of(sequential(), 11, delay=10) == (1, True)
    assert level_of(sequential(), 30, delay=10, reached=1, reminded=15) == (2, True)


def test_sequential_continues_from_the_level_below_when_the_reached_level_was_removed():
    gap = Scenario("gap", (level(1, 1, 14), level(3, 15, 9999)), mode=Mode.SEQUENTIAL)
    assert level_of(gap, 60, reached=2, reminded=5) == (1, False)
    assert level_of(gap, 60, reached=2, reminded=15) == (3, True)


# --- exclusion windows -----------------------------------------------------------------------


def test_an_invoice_in_the_na_window_is_in_an_exclusion_window():
    policy = b2b()
    assert not in_exclusion_window(policy, 365)
    assert in_exclusion_window(policy, 366)
    assert in_exclusion_window(policy, 99999)
    assert not in_exclusion_window(policy, 100000)


def test_exclusion_windows_move_with_the_customer_extra_delay():
    assert not in_exclusion_window(b2b(), 380, delay=30)
    assert in_exclusion_window(b2b(), 396, delay=30)


def test_a_scenario_without_exclusion_windows_excludes_nothing():
    assert not in_exclusion_window(b2b(exclusions=()), 100000)


def test_several_exclusion_windows_each_hold():
    holes = b2b(exclusions=(Window(20, 22), Window(366, 99999)))
    assert [d for d in range(15, 30) if in_exclusion_window(holes, d)] == [20, 21, 22]
    assert in_exclusion_window(holes, 400)
