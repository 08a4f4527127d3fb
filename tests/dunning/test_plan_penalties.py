"""`relance plan --format json`: late-payment interest and the recovery indemnity on each
invoice of a proposal whose level charges them (DESIGN.md section 5)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.content.models import PenaltyRate
from relance.content.penalties import ensure_rates, plan_penalties
from relance.dunning.planning import build_plan, plan_as_json
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Customer, Invoice
from relance.ledger.models.customer import CustomerKind
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 2, 9)
SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 0, from_days: -5, to_days: -1, channels: [email]}
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [email]}
      - {level: 3, from_days: 30, to_days: 9999, channels: [email], formal_notice: true,
         late_interest: true, recovery_indemnity: true}
  - code: soft
    levels:
      - {level: 1, from_days: 1, to_days: 9999, channels: [email], late_interest: true}
"""


@pytest.fixture
def company():
    company = ensure_company("acme", "ACME SAS")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    ensure_rates()
    return company


def customer(company, code, kind=CustomerKind.COMPANY, scenario=""):
    return Customer.objects.create(
        company=company,
        code=code,
        name=code,
        kind=kind,
        email=f"{code.lower()}@example.com",
        scenario_code=scenario,
    )


def invoice(customer, number, days_late, amount="1000.00", open_amount=None):
    due = date.fromordinal(AS_OF.toordinal() - days_late)
    return Invoice.objects.create(
        company=customer.company,
        customer=customer,
        number=number,
        issue_date=due,
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount or amount),
    )


def plan_json(company):
    result = build_plan(company, AS_OF)
    return plan_as_json(result, plan_penalties(company, result))


def invoices_of(document, code):
    (proposal,) = [p for p in document["proposals"] if p["customer"] == code]
    return {row["number"]: row for row in proposal["invoices"]}


def test_a_charging_level_adds_interest_and_indemnity_to_each_invoice(company):
    c1 = customer(company, "C1")
    invoice(c1, "F1", 30)  # 30 days at ECB 2.15 + 10 = 12.15 % on 1,000.00 → 9.99
    invoice(c1, "F2", 5, "200.00", open_amount="80.00")  # level 1, listed in the level-3 proposal
    invoice(c1, "F3", -3)  # level 0: listed, not yet due
    rows = invoices_of(plan_json(company), "C1")
    assert rows["F1"] == {
        "number": "F1",
        "due_date": "2026-01-10",
        "days_overdue": 30,
        "level": 3,
        "open_amount": "1000.00",
        "interest": "9.99",
        "indemnity": "40.00",
    }
    # 80.00 (the open amount, not the invoiced 200.00) × 5 × 12.15 % / 365 = 0.133… → 0.13
    assert (rows["F2"]["interest"], rows["F2"]["indemnity"]) == ("0.13", "40.00")
    assert (rows["F3"]["interest"], rows["F3"]["indemnity"]) == ("0.00", "0.00")


def test_a_proposal_at_a_level_charging_nothing_has_no_penalty_keys(company):
    c2 = customer(company, "C2")
    invoice(c2, "F4", 20)  # level 2 charges nothing
    row = invoices_of(plan_json(company), "C2")["F4"]
    assert "interest" not in row
    assert "indemnity" not in row


def test_a_level_charging_interest_only_adds_only_the_interest(company):
    c3 = customer(company, "C3", scenario="soft")
    invoice(c3, "F5", 30)
    row = invoices_of(plan_json(company), "C3")["F5"]
    assert row["interest"] == "9.99"
    assert "indemnity" not in row


def test_a_consumer_is_never_charged_penalties(company):
    person = customer(company, "P1", kind=CustomerKind.PERSON)
    invoice(person, "F6", 45)
    row = invoices_of(plan_json(company), "P1")["F6"]
    assert row["level"] == 3
    assert "interest" not in row
    assert "indemnity" not in row


def test_the_company_settings_and_the_scenario_override_apply(company):
    company.late_interest_rate = Decimal("36.50")
    company.recovery_indemnity = Decimal("55.00")
    company.save()
    c1 = customer(company, "C1")
    invoice(c1, "F1", 30)
    row = invoices_of(plan_json(company), "C1")["F1"]
    assert (row["interest"], row["indemnity"]) == ("30.00", "55.00")
    company.scenarios.filter(code="std").update(recovery_indemnity=Decimal("0.00"))
    row = invoices_of(plan_json(company), "C1")["F1"]
    assert row["indemnity"] == "0.00"


def test_no_query_is_spent_on_penalties_beyond_one_when_no_level_charges_them(company):
    c2 = customer(company, "C2")
    invoice(c2, "F4", 20)
    result = build_plan(company, AS_OF)
    with CaptureQueriesContext(connection) as queries:
        assert plan_penalties(company, result) == {}
    assert len(queries) == 1


def test_the_penalty_queries_do_not_grow_with_the_ledger(company):
    counts = []
    for size in (1, 40):
        for n in range(size):
            invoice(customer(company, f"S{size}-{n}"), f"S{size}-F{n}", 30 + n)
        result = build_plan(company, AS_OF)
        with CaptureQueriesContext(connection) as queries:
            found = plan_penalties(company, result)
        assert len(found) == sum(len(p.items) for p in result.proposals)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 4


def test_the_plan_command_prints_the_penalties(company, capsys):
    invoice(customer(company, "C1"), "F1", 30)
    call_command("plan", "--as-of", AS_OF.isoformat(), "--format", "json")
    document = json.loads(capsys.readouterr().out)
    (row,) = document["proposals"][0]["invoices"]
    assert (row["interest"], row["indemnity"]) == ("9.99", "40.00")


def test_a_missing_rate_stops_the_json_plan_with_the_half_year_to_add(company):
    invoice(customer(company, "C1"), "F1", 30)
    PenaltyRate.objects.filter(valid_from=date(2026, 1, 1)).delete()
    with pytest.raises(CommandError, match="half-year starting 2026-01-01"):
        call_command("plan", "--as-of", AS_OF.isoformat(), "--format", "json")
