import email
import socket
from email import policy

import pytest
from django.utils import translation

from relance.delivery.models import Message
from relance.ledger.models import Contact, Customer
from relance.runs.models import Action, JournalEntry
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company):
    for index in range(5):
        who = customer(company, f"C{index}", language="en")
        invoice(who, f"F{index}-1", 5, "1234.50")
        invoice(who, f"F{index}-2", 20, "99.90")
    return company


def test_reminders_go_through_a_real_smtp_server_on_one_connection(ledger, smtp_server):
    result = run_dunning(ledger, RunRequest(AS_OF))
    assert result.outcome.done == 5
    assert len(smtp_server.messages) == 5
    assert len(smtp_server.sessions) == 1
    sender, recipients, raw = smtp_server.messages[0]
    assert (sender, recipients) == ("recouvrement@acme.example", ["c0@example.com"])
    message = email.message_from_bytes(raw, policy=policy.default)
    entry = JournalEntry.objects.get(customer__code="C0")
    assert message["Message-ID"] == entry.message_id
    assert "C0 SARL" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "F0-1" in body
    assert "F0-2" in body
    assert "€1,234.50" in body
    assert "Total left to pay: €1,334.40" in body
    assert "20 days overdue" in body


def test_contacts_who_receive_reminders_are_copied_once(ledger, smtp_server):
    c0 = Customer.objects.get(code="C0")
    Contact.objects.create(customer=c0, name="Compta", email="compta@c0.example")
    Contact.objects.create(customer=c0, name="Dup", email="c0@example.com")
    Contact.objects.create(
        customer=c0, name="Boss", email="boss@c0.example", receives_reminders=False
    )
    run_dunning(ledger, RunRequest(AS_OF))
    assert smtp_server.messages[0][1] == ["c0@example.com", "compta@c0.example"]


def test_a_refused_connection_keeps_each_message_for_a_later_attempt_and_the_levels_alone(
    ledger, settings
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    settings.EMAIL_USE_TLS = False
    result = run_dunning(ledger, RunRequest(AS_OF))
    assert (result.outcome.done, result.outcome.failed, result.outcome.waiting) == (0, 0, 5)
    assert set(Action.objects.values_list("state", flat=True)) == {"queued"}
    waiting = Message.objects.filter(channel="email")
    assert set(waiting.values_list("state", "attempts")) == {("pending", 1)}
    assert all("refused" in message.last_error.lower() for message in waiting)
    assert not JournalEntry.objects.exists()
    assert Customer.objects.filter(marker__isnull=False).count() == 0


def test_the_email_speaks_the_customers_language(ledger, mailoutbox):
    Customer.objects.filter(code="C1").update(language="fr")
    with translation.override("en"):
        run_dunning(ledger, RunRequest(AS_OF))
    french = next(message for message in mailoutbox if message.to == ["c1@example.com"])
    assert french.extra_headers["Content-Language"] == "fr"
    assert "1\u202f234,50\u00a0€" in french.body
    assert "C1 SARL" in french.subject
    assert "Bonjour" in french.body
    assert "Échue depuis 20 jours" in french.body
