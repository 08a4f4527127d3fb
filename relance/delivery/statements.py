"""Sending a customer its statement of account now, from its page or ``relance statement``.

The statement lists every open item (credit notes included), per currency: the HTML table in
the e-mail, the generated statement PDF attached. It goes through the outbox like any reminder
(a ``Message`` sent by the same workers), under an idempotency key made from the request's
token, so a double click or a retried POST queues it once. It comes from no run and raises no
level; once sent, ``statement_journal`` writes its journal entry.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from relance.channels.documents import statement_pdf
from relance.channels.email.compose import compose
from relance.content.context import template_context
from relance.content.loading import LevelRules, build_reminder, recipients
from relance.content.reminder import Reminder, ReminderInvoice
from relance.content.rendering import RenderedParts, html_invoice_table, text_invoice_table
from relance.delivery.models import Message, MessageState
from relance.delivery.services import dispatch
from relance.delivery.statement_journal import PREFIX
from relance.ledger.models import Customer, Invoice
from relance.runs.completing import acting

PDF = "application/pdf"
_TOKEN = re.compile(r"[0-9a-f]{16,40}")


def new_token() -> str:
    """A fresh token for one request to send a statement (rendered in the form)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class StatementQueued:
    messages: list[Message]
    # False when the token had already queued it: a second click, a retried POST.
    created: bool


def send_statement(
    customer: Customer, *, token: str, user: User | None = None, today: date | None = None
) -> StatementQueued:
    """Queue the statement of ``customer`` (one e-mail per currency it owes in) and get it
    sent. Raises ``ValidationError`` when there is no address or nothing open."""
    if not _TOKEN.fullmatch(token):
        raise ValidationError(_("This form has expired: reload the page and try again."))
    prefix = f"{PREFIX}c{customer.pk}-{token}-"
    already = list(Message.objects.filter(company_id=customer.company_id, key__startswith=prefix))
    if already:
        return StatementQueued(already, created=False)
    customer = (
        Customer.objects.select_related("company", "collector", "company__head_of_accounts")
        .prefetch_related("contacts")
        .get(pk=customer.pk)
    )
    if not recipients(customer):
        raise ValidationError(
            _("%(customer)s has no e-mail address: no statement was sent.")
            % {"customer": customer.name}
        )
    today = today or timezone.localdate()
    by_currency: dict[str, list[Invoice]] = defaultdict(list)
    for invoice in customer.invoices.exclude(open_amount=0).order_by("due_date", "number"):
        by_currency[invoice.currency].append(invoice)
    if not by_currency:
        raise ValidationError(
            _("%(customer)s has no open invoice: there is no statement to send.")
            % {"customer": customer.name}
        )
    now = timezone.now()
    messages = []
    for currency, invoices in sorted(by_currency.items()):
        key = f"{prefix}{currency}"
        reminder = _reminder(customer, key, currency, invoices, today)
        email = _email(reminder)
        name = f"outbox/{today:%Y/%m}/statements/{key}.eml"
        messages.append(
            Message(
                company_id=customer.company_id,
                customer=customer,
                key=key,
                channel="email",
                level=customer.marker or 0,
                currency=currency,
                sender=email.from_email,
                recipients=list(email.recipients()),
                invoices=[invoice.number for invoice in reminder.invoices],
                total_due=reminder.total_open,
                subject=str(email.subject)[:500],
                content=default_storage.save(name, ContentFile(email.message().as_bytes())),
                state=MessageState.PENDING,
                next_attempt_at=now,
                provider_id=email.extra_headers["Message-ID"],
                decided_by=acting(user),
            )
        )
    try:
        with transaction.atomic():
            Message.objects.bulk_create(messages)
    except IntegrityError:  # the same token, at the same moment, from another request
        for message in messages:  # the winner's files are the ones kept
            message.content.delete(save=False)
        return StatementQueued(list(Message.objects.filter(key__startswith=prefix)), created=False)
    dispatch([message.pk for message in messages])
    return StatementQueued(messages, created=True)


def _reminder(
    customer: Customer, key: str, currency: str, invoices: list[Invoice], today: date
) -> Reminder:
    media = Path(settings.MEDIA_ROOT)
    items = [
        ReminderInvoice(
            number=invoice.number,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            amount=Decimal(invoice.amount),
            open_amount=Decimal(invoice.open_amount),
            days_overdue=(today - invoice.due_date).days,
            level=invoice.reached_level or 0,
            due=False,
            pdf=media / str(invoice.pdf.name) if invoice.pdf else None,
        )
        for invoice in invoices
    ]
    return build_reminder(
        key=key,
        customer=customer,
        as_of=today,
        channel="email",
        level=customer.marker or 0,
        currency=currency,
        rules=LevelRules(),
        invoices=items,
    )


def _email(reminder: Reminder) -> EmailMultiAlternatives:
    with translation.override(reminder.language):
        context = template_context(reminder)
        sender = reminder.sender.name
        greeting = (
            _("Dear %(name)s,") % {"name": reminder.contact_name}
            if reminder.contact_name
            else _("Dear customer,")
        )
        intro = _(
            "Please find below the statement of your account with %(company)s on %(date)s: "
            "the items still open, also in the attached PDF."
        ) % {"company": sender, "date": context["as_of"]}
        closing = _("If you have already paid, please disregard this message. Thank you.")
        person = reminder.from_person
        signed = (person.name, person.title) if person is not None else ()
        signature = "\n".join(part for part in (*signed, sender) if part)
        parts = RenderedParts(
            subject=_("Statement of account – %(company)s") % {"company": sender},
            body_text="\n\n".join((greeting, intro, text_invoice_table(context, False), closing)),
            body_html=Markup(
                f"<p>{escape(greeting)}</p><p>{escape(intro)}</p>"
                f"{html_invoice_table(context)}<p>{escape(closing)}</p>"
            ),
            signature_text=signature,
            signature_html=Markup("<p>{}</p>").format(Markup("<br>").join(signature.split("\n"))),
            legal_mention="",
            context=context,
        )
        pdf = statement_pdf(reminder, reminder.invoices)
        name = _("statement") + f"-{slugify(reminder.customer_code)}.pdf"
    return compose(reminder, parts, [(name, pdf, PDF)])
