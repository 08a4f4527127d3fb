from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.company import Company
from relance.ledger.models.customer import Customer
from relance.ledger.models.fields import currency, money
from relance.ledger.models.invoice import Invoice


class Payment(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=_("company"),
        db_index=False,  # covered by the (company, reference) unique index
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("customer"),
        db_index=False,  # covered by the (customer, date) index
    )
    reference = models.CharField(_("reference"), max_length=80)
    date = models.DateField(_("date"))
    amount = money(_("amount"))
    currency = currency()
    invoice_number = models.CharField(
        _("invoice number"),
        max_length=50,
        blank=True,
        help_text=_("Invoice named by the payment; blank means oldest due first."),
    )
    unapplied_amount = money(
        _("unapplied amount"), help_text=_("Part of the payment not allocated to any invoice.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["company", "-date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "reference"], name="payment_reference_per_company"
            ),
        ]
        indexes = [models.Index(fields=["customer", "date"], name="payment_customer_date")]

    def __str__(self) -> str:
        return self.reference


class Allocation(models.Model):
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("invoice")
    )
    amount = money(_("amount"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"
