"""The bulk read of open items: what the database works out (day numbers, partial payment)
must match what the engine would compute from the invoice itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.dunning.open_items import load_open_items
from relance.engine.items import ItemRow, OpenItem, Party
from relance.engine.scenario import Level, Scenario
from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

SCENARIO = Scenario("std", (Level(1, 9999, level=1),))


def customer(company: Company, code: str) -> Customer:
    return Customer.objects.create(company=company, code=code, name=code)


def invoice(customer: Customer, number: str, due: date, amount: str, **fields) -> Invoice:
    return Invoice.objects.create(
        company=customer.company,
        customer=customer,
        number=number,
        issue_date=due,
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(fields.pop("open", amount)),
        **fields,
    )


def parties(*customers: Customer) -> dict[int, Party]:
    return {c.pk: Party(c.code, SCENARIO) for c in customers}


def normalised(rows: list[ItemRow]) -> list[ItemRow]:
    """Rows in a fixed order, flags as booleans (SQLite gives 0 and 1)."""
    return sorted(
        (cur, due, num, amt, bool(dis), bool(part), lvl, rem)
        for cur, due, num, amt, dis, part, lvl, rem in rows
    )


def test_rows_carry_day_numbers_flags_and_exact_amounts_as_the_engine_would(company):
    c1 = customer(company, "C1")
    invoice(c1, "F1", date(2026, 10, 15), "120.50")
    invoice(c1, "F2", date(2024, 2, 29), "1000.00", open="333.33", currency="USD")
    invoice(
        c1,
        "F3",
        date(2026, 11, 30),
        "99.99",
        disputed=True,
        reached_level=2,
        reminded_on=date(2026, 11, 1),
    )
    invoice(c1, "AV1", date(2026, 9, 1), "-40.00", kind="credit_note")
    rows = load_open_items(company, parties(c1)).accounts
    expected = [
        OpenItem("AV1", "C1", date(2026, 9, 1), Decimal("-40"), Decimal("-40")),
        OpenItem("F1", "C1", date(2026, 10, 15), Decimal("120.5"), Decimal("120.5")),
        OpenItem("F2", "C1", date(2024, 2, 29), Decimal(1000), Decimal("333.33"), currency="USD"),
        OpenItem(
            "F3",
            "C1",
            date(2026, 11, 30),
            Decimal("99.99"),
            Decimal("99.99"),
            disputed=True,
            reached_level=2,
            reminded_on=date(2026, 11, 1),
        ),
    ]
    assert list(rows) == ["C1"]
    assert normalised(list(rows["C1"])) == sorted(item.row() for item in expected)
    assert all(type(row[3]) is Decimal for row in rows["C1"])


def test_settled_invoices_other_customers_and_other_companies_are_left_out(company):
    c1, c2, empty = customer(company, "C1"), customer(company, "C2"), customer(company, "C3")
    invoice(c1, "F1", date(2026, 10, 15), "10.00")
    invoice(c1, "F2", date(2026, 10, 15), "10.00", open="0")
    invoice(c2, "F3", date(2026, 10, 15), "10.00")
    other = customer(ensure_company("other", "Other SAS")[0], "C1")
    invoice(other, "F4", date(2026, 10, 15), "10.00")
    accounts = load_open_items(company, parties(c1, empty)).accounts
    assert {code: [row[2] for row in rows] for code, rows in accounts.items()} == {"C1": ["F1"]}


def test_open_items_are_read_with_one_query_whatever_their_number(company):
    c1 = customer(company, "C1")
    for index in range(30):
        invoice(c1, f"F{index}", date(2026, 10, 15), "10.00")
    with CaptureQueriesContext(connection) as queries:
        accounts = load_open_items(company, parties(c1)).accounts
    assert len(queries) == 1
    assert len(accounts["C1"]) == 30
