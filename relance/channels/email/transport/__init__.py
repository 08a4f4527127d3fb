"""The e-mail transport the outbox sends through, chosen by Django's e-mail settings.

``EMAIL_URL`` stays the one knob (``relance.conf.env.get_email`` turns it into settings):

- Django's SMTP backend: ``SmtpTransport``, one connection reused for every message;
- the ``.eml`` folder (``relance.mail.backends.EmlFileBackend``) and Django's console
  backend: the stored bytes written or printed as they are;
- anything else (anymail's providers, Django's test backend): ``BackendTransport``, the
  message rebuilt from its bytes and handed to that backend.

``EMAIL_RATE_PER_MINUTE`` paces every one of them.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils.module_loading import import_string

from relance.channels.email.transport.local import ConsoleTransport, EmlFileTransport
from relance.channels.email.transport.provider import BackendTransport
from relance.channels.email.transport.smtp import SmtpTransport
from relance.channels.ratelimit import RateLimiter
from relance.channels.transport import Outgoing, Transport
from relance.mail.backends import EmlFileBackend


class Paced:
    """Another transport, never sending faster than its limiter allows."""

    def __init__(self, transport: Transport, limiter: RateLimiter) -> None:
        self.transport = transport
        self.limiter = limiter

    def open(self) -> None:
        self.transport.open()

    def send(self, message: Outgoing) -> str:
        self.limiter.wait()
        return self.transport.send(message)

    def close(self) -> None:
        self.transport.close()


def email_transport() -> Transport:
    backend = import_string(settings.EMAIL_BACKEND)
    transport: Transport
    if issubclass(backend, SmtpBackend):
        transport = SmtpTransport(backend(fail_silently=False))
    elif issubclass(backend, EmlFileBackend):
        transport = EmlFileTransport(Path(getattr(settings, "EMAIL_FILE_PATH", None) or "outbox"))
    elif backend is ConsoleBackend:  # not its subclasses: Django's file backend is one
        transport = ConsoleTransport()
    else:
        transport = BackendTransport(backend(fail_silently=False))
    rate = getattr(settings, "EMAIL_RATE_PER_MINUTE", None)
    return Paced(transport, RateLimiter(rate)) if rate else transport


__all__ = [
    "BackendTransport",
    "ConsoleTransport",
    "EmlFileTransport",
    "Paced",
    "SmtpTransport",
    "email_transport",
]
