"""The customer marker: the highest dunning level reached among a customer's open invoices.

It is stored on the customer so that lists filter and sort on it, and refreshed, set-based,
whenever something can change it: a reminder sent, a payment or credit note applied, an
import that settles or reopens invoices.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Max, OuterRef, Subquery

from relance.ledger.models import Company, Customer, Invoice

CHUNK = 5000  # ids per statement: SQLite caps the number of bound parameters


def refresh_markers(company: Company, customer_ids: Collection[int] | None = None) -> int:
    """Recompute the marker of the given customers (all the company's when None) in one
    UPDATE; return how many customers were refreshed."""
    highest = (
        Invoice.objects.filter(customer=OuterRef("pk"), open_amount__gt=0)
        .order_by()
        .values("customer")
        .annotate(top=Max("reached_level"))
        .values("top")
    )
    customers = Customer.objects.filter(company=company)
    if customer_ids is not None:
        ids = sorted(customer_ids)
        return sum(
            customers.filter(pk__in=ids[start : start + CHUNK]).update(marker=Subquery(highest))
            for start in range(0, len(ids), CHUNK)
        )
    if (
        not customers.filter(marker__isnull=False).exists()
        and not Invoice.objects.filter(company=company, reached_level__isnull=False).exists()
    ):
        # Nobody was ever reminded: a fresh import need not touch every customer.
        return 0
    return customers.update(marker=Subquery(highest))
