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
from django.utils.translation import gettext as _

from relance.ledger import validators
from relance.ledger.importing import cells
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

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
KINDS = tuple(InvoiceKind.values)
_TABLE = Invoice._meta.db_table
_ALLOCATIONS = Allocation._meta.db_table
_COLUMNS = (
    "company_id, number, customer_id, kind, issue_date, due_date, currency, amount, "
    "open_amount, settled_on, disputed, disputed_since, dispute_reason, pdf, created_at, "
    "updated_at"
)
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
        self.default_currency = self.company.default_currency
        self._currencies: dict[str, str | None] = {}
        self.has_currency = "currency" in self.columns
        self.has_disputed = "disputed" in self.columns
        # On a first import nothing can already exist: skip one lookup per chunk.
        self.company_had_invoices = Invoice.objects.filter(company=self.company).exists()

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
                currency = self._currency(line, values)
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
            self.errors.add(
                line,
                "currency",
                _("%(value)s is not an ISO 4217 currency code") % {"value": repr(raw)},
            )
        return code

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
        existing = self._existing([row.number for row in rows])
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
            (
                pk,
                customer_id,
                kind,
                issue_date,
                due_date,
                currency,
                amount,
                open_amount,
                settled_on,
                disputed,
                disputed_since,
                paid,
            ) = old
            if row.open_amount is not None:
                new_open = row.open_amount
            else:
                # Not given: the amount less what payments settled. Not "as stored": an
                # invoice settled by --full that reappears in a file is open again.
                new_open = row.amount - paid
                if (new_open < 0) != (row.amount < 0) and new_open != 0:
                    new_open = ZERO
            new_disputed = disputed if row.disputed is None else row.disputed
            current = (
                customer_id,
                kind,
                issue_date,
                due_date,
                currency,
                amount,
                open_amount,
                settled_on,
                disputed,
                disputed_since,
            )
            wanted = (
                row.customer_id,
                row.kind,
                row.issue_date,
                row.due_date,
                row.currency or currency,
                row.amount,
                new_open,
                (settled_on or today) if new_open == 0 else None,
                new_disputed,
                (disputed_since or today) if new_disputed else None,
            )
            if current == wanted:
                self.report.unchanged += 1
            else:
                updates.append((*(_for_sqlite(wanted) if sqlite else wanted), now, pk))
        with connection.cursor() as cursor:
            if inserts and not sqlite:
                # PostgreSQL: COPY is an order of magnitude faster than one INSERT per row.
                with cursor.cursor.copy(f"COPY {_TABLE} ({_COLUMNS}) FROM STDIN") as copy:
                    for values in inserts:
                        copy.write_row(values)
            elif inserts:
                cursor.executemany(
                    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({', '.join(['%s'] * 16)})",
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

    def _existing(self, numbers: list[str]) -> dict[str, tuple[Any, ...]]:
        """The stored invoices among ``numbers``, as Python values keyed by number.

        Read with CAST(… AS TEXT), which SQLite and PostgreSQL answer alike, instead of the
        ORM: its per-value converters cost more than the rest of a re-import.
        """
        if not self.company_had_invoices:
            return {}
        placeholders = ", ".join(["%s"] * len(numbers))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number, id, customer_id, kind, CAST(issue_date AS TEXT), "
                "CAST(due_date AS TEXT), currency, CAST(amount AS TEXT), "
                "CAST(open_amount AS TEXT), CAST(settled_on AS TEXT), disputed, "
                "CAST(disputed_since AS TEXT), "
                f"(SELECT CAST(COALESCE(SUM(a.amount), 0) AS TEXT) FROM {_ALLOCATIONS} a "
                f"WHERE a.invoice_id = {_TABLE}.id) FROM {_TABLE} "
                f"WHERE company_id = %s AND number IN ({placeholders})",
                [self.company.pk, *numbers],
            )
            found = cursor.fetchall()
        day, dec = date.fromisoformat, Decimal
        return {
            number: (
                pk,
                customer_id,
                kind,
                day(issued),
                day(due),
                currency,
                dec(amount).quantize(CENT),
                dec(open_amount).quantize(CENT),
                day(settled) if settled else None,
                bool(disputed),
                day(since) if since else None,
                dec(paid).quantize(CENT),
            )
            for (
                number,
                pk,
                customer_id,
                kind,
                issued,
                due,
                currency,
                amount,
                open_amount,
                settled,
                disputed,
                since,
                paid,
            ) in found
        }

    def finish(self) -> None:
        if connection.vendor == "postgresql" and self.report.created >= ANALYZE_AFTER:
            # Fresh statistics, or the planner still believes the table is empty and the next
            # import's lookups scan every invoice of the company.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {_TABLE}")
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


def _for_sqlite(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Dates and decimals as the text Django's SQLite adapters would produce, without the
    cost of one adapter callback per value."""
    customer, kind, issued, due, currency, amount, open_amount, settled, disputed, since = values
    return (
        customer,
        kind,
        issued.isoformat(),
        due.isoformat(),
        currency,
        str(amount),
        str(open_amount),
        settled and settled.isoformat(),
        disputed,
        since and since.isoformat(),
    )
