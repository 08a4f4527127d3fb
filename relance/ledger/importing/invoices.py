"""Invoice import, built for ERP exports of a million lines.

Rows are written with ``executemany`` on a raw cursor rather than ``bulk_create``: building a
model instance per row costs more than the whole rest of the import at that volume (see
bench/import.py). The SQL is plain INSERT/UPDATE that SQLite and PostgreSQL both accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from relance.ledger import validators
from relance.ledger.importing import cells
from relance.ledger.importing.base import CHUNK_SIZE, Importer
from relance.ledger.importing.reader import Cell
from relance.ledger.models import Customer, Invoice
from relance.ledger.models.invoice import InvoiceKind

ZERO = Decimal("0.00")
KINDS = tuple(InvoiceKind.values)
_TABLE = Invoice._meta.db_table


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
        self.default_currency = self.company.default_currency
        self._currencies: dict[str, str | None] = {}

    def parse(self, line: int, values: dict[str, Cell]) -> InvoiceRow | None:
        errors_before = self.errors.total
        number = self.required_text(line, values, "number", 50)
        if number is not None:
            first = self.seen.get(number)
            if first is not None:
                self.errors.add(line, "number", f"{number!r} already appears on line {first}")
            else:
                self.seen[number] = line
        customer_code = self.required_text(line, values, "customer", 50)
        customer_id = None
        if customer_code is not None:
            customer_id = self.customers.get(customer_code)
            if customer_id is None:
                self.errors.add(line, "customer", f"unknown customer {customer_code!r} "
                                                  "(import it in the customers file first)")
        issue_date = self.cell(line, values, "issue_date", cells.day)
        due_date = self.cell(line, values, "due_date", cells.day)
        if issue_date and due_date and due_date < issue_date:
            self.errors.add(line, "due_date", f"{due_date} is before the issue date {issue_date}")
        currency = self._currency(line, values) if "currency" in self.columns else None
        money_currency = currency or self.default_currency
        amount = self.cell(line, values, "amount", cells.money, money_currency)
        open_amount = None
        if cells.text(values.get("open_amount")):
            open_amount = self.cell(line, values, "open_amount", cells.money, money_currency)
        kind_text = cells.text(values.get("kind")).lower()
        if kind_text and kind_text not in KINDS:
            self.errors.add(line, "kind", f"{kind_text!r} is not one of {', '.join(KINDS)}")
        disputed = None
        if "disputed" in self.columns:
            disputed = self.cell(line, values, "disputed", cells.yes_no)
        if self.errors.total > errors_before:
            return None
        assert number and customer_id and issue_date and due_date and amount is not None
        kind, amount, open_amount = self._signed(line, kind_text, amount, open_amount)
        if kind is None:
            return None
        return InvoiceRow(line, number, customer_id, kind, issue_date, due_date, currency,
                          amount, open_amount, disputed)

    def _currency(self, line: int, values: dict[str, Cell]) -> str | None:
        raw = cells.text(values.get("currency"))
        if not raw:
            return self.default_currency
        if raw not in self._currencies:
            try:
                self._currencies[raw] = validators.normalize_currency(raw)
            except Exception:
                self._currencies[raw] = None
        code = self._currencies[raw]
        if code is None:
            self.errors.add(line, "currency", f"{raw!r} is not an ISO 4217 currency code")
        return code

    def _signed(self, line: int, kind: str, amount: Decimal, open_amount: Decimal | None
                ) -> tuple[str | None, Decimal, Decimal | None]:
        """Credit notes are stored negative; ERPs export them with either sign."""
        if not kind:
            kind = InvoiceKind.CREDIT_NOTE if amount < 0 else InvoiceKind.INVOICE
        if kind == InvoiceKind.CREDIT_NOTE:
            amount = -abs(amount)
            open_amount = None if open_amount is None else -abs(open_amount)
            if open_amount is not None and open_amount < amount:
                self.errors.add(line, "open_amount", "larger than the credit note's amount")
                return None, amount, open_amount
        else:
            if amount < 0:
                self.errors.add(line, "amount", "negative amount on an invoice "
                                                "(use kind credit_note)")
                return None, amount, open_amount
            if open_amount is not None and not ZERO <= open_amount <= amount:
                self.errors.add(line, "open_amount", f"{open_amount} is not between 0 and "
                                                     f"the amount {amount}")
                return None, amount, open_amount
        return kind, amount, open_amount

    def write(self, rows: list[InvoiceRow]) -> None:
        existing: dict[str, tuple[Any, ...]] = {
            row[1]: row
            for row in Invoice.objects.filter(
                company=self.company, number__in=[row.number for row in rows]
            ).values_list("id", "number", "customer_id", "kind", "issue_date", "due_date",
                          "currency", "amount", "open_amount", "settled_on", "disputed",
                          "disputed_since")
        }
        # Dates and decimals go to the driver as they are (Django registers SQLite adapters
        # for both; psycopg knows them); aware datetimes need Django's conversion.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        today = self.today
        inserts: list[Sequence[Any]] = []
        updates: list[Sequence[Any]] = []
        for row in rows:
            old = existing.get(row.number)
            if old is None:
                open_amount = row.amount if row.open_amount is None else row.open_amount
                currency = row.currency or self.default_currency
                disputed = bool(row.disputed)
                values = (row.customer_id, row.kind, row.issue_date, row.due_date, currency,
                          row.amount, open_amount, None if open_amount else today, disputed,
                          today if disputed else None)
                inserts.append((self.company.pk, row.number, *values, "", "", now, now))
                continue
            (pk, _, customer_id, kind, issue_date, due_date, currency, amount, open_amount,
             settled_on, disputed, disputed_since) = old
            new_currency = row.currency or currency
            if row.open_amount is not None:
                new_open = row.open_amount
            else:
                # Keep what was already paid (allocations, or the ERP's last figure).
                new_open = row.amount - (amount - open_amount)
                if (new_open < 0) != (row.amount < 0) and new_open != 0:
                    new_open = ZERO
            new_disputed = disputed if row.disputed is None else row.disputed
            new_since = (disputed_since or today) if new_disputed else None
            new_settled = (settled_on or today) if new_open == 0 else None
            current = (customer_id, kind, issue_date, due_date, currency, amount, open_amount,
                       settled_on, disputed, disputed_since)
            wanted = (row.customer_id, row.kind, row.issue_date, row.due_date, new_currency,
                      row.amount, new_open, new_settled, new_disputed, new_since)
            if current == wanted:
                self.report.unchanged += 1
            else:
                updates.append((*wanted, now, pk))
        with connection.cursor() as cursor:
            if inserts:
                cursor.executemany(
                    f"INSERT INTO {_TABLE} (company_id, number, customer_id, kind, issue_date, "
                    "due_date, currency, amount, open_amount, settled_on, disputed, "
                    "disputed_since, dispute_reason, pdf, created_at, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    inserts,
                )
            if updates:
                cursor.executemany(
                    f"UPDATE {_TABLE} SET customer_id = %s, kind = %s, issue_date = %s, "
                    "due_date = %s, currency = %s, amount = %s, open_amount = %s, "
                    "settled_on = %s, disputed = %s, disputed_since = %s, updated_at = %s "
                    "WHERE id = %s",
                    updates,
                )
        self.report.created += len(inserts)
        self.report.updated += len(updates)

    def finish(self) -> None:
        if not self.full:
            return
        absent = [
            pk for pk, number in Invoice.objects.filter(company=self.company)
            .exclude(open_amount=0).values_list("id", "number").iterator(chunk_size=CHUNK_SIZE)
            if number not in self.seen
        ]
        for start in range(0, len(absent), CHUNK_SIZE):
            Invoice.objects.filter(pk__in=absent[start:start + CHUNK_SIZE]).update(
                open_amount=ZERO, settled_on=self.today, updated_at=timezone.now()
            )
        self.report.settled = len(absent)
