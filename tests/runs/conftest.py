"""A company with one scenario and a few customers whose invoices sit at known levels."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller

from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.services.companies import ensure_company

AS_OF = date(2026, 11, 24)
SCENARIOS = """\
scenarios:
  - code: std
    min_total: 10.00
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [email, sms]}
      - {level: 3, from_days: 30, to_days: 365, channels: [email], review: true,
         formal_notice: true}
    exclusions:
      - {from_days: 366, to_days: 99999}
"""


@pytest.fixture
def company(db) -> Company:
    company = ensure_company("acme", "ACME SAS", sender_email="recouvrement@acme.example")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    return company


def customer(company: Company, code: str, **fields: object) -> Customer:
    defaults: dict[str, object] = {"name": f"{code} SARL", "email": f"{code.lower()}@example.com"}
    return Customer.objects.create(company=company, code=code, **{**defaults, **fields})


def invoice(
    who: Customer, number: str, days_late: int, amount: str = "100.00", **fields: object
) -> Invoice:
    return Invoice.objects.create(
        company=who.company,
        customer=who,
        number=number,
        issue_date=AS_OF - timedelta(days=days_late + 30),
        due_date=AS_OF - timedelta(days=days_late),
        amount=Decimal(amount),
        open_amount=Decimal(fields.pop("open_amount", amount)),  # type: ignore[arg-type]
        **fields,
    )


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
