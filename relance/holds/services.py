"""Recording, changing and closing holds; the admin and the CLI go through these functions.

Every write leaves one history record (who, when, why) and keeps the invoice's ``disputed``
flag, which the dunning planner reads, equal to "the invoice has an open dispute".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from relance.engine import items as engine
from relance.holds.models import Dispute, Promise, PromiseStatus, Source
from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.models.invoice import InvoiceKind

# Rows per UPDATE/INSERT in the set-based passes (well under SQLite's parameter limit).
BATCH = 500


def _save(record: Promise | Dispute, user: User | None, reason: str) -> None:
    """Save with the history record's author and reason (no middleware sets them for us)."""
    record._history_user = user  # type: ignore[union-attr]
    record._change_reason = reason  # type: ignore[union-attr]
    try:
        record.save()
    finally:
        del record._history_user  # type: ignore[union-attr]
        del record._change_reason  # type: ignore[union-attr]


# Promises ------------------------------------------------------------------------------------


def check_promise(
    customer: Customer,
    amount: Decimal | None,
    promised_on: date | None,
    until: date | None,
    invoices: Iterable[Invoice] = (),
) -> None:
    """Raise a ValidationError, by field, for every reason the promise cannot stand."""
    errors: dict[str, Any] = {}
    if amount is not None and amount <= 0:
        errors["amount"] = _("The amount promised must be more than zero.")
    if promised_on and until and until < promised_on:
        errors["until"] = _("A promise cannot end (%(until)s) before it was made (%(day)s).") % {
            "until": until,
            "day": promised_on,
        }
    foreign = sorted(
        invoice.number
        for invoice in invoices
        if invoice.customer_id != customer.pk or invoice.company_id != customer.company_id
    )
    if foreign:
        errors["invoices"] = _("Not invoices of customer %(customer)s: %(numbers)s.") % {
            "customer": customer.code,
            "numbers": ", ".join(foreign),
        }
    if errors:
        raise ValidationError(errors)


def _require_open(promise: Promise) -> None:
    if not promise.is_open:
        raise ValidationError(
            _("This promise is closed (%(status)s) and can no longer change.")
            % {"status": promise.get_status_display()}
        )


def record_promise(
    customer: Customer,
    *,
    amount: Decimal,
    until: date,
    promised_on: date,
    invoices: Iterable[Invoice] = (),
    currency: str | None = None,
    user: User | None = None,
    source: str = Source.PHONE,
    note: str = "",
) -> Promise:
    """Record that ``customer`` promised to pay ``amount`` by ``until``. Naming no invoice
    holds all of the customer's invoices."""
    named = list(invoices)
    check_promise(customer, amount, promised_on, until, named)
    if currency is None:
        currency = named[0].currency if named else customer.company.default_currency
    with transaction.atomic():
        promise = Promise(
            company_id=customer.company_id,
            customer=customer,
            amount=amount,
            currency=currency,
            promised_on=promised_on,
            until=until,
            recorded_by=user,
            source=source,
            note=note,
        )
        _save(promise, user, gettext("promise recorded"))
        # The named invoices are fixed at creation (a different set is a new promise), so the
        # history of the promise's own fields is its whole history.
        if named:
            promise.invoices.set(named)
    return promise


def amend_promise(
    promise: Promise,
    *,
    amount: Decimal,
    until: date,
    source: str,
    note: str,
    user: User | None = None,
) -> Promise:
    """Change an open promise (typically: the customer asks for more time)."""
    _require_open(promise)
    check_promise(promise.customer, amount, promise.promised_on, until)
    promise.amount, promise.until, promise.source, promise.note = amount, until, source, note
    _save(promise, user, gettext("promise changed"))
    return promise


def cancel_promise(promise: Promise, on: date, user: User | None = None, note: str = "") -> Promise:
    """Withdraw an open promise: its invoices are reminded again from now on."""
    _require_open(promise)
    promise.status = PromiseStatus.CANCELLED
    promise.closed_on, promise.closed_by, promise.closing_note = on, user, note
    _save(promise, user, gettext("promise cancelled"))
    return promise


