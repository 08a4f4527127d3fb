"""A real SMTP server in the test process (aiosmtpd), for every e-mail test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the in-process SMTP server received."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    sessions: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            self.sessions.add(id(session))
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)  # type: ignore[attr-defined]
            )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    """A real SMTP server on a free local port, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
