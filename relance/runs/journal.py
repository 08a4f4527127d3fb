"""Reading the dunning journal: a customer's (or the company's) history, newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relance.ledger.models import Company
from relance.runs.models import JournalEntry


def history(company: Company, customer: str | None = None) -> QuerySet[JournalEntry]:
    entries = JournalEntry.objects.filter(company=company)
    if customer:
        entries = entries.filter(customer__code=customer)
    return entries.select_related("customer", "user").order_by("-date", "-at", "-id")


def entry_as_json(entry: JournalEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "at": entry.at.isoformat(),
        "customer": entry.customer.code,
        "currency": entry.currency,
        "level": entry.level,
        "channel": entry.channel,
        "status": entry.status,
        "invoices": list(entry.invoices),
        "total_due": str(entry.total_due),
        "recipient": entry.recipient,
        "user": entry.user.get_username() if entry.user else "system",
        "run": entry.run_id,
        "message_id": entry.message_id,
        "detail": entry.detail,
        "legal_basis": entry.legal_basis,
        "retain_until": entry.retain_until.isoformat(),
    }
