"""Scenario validation: every rule a supervisor can break when saving a scenario."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from relance.engine.scenario import (
    InvalidScenario,
    Level,
    Mode,
    Scenario,
    Window,
    checked,
    validate,
)
from tests.engine.builders import b2b, level, sequential


def scenario(*levels: Level, **options) -> Scenario:
    return Scenario("test", levels, **options)


def test_a_sound_french_b2b_scenario_validates():
    sound = b2b()
    assert [(lv.level, lv.from_days, lv.to_days) for lv in sound.levels] == [
        (0, -5, -1),
        (1, 1, 14),
        (2, 15, 29),
        (3, 30, 9999),
    ]
    assert sound.last.formal_notice
    assert validate(sound) == []
    assert checked(sound) is sound


def test_the_same_policy_validates_in_sequential_mode():
    assert validate(sequential()) == []


def test_a_scenario_needs_at_least_one_level():
    assert validate(scenario()) == ["a scenario needs at least one level"]


def test_overlapping_windows_are_refused_in_due_date_mode():
    errors = validate(scenario(level(1, 1, 20), level(2, 15, 29)))
    assert errors == ["windows of level 1 [1, 20] and level 2 [15, 29] overlap"]


def test_windows_sharing_a_single_day_overlap():
    assert validate(scenario(level(1, 1, 15), level(2, 15, 29))) != []


def test_adjacent_windows_do_not_overlap():
    assert validate(scenario(level(1, 1, 14), level(2, 15, 29))) == []


def test_a_higher_level_cannot_have_an_earlier_window_in_due_date_mode():
    errors = validate(scenario(level(1, 20, 30), level(2, 1, 10)))
    assert errors == ["windows of level 1 [20, 30] and level 2 [1, 10] overlap"]


def test_windows_may_overlap_in_sequential_mode_where_they_count_days_since_the_last_reminder():
    levels = (level(1, 1, 30), level(2, 15, 30), level(3, 15, 9999))
    assert validate(scenario(*levels, mode=Mode.SEQUENTIAL)) == []


def test_levels_listed_out_of_order_are_refused():
    errors = validate(scenario(level(2, 1, 14), level(1, 15, 29)))
    assert "levels must be listed in increasing order, each once" in errors


def test_a_level_listed_twice_is_refused():
    errors = validate(scenario(level(1, 1, 14), level(1, 15, 29)))
    assert "levels must be listed in increasing order, each once" in errors


def test_levels_are_numbered_zero_to_nine():
    assert validate(scenario(level(10, 1, 9999))) == ["levels are numbered 0 (preventive) to 9"]
    assert "levels are numbered 0 (preventive) to 9" in validate(scenario(level(-1, -5, -1)))


def test_nine_levels_besides_the_preventive_one_are_allowed():
    levels = [level(0, -5, -1)] + [level(n, 10 * n, 10 * n + 9) for n in range(1, 10)]
    assert validate(scenario(*levels)) == []


def test_more_than_nine_levels_are_refused():
    levels = [level(n, 10 * n, 10 * n + 9) for n in range(1, 11)]
    assert "a scenario has at most 9 levels besides level 0" in validate(scenario(*levels))


def test_ten_levels_are_refused_even_when_each_number_is_in_range():
    levels = [level(1, 0, 0)] + [level(n, 10 * n, 10 * n + 9) for n in range(1, 10)]
    errors = validate(scenario(*levels))
    assert "a scenario has at most 9 levels besides level 0" in errors
    assert "levels are numbered 0 (preventive) to 9" not in errors


def test_a_sequential_scenario_needs_a_level_one():
    errors = validate(scenario(level(2, 1, 14), level(3, 15, 9999), mode=Mode.SEQUENTIAL))
    assert errors == ["a sequential scenario needs a level 1"]


def test_a_due_date_scenario_may_start_above_level_one():
    assert validate(scenario(level(2, 1, 14), level(3, 15, 9999))) == []


def test_the_preventive_level_zero_must_start_before_the_due_date():
    message = "level 0 is the preventive reminder: its from_days must be negative"
    assert validate(scenario(level(0, 0, 0), level(1, 1, 14))) == [message]
    assert validate(scenario(level(0, 3, 5), level(1, 10, 14))) == [message]


def test_in_sequential_mode_level_zero_must_start_before_level_one():
    errors = validate(scenario(level(0, -5, -1), level(1, -10, 14), mode=Mode.SEQUENTIAL))
    assert errors == ["level 0 must start before level 1"]


def test_an_unknown_channel_is_refused():
    errors = validate(scenario(level(1, 1, 14, "email", "fax", "pigeon")))
    assert errors == ["level 1: unknown channel(s) fax, pigeon (use email, sms, letter, call)"]


def test_an_unknown_fallback_channel_is_refused():
    errors = validate(scenario(level(1, 1, 14, "email", fallback="fax")))
    assert errors == ["level 1: unknown fallback channel fax (use email, sms, letter, call)"]


def test_a_fallback_that_is_already_one_of_the_level_channels_is_refused():
    errors = validate(scenario(level(2, 15, 29, "email", "sms", fallback="sms")))
    assert errors == ["level 2: the fallback channel sms is already one of the level's channels"]


def test_a_fallback_on_another_channel_is_accepted():
    assert validate(scenario(level(1, 1, 14, "email", fallback="letter"))) == []


def test_a_level_without_channels_is_refused():
    empty = replace(level(1, 1, 14), channels=())
    assert validate(scenario(empty)) == ["level 1: at least one channel is needed"]


def test_a_window_whose_from_days_is_after_its_to_days_is_refused():
    assert validate(scenario(level(1, 14, 1))) == ["level 1: from_days 14 is after to_days 1"]


def test_an_exclusion_window_that_ends_before_it_starts_is_refused():
    errors = validate(b2b(exclusions=(Window(99999, 366),)))
    assert errors == ["exclusion window [99999, 366] ends before it starts"]


def test_an_exclusion_window_may_carve_days_out_of_a_level_window():
    # DESIGN.md's own scenario file puts NA [366, 99999] inside level 3 [31, 9999].
    assert b2b().exclusions == (Window(366, 99999),)
    assert validate(b2b(exclusions=(Window(180, 99999),))) == []
    assert validate(b2b(exclusions=(Window(10, 20),))) == []


def test_an_exclusion_window_between_two_levels_is_accepted():
    gap = scenario(level(1, 1, 14), level(2, 30, 60), exclusions=(Window(15, 29),))
    assert validate(gap) == []


def test_exclusion_windows_are_not_compared_with_levels_in_sequential_mode():
    assert validate(sequential(exclusions=(Window(180, 99999),))) == []


def test_the_minimum_total_cannot_be_negative():
    errors = validate(b2b(min_total=Decimal("-0.01")))
    assert errors == ["the minimum total cannot be negative"]
    assert validate(b2b(min_total=Decimal("0"))) == []


def test_the_last_level_repeats_every_day_at_most():
    assert validate(b2b(repeat_every_days=0)) == ["the last level can repeat every 1 day or more"]
    assert validate(b2b(repeat_every_days=-7)) != []
    assert validate(b2b(repeat_every_days=1)) == []
    assert validate(b2b(repeat_every_days=None)) == []


def test_checked_raises_invalid_scenario_listing_every_error():
    broken = scenario(
        level(1, 1, 20, "fax"),
        level(2, 15, 29),
        min_total=Decimal("-1"),
        repeat_every_days=0,
    )
    with pytest.raises(InvalidScenario) as raised:
        checked(broken)
    assert raised.value.code == "test"
    assert raised.value.errors == [
        "level 1: unknown channel(s) fax (use email, sms, letter, call)",
        "windows of level 1 [1, 20] and level 2 [15, 29] overlap",
        "the minimum total cannot be negative",
        "the last level can repeat every 1 day or more",
    ]
    assert str(raised.value).startswith("scenario test: level 1: unknown channel(s) fax")
    assert isinstance(raised.value, ValueError)


def test_a_scenario_finds_its_levels_by_number():
    policy = b2b()
    assert policy.level(2) == level(2, 15, 29, "email", "sms")
    assert policy.level(7) is None
    assert policy.after(0) == policy.level(1)
    assert policy.after(1) == policy.level(2)
    assert policy.after(3) is None
    assert policy.last.level == 3


def test_windows_count_a_customer_extra_delay_on_both_bounds():
    na = Window(366, 99999)
    assert na.contains(366)
    assert na.contains(99999)
    assert not na.contains(365)
    assert not na.contains(366, delay=30)
    assert na.contains(396, delay=30)
    assert na.contains(100029, delay=30)
