"""One cell at a time: the text ERPs and spreadsheets export, read as typed values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from relance.ledger.importing import cells
from relance.ledger.importing.cells import CellError


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, ""),
        ("  Durand SARL \t", "Durand SARL"),
        (411001, "411001"),
        (411001.0, "411001"),
        (12.5, "12.5"),
        (date(2026, 3, 1), "2026-03-01"),
    ],
)
def test_text_strips_and_turns_spreadsheet_numbers_back_into_codes(cell, expected):
    assert cells.text(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "1234.56",
        "1234,56",
        "1 234,56",
        "1.234,56",
        "1,234.56",
        "1\u00a0234,56",
        "1\u202f234,56",
        "1'234.56",
        " 1234.56 ",
        1234.56,
    ],
)
def test_an_amount_is_read_whatever_its_decimal_mark_and_thousands_separator(cell):
    assert cells.decimal(cell) == Decimal("1234.56")


def test_negative_amounts_and_integers_are_read_exactly():
    assert cells.decimal("-12,50") == Decimal("-12.50")
    assert cells.decimal(7) == Decimal(7)
    assert cells.decimal("1.234.567,89") == Decimal("1234567.89")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "'abc' is not an amount"),
        ("", "'' is not an amount"),
        ("NaN", "'NaN' is not an amount"),
        ("Infinity", "'Infinity' is not an amount"),
        ("12,34,56.7.8", "'12,34,56.7.8' is not an amount"),
        (True, "True is not an amount"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_the_cell_quoted(cell, message):
    with pytest.raises(CellError) as caught:
        cells.decimal(cell)
    assert str(caught.value) == message


def test_money_is_stored_with_two_decimal_places():
    value = cells.money("1 234,5", "EUR")
    assert value == Decimal("1234.50")
    assert str(value) == "1234.50"
    assert str(cells.money(100, "JPY")) == "100.00"


@pytest.mark.parametrize(
    ("cell", "currency", "message"),
    [
        ("12.345", "EUR", "'12.345' has more than 2 decimal places for EUR"),
        ("100.5", "JPY", "'100.5' has more than 0 decimal places for JPY"),
        ("10000000000000", "EUR", "'10000000000000' is too large"),
        ("-10000000000000", "EUR", "'-10000000000000' is too large"),
    ],
)
def test_money_refuses_more_decimals_than_the_currency_has_and_huge_amounts(
    cell, currency, message
):
    with pytest.raises(CellError) as caught:
        cells.money(cell, currency)
    assert str(caught.value) == message


def test_the_largest_amount_the_database_holds_is_accepted():
    assert cells.money("9999999999999.99", "EUR") == Decimal("9999999999999.99")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("1/3/2026", date(2026, 3, 1)),
        (" 05/11/2026 ", date(2026, 11, 5)),
        (datetime(2026, 3, 31, 0, 0), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 3, 31)),
    ],
)
def test_a_date_is_read_iso_french_or_from_a_spreadsheet_cell(cell, expected):
    assert cells.day(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a valid date"),
        ("31/02/2026", "'31/02/2026' is not a valid date"),
        ("03-31-2026", "'03-31-2026' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
        ("2026/03/31", "'2026/03/31' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
        ("", "'' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
        (46000, "'46000' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ],
)
def test_a_wrong_date_is_refused_with_the_cell_quoted(cell, message):
    with pytest.raises(CellError) as caught:
        cells.day(cell)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("yes", True),
        ("Oui", True),
        ("X", True),
        ("1", True),
        (1, True),
        (True, True),
        ("no", False),
        ("NON", False),
        ("faux", False),
        ("", False),
        (None, False),
        (False, False),
    ],
)
def test_yes_no_understands_english_french_and_spreadsheet_booleans(cell, expected):
    assert cells.yes_no(cell) is expected


def test_a_word_that_is_not_yes_or_no_is_refused():
    with pytest.raises(CellError) as caught:
        cells.yes_no("maybe")
    assert str(caught.value) == "'maybe' is not yes or no"


def test_a_choice_is_case_insensitive_and_names_the_allowed_values():
    assert cells.choice(" Person ", ("company", "person")) == "person"
    with pytest.raises(CellError) as caught:
        cells.choice("Robot", ("company", "person"))
    assert str(caught.value) == "'Robot' is not one of company, person"


def test_an_email_is_checked_and_a_blank_one_is_allowed():
    assert cells.email(" compta@durand.example ") == "compta@durand.example"
    assert cells.email(None) == ""
    with pytest.raises(CellError) as caught:
        cells.email("compta at durand")
    assert str(caught.value) == "'compta at durand' is not an e-mail address"
