"""Hand-built reminders and templates for the printed documents' tests (no database), and the
helpers that read the PDFs back."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from relance.content.models import Template
from relance.content.reminder import Address, Person, Reminder, ReminderInvoice, Sender

AS_OF = date(2026, 11, 24)
MM = 72 / 25.4  # PDF points in a millimetre
A4_POINTS = (595.28, 841.89)

SENDER = Sender(
    code="acme",
    name="ACME Industrie",
    legal_name="ACME Industrie SAS",
    address=Address("ACME Industrie SAS", "12 rue de la Paix", "", "75002", "Paris", "FR"),
    email="compta@acme.example",
    phone="+33 1 23 45 67 89",
    website="https://acme.example",
    siren="552100554",
    vat_number="FR40552100554",
    iban="FR76 3000 6000 0112 3456 7890 189",
    bic="AGRIFRPP",
    payment_link="https://pay.acme.example/?r={reference}&a={amount}",
)

BODY = """Dear Sir or Madam,

The invoices below are still unpaid:

{{ invoice_table }}

Please pay {{ total.grand }} at your earliest convenience."""


def invoice(number: str, days: int, amount: str, open_amount: str | None = None, **extra):
    due = AS_OF - timedelta(days=days)
    return ReminderInvoice(
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount or amount),
        days_overdue=days,
        level=extra.pop("level", 1),
        due=True,
        **extra,
    )


def penalised(number: str, days: int, amount: str, interest: str, indemnity: str | None):
    return invoice(
        number,
        days,
        amount,
        level=3,
        interest=Decimal(interest),
        indemnity=Decimal(indemnity) if indemnity else None,
        interest_rate=Decimal("12.15"),
    )


def reminder(code: str = "C001", *, invoices=None, language: str = "en", **changes) -> Reminder:
    built = Reminder(
        key=f"action-{code}",
        as_of=AS_OF,
        channel="letter",
        level=1,
        formal_notice=False,
        language=language,
        currency="EUR",
        customer_code=code,
        customer_name=f"Durand {code} SARL",
        business=True,
        address=Address(f"Durand {code} SARL", "4 avenue des Tilleuls", "", "69003", "Lyon"),
        recipients=(),
        phones=(),
        contact_name="Claire Durand",
        sender=SENDER,
        signatory=Person("Sophie Martin", "Head of accounts", "sophie@acme.example"),
        invoices=tuple(
            invoices
            if invoices is not None
            else [
                invoice(f"F-{code}-1", 12, "1000.00"),
                invoice(f"F-{code}-2", 40, "250.50", "200.50"),
            ]
        ),
        payment_reference=code,
    )
    return replace(built, **changes)


def template(*, body: str = BODY, legal_mention: str = "", language: str = "en") -> Template:
    return Template(
        channel="letter",
        level=1,
        language=language,
        subject="Unpaid invoices ({{ count }})",
        body=body,
        signature="{{ signatory.name }}\n{{ signatory.title }}",
        legal_mention=legal_mention,
    )


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, with the narrow and non-breaking spaces Babel writes made plain."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (page.extract_text() or "").replace("\u202f", " ").replace("\xa0", " ")
        for page in reader.pages
    ]


def text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))
