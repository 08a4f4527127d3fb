"""Acting on a customer from its page, through the same services as the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.accounts.roles import COLLECTOR, VIEWER
from relance.ledger.models import Customer

pytestmark = pytest.mark.django_db


def act(client, code="A1", **data):
    return client.post(reverse("web:customer-action", kwargs={"code": code}), data, follow=True)


@pytest.fixture
def collector(client, world):
    client.force_login(world.users[COLLECTOR])
    return client


def test_a_collector_blocks_then_unblocks_a_customer_with_a_reason(collector, world):
    until = timezone.localdate() + timedelta(days=10)
    page = act(collector, do="block", until=until.isoformat(), reason="")
    assert Customer.objects.get(code="A1").blocked_until is None  # no reason: refused
    assert 'role="status"' in page.content.decode()
    act(collector, do="block", until=until.isoformat(), reason="Paiement en cours")
    blocked = Customer.objects.get(code="A1")
    assert (blocked.blocked_until, blocked.blocked_reason) == (until, "Paiement en cours")
    act(collector, do="unblock")
    assert Customer.objects.get(code="A1").blocked_until is None


def test_a_collector_records_a_promise_and_a_dispute(collector, world):
    until = timezone.localdate() + timedelta(days=7)
    act(collector, do="promise", amount="1200,00", until=until.isoformat())
    assert world.a_customer.promises.get().amount == 1200
    act(collector, do="dispute", invoice="FA1", reason="Livraison incomplète")
    assert world.a_customer.invoices.get(number="FA1").disputed


def test_the_scenario_must_be_one_of_the_companys(collector, world):
    act(collector, do="scenario", scenario="nope")
    assert Customer.objects.get(code="A1").scenario_code == ""
    act(collector, do="scenario", scenario="std")
    assert Customer.objects.get(code="A1").scenario_code == "std"


def test_viewers_and_other_companies_cannot_act(client, world):
    client.force_login(world.users[VIEWER])
    assert act(client, do="unblock").status_code == 403
    client.force_login(world.users["outsider"])
    assert act(client, do="unblock").status_code == 404
