"""How each transport sorts its failures: for good (PermanentError) or for later (TransientError).

The SMTP replies a real server gives are in test_transport.py; the rarer ones come from a
connection that raises what smtplib would, and the providers' errors from a backend that
raises what anymail would.
"""

from __future__ import annotations

import re
import smtplib

import pytest
import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
)
from django.core.mail.backends.base import BaseEmailBackend

from relance.channels.email.transport import BackendTransport, SmtpTransport
from relance.channels.transport import PermanentError, TransientError
from tests.channels.email.test_transport import outgoing, reminder


class Raising:
    """An open smtplib connection whose ``sendmail`` raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.sock = object()
        self.closed = False

    def sendmail(self, *args: object) -> dict:
        raise self.error

    # The transport sends in phases; the failure comes at the first one.
    ehlo_or_helo_if_needed = sendmail

    def close(self) -> None:
        self.closed = True


def smtp_failing_with(error: Exception) -> tuple[SmtpTransport, Raising]:
    transport = SmtpTransport()
    connection = Raising(error)
    transport.backend.connection = connection  # type: ignore[assignment]
    transport._used_at = float("inf")  # fresh: no NOOP check
    return transport, connection


@pytest.mark.parametrize(
    ("error", "expected", "dropped", "words"),
    [
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), PermanentError, False,
         "554 5.7.1 Message rejected as spam"),
        (smtplib.SMTPDataError(452, b"4.3.1 Insufficient storage"), TransientError, False,
         "452 4.3.1 Insufficient storage"),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "r@acme.example"),
         PermanentError, False, "553 5.7.1 Sender not allowed"),
        (smtplib.SMTPSenderRefused(450, b"4.7.1 Greylisted", "r@acme.example"),
         TransientError, False, "450 4.7.1 Greylisted"),
        (smtplib.SMTPResponseException(421, b"4.3.2 Shutting down"), TransientError, True,
         "421 4.3.2 Shutting down"),
        (smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"4.2.0 Mailbox busy")}),
         TransientError, False, "a@x.example: 450 4.2.0 Mailbox busy"),
        (smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server"), PermanentError,
         False, "SMTPUTF8"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TransientError, True,
         "Connection unexpectedly closed"),
        (TimeoutError("timed out"), TransientError, True, "TimeoutError: timed out"),
        (ConnectionResetError(104, "Connection reset by peer"), TransientError, True,
         "Connection reset by peer"),
    ],
)  # fmt: skip
def test_smtp_failures_are_sorted_by_their_code_and_a_broken_connection_is_dropped(
    smtp_server, error, expected, dropped, words
):
    transport, connection = smtp_failing_with(error)
    with pytest.raises(expected) as caught:
        transport.send(outgoing(reminder()))
    assert words in str(caught.value)
    assert type(caught.value) is expected
    assert connection.closed is dropped
    assert (transport.backend.connection is None) is dropped


def test_a_refused_login_makes_messages_wait_rather_than_fail(smtp_server, monkeypatch):
    def refuse(self):
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")

    monkeypatch.setattr("django.core.mail.backends.smtp.EmailBackend.open", refuse)
    with pytest.raises(
        TransientError, match=re.escape("535 5.7.8 Authentication credentials invalid")
    ):
        SmtpTransport().send(outgoing(reminder()))


class FailingBackend(BaseEmailBackend):
    """A Django e-mail backend that raises what an anymail backend would."""

    error: Exception

    def send_messages(self, email_messages):
        raise self.error


def response(status: int, body: bytes = b'{"Message": "no"}') -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.reason = "Reason"
    answer._content = body
    return answer


def ses_error(code: str, status: int) -> AnymailAPIError:
    return AnymailAPIError(
        f"An error occurred ({code})",
        response={"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AnymailRecipientsRefused(), PermanentError),
        (AnymailInvalidAddress("Invalid email address 'nobody'"), PermanentError),
        (AnymailRequestsAPIError("Postmark API", response=response(422)), PermanentError),
        (AnymailRequestsAPIError("Brevo API", response=response(401)), PermanentError),
        (AnymailRequestsAPIError("Brevo API", response=response(429)), TransientError),
        (AnymailRequestsAPIError("Mailjet API", response=response(503)), TransientError),
        (ses_error("MessageRejected", 400), PermanentError),
        (ses_error("TooManyRequestsException", 429), TransientError),
        (ses_error("Throttling", 400), TransientError),
        (ses_error("InternalFailure", 500), TransientError),
        (AnymailAPIError("Error posting to https://api.postmarkapp.com/email"), TransientError),
    ],
)
def test_provider_failures_are_sorted_by_their_http_status(error, expected):
    backend = FailingBackend()
    backend.error = error
    with pytest.raises(expected) as caught:
        BackendTransport(backend).send(outgoing(reminder()))
    assert type(caught.value) is expected


def test_a_provider_timeout_makes_the_message_wait():
    timeout = type("AnymailRequestsAPIError", (AnymailRequestsAPIError, requests.Timeout), {})
    backend = FailingBackend()
    backend.error = timeout("Error posting to https://api.brevo.com/v3/smtp/email")
    with pytest.raises(TransientError, match=re.escape("api.brevo.com")):
        BackendTransport(backend).send(outgoing(reminder()))


def test_a_connection_lost_after_the_data_was_handed_over_makes_the_message_uncertain(
    settings,
):
    from relance.channels.transport import UncertainError
    from tests.smtp import SilentInbox, free_port, point_django_at, serving

    inbox, port = SilentInbox(delay=3.0), free_port()
    point_django_at(settings, port)
    settings.EMAIL_TIMEOUT = 1
    with serving(inbox, port):
        transport = SmtpTransport()
        with pytest.raises(UncertainError, match="handed over"):
            transport.send(outgoing(reminder()))
    assert len(inbox.messages) == 1  # it did arrive: retrying would have sent it twice
