import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.dunning.planning import NoScenario, build_plan, plan_as_json
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 24)
SCENARIOS = """\
scenarios:
  - code: std
    min_total: 10.00
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [email, sms]}
      - {level: 3, from_days: 30, to_days: 9999, channels: [email, letter]}
    exclusions:
      - {from_days: 366, to_days: 99999}
"""


@pytest.fixture
def company():
    company = ensure_company("acme", "ACME SAS")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    return company


def customer(company, code, **fields):
    defaults = {"name": code, "email": f"{code.lower()}@example.com"}
    return Customer.objects.create(company=company, code=code, **{**defaults, **fields})


def invoice(customer, number, days_late, amount="100.00", **fields):
    due = date.fromordinal(AS_OF.toordinal() - days_late)
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


def test_the_plan_is_the_json_of_the_design_document(company):
    c1 = customer(company, "C1")
    invoice(c1, "F1", 40, "120.50")
    invoice(c1, "F2", 5, "30.00")
    invoice(c1, "F3", 400)  # in the NA window
    invoice(c1, "F4", -3)  # not yet due: not listed
    assert plan_as_json(build_plan(company, AS_OF)) == {
        "as_of": "2026-11-24",
        "proposals": [
            {
                "customer": "C1",
                "scenario": "std",
                "level": 3,
                "channels": ["email"],
                "total_due": "150.50",
                "currency": "EUR",
                "invoices": [
                    {
                        "number": "F1",
                        "due_date": "2026-10-15",
                        "days_overdue": 40,
                        "level": 3,
                        "open_amount": "120.50",
                    },
                    {
                        "number": "F2",
                        "due_date": "2026-11-19",
                        "days_overdue": 5,
                        "level": 1,
                        "open_amount": "30.00",
                    },
                ],
            }
        ],
        "excluded": [{"customer": "C1", "invoice": "F3", "reason": "exclusion_window"}],
    }


def test_customer_state_in_the_database_gives_each_exclusion_reason(company):
    invoice(customer(company, "D1"), "D1-1", 20, disputed=True)
    invoice(customer(company, "D2", dunning_enabled=False), "D2-1", 20)
    invoice(customer(company, "D3", blocked_until=date(2026, 12, 31)), "D3-1", 20)
    invoice(customer(company, "D4"), "D4-1", 20, "5.00")
    covered = customer(company, "D5")
    invoice(covered, "D5-1", 20)
    Payment.objects.create(
        company=company,
        customer=covered,
        reference="P1",
        date=AS_OF,
        amount=Decimal("150.00"),
        unapplied_amount=Decimal("150.00"),
    )
    invoice(customer(company, "D6", objection_email=True), "D6-1", 5)
    invoice(customer(company, "D7", email=""), "D7-1", 5)
    result = build_plan(company, AS_OF)
    assert result.proposals == ()
    assert [(e.customer, e.invoice, e.reason) for e in result.excluded] == [
        ("D1", "D1-1", "disputed"),
        ("D2", None, "dunning_disabled"),
        ("D3", None, "customer_blocked"),
        ("D4", None, "below_minimum"),
        ("D5", None, "covered_by_credit"),
        ("D6", None, "objection"),
        ("D7", None, "no_contact"),
    ]


def test_an_invoice_already_reminded_at_its_level_is_listed_but_not_due_again(company):
    c1 = customer(company, "C1")
    invoice(c1, "F1", 20, reached_level=2, reminded_on=date(2026, 11, 20))
    assert build_plan(company, AS_OF).proposals == ()
    invoice(c1, "F2", 3)
    (proposal,) = build_plan(company, AS_OF).proposals
    assert [(i.number, i.level, i.due) for i in proposal.items] == [
        ("F1", 2, False),
        ("F2", 1, True),
    ]
    assert proposal.level == 2


def test_the_number_of_queries_does_not_grow_with_the_ledger(company):
    def queries(customers):
        for index in range(customers):
            invoice(
                customer(company, f"Q{len(queries.made)}-{index}"),
                f"Q{len(queries.made)}-{index}",
                20,
            )
        with CaptureQueriesContext(connection) as captured:
            build_plan(company, AS_OF)
        queries.made.append(len(captured))
        return len(captured)

    queries.made = []
    assert queries(2) == queries(40)


def test_the_plan_command_prints_json_and_writes_nothing(company, capsys):
    invoice(customer(company, "C1"), "F1", 20)
    before = list(Invoice.objects.values_list("number", "reached_level", "reminded_on"))
    call_command("plan", "--as-of", "2026-11-24", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert [p["customer"] for p in printed["proposals"]] == ["C1"]
    assert list(Invoice.objects.values_list("number", "reached_level", "reminded_on")) == before
    call_command("plan", "--as-of", "2026-11-24")
    table = capsys.readouterr().out
    assert "1 proposal(s)" in table
    assert "100.00 EUR" in table  # quantized, whatever the database hands back


def test_a_company_without_scenarios_gets_a_clear_error():
    ensure_company("empty", "Empty")
    with pytest.raises(NoScenario):
        build_plan(ensure_company("empty")[0], AS_OF)
    with pytest.raises(CommandError, match="scenarios load"):
        call_command("plan", "--as-of", "2026-11-24")
