"""A company whose level 2 is a phone call, two customers at that level, and a fixed clock.

The clock starts on Tuesday 24 November 2026 at 09:00 in Paris, an hour before the first
calling window opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Company, Contact, Customer, Invoice
from relance.ledger.services.companies import ensure_company
from relance.runs.creating import RunRequest, create_run
from relance.runs.models import Action, ActionState, Run
from relance.tasks.calls import create_call_tasks
from relance.tasks.models import Task

PARIS = ZoneInfo("Europe/Paris")
AS_OF = date(2026, 11, 24)
SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [call]}
      - {level: 3, from_days: 30, to_days: 365, channels: [email]}
"""


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Every ``timezone.now()`` (and so ``localtime()``) reads this clock."""
    fixed = Clock(paris(2026, 11, 24, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now.astimezone(PARIS))
    return fixed


@pytest.fixture
def collector(django_user_model):
    return django_user_model.objects.create_user("claire", "claire@acme.example", "pw-12345")


@pytest.fixture
def company(db) -> Company:
    company = ensure_company("acme", "ACME SAS", sender_email="recouvrement@acme.example")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    return company


def invoice(who: Customer, number: str, days_late: int, amount: str = "100.00") -> Invoice:
    return Invoice.objects.create(
        company=who.company,
        customer=who,
        number=number,
        issue_date=AS_OF - timedelta(days=days_late + 30),
        due_date=AS_OF - timedelta(days=days_late),
        amount=Decimal(amount),
        open_amount=Decimal(amount),
    )


@pytest.fixture
def ledger(company, collector) -> Company:
    """C1: a phone, a contact with another, collector Claire, two invoices at level 2 (one
    of them of 1,234.56). C2: nobody's, in French. C3: only at level 1 (e-mail)."""
    c1 = Customer.objects.create(
        company=company,
        code="C1",
        name="Durand SARL",
        email="c1@example.com",
        phone="+33140000001",
        language="en",
        collector=collector,
    )
    Contact.objects.create(customer=c1, name="Jean Roux", phone="+33600000002")
    Contact.objects.create(customer=c1, name="No Phone", email="np@example.com")
    invoice(c1, "F1", 20, "1234.56")
    invoice(c1, "F1B", 16, "65.44")
    c2 = Customer.objects.create(
        company=company, code="C2", name="Martin & Fils", phone="+33140000003", language="fr"
    )
    invoice(c2, "F2", 25)
    c3 = Customer.objects.create(company=company, code="C3", name="Petit SA")
    invoice(c3, "F3", 5)
    return company


def queue_calls(company: Company, as_of: date = AS_OF) -> tuple[Run, list[Action]]:
    """A run, its call actions approved and queued as the executor leaves them."""
    run = create_run(company, RunRequest(as_of))
    calls = run.actions.filter(channel="call")
    calls.update(state=ActionState.QUEUED)
    return run, list(calls.order_by("customer__code"))


@pytest.fixture
def call_tasks(ledger, clock) -> list[Task]:
    run, actions = queue_calls(ledger)
    return create_call_tasks(run, actions)


@pytest.fixture
def c1_call(call_tasks) -> Task:
    return next(task for task in call_tasks if task.customer.code == "C1")
