"""The e-mail transports against a real SMTP server in the test process (aiosmtpd)."""

from __future__ import annotations

import email
import logging
import re
from email import policy
from email.message import EmailMessage

import pytest
from django.core.mail import EmailMultiAlternatives

from relance.channels.email.transport import (
    ConsoleTransport,
    EmlFileTransport,
    Paced,
    SmtpTransport,
    email_transport,
)
from relance.channels.transport import Outgoing, PermanentError, TransientError
from tests.smtp import MoodyInbox, free_port, point_django_at, serving

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def reminder(number: int = 1, *, crlf: bool = False, cc: str | None = None) -> bytes:
    """A reminder as the outbox stores it: text and HTML, a PDF, our own Message-ID."""
    message = EmailMultiAlternatives(
        subject=f"Relance n°{number} – facture FA-{number}",
        body=f"Bonjour,\n.\nLa facture FA-{number} reste due.\n",
        from_email="ACME SAS – Recouvrement <recouvrement@acme.example>",
        to=["Durand SARL <compta@durand.example>"],
        cc=[cc] if cc else None,
        reply_to=["camille@acme.example"],
        headers={
            "Message-ID": f"<reminder-{number}@acme.example>",
            "Content-Language": "fr",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(f"<p>La facture <b>FA-{number}</b> reste due.</p>", "text/html")
    message.attach(f"fa-{number}.pdf", PDF, "application/pdf")
    return message.message().as_bytes(linesep="\r\n" if crlf else "\n")


def outgoing(content: bytes, *recipients: str, key: str = "k1") -> Outgoing:
    return Outgoing(
        key=key,
        channel="email",
        sender="recouvrement@acme.example",
        recipients=recipients or ("compta@durand.example",),
        content=content,
    )


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


@pytest.fixture
def moody(settings):
    """A server that can be told to be busy or to refuse addresses, and Django pointed at it."""
    inbox = MoodyInbox()
    port = free_port()
    point_django_at(settings, port)
    with serving(inbox, port):
        yield inbox


def test_a_message_arrives_byte_for_byte_with_its_envelope(smtp_server):
    content = reminder(crlf=True)
    transport = email_transport()
    transport.open()
    try:
        provider_id = transport.send(outgoing(content, "compta@durand.example", "x@durand.example"))
    finally:
        transport.close()
    assert provider_id == "<reminder-1@acme.example>"
    [(sender, recipients, received)] = smtp_server.messages
    assert (sender, recipients) == (
        "recouvrement@acme.example",
        ["compta@durand.example", "x@durand.example"],
    )
    assert received == content
    parsed = parse(received)
    assert parsed["Subject"] == "Relance n°1 – facture FA-1"
    assert parsed["Message-ID"] == "<reminder-1@acme.example>"
    [attachment] = parsed.iter_attachments()
    assert (attachment.get_filename(), attachment.get_content()) == ("fa-1.pdf", PDF)


def test_a_message_stored_with_bare_line_feeds_leaves_with_crlf_and_nothing_else_changed(
    smtp_server,
):
    content = reminder()
    assert b"\r" not in content
    transport = email_transport()
    transport.send(outgoing(content))
    transport.close()
    [(_sender, _recipients, received)] = smtp_server.messages
    assert received == content.replace(b"\n", b"\r\n")


def test_without_a_sender_the_envelope_takes_the_from_address(smtp_server):
    transport = email_transport()
    transport.send(Outgoing("k", "email", "", ("compta@durand.example",), reminder()))
    transport.close()
    assert smtp_server.messages[0][0] == "recouvrement@acme.example"


def test_fifty_messages_go_over_one_connection_each_exactly_once(moody):
    transport = email_transport()
    transport.open()
    ids = [transport.send(outgoing(reminder(n), key=f"k{n}")) for n in range(50)]
    transport.close()
    assert moody.greetings == 1
    assert len(moody.messages) == 50
    assert sorted(parse(raw)["Message-ID"] for _s, _r, raw in moody.messages) == sorted(ids)
    assert len(set(ids)) == 50


def test_a_busy_server_is_a_transient_error_and_the_same_connection_then_succeeds(moody):
    moody.busy = 1
    transport = email_transport()
    transport.open()
    with pytest.raises(TransientError, match=re.escape("451 4.3.0 Busy")):
        transport.send(outgoing(reminder(1)))
    assert transport.send(outgoing(reminder(2))) == "<reminder-2@acme.example>"
    transport.close()
    assert [parse(raw)["Message-ID"] for _s, _r, raw in moody.messages] == [
        "<reminder-2@acme.example>"
    ]
    assert moody.greetings == 1


def test_a_refused_recipient_is_a_permanent_error_with_the_servers_words(moody):
    moody.refused = {"gone@durand.example"}
    transport = email_transport()
    with pytest.raises(PermanentError) as caught:
        transport.send(outgoing(reminder(), "gone@durand.example"))
    assert "gone@durand.example: 550 5.1.1 <gone@durand.example>: mailbox unavailable" in str(
        caught.value
    )
    # The connection survives a refusal: the next message goes through on it.
    transport.send(outgoing(reminder(2)))
    transport.close()
    assert len(moody.messages) == 1
    assert moody.greetings == 1


def test_a_message_reaching_some_of_its_recipients_is_sent_and_the_refusals_are_logged(
    moody, caplog
):
    moody.refused = {"gone@durand.example"}
    transport = email_transport()
    with caplog.at_level(logging.WARNING, logger="relance.channels.email.transport.smtp"):
        provider_id = transport.send(
            outgoing(reminder(), "compta@durand.example", "gone@durand.example", key="run-7")
        )
    transport.close()
    assert provider_id == "<reminder-1@acme.example>"
    assert moody.messages[0][1] == ["compta@durand.example"]
    assert "run-7: sent, but the server refused gone@durand.example: 550" in caplog.text


def test_with_the_server_down_sending_is_transient_until_it_comes_up_on_the_same_transport(
    settings, caplog
):
    port = free_port()
    point_django_at(settings, port)
    transport = email_transport()
    transport.open()  # nothing listens: no exception here, the sends say it
    assert "SMTP server not reachable yet" in caplog.text
    with pytest.raises(TransientError, match=re.escape(f"could not connect to 127.0.0.1:{port}")):
        transport.send(outgoing(reminder(1)))
    inbox = MoodyInbox()
    with serving(inbox, port):
        assert transport.send(outgoing(reminder(2))) == "<reminder-2@acme.example>"
        transport.close()
    assert len(inbox.messages) == 1


def test_a_server_that_restarts_mid_batch_is_found_again_by_the_same_transport(settings):
    port = free_port()
    point_django_at(settings, port)
    transport = email_transport()
    first, second = MoodyInbox(), MoodyInbox()
    with serving(first, port):
        transport.open()
        transport.send(outgoing(reminder(1)))
    with pytest.raises(TransientError):
        transport.send(outgoing(reminder(2)))
    with serving(second, port):
        transport.send(outgoing(reminder(3)))
        transport.send(outgoing(reminder(4)))
        transport.close()
    assert len(first.messages) == 1
    assert [parse(raw)["Message-ID"] for _s, _r, raw in second.messages] == [
        "<reminder-3@acme.example>",
        "<reminder-4@acme.example>",
    ]
    assert second.greetings == 1


def test_email_url_drives_the_transport_rate_included(settings, monkeypatch, moody):
    from relance.conf.env import get_email

    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{settings.EMAIL_PORT}?starttls=no&rate=6000")
    for name, value in get_email("EMAIL_URL", settings.EMAIL_FILE_PATH).items():
        setattr(settings, name, value)
    transport = email_transport()
    assert isinstance(transport, Paced)
    assert isinstance(transport.transport, SmtpTransport)
    assert transport.limiter.interval == pytest.approx(0.01)
    transport.open()
    transport.send(outgoing(reminder(1)))
    transport.send(outgoing(reminder(2)))
    transport.close()
    assert len(moody.messages) == 2


def test_without_a_rate_the_transport_is_not_paced(smtp_server):
    assert isinstance(email_transport(), SmtpTransport)


def test_the_file_backend_writes_the_stored_bytes_as_one_eml_file(settings, tmp_path):
    settings.EMAIL_BACKEND = "relance.mail.backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    transport = email_transport()
    assert isinstance(transport, EmlFileTransport)
    content = reminder()
    transport.open()
    assert transport.send(outgoing(content)) == "<reminder-1@acme.example>"
    transport.close()
    [written] = (tmp_path / "outbox").iterdir()
    assert written.suffix == ".eml"
    assert written.read_bytes() == content


def test_the_console_backend_prints_the_message_then_a_line_of_dashes(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    transport = email_transport()
    assert isinstance(transport, ConsoleTransport)
    assert transport.send(outgoing(reminder())) == "<reminder-1@acme.example>"
    printed = capsys.readouterr().out
    assert "Message-ID: <reminder-1@acme.example>" in printed
    assert printed.endswith("\n" + "-" * 79 + "\n")


def test_an_idle_connection_the_server_dropped_is_replaced_before_a_message_is_lost_on_it(
    settings, monkeypatch
):
    monkeypatch.setattr("relance.channels.email.transport.smtp.IDLE_SECONDS", 0.0)
    port = free_port()
    point_django_at(settings, port)
    transport = email_transport()
    first, second = MoodyInbox(), MoodyInbox()
    with serving(first, port):
        transport.open()
        transport.send(outgoing(reminder(1)))
    with serving(second, port):
        # No TransientError: the dead connection fails its NOOP and a new one is opened.
        transport.send(outgoing(reminder(2)))
        transport.close()
    assert (len(first.messages), len(second.messages)) == (1, 1)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Subject: x\n\nMessage-ID: <in-the-body@x>\n", ""),
        (b"Message-ID:\n <folded@acme.example>\nSubject: y\n\nbody", "<folded@acme.example>"),
        (b"message-id: <any-case@acme.example>\r\n\r\nbody", "<any-case@acme.example>"),
        (b"X-Original-Message-ID: <not-this@x>\r\n\r\n", ""),
    ],
)
def test_the_message_id_is_read_from_the_headers_only(content, expected):
    from relance.channels.email.transport import raw

    assert raw.message_id(content) == expected
