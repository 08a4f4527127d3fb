"""The plain-text reminder e-mail: the invoices of one action, in the customer's language.

Level-specific wording, HTML, attachments and penalties come with the templates of the
content issue; this message is deliberately sober and complete.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.utils import formataddr, make_msgid
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relance.ledger.models import Customer
from relance.runs.models import Action


def recipients(customer: Customer) -> list[str]:
    """The customer's address, then its contacts who receive reminders, without repeats."""
    found = [customer.email] if customer.email else []
    for contact in customer.contacts.all():
        if contact.receives_reminders and contact.email and contact.email not in found:
            found.append(contact.email)
    return found


def language_of(customer: Customer) -> str:
    wanted = customer.language or customer.company.default_language or settings.LANGUAGE_CODE
    known = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in known else settings.LANGUAGE_CODE


def compose(action: Action, customer: Customer) -> EmailMessage:
    company = customer.company
    language = language_of(customer)
    with translation.override(language):
        subject = _("Payment reminder (level %(level)s): %(company)s") % {
            "level": action.level,
            "company": company.sender_name or company.legal_name,
        }
        body = _body(action, customer, language)
    sender = formataddr(
        (company.sender_name or company.legal_name, company.sender_email)
        if company.sender_email
        else ("", settings.DEFAULT_FROM_EMAIL)
    )
    domain = sender.rpartition("@")[2].rstrip(">") or str(DNS_NAME)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=sender,
        to=recipients(customer),
        reply_to=[company.sender_email] if company.sender_email else None,
        headers={
            "Message-ID": make_msgid(idstring=f"relance.{action.pk}", domain=domain),
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
        },
    )


def _body(action: Action, customer: Customer, language: str) -> str:
    company = customer.company
    rows = [(_("Invoice"), _("Due date"), _("Status"), _("Amount due"))]
    rows += [_row(invoice, action.currency, language) for invoice in action.invoices]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    table = "\n".join(
        "  "
        + "  ".join(
            cell.rjust(width) if column == 3 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )
    total = format_currency(Decimal(action.total_due), action.currency, locale=language)
    lines = [
        _("Dear customer,"),
        "",
        ngettext(
            "Unless we are mistaken, the following invoice is still awaiting payment:",
            "Unless we are mistaken, the following invoices are still awaiting payment:",
            len(action.invoices),
        ),
        "",
        table,
        "",
        _("Total due: %(total)s") % {"total": total},
        "",
        _(
            "Please settle this amount at your earliest convenience. If you have already "
            "paid, thank you, and please disregard this message."
        ),
    ]
    if company.iban:
        lines += ["", _("Bank details: IBAN %(iban)s") % {"iban": company.iban}]
        if company.bic:
            lines[-1] += f" – BIC {company.bic}"
    lines += [
        "",
        _("Customer account: %(code)s") % {"code": customer.code},
        "",
        _("Kind regards,"),
        company.sender_name or company.legal_name,
    ]
    return "\n".join(lines) + "\n"


def _row(invoice: dict[str, Any], currency: str, language: str) -> tuple[str, str, str, str]:
    days = int(invoice["days_overdue"])
    due = format_date(date.fromisoformat(invoice["due_date"]), "short", locale=language)
    if days > 0:
        status = ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}
    else:
        status = _("due %(date)s") % {"date": due}
    return (
        invoice["number"],
        due,
        status,
        format_currency(Decimal(invoice["open_amount"]), currency, locale=language),
    )
