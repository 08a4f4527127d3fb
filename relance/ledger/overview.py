"""Where the money is, for the home screen: open amounts by ageing bucket and by level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company, Invoice
from relance.ledger.models.invoice import InvoiceKind

BUCKETS = (
    ("not_due", _("Not due")),
    ("1_30", _("1–30 days")),
    ("31_60", _("31–60 days")),
    ("61_90", _("61–90 days")),
    ("90_plus", _("Over 90 days")),
)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    amount: Decimal
    invoices: int


@dataclass(frozen=True)
class Overview:
    currency: str
    by_bucket: list[Line]
    by_level: list[Line]

    @property
    def overdue(self) -> Decimal:
        return sum((line.amount for line in self.by_bucket[1:]), Decimal("0"))


def _open(company: Company, currency: str) -> QuerySet[Invoice]:
    # Credit notes are open but never overdue: they are not owed money.
    return Invoice.objects.filter(
        company=company, currency=currency, kind=InvoiceKind.INVOICE, open_amount__gt=0
    )


def overview(company: Company, today: date, currency: str | None = None) -> Overview:
    currency = currency or company.default_currency
    bucket = Case(
        When(due_date__gte=today, then=Value("not_due")),
        When(due_date__gte=today - timedelta(days=30), then=Value("1_30")),
        When(due_date__gte=today - timedelta(days=60), then=Value("31_60")),
        When(due_date__gte=today - timedelta(days=90), then=Value("61_90")),
        default=Value("90_plus"),
        output_field=CharField(),
    )
    rows: dict[str, dict[str, Any]] = {
        row["bucket"]: dict(row)
        for row in _open(company, currency)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(amount=Sum("open_amount"), n=Count("pk"))
        .order_by()
    }
    by_bucket = [
        Line(
            key,
            str(label),
            rows.get(key, {}).get("amount") or Decimal("0"),
            rows.get(key, {}).get("n", 0),
        )
        for key, label in BUCKETS
    ]
    levels = (
        _open(company, currency)
        .filter(due_date__lt=today)
        .values("reached_level")
        .annotate(amount=Sum("open_amount"), n=Count("pk"))
        .order_by("reached_level")
    )
    by_level = [
        Line(
            str(row["reached_level"] or 0),
            str(_("Level %(level)s") % {"level": row["reached_level"]})
            if row["reached_level"]
            else str(_("Not reminded yet")),
            row["amount"],
            row["n"],
        )
        for row in levels
    ]
    merged: dict[str, Line] = {}
    for line in by_level:  # level 0 and "never" are the same line
        if line.key in merged:
            old = merged[line.key]
            line = Line(line.key, old.label, old.amount + line.amount, old.invoices + line.invoices)
        merged[line.key] = line
    return Overview(currency, by_bucket, list(merged.values()))
