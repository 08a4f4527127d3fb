"""The stored rate table, the company's and scenarios' penalty terms, and the per-invoice
figures the renderers get."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from relance.content.models import PenaltyRate
from relance.content.penalties import (
    PenaltyBook,
    contractual_rate_error,
    default_rates,
    ensure_rates,
    penalties_for,
    rate_table,
)
from relance.dunning.models import Scenario
from relance.engine.penalties import NO_PENALTY, InvalidRateTable, Penalty, RateRow

pytestmark = pytest.mark.django_db

D = Decimal
AS_OF = date(2026, 2, 9)
JAN_10 = date(2026, 1, 10)  # 30 days before AS_OF


@pytest.fixture
def rates():
    PenaltyRate.objects.all().delete()
    assert ensure_rates() == 6
    return rate_table()


def test_the_shipped_rates_are_exact_decimals_with_their_source():
    rows = {row.valid_from: row for row in default_rates()}
    assert sorted(rows) == [
        date(2024, 1, 1),
        date(2024, 7, 1),
        date(2025, 1, 1),
        date(2025, 7, 1),
        date(2026, 1, 1),
        date(2026, 7, 1),
    ]
    assert (rows[date(2024, 1, 1)].ecb_rate, rows[date(2024, 1, 1)].legal_rate) == (
        D("4.50"),
        D("5.07"),
    )
    assert (rows[date(2026, 1, 1)].ecb_rate, rows[date(2026, 1, 1)].legal_rate) == (
        D("2.15"),
        D("2.62"),
    )
    assert "15 décembre 2025" in rows[date(2026, 1, 1)].source
    assert rows[date(2026, 7, 1)].source == "to be confirmed: copy of the previous half-year"


def test_loading_the_rates_is_idempotent_and_never_overwrites_a_persons_edit(rates):
    PenaltyRate.objects.filter(valid_from=date(2026, 7, 1)).update(
        ecb_rate=D("2.40"), source="ECB decision of June 2026"
    )
    PenaltyRate.objects.filter(valid_from=date(2024, 1, 1)).delete()
    assert ensure_rates() == 1  # only the missing row comes back
    assert ensure_rates() == 0
    edited = PenaltyRate.objects.get(valid_from=date(2026, 7, 1))
    assert (edited.ecb_rate, edited.source) == (D("2.40"), "ECB decision of June 2026")
    assert PenaltyRate.objects.get(valid_from=date(2024, 1, 1)).legal_rate == D("5.07")


def test_the_rate_table_is_the_engines_sorted_rows(rates):
    assert rates[0] == RateRow(date(2024, 1, 1), D("4.50"), D("5.07"))
    assert [row.valid_from for row in rates] == sorted(row.valid_from for row in rates)


def test_a_stored_rate_not_dated_1_january_or_1_july_is_reported(rates):
    PenaltyRate.objects.create(valid_from=date(2026, 3, 15), ecb_rate=D(2), legal_rate=D(2))
    with pytest.raises(InvalidRateTable, match="2026-03-15"):
        rate_table()


def test_a_contractual_rate_below_the_floor_is_refused_naming_both_figures(rates):
    message = contractual_rate_error(D("7.00"), on=AS_OF)
    assert message is not None
    assert "7.00 %" in message
    assert "7.86 %" in message  # 3 × 2.62, the legal rate of H1 2026
    assert "2.62 %" in message
    assert contractual_rate_error(D("7.86"), on=AS_OF) is None
    assert contractual_rate_error(D("-1.00"), on=AS_OF) == "A rate cannot be negative."


def test_the_refusal_speaks_the_users_language_and_number_format(rates):
    with translation.override("fr"):
        message = contractual_rate_error(D("7.00"), on=AS_OF)
    assert message is not None
    assert "7,86" in message
    assert "janvier 2026" in message


def test_a_date_after_the_table_is_checked_against_the_latest_known_rates(rates):
    assert contractual_rate_error(D("7.00"), on=date(2027, 3, 1)) is not None
    assert contractual_rate_error(D("1.00"), on=date(2023, 3, 1)) is None  # nothing known


def test_a_company_cannot_save_a_contractual_rate_below_the_floor(company, rates):
    company.late_interest_rate = D("3.00")
    with pytest.raises(ValidationError) as raised:
        company.full_clean()
    assert set(raised.value.message_dict) == {"late_interest_rate"}
    company.late_interest_rate = D("12.15")
    company.full_clean()
    company.late_interest_rate = None
    company.recovery_indemnity = D("-40.00")
    with pytest.raises(ValidationError, match="negative"):
        company.full_clean()


def test_a_scenario_override_below_the_floor_is_refused(company, rates):
    scenario = Scenario(company=company, code="std", name="Standard", late_interest_rate=D("2"))
    with pytest.raises(ValidationError) as raised:
        scenario.full_clean()
    assert set(raised.value.message_dict) == {"late_interest_rate"}
    scenario.late_interest_rate = D("10.00")
    scenario.recovery_indemnity = D("-1")
    with pytest.raises(ValidationError) as raised:
        scenario.full_clean()
    assert set(raised.value.message_dict) == {"recovery_indemnity"}


def test_the_issue_example_through_the_service(company, rates):
    company.late_interest_rate = D("12.15")
    company.save()
    found = penalties_for(
        company,
        None,
        business=True,
        late_interest=True,
        recovery_indemnity=True,
        invoices=[("F1", JAN_10, D("1000.00"))],
        as_of=AS_OF,
    )
    assert found == {"F1": Penalty(D("9.99"), D("40.00"), D("12.15"))}


def test_without_a_contractual_rate_the_default_is_ecb_plus_ten(company, rates):
    found = penalties_for(
        company,
        None,
        business=True,
        late_interest=True,
        recovery_indemnity=False,
        invoices=[("F1", JAN_10, D("1000.00"))],
        as_of=AS_OF,
    )
    # ECB 2.15 + 10 = 12.15 %, the same as the issue's example.
    assert found == {"F1": Penalty(D("9.99"), None, D("12.15"))}


def test_a_scenario_overrides_the_companys_rate_and_indemnity(company, rates):
    company.late_interest_rate = D("12.15")
    company.save()
    Scenario.objects.create(
        company=company,
        code="strict",
        name="Strict",
        late_interest_rate=D("36.50"),
        recovery_indemnity=D("100.00"),
    )
    Scenario.objects.create(company=company, code="std", name="Standard")
    book = PenaltyBook(company, AS_OF)
    invoices = [("F1", JAN_10, D("1000.00"))]
    flags = {"business": True, "late_interest": True, "recovery_indemnity": True}
    # 1,000.00 × 30 × 36.50 % / 365 = 30.00
    strict = book.for_invoices(book.terms("strict", **flags), invoices)
    assert strict == {"F1": Penalty(D("30.00"), D("100.00"), D("36.50"))}
    standard = book.for_invoices(book.terms("std", **flags), invoices)
    assert standard == {"F1": Penalty(D("9.99"), D("40.00"), D("12.15"))}


def test_a_consumer_is_charged_nothing(company, rates):
    found = penalties_for(
        company,
        None,
        business=False,
        late_interest=True,
        recovery_indemnity=True,
        invoices=[("F1", JAN_10, D("1000.00"))],
        as_of=AS_OF,
    )
    assert found == {"F1": NO_PENALTY}


def test_the_queries_do_not_grow_with_the_number_of_invoices(company, rates):
    few = [("F1", JAN_10, D("10.00"))]
    many = [(f"F{n}", date.fromordinal(JAN_10.toordinal() - n % 300), D(n)) for n in range(5000)]
    counts = []
    for invoices in (few, many):
        with CaptureQueriesContext(connection) as queries:
            found = penalties_for(
                company,
                None,
                business=True,
                late_interest=True,
                recovery_indemnity=True,
                invoices=invoices,
                as_of=AS_OF,
            )
        assert len(found) == len(invoices)
        counts.append(len(queries))
    assert counts == [2, 2]  # the rate table and the scenarios' overrides
