"""A real SMTP server in the test process (aiosmtpd), for every e-mail test."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


def free_port() -> int:
    """A local port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MoodyInbox(Inbox):
    """An inbox whose server answers ``451`` to the first ``busy`` messages and ``550`` to
    the ``refused`` recipients, and counts the connections that said EHLO."""

    busy: int = 0
    refused: set[str] = field(default_factory=set)
    greetings: int = 0

    async def handle_EHLO(
        self, server: object, session: object, envelope: object, hostname: str, responses: list
    ) -> list:
        with self.lock:
            self.greetings += 1
        session.host_name = hostname  # type: ignore[attr-defined]
        return responses

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: list
    ) -> str:
        if address in self.refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            if self.busy > 0:
                self.busy -= 1
                return "451 4.3.0 Busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def serving(handler: Inbox, port: int) -> Iterator[Controller]:
    """``handler``'s SMTP server on 127.0.0.1:``port`` for the duration of the block."""
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def point_django_at(settings, port: int) -> None:
    """Django's SMTP backend, plain and without login, at 127.0.0.1:``port``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@dataclass
class SilentInbox(Inbox):
    """An inbox that keeps each message but answers its data only after ``delay`` seconds:
    a client with a shorter timeout cannot know whether the message arrived."""

    delay: float = 3.0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return "250 OK, at last"
