"""French late-payment penalties: exact figures, the half-year split, the contractual floor,
and properties over generated amounts and dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.engine.penalties import (
    NO_PENALTY,
    Calculator,
    InvalidRateTable,
    MissingRate,
    Penalty,
    RateBelowFloor,
    RateRow,
    Terms,
    accruals,
    check_contractual_rate,
    checked_table,
    interest_on,
    late_interest,
    rate_days,
    rate_row,
    row_in_force,
)

D = Decimal
TABLE = checked_table(
    RateRow(date(*day), D(ecb), D(legal))
    for day, ecb, legal in (
        ((2024, 1, 1), "4.50", "5.07"),
        ((2024, 7, 1), "4.25", "4.92"),
        ((2025, 1, 1), "3.15", "3.71"),
        ((2025, 7, 1), "2.15", "2.76"),
        ((2026, 1, 1), "2.15", "2.62"),
        ((2026, 7, 1), "2.15", "2.62"),
    )
)
FIRST, LAST = date(2024, 1, 1), date(2026, 12, 31)
B2B = Terms(business=True, late_interest=True, recovery_indemnity=True)


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def test_the_issue_example_1000_eur_30_days_late_at_12_15_percent_is_9_99():
    due = date(2026, 1, 10)
    assert late_interest(D("1000.00"), due, days_after(due, 30), TABLE, D("12.15")) == D("9.99")


def test_interest_is_simple_over_actual_365_even_in_a_leap_year():
    # 2024 is a leap year: still 366 days / 365, not / 366. Default rates: 14.50 % then 14.25 %.
    interest = late_interest(D("36500.00"), date(2023, 12, 31), date(2024, 12, 31), TABLE)
    # 182 days at 14.50 % + 184 days at 14.25 % on 36,500.00 = 182 × 14.50 + 184 × 14.25
    assert interest == D("5261.00")


def test_interest_runs_from_the_day_after_the_due_date_to_the_run_date_included():
    due = date(2026, 3, 31)
    assert late_interest(D("36500.00"), due, due, TABLE) == D("0.00")
    # One day late (1 April): one day at ECB 2.15 + 10 = 12.15 % on 36,500.00 → 12.15.
    assert late_interest(D("36500.00"), due, days_after(due, 1), TABLE) == D("12.15")


def test_the_period_is_split_by_half_year_each_with_its_own_rate():
    parts = accruals(date(2025, 6, 20), date(2025, 7, 10), TABLE)
    assert [(p.first_day, p.last_day, p.days, p.rate) for p in parts] == [
        (date(2025, 6, 21), date(2025, 6, 30), 10, D("13.15")),
        (date(2025, 7, 1), date(2025, 7, 10), 10, D("12.15")),
    ]
    # 1,000.00 × (10 × 13.15 + 10 × 12.15) / 36,500 = 6.9315… → 6.93
    assert late_interest(D("1000.00"), date(2025, 6, 20), date(2025, 7, 10), TABLE) == D("6.93")


def test_the_total_is_rounded_once_half_up_not_per_half_year():
    # 36.50 × (1 × 13.15 + 1 × 12.15) / 36,500 = 0.0253: per half-year, 0.01 + 0.01 = 0.02;
    # summed exactly then rounded, 0.03.
    parts = accruals(date(2025, 6, 29), date(2025, 7, 1), TABLE)
    assert [p.days for p in parts] == [1, 1]
    assert interest_on(D("36.50"), rate_days(parts)) == D("0.03")


def test_an_exact_half_cent_rounds_up():
    # 1.00 × 1 day × 18.25 % / 365 = 0.0005 → 0.00; 10.00 → 0.005 → 0.01 (half-up).
    assert interest_on(D("10.00"), D("18.25")) == D("0.01")


def test_a_missing_half_year_is_a_clear_error_naming_the_date():
    with pytest.raises(MissingRate, match="half-year starting 2027-01-01") as raised:
        late_interest(D("100.00"), date(2026, 12, 20), date(2027, 1, 5), TABLE)
    assert raised.value.day == date(2027, 1, 1)
    with pytest.raises(MissingRate, match="2023-07-01"):
        rate_row(TABLE, date(2023, 12, 31))


def test_a_rate_table_takes_rows_of_1_january_or_1_july_once_each():
    with pytest.raises(InvalidRateTable, match="1 January or 1 July"):
        checked_table([RateRow(date(2026, 3, 1), D("2.15"), D("2.62"))])
    with pytest.raises(InvalidRateTable, match="two penalty rates"):
        checked_table([TABLE[0], TABLE[0]])
    with pytest.raises(InvalidRateTable, match="negative"):
        checked_table([RateRow(date(2026, 1, 1), D("-0.10"), D("2.62"))])
    assert checked_table(reversed(TABLE)) == TABLE


def test_a_contractual_rate_below_three_times_the_legal_rate_is_refused_naming_both_figures():
    row = rate_row(TABLE, date(2026, 2, 1))
    check_contractual_rate(D("7.86"), row)  # 3 × 2.62: the minimum itself is lawful
    with pytest.raises(RateBelowFloor) as raised:
        check_contractual_rate(D("5.00"), row)
    assert "5.00 %" in str(raised.value)
    assert "7.86 %" in str(raised.value)
    assert (raised.value.rate, raised.value.floor) == (D("5.00"), D("7.86"))


def test_a_contractual_rate_under_the_floor_is_raised_to_the_floor_for_that_half_year():
    # 15.00 % is above 3 × 2.62 = 7.86 in 2026 but below 3 × 5.07 = 15.21 in H1 2024.
    parts = accruals(date(2024, 6, 25), date(2024, 7, 5), TABLE, D("15.00"))
    assert [(p.days, p.rate) for p in parts] == [(5, D("15.21")), (5, D("15.00"))]


def test_without_a_contractual_rate_the_default_is_ecb_plus_ten_points_with_no_floor():
    # H1 2024: ECB 4.50 + 10 = 14.50, below 3 × 5.07 = 15.21, yet the default applies as is.
    (part,) = accruals(date(2024, 1, 31), date(2024, 3, 1), TABLE)
    assert part.rate == D("14.50")


def test_the_rate_in_force_for_a_check_falls_back_to_the_latest_known_half_year():
    assert row_in_force(TABLE, date(2027, 2, 1)) == TABLE[-1]
    assert row_in_force(TABLE, date(2026, 3, 1)) == TABLE[4]
    assert row_in_force(TABLE, date(2023, 3, 1)) is None


def test_a_business_late_invoice_gets_interest_the_indemnity_and_the_single_rate():
    calculator = Calculator(TABLE, date(2026, 2, 9))
    penalty = calculator.penalty(
        Terms(True, True, True, contractual_rate=D("12.15")), date(2026, 1, 10), D("1000.00")
    )
    assert penalty == Penalty(D("9.99"), D("40.00"), D("12.15"))


def test_a_period_over_two_rates_has_no_single_rate():
    penalty = Calculator(TABLE, date(2025, 7, 10)).penalty(B2B, date(2025, 6, 20), D("1000.00"))
    assert penalty == Penalty(D("6.93"), D("40.00"), None)


def test_a_consumer_is_charged_neither_interest_nor_indemnity():
    consumer = Terms(business=False, late_interest=True, recovery_indemnity=True)
    penalty = Calculator(TABLE, date(2026, 2, 9)).penalty(consumer, date(2026, 1, 10), D("100"))
    assert penalty == NO_PENALTY


def test_a_level_charges_only_what_its_flags_say():
    calculator = Calculator(TABLE, date(2026, 2, 9))
    due, amount = date(2026, 1, 10), D("1000.00")
    interest_only = Terms(True, late_interest=True, recovery_indemnity=False)
    indemnity_only = Terms(True, late_interest=False, recovery_indemnity=True, indemnity=D(55))
    nothing = Terms(True, late_interest=False, recovery_indemnity=False)
    assert calculator.penalty(interest_only, due, amount) == Penalty(D("9.99"), None, D("12.15"))
    assert calculator.penalty(indemnity_only, due, amount) == Penalty(None, D("55.00"), None)
    assert calculator.penalty(nothing, due, amount) == NO_PENALTY


def test_an_invoice_not_yet_overdue_at_a_charging_level_gets_zero():
    calculator = Calculator(TABLE, date(2026, 2, 9))
    for due in (date(2026, 2, 9), date(2026, 2, 20)):
        assert calculator.penalty(B2B, due, D("500.00")) == Penalty(D("0.00"), D("0.00"), None)


# Properties -------------------------------------------------------------------------------

modest = settings(max_examples=300, deadline=None)
amounts = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
days_in_table = st.dates(min_value=FIRST, max_value=LAST)
contractual = st.none() | st.decimals(min_value=D("0"), max_value=D("40"), places=2)


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date]:
    due = draw(st.dates(min_value=days_after(FIRST, -1), max_value=LAST))
    as_of = draw(st.dates(min_value=days_after(FIRST, -1), max_value=LAST))
    return due, as_of


@modest
@given(amounts, periods(), contractual)
def test_interest_is_never_negative(amount, period, rate):
    assert late_interest(amount, *period, TABLE, rate) >= 0


@modest
@given(st.decimals(min_value=D("-10000"), max_value=D("0"), places=2), periods(), contractual)
def test_nothing_owed_means_no_interest(amount, period, rate):
    assert late_interest(amount, *period, TABLE, rate) == D("0.00")


@modest
@given(amounts, periods(), contractual)
def test_interest_is_zero_when_not_late(amount, period, rate):
    due, as_of = max(period), min(period)
    assert late_interest(amount, due, as_of, TABLE, rate) == D("0.00")


@modest
@given(amounts, periods(), st.integers(min_value=0, max_value=400), contractual)
def test_interest_grows_with_the_days_late(amount, period, more, rate):
    due, as_of = min(period), max(period)
    later = min(days_after(as_of, more), LAST)
    assert late_interest(amount, due, later, TABLE, rate) >= late_interest(
        amount, due, as_of, TABLE, rate
    )


@modest
@given(amounts, amounts, periods(), contractual)
def test_interest_grows_with_the_amount(one, other, period, rate):
    low, high = sorted((one, other))
    assert late_interest(low, *period, TABLE, rate) <= late_interest(high, *period, TABLE, rate)


@modest
@given(days_in_table, days_in_table, days_in_table, contractual)
def test_interest_is_additive_over_a_split_of_the_period(a, b, c, rate):
    due, middle, as_of = sorted((days_after(a, -1), days_after(b, -1), days_after(c, -1)))
    whole = rate_days(accruals(due, as_of, TABLE, rate))
    first = rate_days(accruals(due, middle, TABLE, rate))
    # The second part runs from the day after ``middle``, as if ``middle`` were its due date.
    second = rate_days(accruals(middle, as_of, TABLE, rate))
    assert whole == first + second
    amount = D("1234.56")
    rounded = interest_on(amount, first) + interest_on(amount, second)
    assert abs(interest_on(amount, whole) - rounded) <= D("0.01")


@modest
@given(periods(), contractual)
def test_the_half_years_cover_every_late_day_once(period, rate):
    due, as_of = period
    parts = accruals(due, as_of, TABLE, rate)
    assert sum(p.days for p in parts) == max((as_of - due).days, 0)
    for part, following in pairwise(parts):
        assert days_after(part.last_day, 1) == following.first_day


@modest
@given(periods(), st.decimals(min_value=D("0"), max_value=D("40"), places=2))
def test_a_contractual_rate_never_charges_less_than_the_floor(period, rate):
    for part in accruals(*period, TABLE, rate):
        row = rate_row(TABLE, part.first_day)
        assert part.rate >= row.floor
        assert part.rate == max(rate, row.floor)


@modest
@given(amounts, periods(), contractual)
def test_the_calculator_agrees_with_the_plain_function(amount, period, rate):
    due, as_of = period
    penalty = Calculator(TABLE, as_of).penalty(
        Terms(True, True, False, contractual_rate=rate), due, amount
    )
    assert penalty.interest == late_interest(amount, due, as_of, TABLE, rate)


@modest
@given(
    st.lists(st.tuples(days_in_table, st.decimals(D("-100"), D("100000"), places=2)), max_size=20),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    contractual,
)
def test_a_batch_gives_each_invoice_what_it_gets_alone(rows, business, interest, indemnity, rate):
    as_of = date(2026, 6, 1)
    terms = Terms(business, interest, indemnity, contractual_rate=rate)
    invoices = [(f"F{n}", due, amount) for n, (due, amount) in enumerate(rows)]
    batch = Calculator(TABLE, as_of).penalties(terms, invoices)
    for number, due, amount in invoices:
        assert batch[number] == Calculator(TABLE, as_of).penalty(terms, due, amount)
        late = due < as_of and amount > 0
        expected_interest = (
            late_interest(amount, due, as_of, TABLE, rate) if business and interest else None
        )
        expected_indemnity = (D("40.00") if late else D("0.00")) if business and indemnity else None
        assert batch[number].interest == expected_interest
        assert batch[number].indemnity == expected_indemnity
