"""What every sending channel offers the outbox: open a connection, send one message, close.

The outbox worker stays ignorant of SMTP codes and provider APIs: a transport raises
``TransientError`` for what may work later (the worker retries with backoff) and
``PermanentError`` for what never will (the worker fails the message at once and takes the
level's fallback). ``UncertainError`` says the message may have left: it is never retried
automatically. Anything else a transport raises is treated as transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TransientError(Exception):
    """The message may go through later: SMTP 4xx, timeout, connection refused, HTTP 429/5xx."""


class PermanentError(Exception):
    """The message will never go through as it is: SMTP 5xx, invalid address, HTTP 4xx."""


class UncertainError(Exception):
    """The message may have left: the connection broke after it was handed over (SMTP: after
    the server's 354, before its reply). Sending it again could send it twice, so a person
    decides."""


@dataclass(frozen=True)
class Outgoing:
    """One message as the outbox holds it, ready to leave.

    ``content`` is the whole RFC 5322 message (``.eml`` bytes) for e-mail and the UTF-8 text
    for SMS. ``recipients`` are e-mail addresses or E.164 phone numbers.
    """

    key: str
    channel: str
    sender: str
    recipients: tuple[str, ...]
    content: bytes


class Transport(Protocol):
    def open(self) -> None:
        """Connect once; the connection is reused for every ``send`` until ``close``."""

    def send(self, message: Outgoing) -> str:
        """Send ``message`` and return the provider's id for it (SMTP: the Message-ID)."""

    def close(self) -> None: ...