@dataclass(frozen=True)
class ClosedPromises:
    kept: int
    broken: int


def close_due_promises(company: Company, as_of: date) -> ClosedPromises:
    """Close every open promise whose date has passed: kept when what it covered is settled,
    broken otherwise. It covered the invoices it names; naming none, the customer's invoices
    issued by the day of the promise and due by its date.

    Set-based: a constant number of queries, plus one UPDATE and one INSERT per ``BATCH``
    promises closed."""
    due = Promise.objects.filter(company=company, status=PromiseStatus.OPEN, until__lt=as_of)
    links = Promise.invoices.through.objects.filter(promise_id=OuterRef("pk"))
    unpaid_named = links.filter(invoice__open_amount__gt=0)
    unpaid_covered = Invoice.objects.filter(
        customer_id=OuterRef("customer_id"),
        kind=InvoiceKind.INVOICE,
        open_amount__gt=0,
        issue_date__lte=OuterRef("promised_on"),
        due_date__lte=OuterRef("until"),
    )
    with transaction.atomic():
        promises = list(due.select_for_update())
        broken = set(
            due.filter(
                (Exists(links) & Exists(unpaid_named)) | (~Exists(links) & Exists(unpaid_covered))
            ).values_list("pk", flat=True)
        )
        for promise in promises:
            is_broken = promise.pk in broken
            promise.status = PromiseStatus.BROKEN if is_broken else PromiseStatus.KEPT
            promise.closed_on = as_of
            promise._change_reason = (  # type: ignore[attr-defined]
                gettext("promise broken") if is_broken else gettext("promise kept")
            )
        bulk_update_with_history(promises, Promise, ["status", "closed_on"], batch_size=BATCH)
    return ClosedPromises(kept=len(promises) - len(broken), broken=len(broken))


def active_promises(company: Company, as_of: date) -> list[engine.Promise]:
    """The promises that hold on ``as_of``, as the dunning engine takes them, in one query:
    open, made on or before ``as_of`` and lasting until ``as_of`` or later."""
    rows = (
        Promise.objects.filter(
            company=company,
            status=PromiseStatus.OPEN,
            promised_on__lte=as_of,
            until__gte=as_of,
        )
        .order_by("pk")
        .values_list("pk", "customer__code", "until", "invoices__number")
    )
    found: dict[int, tuple[str, date, set[str]]] = {}
    for pk, customer, until, number in rows:
        numbers = found.setdefault(pk, (customer, until, set()))[2]
        if number is not None:
            numbers.add(number)
    return [
        engine.Promise(customer, until, frozenset(numbers))
        for customer, until, numbers in found.values()
    ]


# Disputes ------------------------------------------------------------------------------------


def _flag(invoice: Invoice, disputed: bool, reason: str, since: date | None) -> None:
    """Mirror the invoice's open dispute on its ``disputed`` flag, the one the planner reads."""
    invoice.disputed, invoice.dispute_reason, invoice.disputed_since = disputed, reason, since
    Invoice.objects.filter(pk=invoice.pk).update(
        disputed=disputed,
        dispute_reason=reason,
        disputed_since=since,
        updated_at=timezone.now(),
    )


def check_dispute(invoice: Invoice) -> None:
    if invoice.disputed or Dispute.objects.filter(invoice=invoice, resolved_on=None).exists():
        raise ValidationError(
            {"invoice": _("Invoice %(number)s is already disputed.") % {"number": invoice.number}}
        )


def _require_open_dispute(dispute: Dispute) -> None:
    if not dispute.is_open:
        raise ValidationError(
            _("This dispute was resolved on %(day)s and can no longer change.")
            % {"day": dispute.resolved_on}
        )


