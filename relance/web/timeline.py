"""A customer's story on one line of time: invoices issued, payments, reminders and statements
sent, answers, promises, disputes, tasks and notes, newest first.

Each source is read with one query (bounded), turned into typed ``Entry`` rows and merged here,
so the template only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.delivery.models import Message
from relance.delivery.statement_journal import PREFIX
from relance.holds.models import Dispute
from relance.ledger.models import Allocation, Customer
from relance.ledger.models.invoice import InvoiceKind
from relance.notes.models import NoteKind
from relance.runs.models import JournalStatus

PER_SOURCE = 200


class Kind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    REMINDER = "reminder"
    STATEMENT = "statement"
    ANSWER = "answer"
    NOTE = "note"
    PROMISE = "promise"
    DISPUTE = "dispute"
    TASK = "task"


@dataclass(frozen=True)
class Entry:
    kind: Kind
    at: datetime
    title: str
    detail: str = ""
    amount: Decimal | None = None
    currency: str = ""
    by: str = ""
    link: str = ""  # the exact document sent, when there is one
    failed: bool = False
    # Known by its day only (an invoice's issue date, a payment's value date).
    day_only: bool = False

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


LABELS = {
    Kind.INVOICE: gettext_lazy("Invoice"),
    Kind.PAYMENT: gettext_lazy("Payment"),
    Kind.REMINDER: gettext_lazy("Reminder"),
    Kind.STATEMENT: gettext_lazy("Statement"),
    Kind.ANSWER: gettext_lazy("Answer"),
    Kind.NOTE: gettext_lazy("Note"),
    Kind.PROMISE: gettext_lazy("Promise"),
    Kind.DISPUTE: gettext_lazy("Dispute"),
    Kind.TASK: gettext_lazy("Task"),
}


def timeline(customer: Customer, limit: int = 300) -> list[Entry]:
    """The customer's entries, newest first (at most ``limit``)."""
    entries = [
        *_invoices(customer),
        *_payments(customer),
        *_journal(customer),
        *_notes(customer),
        *_promises(customer),
        *_disputes(customer),
        *_tasks(customer),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _day_only(day: date, recorded: datetime | None) -> bool:
    return recorded is None or timezone.localdate(recorded) != day


def _moment(day: date, recorded: datetime | None = None) -> datetime:
    """When something dated only by a day happened: the moment it was recorded if that was
    the same day, else the start of that day."""
    if recorded is not None and timezone.localdate(recorded) == day:
        return recorded
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(user: object) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def _invoices(customer: Customer) -> list[Entry]:
    rows = customer.invoices.order_by("-issue_date", "-id")[:PER_SOURCE]
    return [
        Entry(
            Kind.INVOICE,
            _moment(invoice.issue_date, invoice.created_at),
            (
                _("Credit note %(number)s issued")
                if invoice.kind == InvoiceKind.CREDIT_NOTE
                else _("Invoice %(number)s issued")
            )
            % {"number": invoice.number},
            _("due %(date)s, %(open)s left to pay")
            % {
                "date": _day(invoice.due_date),
                "open": _money(invoice.open_amount),
            },
            invoice.amount,
            invoice.currency,
            day_only=_day_only(invoice.issue_date, invoice.created_at),
        )
        for invoice in rows
    ]


def _payments(customer: Customer) -> list[Entry]:
    allocations = Prefetch(
        "allocations", queryset=Allocation.objects.select_related("invoice").order_by("id")
    )
    rows = customer.payments.order_by("-date", "-id").prefetch_related(allocations)[:PER_SOURCE]
    entries = []
    for payment in rows:
        paid = ", ".join(
            f"{allocation.invoice.number} ({_money(allocation.amount)})"
            for allocation in payment.allocations.all()
        )
        detail = _("applied to %(invoices)s") % {"invoices": paid} if paid else ""
        if payment.unapplied_amount:
            unapplied = _("%(amount)s unapplied") % {"amount": _money(payment.unapplied_amount)}
            detail = f"{detail}; {unapplied}" if detail else unapplied
        entries.append(
            Entry(
                Kind.PAYMENT,
                _moment(payment.date, payment.created_at),
                _("Payment %(reference)s received") % {"reference": payment.reference},
                detail,
                payment.amount,
                payment.currency,
                day_only=_day_only(payment.date, payment.created_at),
            )
        )
    return entries


def _journal(customer: Customer) -> list[Entry]:
    statements = set(
        Message.objects.filter(customer=customer, key__startswith=PREFIX, action__isnull=True)
        .exclude(provider_id="")
        .values_list("provider_id", flat=True)
    )
    rows = customer.journal.select_related("user").order_by("-at", "-id")[:PER_SOURCE]
    entries = []
    for entry in rows:
        statement = entry.action_id is None and entry.message_id in statements
        if statement:
            title = _("Statement of account sent by %(channel)s") % {"channel": entry.channel}
        else:
            title = _("Level %(level)s reminder by %(channel)s") % {
                "level": entry.level,
                "channel": entry.channel,
            }
        detail = entry.get_status_display()
        if entry.recipient:
            detail += f" – {entry.recipient}"
        if entry.invoices:
            detail += f" – {', '.join(entry.invoices)}"
        if entry.detail and not statement:
            detail += f" – {entry.detail}"
        entries.append(
            Entry(
                Kind.STATEMENT if statement else Kind.REMINDER,
                entry.at,
                title,
                detail,
                entry.total_due,
                entry.currency,
                _name(entry.user),
                reverse("delivery:journal-document", args=[entry.pk]) if entry.document else "",
                failed=entry.status == JournalStatus.FAILED,
            )
        )
    return entries


def _notes(customer: Customer) -> list[Entry]:
    rows = customer.notes.select_related("author").order_by("-at", "-id")[:PER_SOURCE]
    return [
        Entry(
            Kind.ANSWER if note.kind == NoteKind.ANSWER else Kind.NOTE,
            note.at,
            (
                _("Answer received by %(channel)s") % {"channel": note.get_channel_display()}
                if note.kind == NoteKind.ANSWER
                else _("Internal note")
            ),
            note.text,
            by=_name(note.author),
        )
        for note in rows
    ]


def _promises(customer: Customer) -> list[Entry]:
    rows = customer.promises.select_related("recorded_by").order_by("-id")[:PER_SOURCE]
    return [
        Entry(
            Kind.PROMISE,
            _moment(promise.promised_on, promise.created_at),
            _("Promise to pay by %(date)s") % {"date": _day(promise.until)},
            " – ".join(part for part in (promise.get_status_display(), promise.note) if part),
            promise.amount,
            promise.currency,
            _name(promise.recorded_by),
            day_only=_day_only(promise.promised_on, promise.created_at),
        )
        for promise in rows
    ]


def _disputes(customer: Customer) -> list[Entry]:
    rows = (
        Dispute.objects.filter(invoice__customer=customer)
        .select_related("invoice", "opened_by")
        .order_by("-id")[:PER_SOURCE]
    )
    entries = []
    for dispute in rows:
        detail = dispute.reason
        if dispute.resolved_on:
            resolved = _("resolved on %(date)s") % {"date": _day(dispute.resolved_on)}
            detail = " – ".join(
                part for part in (detail, resolved, dispute.resolution_note) if part
            )
        entries.append(
            Entry(
                Kind.DISPUTE,
                _moment(dispute.since, dispute.created_at),
                _("Dispute on %(invoice)s") % {"invoice": dispute.invoice.number},
                detail,
                by=_name(dispute.opened_by),
                day_only=_day_only(dispute.since, dispute.created_at),
            )
        )
    return entries


def _tasks(customer: Customer) -> list[Entry]:
    rows = customer.tasks.select_related("done_by").order_by("-created_at", "-id")[:PER_SOURCE]
    entries = []
    for task in rows:
        state = task.get_state_display()
        if task.outcome:
            state = f"{state}: {task.get_outcome_display()}"
        detail = " – ".join(part for part in (state, task.outcome_note) if part)
        entries.append(
            Entry(
                Kind.TASK,
                task.done_at or task.created_at,
                task.title,
                detail,
                by=_name(task.done_by),
            )
        )
    return entries


def _day(day: date) -> str:
    """A date in the reader's language (24/11/2026, 11/24/2026)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _money(amount: Decimal) -> str:
    """An amount in the reader's language, as the amount columns show it (1 200,00)."""
    return number_format(amount, 2, force_grouping=True)
