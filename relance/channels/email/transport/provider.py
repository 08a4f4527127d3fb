"""Providers' HTTP APIs (django-anymail) and any other Django e-mail backend.

An API wants fields, not a raw message: the stored bytes are parsed back into an
``EmailMultiAlternatives`` (subject, addresses, our Message-ID and other headers, text and
HTML bodies, attachments with their names and types) and handed to the configured backend.

Anymail's errors are sorted the outbox's way: refused recipients, an invalid address or an
API answer 4xx (429 "slow down" aside) fail the message for good; timeouts, 429 and 5xx make
it wait for a retry.
"""

from __future__ import annotations

import email
import logging
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailSerializationError,
    AnymailUnsupportedFeature,
)
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from relance.channels.email.transport import raw
from relance.channels.transport import Outgoing, PermanentError, TransientError

log = logging.getLogger(__name__)

# Rebuilt from the message's fields by Django and the provider, so not copied as headers.
# Date too: the provider stamps the time the message really leaves.
STRUCTURAL = {
    "subject",
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "date",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
}
# Amazon SES says "slow down" with these codes, some of them in an HTTP 400.
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException"}


def rebuild(content: bytes, recipients: Sequence[str] = ()) -> EmailMultiAlternatives:
    """The message ``content`` holds, as Django builds it, for the envelope ``recipients``.

    To and Cc keep the addresses of the headers that are in the envelope; envelope recipients
    named in neither become Bcc, so the message reaches exactly the envelope's addresses.
    """
    parsed = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    envelope = {address.lower() for address in recipients}
    to = _addresses(parsed, "To")
    cc = _addresses(parsed, "Cc")
    if envelope:
        to = [a for a in to if a.addr_spec.lower() in envelope]
        cc = [a for a in cc if a.addr_spec.lower() in envelope]
    listed = {a.addr_spec.lower() for a in (*to, *cc)}
    bcc = [r for r in recipients if r.lower() not in listed]
    senders = _addresses(parsed, "From")
    message = EmailMultiAlternatives(
        subject=str(parsed.get("Subject", "")),
        from_email=str(senders[0]) if senders else None,
        to=[str(a) for a in to],
        cc=[str(a) for a in cc],
        bcc=bcc,
        reply_to=[str(a) for a in _addresses(parsed, "Reply-To")],
        headers={
            name: " ".join(str(value).split())
            for name, value in parsed.items()
            if name.lower() not in STRUCTURAL
        },
    )
    text: str | None = None
    html: str | None = None
    for part in parsed.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if not part.is_attachment() and not part.get_filename():
            if kind == "text/plain" and text is None:
                text = part.get_content()
                continue
            if kind == "text/html" and html is None:
                html = part.get_content()
                continue
        data = part.get_payload(decode=True)
        message.attach(part.get_filename(), data if isinstance(data, bytes) else b"", kind)
    message.body = text or ""
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _addresses(parsed: EmailMessage, name: str) -> list[Address]:
    found: list[Address] = []
    for header in parsed.get_all(name, []):
        found.extend(getattr(header, "addresses", ()))
    return found


class BackendTransport:
    """Sends through a Django e-mail backend, by default the one ``EMAIL_BACKEND`` names."""

    def __init__(self, backend: BaseEmailBackend | None = None) -> None:
        self.backend = backend or get_connection(fail_silently=False)

    def open(self) -> None:
        try:
            self.backend.open()
        except Exception as exc:  # the backend retries on send; that error goes to the outbox
            log.warning("e-mail backend could not open: %s", exc)

    def send(self, message: Outgoing) -> str:
        rebuilt = rebuild(message.content, message.recipients)
        try:
            sent = self.backend.send_messages([rebuilt])
        except AnymailRecipientsRefused as exc:
            raise PermanentError(f"the provider refused every recipient: {exc}") from exc
        except (AnymailInvalidAddress, AnymailUnsupportedFeature, AnymailSerializationError) as exc:
            raise PermanentError(str(exc)) from exc
        except AnymailAPIError as exc:
            status = _status(exc)
            if status is not None and 400 <= status < 500 and status != 429:
                if _throttled(exc):
                    raise TransientError(str(exc)) from exc
                raise PermanentError(str(exc)) from exc
            raise TransientError(str(exc)) from exc
        except AnymailError as exc:
            raise TransientError(str(exc)) from exc
        if not sent:
            raise PermanentError("the e-mail backend sent nothing (no recipient?)")
        status = getattr(rebuilt, "anymail_status", None)
        return _provider_id(getattr(status, "message_id", None)) or raw.message_id(message.content)

    def close(self) -> None:
        try:
            self.backend.close()
        except Exception as exc:  # nothing left to lose once the batch is over
            log.info("e-mail backend closed uncleanly: %s", exc)


def _status(exc: AnymailAPIError) -> int | None:
    if exc.status_code is not None:
        return int(exc.status_code)
    # Amazon SES (boto3) leaves the HTTP status in the parsed error response.
    response: Any = exc.response
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status else None
    return None


def _throttled(exc: AnymailAPIError) -> bool:
    response: Any = exc.response
    return isinstance(response, dict) and response.get("Error", {}).get("Code") in THROTTLED


def _provider_id(found: object) -> str:
    """One id, or (a provider with one id per recipient, such as Mailjet) all of them, sorted
    and space-separated: ``relance.delivery.events`` finds a message by any of them."""
    if found is None:
        return ""
    if isinstance(found, set | frozenset | list | tuple):
        return " ".join(sorted(str(one) for one in found if one))[:250]
    return str(found)