def check_resolution(dispute: Dispute, on: date) -> None:
    _require_open_dispute(dispute)
    if on < dispute.since:
        raise ValidationError(
            {
                "resolved_on": _("A dispute cannot be resolved before it began (%(since)s).")
                % {"since": dispute.since}
            }
        )


def open_dispute(
    invoice: Invoice,
    reason: str,
    since: date,
    user: User | None = None,
    source: str = Source.PHONE,
) -> Dispute:
    """Take ``invoice`` out of the dunning until the dispute is resolved."""
    check_dispute(invoice)
    with transaction.atomic():
        dispute = Dispute(
            company_id=invoice.company_id,
            invoice=invoice,
            reason=reason,
            since=since,
            opened_by=user,
            source=source,
        )
        _save(dispute, user, gettext("dispute opened"))
        _flag(invoice, True, reason, since)
    return dispute


def amend_dispute(dispute: Dispute, *, reason: str, since: date, user: User | None = None) -> None:
    _require_open_dispute(dispute)
    with transaction.atomic():
        dispute.reason, dispute.since = reason, since
        _save(dispute, user, gettext("dispute changed"))
        _flag(dispute.invoice, True, reason, since)


def resolve_dispute(
    dispute: Dispute, on: date, user: User | None = None, note: str = ""
) -> Dispute:
    """Close the dispute: the invoice is reminded again if it is still open."""
    check_resolution(dispute, on)
    with transaction.atomic():
        dispute.resolved_on, dispute.resolved_by, dispute.resolution_note = on, user, note
        _save(dispute, user, gettext("dispute resolved"))
        _flag(dispute.invoice, False, "", None)
    return dispute


@dataclass(frozen=True)
class DisputeSync:
    opened: int
    resolved: int
    reflagged: int


def sync_disputes_from_flags(company: Company, today: date) -> DisputeSync:
    """Bring the dispute records in line with the ``disputed`` flags an invoice import wrote.

    - a flagged invoice without an open dispute gets one (source: import);
    - an open import dispute whose invoice is no longer flagged is resolved "cleared by import";
    - an invoice the import unflagged while a person's dispute on it is still open is flagged
      again: the ERP does not know about disputes recorded here.

    Set-based: a constant number of queries, plus one per ``BATCH`` disputes written.
    """
    open_disputes = Dispute.objects.filter(invoice_id=OuterRef("pk"), resolved_on=None)
    invoices = Invoice.objects.filter(company=company)
    with transaction.atomic():
        flagged = invoices.filter(disputed=True).exclude(Exists(open_disputes))
        created = [
            Dispute(
                company=company,
                invoice_id=pk,
                reason=reason,
                since=since or today,
                source=Source.IMPORT,
            )
            for pk, reason, since in flagged.values_list("pk", "dispute_reason", "disputed_since")
        ]
        bulk_create_with_history(
            created, Dispute, batch_size=BATCH, default_change_reason=gettext("flagged by import")
        )
        cleared = list(
            Dispute.objects.filter(
                company=company, source=Source.IMPORT, resolved_on=None, invoice__disputed=False
            ).select_for_update()
        )
        note = gettext("cleared by import")
        for dispute in cleared:
            dispute.resolved_on = max(today, dispute.since)
            dispute.resolution_note = note
        bulk_update_with_history(
            cleared,
            Dispute,
            ["resolved_on", "resolution_note"],
            batch_size=BATCH,
            default_change_reason=note,
        )
        reflagged = (
            invoices.filter(disputed=False)
            .filter(Exists(open_disputes))
            .update(
                disputed=True,
                dispute_reason=Subquery(open_disputes.values("reason")[:1]),
                disputed_since=Subquery(open_disputes.values("since")[:1]),
                updated_at=timezone.now(),
            )
        )
        # The import clears the flag and the date but leaves the reason behind.
        invoices.filter(disputed=False).exclude(dispute_reason="").update(dispute_reason="")
    return DisputeSync(opened=len(created), resolved=len(cleared), reflagged=reflagged)
