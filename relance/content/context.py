"""The whitelisted context a user-edited template renders over.

Everything in it is a plain string, number, boolean, or a dict or list of them, built here from
a ``Reminder``: no model, no method, nothing a template could walk from into the rest of the
database. ``SCHEMA`` is the whitelist itself; the validator checks templates against it and
docs/templates.md documents it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from relance.content import formatting
from relance.content.reminder import Reminder

# name -> its fields (a dict), or None for a plain value. ``invoices`` is a list of the
# fields given under "invoice".
SCHEMA: dict[str, frozenset[str] | None] = {
    "customer": frozenset({"code", "name", "reference"}),
    "contact": frozenset({"name"}),
    "company": frozenset(
        {"name", "legal_name", "address", "email", "phone", "website", "siren", "vat_number"}
    ),
    "level": None,
    "formal_notice": None,
    "as_of": None,
    "currency": None,
    "invoices": frozenset(
        {
            "number",
            "issue_date",
            "due_date",
            "amount",
            "open_amount",
            "days_overdue",
            "status",
            "partially_paid",
            "interest",
            "indemnity",
        }
    ),
    "count": None,
    "total": frozenset({"open", "interest", "indemnity", "grand"}),
    "penalties": None,
    "signatory": frozenset({"name", "title", "email", "phone"}),
    "payment": frozenset({"iban", "bic", "reference", "link"}),
    "portal_link": None,
    "invoice_table": None,
    "legal_mention": None,
}
LISTS = frozenset({"invoices"})

_LINK_KEYS = re.compile(r"\{(amount|currency|reference|customer)\}")


def template_context(reminder: Reminder, *, invoice_table: Any = "") -> dict[str, Any]:
    """The context for ``reminder``, formatted in its language: call it inside
    ``translation.override(reminder.language)`` (the statuses are translated)."""
    language, currency = reminder.language, reminder.currency
    sender = reminder.sender

    # An unpaid invoice's open amount is its amount, and without penalties the grand total is
    # the total: each amount is formatted once per reminder (Babel takes some 8 µs an amount).
    # The sign is in the key because -0 equals 0 and Babel writes "-0,00 €".
    written: dict[tuple[Decimal, bool], str] = {}

    def money(amount: Decimal | None) -> str:
        if amount is None:
            return ""
        key = (amount, amount.is_signed())
        text = written.get(key)
        if text is None:
            text = written[key] = formatting.money(amount, currency, language)
        return text

    penalties = reminder.charges_penalties
    return {
        "customer": {
            "code": reminder.customer_code,
            "name": reminder.customer_name,
            "reference": reminder.payment_reference,
        },
        "contact": {"name": reminder.contact_name},
        "company": {
            "name": sender.name,
            "legal_name": sender.legal_name,
            "address": one_line(sender),
            "email": sender.email,
            "phone": sender.phone,
            "website": sender.website,
            "siren": sender.siren,
            "vat_number": sender.vat_number,
        },
        "level": reminder.level,
        "formal_notice": reminder.formal_notice,
        "as_of": formatting.day(reminder.as_of, language, "long"),
        "currency": currency,
        "invoices": [
            {
                "number": invoice.number,
                "issue_date": formatting.day(invoice.issue_date, language),
                "due_date": formatting.day(invoice.due_date, language),
                "amount": money(invoice.amount),
                "open_amount": money(invoice.open_amount),
                "days_overdue": invoice.days_overdue,
                "status": formatting.status(invoice, language),
                "partially_paid": invoice.partially_paid,
                "interest": money(invoice.interest),
                "indemnity": money(invoice.indemnity),
            }
            for invoice in reminder.invoices
        ],
        "count": len(reminder.invoices),
        "total": {
            "open": money(reminder.total_open),
            "interest": money(reminder.total_interest) if penalties else "",
            "indemnity": money(reminder.total_indemnity) if penalties else "",
            "grand": money(reminder.grand_total),
        },
        "penalties": penalties,
        "signatory": {
            "name": reminder.signatory.name,
            "title": reminder.signatory.title,
            "email": reminder.signatory.email,
            "phone": reminder.signatory.phone,
        },
        "payment": {
            "iban": sender.iban,
            "bic": sender.bic,
            "reference": reminder.payment_reference,
            "link": payment_link(reminder),
        },
        "portal_link": reminder.extra.get("portal_link", ""),
        "invoice_table": invoice_table,
        "legal_mention": "",
    }


def one_line(sender: Any) -> str:
    address = sender.address
    town = " ".join(part for part in (address.postal_code, address.city) if part)
    return ", ".join(part for part in (address.line1, address.line2, town) if part)


def payment_link(reminder: Reminder) -> str:
    """The company's payment URL with its four keys replaced, each value URL-encoded. Only
    those exact keys are replaced: ``str.format`` would let the setting reach attributes.

    >>> from relance.content.reminder import Address, Person, Sender
    >>> from datetime import date
    >>> sender = Sender(code="acme", name="ACME", legal_name="ACME SA", address=Address("ACME"),
    ...     payment_link="https://pay.example/?a={amount}&c={currency}&r={reference}&x={oops}")
    >>> reminder = Reminder(key="k", as_of=date(2026, 11, 24), channel="email", level=1,
    ...     formal_notice=False, language="fr", currency="EUR", customer_code="C 1",
    ...     customer_name="Client", business=True, address=Address("Client"), recipients=(),
    ...     phones=(), contact_name="", sender=sender, signatory=Person("A", "B"),
    ...     invoices=(), payment_reference="C 1")
    >>> payment_link(reminder)
    'https://pay.example/?a=0.00&c=EUR&r=C%201&x={oops}'
    """
    template = reminder.sender.payment_link
    if not template:
        return ""
    values = {
        "amount": str(reminder.grand_total.quantize(Decimal("0.01"))),
        "currency": reminder.currency,
        "reference": reminder.payment_reference,
        "customer": reminder.customer_code,
    }
    return _LINK_KEYS.sub(lambda match: quote(values[match.group(1)], safe=""), template)


def level_name(level: int, formal_notice: bool) -> str:
    if formal_notice:
        return _("Formal notice")
    if level == 0:
        return _("Upcoming due date")
    return _("Reminder %(level)d") % {"level": level}
