"""Quiet hours: when a deferred SMS may leave, with a fixed clock, and properties checked
against an independent reading of the rules over many clocks, rules and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relance.engine.quiet_hours import QuietHours, next_allowed

PARIS = ZoneInfo("Europe/Paris")
FRENCH = QuietHours()  # 20:00-08:00, Sundays, French holidays


def paris(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=PARIS, fold=fold)  # type: ignore[misc]


def utc(moment: datetime) -> datetime:
    """The instant itself: datetimes sharing a zone compare and subtract by wall clock, and a
    time in the repeated autumn hour never equals one in another zone."""
    return moment.astimezone(UTC)


# --- examples with a fixed clock ------------------------------------------------------------


def test_an_sms_during_the_day_leaves_at_once():
    now = paris(2026, 11, 24, 10, 15)
    assert next_allowed(now, FRENCH) is now


def test_an_sms_at_night_is_deferred_to_the_morning():
    assert next_allowed(paris(2026, 11, 24, 22, 30), FRENCH) == paris(2026, 11, 25, 8, 0)
    assert next_allowed(paris(2026, 11, 25, 6, 0), FRENCH) == paris(2026, 11, 25, 8, 0)


def test_the_quiet_window_starts_at_its_start_and_ends_at_its_end():
    assert next_allowed(paris(2026, 11, 24, 8, 0), FRENCH) == paris(2026, 11, 24, 8, 0)
    assert next_allowed(paris(2026, 11, 24, 19, 59, 59), FRENCH) == paris(2026, 11, 24, 19, 59, 59)
    assert next_allowed(paris(2026, 11, 24, 20, 0), FRENCH) == paris(2026, 11, 25, 8, 0)
    assert next_allowed(paris(2026, 11, 25, 7, 59, 59), FRENCH) == paris(2026, 11, 25, 8, 0)


def test_a_saturday_evening_sms_waits_for_monday_morning():
    assert next_allowed(paris(2026, 11, 28, 21, 0), FRENCH) == paris(2026, 11, 30, 8, 0)


def test_a_sunday_sms_waits_for_monday_morning_even_at_noon():
    assert next_allowed(paris(2026, 11, 29, 12, 0), FRENCH) == paris(2026, 11, 30, 8, 0)


def test_saturdays_are_open():
    now = paris(2026, 11, 28, 9, 0)
    assert next_allowed(now, FRENCH) is now


def test_bastille_day_defers_to_the_next_morning():
    assert next_allowed(paris(2026, 7, 14, 10, 0), FRENCH) == paris(2026, 7, 15, 8, 0)


def test_bastille_day_on_a_saturday_defers_past_the_sunday():
    assert next_allowed(paris(2029, 7, 14, 10, 0), FRENCH) == paris(2029, 7, 16, 8, 0)


def test_labour_day_on_a_friday_defers_to_saturday_morning():
    assert next_allowed(paris(2026, 5, 1, 9, 0), FRENCH) == paris(2026, 5, 2, 8, 0)


def test_easter_weekend_2027_defers_from_saturday_night_to_tuesday_morning():
    # Easter Sunday is also the night clocks go forward: Tuesday 08:00 is summer time.
    result = next_allowed(paris(2027, 3, 27, 21, 0), FRENCH)
    assert result == paris(2027, 3, 30, 8, 0)
    assert result.utcoffset() == timedelta(hours=2)


def test_without_holidays_easter_monday_2027_is_open():
    rules = QuietHours(holidays_country=None)
    assert next_allowed(paris(2027, 3, 29, 7, 0), rules) == paris(2027, 3, 29, 8, 0)


def test_good_friday_is_a_holiday_in_moselle_only():
    good_friday = paris(2027, 3, 26, 10, 0)
    assert next_allowed(good_friday, FRENCH) is good_friday
    moselle = QuietHours(holidays_country="FR-57")
    assert next_allowed(good_friday, moselle) == paris(2027, 3, 27, 8, 0)


def test_the_morning_after_clocks_go_forward_is_eight_on_the_new_clock():
    rules = QuietHours(sundays=False, holidays_country=None)
    result = next_allowed(paris(2027, 3, 27, 23, 0), rules)
    assert result == paris(2027, 3, 28, 8, 0)
    assert utc(result) - utc(paris(2027, 3, 27, 23, 0)) == timedelta(hours=8)  # a short night


def test_the_morning_after_clocks_go_back_is_eight_on_the_new_clock():
    rules = QuietHours(sundays=False, holidays_country=None)
    result = next_allowed(paris(2026, 10, 24, 23, 0), rules)
    assert result == paris(2026, 10, 25, 8, 0)
    assert result.utcoffset() == timedelta(hours=1)


def test_a_quiet_window_ending_in_the_skipped_hour_ends_when_the_clock_jumps():
    rules = QuietHours(end=time(2, 30), sundays=False, holidays_country=None)
    result = next_allowed(paris(2027, 3, 28, 1, 0), rules)
    assert utc(result) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 summer time
    assert (result.hour, result.minute) == (3, 0)


def test_a_quiet_window_ending_in_the_repeated_hour_ends_on_the_right_pass():
    rules = QuietHours(end=time(2, 30), sundays=False, holidays_country=None)
    first_pass = next_allowed(paris(2026, 10, 25, 2, 10), rules)
    second_pass = next_allowed(paris(2026, 10, 25, 2, 10, fold=1), rules)
    assert utc(first_pass) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 summer time
    assert utc(second_pass) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 winter time


def test_quiet_hours_follow_the_clock_of_the_given_time_zone():
    new_york = datetime(2026, 11, 24, 6, 0, tzinfo=ZoneInfo("America/New_York"))  # 12:00 Paris
    result = next_allowed(new_york, FRENCH)
    assert result == datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    assert result.tzinfo is new_york.tzinfo


def test_a_daytime_quiet_window_is_allowed_too():
    lunch = QuietHours(start=time(12, 0), end=time(14, 0), sundays=False, holidays_country=None)
    assert next_allowed(paris(2026, 11, 24, 13, 0), lunch) == paris(2026, 11, 24, 14, 0)
    assert next_allowed(paris(2026, 11, 24, 23, 0), lunch) == paris(2026, 11, 24, 23, 0)


def test_no_quiet_hours_let_everything_leave_at_once():
    rules = QuietHours.parse("none")
    now = paris(2026, 12, 25, 3, 0)
    assert next_allowed(now, rules) is now


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(datetime(2026, 11, 24, 22, 0), FRENCH)


# --- parsing --------------------------------------------------------------------------------


def test_the_default_configuration_string_gives_the_default_rules():
    assert QuietHours.parse("20:00-08:00,sundays,holidays=FR") == QuietHours()


def test_items_come_in_any_order_and_case_and_what_is_missing_is_off():
    assert QuietHours.parse(" Holidays=be , 21:30 - 7:00 ") == QuietHours(
        time(21, 30), time(7, 0), sundays=False, holidays_country="BE"
    )
    assert QuietHours.parse("sundays") == QuietHours(time(0), time(0), True, None)
    assert QuietHours.parse("NONE") == QuietHours(time(0), time(0), False, None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty; write 'none'"),
        ("20h-8h", "'20h-8h' is not understood"),
        ("20:00-08:00,saturdays", "'saturdays' is not understood"),
        ("25:00-08:00", "'25:00' is not a time of day"),
        ("20:00-08:60", "'08:60' is not a time of day"),
        ("20:00-08:00,22:00-07:00", "window is given twice"),
        ("holidays=XX", "no public holidays known for 'XX'"),
        ("none,sundays", "'none' is not understood"),
    ],
)
def test_a_wrong_configuration_string_says_what_is_wrong(text, why):
    with pytest.raises(ValueError, match=why):
        QuietHours.parse(text)


# --- properties -----------------------------------------------------------------------------

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Paris",
        "UTC",
        "America/New_York",
        "Australia/Lord_Howe",  # half-hour daylight saving
        "America/Sao_Paulo",  # used to change its clocks at midnight
        "Pacific/Apia",  # skipped 30 December 2011 altogether
    )
]
# Clock changes and holidays are where rules go wrong: look near them often.
AWKWARD_DAYS = [
    datetime(2011, 12, 29),
    datetime(2018, 11, 3),
    datetime(2026, 3, 29),
    datetime(2026, 10, 25),
    datetime(2027, 3, 27),
    datetime(2027, 4, 4),
    datetime(2029, 7, 14),
    datetime(2026, 12, 24),
]

minutes = st.builds(time, st.integers(0, 23), st.integers(0, 59))
rules_strategy = st.builds(
    QuietHours,
    start=minutes,
    end=minutes,
    sundays=st.booleans(),
    holidays_country=st.sampled_from([None, "FR", "FR-57", "DE", "US"]),
)
anywhen = st.datetimes(
    min_value=datetime(1995, 1, 1),
    max_value=datetime(2060, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
near_awkward_days = st.builds(
    lambda day, offset, zone, fold: (day + timedelta(seconds=offset)).replace(
        tzinfo=zone, fold=fold
    ),
    st.sampled_from(AWKWARD_DAYS),
    st.integers(-2 * 86400, 4 * 86400),
    st.sampled_from(ZONES),
    st.integers(0, 1),
).filter(lambda moment: _exists(moment))
clocks = st.one_of(anywhen, near_awkward_days)


def _exists(moment: datetime) -> bool:
    """Whether a wall-clock time was really shown (not in a skipped hour)."""
    there_and_back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return there_and_back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def allowed(moment: datetime, rules: QuietHours) -> bool:
    """The rules read independently of the code under test."""
    local = moment.astimezone(moment.tzinfo)
    day, clock = local.date(), local.time().replace(fold=0)
    if rules.sundays and day.weekday() == 6:
        return False
    if rules.holidays_country:
        country, _, subdivision = rules.holidays_country.partition("-")
        if day in holidays.country_holidays(country, subdiv=subdivision or None, years=day.year):
            return False
    start, end = rules.start, rules.end
    if start < end:
        return not (start <= clock < end)
    if start > end:
        return end <= clock < start
    return True


@settings(max_examples=300, deadline=None)
@given(now=clocks, rules=rules_strategy, fraction=st.floats(0, 1, exclude_max=True))
@example(now=datetime(2027, 3, 27, 21, 0, tzinfo=PARIS), rules=FRENCH, fraction=0.5)
@example(
    now=datetime(2011, 12, 29, 21, 0, tzinfo=ZoneInfo("Pacific/Apia")),
    rules=QuietHours(holidays_country=None),
    fraction=0.9,
)
def test_the_moment_returned_is_the_first_allowed_one_not_before_now(now, rules, fraction):
    result = next_allowed(now, rules)

    assert result.tzinfo is now.tzinfo
    assert utc(result) >= utc(now)
    assert allowed(result, rules)
    if allowed(now, rules):
        assert result is now
    else:
        # Nothing in between was allowed: not a moment drawn at random, not the second before.
        span = utc(result) - utc(now)
        between = utc(now) + timedelta(
            microseconds=int(span // timedelta(microseconds=1) * fraction)
        )
        assert not allowed(between.astimezone(now.tzinfo), rules)
        before = utc(result) - timedelta(seconds=1)
        if before >= utc(now):
            assert not allowed(before.astimezone(now.tzinfo), rules)


@given(rules=rules_strategy)
def test_the_configuration_string_reads_back_into_the_same_rules(rules):
    text = rules.format()
    if rules.start == rules.end:  # no window: any equal pair means the same
        rules = QuietHours(time(0), time(0), rules.sundays, rules.holidays_country)
    assert QuietHours.parse(text) == rules


def test_over_a_whole_year_sms_leave_on_every_working_day_and_on_no_other():
    moment = paris(2027, 1, 1, 0, 0)
    sent_on: set[date] = set()
    while moment.year == 2027:
        sent_on.add(next_allowed(moment, FRENCH).date())
        moment += timedelta(hours=5)
    french = holidays.country_holidays("FR", years=2027)
    days = (date(2027, 1, 1) + timedelta(days=n) for n in range(365))
    open_days = {day for day in days if day.weekday() != 6 and day not in french}
    assert len(open_days) == 365 - 52 - 10  # 15 August 2027 is a Sunday
    assert sent_on == open_days


def test_quiet_hours_are_wall_clock_times_and_allows_reads_the_moments_own_clock():
    with pytest.raises(ValueError, match="wall-clock"):
        QuietHours(start=time(20, tzinfo=UTC))
    rules, paris = QuietHours(), ZoneInfo("Europe/Paris")
    assert rules.allows(datetime(2026, 11, 24, 10, tzinfo=paris))
    assert not rules.allows(datetime(2026, 11, 24, 21, tzinfo=paris))
    assert not rules.allows(datetime(2026, 11, 29, 10, tzinfo=paris))  # a Sunday
