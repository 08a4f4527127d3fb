"""A company with one scenario and a few customers whose invoices sit at known levels."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.services.companies import ensure_company

AS_OF = date(2026, 11, 24)
# A postal address complete enough for a letter (a window envelope).
ADDRESS = {"address_line1": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon"}
SCENARIOS = """\
scenarios:
  - code: std
    min_total: 10.00
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [email, sms]}
      - {level: 3, from_days: 30, to_days: 365, channels: [email], review: true,
         formal_notice: true}
    exclusions:
      - {from_days: 366, to_days: 99999}
"""
# One level that reaches the customer by every channel (previews of each kind of message).
EVERY_CHANNEL = """\
scenarios:
  - code: all
    levels:
      - {level: 1, from_days: 1, to_days: 400, channels: [email, sms, letter, call]}
"""


@pytest.fixture
def company(db) -> Company:
    company = ensure_company("acme", "ACME SAS", sender_email="recouvrement@acme.example")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    return company


def customer(company: Company, code: str, **fields: object) -> Customer:
    defaults: dict[str, object] = {"name": f"{code} SARL", "email": f"{code.lower()}@example.com"}
    return Customer.objects.create(company=company, code=code, **{**defaults, **fields})


def invoice(
    who: Customer, number: str, days_late: int, amount: str = "100.00", **fields: object
) -> Invoice:
    return Invoice.objects.create(
        company=who.company,
        customer=who,
        number=number,
        issue_date=AS_OF - timedelta(days=days_late + 30),
        due_date=AS_OF - timedelta(days=days_late),
        amount=Decimal(amount),
        open_amount=Decimal(fields.pop("open_amount", amount)),  # type: ignore[arg-type]
        **fields,
    )
