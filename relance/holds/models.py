"""Holds on the dunning: promises to pay and disputes, kept with their whole history.

The dunning planner reads the invoice's ``disputed`` flag and the open promises
(``services.active_promises``); the services keep both in step with these records. Nothing here
is ever deleted: a hold is closed (kept, broken, cancelled, resolved) and its history tells who
did what and when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.models.fields import acting_user, currency, money


class Source(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    PORTAL = "portal", _("Customer portal")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")
    # Only disputes: the ERP file's `disputed` column.
    IMPORT = "import", _("Invoice import")


MANUAL_SOURCES = [choice for choice in Source.choices if choice[0] != Source.IMPORT]


class PromiseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("promise", "Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


def _history() -> HistoricalRecords:
    return HistoricalRecords(
        history_id_field=models.BigAutoField(),
        # Notes given when a hold is closed can be longer than the default 100 characters.
        history_change_reason_field=models.TextField(null=True),
    )


class Promise(models.Model):
    """A customer's promise to pay: holds its invoices (or only those named) until a date."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="promises", verbose_name=_("company")
    )
    # RESTRICT, not CASCADE: a customer or invoice with holds cannot be deleted on its own,
    # only together with its company.
    customer = models.ForeignKey(
        Customer, on_delete=models.RESTRICT, related_name="promises", verbose_name=_("customer")
    )
    invoices = models.ManyToManyField(
        Invoice,
        blank=True,
        related_name="promises",
        verbose_name=_("invoices"),
        help_text=_("Leave empty for all the customer's invoices."),
    )
    amount = money(_("amount promised"), default=None)
    currency = currency()
    promised_on = models.DateField(
        _("promised on"), default=timezone.localdate, help_text=_("Day the customer promised.")
    )
    until = models.DateField(
        _("until"), help_text=_("The invoices are not reminded until this day, included.")
    )
    recorded_by = acting_user(_("recorded by"))
    source = models.CharField(
        _("source"), max_length=10, choices=MANUAL_SOURCES, default=Source.PHONE
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = acting_user(_("closed by"))
    closing_note = models.TextField(_("closing note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = _history()

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["company", "-promised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(until__gte=F("promised_on")), name="promise_until_after_promise"
            ),
        ]
        indexes = [
            # The daily pass reads the open promises of a company.
            models.Index(
                fields=["company", "until"],
                condition=Q(status="open"),
                name="promise_open_until",
            ),
            models.Index(fields=["customer", "promised_on"], name="promise_customer"),
        ]

    def __str__(self) -> str:
        return _("%(customer)s: %(amount)s %(currency)s until %(until)s") % {
            "customer": self.customer.code if self.customer_id else "?",
            "amount": self.amount,
            "currency": self.currency,
            "until": self.until,
        }

    @property
    def is_open(self) -> bool:
        return self.status == PromiseStatus.OPEN


class Dispute(models.Model):
    """An invoice the customer contests: it leaves the dunning until the dispute is resolved."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("company")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.RESTRICT, related_name="disputes", verbose_name=_("invoice")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    since = models.DateField(_("disputed since"), default=timezone.localdate)
    opened_by = acting_user(_("opened by"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.PHONE
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = acting_user(_("resolved by"))
    resolution_note = models.TextField(_("resolution note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = _history()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["company", "-since", "-id"]
        constraints = [
            # The invoice's flag mirrors "has an open dispute": two would make it ambiguous.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(resolved_on__isnull=True),
                name="one_open_dispute_per_invoice",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("since")),
                name="dispute_resolved_after_since",
            ),
        ]
        indexes = [models.Index(fields=["company", "resolved_on"], name="dispute_company")]

    def __str__(self) -> str:
        return _("Dispute on %(invoice)s") % {
            "invoice": self.invoice.number if self.invoice_id else "?"
        }

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None
