"""Invoice import, built for ERP exports of a million lines.

This module parses and decides (create, update, leave unchanged); ``invoice_store`` reads and
writes the rows with raw SQL, for speed (see bench/import.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.holds.services import sync_disputes_from_flags
from relance.ledger.importing import cells
from relance.ledger.importing import invoice_store as store
from relance.ledger.importing.base import (
    CHUNK_SIZE,
    Importer,
    already_on_line,
    too_long,
    unknown_customer,
)
from relance.ledger.importing.cells import CellError, day, money, not_one_of, text, yes_no
from relance.ledger.importing.reader import Cell
from relance.ledger.models import Allocation, Customer, Invoice
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.services.markers import refresh_markers

ZERO = Decimal("0.00")
KINDS = tuple(InvoiceKind.values)
ANALYZE_AFTER = 10_000


@dataclass(slots=True)
class InvoiceRow:
    line: int
    number: str
    customer_id: int
    kind: str
    issue_date: date
    due_date: date
    currency: str | None  # None: column absent, keep the stored one
    amount: Decimal
    open_amount: Decimal | None  # None: not given, derive from what was already paid
    disputed: bool | None  # None: column absent, keep the stored flag


class InvoiceImporter(Importer[InvoiceRow]):
    kind = "invoices"
    required = ("number", "customer", "issue_date", "due_date", "amount")
    optional = ("open_amount", "currency", "disputed", "kind")

    def __init__(self, *args: Any, full: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.full = full

    def prepare(self) -> None:
        self.customers = dict(
            Customer.objects.filter(company=self.company).values_list("code", "id")
        )
        self.seen: dict[str, int] = {}
        self.has_currency = "currency" in self.columns
        self.has_disputed = "disputed" in self.columns
        # On a first import nothing can already exist: skip one lookup per chunk.
        self.company_had_invoices = Invoice.objects.filter(company=self.company).exists()
        self.company_has_allocations = Allocation.objects.filter(
            payment__company=self.company
        ).exists()

    def parse(self, line: int, values: dict[str, Cell]) -> InvoiceRow | None:
        # The hot loop of a million-line import: cells are parsed inline, not through
        # Importer.cell(), to save a function call and a try block per cell.
        errors = self.errors
        errors_before = errors.total
        get = values.get
        number: str | None = text(get("number"))
        # Messages are translated only on the error branches, never for a valid row.
        if not number:
            errors.add(line, "number", _("required value is empty"))
            number = None
        elif len(number) > 50:
            errors.add(line, "number", too_long(50))
            number = None
        else:
            first = self.seen.setdefault(number, line)
            if first != line:
                errors.add(line, "number", already_on_line(number, first))
        customer_code = text(get("customer"))
        customer_id = self.customers.get(customer_code)
        if customer_id is None:
            if customer_code:
                errors.add(line, "customer", unknown_customer(customer_code))
            else:
                errors.add(line, "customer", _("required value is empty"))
        try:
            issue_date: date | None = day(get("issue_date"))
        except CellError as exc:
            errors.add(line, "issue_date", str(exc))
            issue_date = None
        try:
            due_date: date | None = day(get("due_date"))
        except CellError as exc:
            errors.add(line, "due_date", str(exc))
            due_date = None
        if issue_date and due_date and due_date < issue_date:
            errors.add(
                line,
                "due_date",
                _("%(due_date)s is before the issue date %(issue_date)s")
                % {"due_date": due_date, "issue_date": issue_date},
            )
        currency = None
        if self.has_currency:
            raw_currency = get("currency")
            currency = self._currencies.get(raw_currency)  # type: ignore[arg-type]
            if currency is None:
                currency = self.currency(line, values)
        money_currency = currency or self.default_currency
        try:
            amount: Decimal | None = money(get("amount"), money_currency)
        except CellError as exc:
            errors.add(line, "amount", str(exc))
            amount = None
        open_amount = None
        if text(get("open_amount")):
            open_amount = self.cell(line, values, "open_amount", cells.money, money_currency)
        kind_text = text(get("kind")).lower()
        if kind_text and kind_text not in KINDS:
            errors.add(line, "kind", not_one_of(kind_text, KINDS))
        disputed = None
        if self.has_disputed:
            try:
                disputed = yes_no(get("disputed"))
            except CellError as exc:
                errors.add(line, "disputed", str(exc))
        if errors.total > errors_before:
            return None
        # Narrowing for the type checker: every None above was reported as an error.
        assert number is not None
        assert customer_id is not None
        assert issue_date is not None
        assert due_date is not None
        assert amount is not None
        kind, amount, open_amount = self._signed(line, kind_text, amount, open_amount)
        if kind is None:
            return None
        return InvoiceRow(
            line,
            number,
            customer_id,
            kind,
            issue_date,
            due_date,
            currency,
            amount,
            open_amount,
            disputed,
        )

    def _signed(
        self, line: int, kind: str, amount: Decimal, open_amount: Decimal | None
    ) -> tuple[str | None, Decimal, Decimal | None]:
        """Credit notes are stored negative; ERPs export them with either sign."""
        if not kind:
            kind = InvoiceKind.CREDIT_NOTE if amount < 0 else InvoiceKind.INVOICE
        if kind == InvoiceKind.CREDIT_NOTE:
            amount = -abs(amount)
            open_amount = None if open_amount is None else -abs(open_amount)
            if open_amount is not None and open_amount < amount:
                self.errors.add(line, "open_amount", _("larger than the credit note's amount"))
                return None, amount, open_amount
        else:
            if amount < 0:
                self.errors.add(
                    line, "amount", _("negative amount on an invoice (use kind credit_note)")
                )
                return None, amount, open_amount
            if open_amount is not None and not ZERO <= open_amount <= amount:
                self.errors.add(
                    line,
                    "open_amount",
                    _("%(open_amount)s is not between 0 and the amount %(amount)s")
                    % {"open_amount": open_amount, "amount": amount},
                )
                return None, amount, open_amount
        return kind, amount, open_amount

    def write(self, rows: list[InvoiceRow]) -> None:
        existing = (
            store.fetch(self.company.pk, [row.number for row in rows], self.company_has_allocations)
            if self.company_had_invoices
            else {}
        )
        sqlite = connection.vendor == "sqlite"
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        today = self.today
        inserts: list[Sequence[Any]] = []
        company_id, default_currency = self.company.pk, self.default_currency
        settled_today = today.isoformat() if sqlite else today

        def new_row(row: InvoiceRow) -> tuple[Any, ...]:
            # One tuple per new invoice, built in one step: this runs a million times.
            amount = row.amount
            open_amount = amount if row.open_amount is None else row.open_amount
            disputed = bool(row.disputed)
            if sqlite:
                return (
                    company_id,
                    row.number,
                    row.customer_id,
                    row.kind,
                    row.issue_date.isoformat(),
                    row.due_date.isoformat(),
                    row.currency or default_currency,
                    str(amount),
                    str(open_amount),
                    None if open_amount else settled_today,
                    disputed,
                    settled_today if disputed else None,
                    "",
                    "",
                    now,
                    now,
                )
            return (
                company_id,
                row.number,
                row.customer_id,
                row.kind,
                row.issue_date,
                row.due_date,
                row.currency or default_currency,
                amount,
                open_amount,
                None if open_amount else today,
                disputed,
                today if disputed else None,
                "",
                "",
                now,
                now,
            )

        updates: list[Sequence[Any]] = []
        for row in rows:
            old = existing.get(row.number)
            if old is None:
                inserts.append(new_row(row))
                continue
            pk, current, paid = old
            if row.open_amount is not None:
                new_open = row.open_amount
            else:
                # Not given: the amount less what payments settled. Not "as stored": an
                # invoice settled by --full that reappears in a file is open again.
                new_open = row.amount - paid
                if (new_open < 0) != (row.amount < 0) and new_open != 0:
                    new_open = ZERO
            new_disputed = current.disputed if row.disputed is None else row.disputed
            wanted = store.Stored(
                row.customer_id,
                row.kind,
                row.issue_date,
                row.due_date,
                row.currency or current.currency,
                row.amount,
                new_open,
                (current.settled_on or today) if new_open == 0 else None,
                new_disputed,
                (current.disputed_since or today) if new_disputed else None,
            )
            if current == wanted:
                self.report.unchanged += 1
            else:
                updates.append((*(store.for_sqlite(wanted) if sqlite else wanted), now, pk))
        store.save(inserts, updates)
        self.report.created += len(inserts)
        self.report.updated += len(updates)

    def finish(self) -> None:
        self._settle_absent()
        # The file's `disputed` column opens and clears dispute records, in this transaction.
        sync_disputes_from_flags(self.company, self.today)
        if self.report.updated or self.report.settled:
            # Open amounts moved (credit notes, settlements): the markers follow at once.
            refresh_markers(self.company)

    def _settle_absent(self) -> None:
        if connection.vendor == "postgresql" and self.report.created >= ANALYZE_AFTER:
            # Fresh statistics, or the planner still believes the table is empty and the next
            # import's lookups scan every invoice of the company.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {store.TABLE}")
        if not self.full:
            return
        absent = [
            pk
            for pk, number in Invoice.objects.filter(company=self.company)
            .exclude(open_amount=0)
            .values_list("id", "number")
            .iterator(chunk_size=CHUNK_SIZE)
            if number not in self.seen
        ]
        for start in range(0, len(absent), CHUNK_SIZE):
            Invoice.objects.filter(pk__in=absent[start : start + CHUNK_SIZE]).update(
                open_amount=ZERO, settled_on=self.today, updated_at=timezone.now()
            )
        self.report.settled = len(absent)
