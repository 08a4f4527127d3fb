"""Providers' APIs get the message rebuilt from its stored bytes: anymail's own test backend
records what a real provider would have been given."""

from __future__ import annotations

import pytest
from anymail.signals import AnymailTrackingEvent  # noqa: F401  (anymail importable)
from django.core import mail

from relance.channels.email.transport import BackendTransport, email_transport
from relance.channels.email.transport.provider import rebuild
from tests.channels.email.test_transport import PDF, outgoing, parse, reminder

TEST_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def provider(settings):
    settings.EMAIL_BACKEND = TEST_BACKEND
    settings.ANYMAIL = {}
    mail.outbox = []
    return mail.outbox


def test_the_provider_gets_subject_bodies_attachments_and_our_message_id(provider):
    transport = email_transport()
    assert isinstance(transport, BackendTransport)
    transport.open()
    provider_id = transport.send(outgoing(reminder(cc="Paul <paul@durand.example>")))
    transport.close()
    [sent] = provider
    # The test backend's id is the message's place in its outbox.
    assert provider_id == str(sent.anymail_status.message_id) == "0"
    assert sent.subject == "Relance n°1 – facture FA-1"
    assert sent.from_email == "ACME SAS – Recouvrement <recouvrement@acme.example>"
    assert sent.to == ["Durand SARL <compta@durand.example>"]
    assert sent.cc == []  # paul@ is not in the envelope: the outbox did not ask for him
    assert sent.reply_to == ["camille@acme.example"]
    assert sent.body == "Bonjour,\n.\nLa facture FA-1 reste due.\n"
    [(html, kind)] = sent.alternatives
    # MIME puts a line break before each boundary; parsing keeps it.
    assert (html.rstrip("\n"), kind) == ("<p>La facture <b>FA-1</b> reste due.</p>", "text/html")
    assert [tuple(a) for a in sent.attachments] == [("fa-1.pdf", PDF, "application/pdf")]
    assert sent.extra_headers["Message-ID"] == "<reminder-1@acme.example>"
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert sent.extra_headers["Content-Language"] == "fr"
    params = sent.anymail_test_params
    assert params["subject"] == "Relance n°1 – facture FA-1"
    assert [str(a) for a in params["to"]] == ["Durand SARL <compta@durand.example>"]
    assert params["extra_headers"]["Message-ID"] == "<reminder-1@acme.example>"
    assert [a.name for a in params["attachments"]] == ["fa-1.pdf"]


def test_the_rebuilt_message_renders_as_the_stored_one_did():
    stored = reminder(cc="Paul <paul@durand.example>")
    again = rebuild(stored, ["compta@durand.example", "paul@durand.example"]).message().as_bytes()
    before, after = parse(stored), parse(again)
    for header in ("Subject", "From", "To", "Cc", "Reply-To", "Message-ID", "Auto-Submitted"):
        assert after[header] == before[header], header
    for kind in ("plain", "html"):
        assert after.get_body((kind,)).get_content() == before.get_body((kind,)).get_content()
    assert [(a.get_filename(), a.get_content()) for a in after.iter_attachments()] == [
        ("fa-1.pdf", PDF)
    ]


def test_envelope_recipients_missing_from_the_headers_receive_a_blind_copy():
    rebuilt = rebuild(reminder(), ["compta@durand.example", "archive@acme.example"])
    assert rebuilt.to == ["Durand SARL <compta@durand.example>"]
    assert rebuilt.bcc == ["archive@acme.example"]
    assert rebuilt.cc == []


def test_a_provider_with_one_id_per_recipient_gives_all_of_them(provider):
    from anymail.message import AnymailRecipientStatus
    from anymail.signals import pre_send

    def per_recipient(sender, message, esp_name, **kwargs):
        message.anymail_test_response = {
            "recipient_status": {
                "compta@durand.example": AnymailRecipientStatus("1152921", "sent"),
                "x@durand.example": AnymailRecipientStatus("1152920", "sent"),
            }
        }

    pre_send.connect(per_recipient)
    try:
        provider_id = email_transport().send(
            outgoing(reminder(), "compta@durand.example", "x@durand.example")
        )
    finally:
        pre_send.disconnect(per_recipient)
    assert provider_id == "1152920 1152921"
