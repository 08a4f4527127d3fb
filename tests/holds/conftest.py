"""A small ledger for the holds tests: customers C1 and C2 of ``acme``, C9 of another company."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.services.companies import ensure_company
from tests.conftest import TODAY


def make_invoice(
    customer: Customer,
    number: str,
    *,
    days_late: int = 30,
    amount: str = "100.00",
    open_amount: str | None = None,
    issued: date | None = None,
    currency: str = "EUR",
) -> Invoice:
    due = TODAY - timedelta(days=days_late)
    return Invoice.objects.create(
        company=customer.company,
        customer=customer,
        number=number,
        issue_date=issued or due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(amount if open_amount is None else open_amount),
        currency=currency,
    )


def settle(*invoices: Invoice) -> None:
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(open_amount=0)


@pytest.fixture
def c1(company: Company) -> Customer:
    return Customer.objects.create(company=company, code="C1", name="Durand SARL")


@pytest.fixture
def c2(company: Company) -> Customer:
    return Customer.objects.create(company=company, code="C2", name="Martin & Fils")


@pytest.fixture
def stranger(db) -> Customer:
    other = ensure_company("globex", "Globex SA")[0]
    return Customer.objects.create(company=other, code="C9", name="Elsewhere")


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-12345")
