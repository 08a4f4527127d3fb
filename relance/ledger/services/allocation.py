"""Apply payments to invoices, keeping every invoice's open amount exact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from relance.engine.allocation import Payable, allocate
from relance.ledger.models import Allocation, Company, Invoice, Payment
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.services.markers import refresh_markers

ZERO = Decimal("0.00")
# What a payment carries besides its identity; rewritten when it is applied again.
PAYMENT_FIELDS = ["customer", "date", "amount", "currency", "invoice_number", "unapplied_amount"]


class Ledger:
    """The open invoices of a set of customers, held in memory while payments are applied,
    then written back in one pass."""

    def __init__(self, company: Company, customer_ids: Iterable[int]):
        self.company = company
        self.invoices: dict[int, Invoice] = {}
        self.by_customer: dict[tuple[int, str], list[Invoice]] = defaultdict(list)
        self.dirty: set[int] = set()
        self.payments: list[Payment] = []
        self.allocations: list[Allocation] = []
        queryset = Invoice.objects.filter(
            company=company, customer_id__in=list(customer_ids), kind=InvoiceKind.INVOICE
        ).exclude(open_amount=0)
        for invoice in queryset:
            self._track(invoice)

    def _track(self, invoice: Invoice) -> None:
        if invoice.pk not in self.invoices:
            self.invoices[invoice.pk] = invoice
            self.by_customer[(invoice.customer_id, invoice.currency)].append(invoice)

    def release(self, payment: Payment) -> None:
        """Undo a payment's allocations (before it is changed and applied again)."""
        for allocation in payment.allocations.select_related("invoice"):
            invoice = self.invoices.get(allocation.invoice_id) or allocation.invoice
            self._track(invoice)
            invoice.open_amount += allocation.amount
            invoice.settled_on = None
            self.dirty.add(invoice.pk)
        payment.allocations.all().delete()

    def apply(self, payment: Payment) -> Decimal:
        """Allocate ``payment`` in memory (it need not be saved yet); return the amount
        allocated. Nothing is written until ``save``."""
        candidates = self.by_customer[(payment.customer_id, payment.currency)]
        plan = allocate(
            payment.amount,
            [Payable(inv.pk, inv.number, inv.due_date, inv.open_amount) for inv in candidates],
            payment.invoice_number or None,
        )
        for invoice_id, share in plan.lines:
            invoice = self.invoices[invoice_id]
            invoice.open_amount -= share
            if invoice.open_amount == 0:
                invoice.settled_on = payment.date
            self.dirty.add(invoice_id)
            self.allocations.append(Allocation(payment=payment, invoice=invoice, amount=share))
        payment.unapplied_amount = plan.unapplied
        self.payments.append(payment)
        return payment.amount - plan.unapplied

    def save(self) -> None:
        """Write the applied payments, their allocations and the invoices, a few bulk
        statements for the whole batch."""
        new = [payment for payment in self.payments if payment.pk is None]
        known = [payment for payment in self.payments if payment.pk is not None]
        Payment.objects.bulk_create(new, batch_size=500)
        Payment.objects.bulk_update(known, PAYMENT_FIELDS, batch_size=500)
        # Allocations built before their payment had an id pick it up here.
        Allocation.objects.bulk_create(self.allocations, batch_size=500)
        now = timezone.now()
        changed = [self.invoices[pk] for pk in self.dirty]
        for invoice in changed:
            invoice.updated_at = now
        Invoice.objects.bulk_update(
            changed, ["open_amount", "settled_on", "updated_at"], batch_size=500
        )
        refresh_markers(self.company, {invoice.customer_id for invoice in changed})
        self.payments, self.allocations = [], []
        self.dirty.clear()


@transaction.atomic
def record_payment(payment: Payment) -> Payment:
    """Save one payment (new or edited, e.g. in the admin) and allocate it."""
    ledger = Ledger(payment.company, [payment.customer_id])
    if payment.pk:
        ledger.release(payment)
    ledger.apply(payment)
    ledger.save()
    return payment
