from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.company import Company
from relance.ledger.models.customer import Customer
from relance.ledger.models.fields import currency, money


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class Invoice(models.Model):
    """An invoice or credit note. Credit notes carry negative amounts, so that a customer's
    total due is the plain sum of its open amounts."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name=_("company"),
        db_index=False,  # covered by the (company, number) unique index
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("customer"),
        db_index=False,  # covered by the (customer, due_date) index
    )
    number = models.CharField(_("number"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = currency()
    amount = money(_("amount incl. tax"))
    open_amount = money(_("amount due"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    disputed = models.BooleanField(_("disputed"), default=False)
    dispute_reason = models.CharField(_("dispute reason"), max_length=200, blank=True)
    disputed_since = models.DateField(_("disputed since"), null=True, blank=True)
    # Dunning state, written when a reminder is sent: read by every daily plan.
    reached_level = models.PositiveSmallIntegerField(
        _("dunning level reached"), null=True, blank=True
    )
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["company", "due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="invoice_number_per_company"
            ),
        ]
        indexes = [
            # The daily pass reads only open items, by due date.
            models.Index(
                fields=["company", "due_date"], condition=~Q(open_amount=0), name="invoice_open_due"
            ),
            models.Index(fields=["customer", "due_date"], name="invoice_customer_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.open_amount != 0
