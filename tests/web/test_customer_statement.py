"""'Send a statement now': through the outbox and a real SMTP server, once per click, with a
journal trace and no change of dunning level."""

from __future__ import annotations

import io
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from relance.accounts.roles import COLLECTOR, VIEWER
from relance.delivery import statements
from relance.delivery.models import Message, MessageState
from relance.delivery.statements import new_token
from relance.ledger.models import Customer
from relance.runs.models import JournalEntry, JournalStatus
from relance.web.timeline import Kind, timeline

pytestmark = pytest.mark.django_db


def send(client, code="A1", token=None):
    url = reverse("web:customer-statement", kwargs={"code": code})
    return client.post(url, {"token": token or new_token()}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def collector(client, world):
    client.force_login(world.users[COLLECTOR])
    return client


def _token_on_the_page(client) -> str:
    page = client.get(reverse("web:customer", kwargs={"code": "A1"})).content.decode()
    return page.split('name="token" value="', 1)[1].split('"', 1)[0]


def test_a_statement_reaches_the_customer_once_with_its_pdf_and_a_journal_entry(
    collector, world, smtp_server
):
    world.a_customer.marker = 1
    world.a_customer.save()
    levels_before = dict(world.a_customer.invoices.values_list("number", "reached_level"))
    token = _token_on_the_page(collector)
    page = send(collector, token=token).content.decode()
    assert "Statement sent to a1@example.com" in page
    send(collector, token=token)  # a double click, a retried POST: nothing more leaves
    assert len(smtp_server.messages) == 1
    _sender, rcpt, raw = smtp_server.messages[0]
    assert rcpt == ["a1@example.com"]
    email = BytesParser(policy=policy.default).parsebytes(raw)
    html = email.get_body(preferencelist=("html",)).get_content()
    assert "FA1" in html
    assert "FA2" in html
    assert "<table" in html
    pdfs = [
        part for part in email.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) == 1
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdfs[0].get_content())).pages
    )
    assert "FA1" in text
    assert "FA2" in text
    message = Message.objects.get()
    assert (message.state, message.run, message.action) == (MessageState.SENT, None, None)
    entry = JournalEntry.objects.get(customer=world.a_customer)
    assert (entry.status, entry.channel, entry.level, entry.action) == (
        JournalStatus.SENT,
        "email",
        1,
        None,
    )
    assert entry.invoices == ["FA1", "FA2"]
    assert str(entry.total_due) == "1500.00"
    assert entry.document.name == message.content.name
    customer = Customer.objects.get(pk=world.a_customer.pk)
    assert customer.marker == 1
    assert dict(customer.invoices.values_list("number", "reached_level")) == levels_before
    statement = next(e for e in timeline(customer) if e.kind == Kind.STATEMENT)
    assert statement.link == reverse("delivery:journal-document", args=[entry.pk])


def test_a_customer_without_an_e_mail_address_gets_a_clear_error_and_nothing_queued(
    collector, world, smtp_server
):
    Customer.objects.filter(pk=world.a_customer.pk).update(email="")
    page = send(collector).content.decode()
    assert "has no e-mail address" in page
    assert not Message.objects.exists()
    assert smtp_server.messages == []


def test_the_page_names_whom_the_statement_goes_to_contacts_included(collector, world):
    Customer.objects.filter(pk=world.a_customer.pk).update(email="")
    world.a_customer.contacts.create(name="Compta", email="compta@alpha.example")
    url = reverse("web:customer", kwargs={"code": "A1"})
    page = collector.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "E-mail compta@alpha.example the list of every open invoice" in page
    assert "This customer has no e-mail address." not in page


def test_a_forged_token_is_refused(collector, world, smtp_server):
    page = send(collector, token="not-a-token").content.decode()
    assert "reload the page" in page
    assert not Message.objects.exists()


def test_viewers_may_not_send_and_other_companies_find_nothing(client, world, smtp_server):
    client.force_login(world.users[VIEWER])
    assert send(client).status_code == 403
    client.force_login(world.users["outsider"])
    assert send(client).status_code == 404
    assert not Message.objects.exists()


def test_the_statement_command_sends_it_through_the_outbox(world, smtp_server, capsys):
    call_command("statement", customer="A1", company="a", user="cole")
    assert "Statement in EUR to a1@example.com: Sent." in capsys.readouterr().out
    assert len(smtp_server.messages) == 1
    Customer.objects.filter(pk=world.a_customer.pk).update(email="")
    with pytest.raises(CommandError, match="no e-mail address"):
        call_command("statement", customer="A1", company="a", user="cole")


def test_a_request_that_loses_the_race_for_its_token_leaves_no_file_behind(
    world, smtp_server, monkeypatch
):
    token, real, raced = new_token(), statements._email, []

    def another_request_gets_there_first(reminder):
        if not raced:
            raced.append(True)
            statements.send_statement(world.a_customer, token=token)
        return real(reminder)

    monkeypatch.setattr(statements, "_email", another_request_gets_there_first)
    queued = statements.send_statement(world.a_customer, token=token)
    assert not queued.created
    assert len(smtp_server.messages) == 1
    kept = Message.objects.get()
    folder = Path(default_storage.path(kept.content.name)).parent
    assert [path.name for path in folder.iterdir()] == [Path(kept.content.name).name]
