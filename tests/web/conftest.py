"""Two companies, each with a customer, and a user per role in company A."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User

from relance.accounts.models import Membership
from relance.accounts.roles import COLLECTOR, SUPERVISOR, VIEWER
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Company, Customer
from relance.ledger.services.companies import ensure_company
from tests.runs.conftest import invoice

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    a: Company
    b: Company
    a_customer: Customer
    b_customer: Customer
    users: dict[str, User]


def member(username: str, role: str | None, *companies: Company) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    for company in companies:
        Membership.objects.create(user=user, company=company)
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    a = ensure_company("a", "Alpha SAS")[0]
    b = ensure_company("b", "Beta SARL")[0]
    users = {
        SUPERVISOR: member("sam", SUPERVISOR, a),
        COLLECTOR: member("cole", COLLECTOR, a),
        VIEWER: member("vic", VIEWER, a),
        "outsider": member("otto", COLLECTOR, b),
        "nobody": member("nora", None),
    }
    a_customer = Customer.objects.create(
        company=a, code="A1", name="Client Alpha", email="a1@example.com", phone="+33612345678"
    )
    b_customer = Customer.objects.create(
        company=b, code="B1", name="Client Beta", email="b1@example.com"
    )
    invoice(a_customer, "FA1", 45, "1200.00")
    invoice(a_customer, "FA2", -3, "300.00")
    invoice(b_customer, "FB1", 10, "999.00")
    for company in (a, b):
        load(company, parse(SCENARIOS, "s.yaml"))
    return World(a, b, a_customer, b_customer, users)


SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 30, channels: [email]}
      - {level: 2, from_days: 31, to_days: 400, channels: [email, call]}
"""
