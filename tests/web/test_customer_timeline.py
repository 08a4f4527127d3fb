"""The customer's timeline: every kind of event, one line of time, newest first."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relance.accounts.roles import SUPERVISOR
from relance.holds.models import Source
from relance.holds.services import open_dispute, record_promise
from relance.ledger.models import Allocation, Payment
from relance.notes.services import add_note
from relance.runs.services import RunRequest, run_dunning
from relance.tasks.models import TaskKind
from relance.tasks.services import open_task
from relance.web.timeline import Kind, timeline
from tests.runs.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world):
    customer = world.a_customer
    user = world.users[SUPERVISOR]
    run_dunning(world.a, RunRequest(AS_OF))  # FA1 is 45 days late: a level 2 e-mail
    fa1 = customer.invoices.get(number="FA1")
    payment = Payment.objects.create(
        company=world.a,
        customer=customer,
        reference="VIR-1",
        date=timezone.localdate() - timedelta(days=2),
        amount=Decimal("200.00"),
    )
    Allocation.objects.create(payment=payment, invoice=fa1, amount=Decimal("200.00"))
    today = timezone.localdate()
    record_promise(
        customer,
        amount=Decimal("1000.00"),
        until=today + timedelta(days=10),
        promised_on=today,
        user=user,
        source=Source.PHONE,
    )
    open_dispute(customer.invoices.get(number="FA2"), "Wrong quantity", today, user, Source.PHONE)
    open_task(customer, TaskKind.CALL, "Call Client Alpha")
    add_note(customer, "Prefers e-mail", author=user)
    add_note(customer, "Paying the rest next week", author=user, answer=True, channel="phone")
    return customer


def test_the_timeline_holds_every_kind_of_event_newest_first(story):
    entries = timeline(story)
    kinds = {entry.kind for entry in entries}
    assert kinds >= {
        Kind.INVOICE,
        Kind.PAYMENT,
        Kind.REMINDER,
        Kind.PROMISE,
        Kind.DISPUTE,
        Kind.TASK,
        Kind.NOTE,
        Kind.ANSWER,
    }
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)
    assert entries[0].kind == Kind.ANSWER  # the last thing written
    payment = next(entry for entry in entries if entry.kind == Kind.PAYMENT)
    assert "FA1" in payment.detail
    assert payment.amount == Decimal("200.00")
    reminder = next(entry for entry in entries if entry.kind == Kind.REMINDER)
    assert reminder.link.startswith("/")
    assert reminder.link.endswith("/document")


def test_the_customer_page_shows_the_timeline_with_the_link_to_what_was_sent(client, world, story):
    client.force_login(world.users[SUPERVISOR])
    page = client.get(reverse("web:customer", kwargs={"code": "A1"})).content.decode()
    reminder = next(entry for entry in timeline(story) if entry.kind == Kind.REMINDER)
    assert reminder.link in page
    for kind in ("invoice", "payment", "reminder", "promise", "dispute", "task", "note", "answer"):
        assert f'data-kind="{kind}"' in page
    assert page.index("Paying the rest next week") < page.index("Prefers e-mail")


def test_amounts_in_the_timeline_text_are_written_in_the_reader_s_language(story):
    with translation.override("fr"):
        issued = next(e for e in timeline(story) if e.title == "Facture FA1 émise")
    assert re.search(r"1[\xa0\u202f]\d{3},00", issued.detail), issued.detail
    with translation.override("en"):
        issued = next(e for e in timeline(story) if e.title == "Invoice FA1 issued")
    assert re.search(r"1,\d{3}\.00", issued.detail), issued.detail


def test_promise_dates_in_the_timeline_are_written_in_the_reader_s_language(story):
    with translation.override("fr"):
        promise = next(e for e in timeline(story) if e.kind == "promise")
    assert re.search(r"\d{2}/\d{2}/\d{4}", promise.title), promise.title
