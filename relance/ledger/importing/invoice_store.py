"""Raw SQL for the invoice import: read stored rows, write new and changed ones.

Not the ORM: at a million rows, building a model instance per row, or converting every value
read back, costs more than the whole rest of the import. The statements are ones SQLite and
PostgreSQL both accept, except that PostgreSQL gets COPY for new rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from relance.ledger.models import Allocation, Invoice

TABLE = Invoice._meta.db_table
ALLOCATIONS = Allocation._meta.db_table
COLUMNS = (
    "company_id, number, customer_id, kind, issue_date, due_date, currency, amount, "
    "open_amount, settled_on, disputed, disputed_since, dispute_reason, pdf, created_at, "
    "updated_at"
)
CENT = Decimal("0.01")


class Stored(NamedTuple):
    """The columns an import may change, in the UPDATE statement's order."""

    customer_id: int
    kind: str
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal
    open_amount: Decimal
    settled_on: date | None
    disputed: bool
    disputed_since: date | None


def fetch(
    company_id: int, numbers: list[str], with_paid: bool = True
) -> dict[str, tuple[int, Stored, Decimal]]:
    """The stored invoices among ``numbers``, as Python values keyed by number.

    Read with CAST(… AS TEXT), which SQLite and PostgreSQL answer alike, instead of the
    ORM: its per-value converters cost more than the rest of a re-import.
    """
    placeholders = ", ".join(["%s"] * len(numbers))
    # What payments settled, per invoice; skipped (0) when the company has no allocations,
    # since the per-row subquery is a third of a re-import's time.
    paid = (
        f"(SELECT CAST(COALESCE(SUM(a.amount), 0) AS TEXT) FROM {ALLOCATIONS} a "
        f"WHERE a.invoice_id = {TABLE}.id)"
        if with_paid
        else "'0'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, id, customer_id, kind, CAST(issue_date AS TEXT), "
            "CAST(due_date AS TEXT), currency, CAST(amount AS TEXT), "
            "CAST(open_amount AS TEXT), CAST(settled_on AS TEXT), disputed, "
            "CAST(disputed_since AS TEXT), "
            f"{paid} FROM {TABLE} "
            f"WHERE company_id = %s AND number IN ({placeholders})",
            [company_id, *numbers],
        )
        found = cursor.fetchall()
    day, dec, cent = date.fromisoformat, Decimal, CENT
    return {
        number: (
            pk,
            Stored(
                customer_id,
                kind,
                day(issued),
                day(due),
                currency,
                dec(amount).quantize(cent),
                dec(open_amount).quantize(cent),
                day(settled) if settled else None,
                bool(disputed),
                day(since) if since else None,
            ),
            dec(paid).quantize(cent),
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


def save(inserts: list[Sequence[Any]], updates: list[Sequence[Any]]) -> None:
    """Insert new rows (as built by the importer) and apply updates (``Stored`` values, then
    updated_at and id)."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if inserts and not sqlite:
            # PostgreSQL: COPY is an order of magnitude faster than one INSERT per row.
            with cursor.cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy:
                for values in inserts:
                    copy.write_row(values)
        elif inserts:
            cursor.executemany(
                f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({', '.join(['%s'] * 16)})",
                inserts,
            )
        if updates:
            cursor.executemany(
                f"UPDATE {TABLE} SET customer_id = %s, kind = %s, issue_date = %s, "
                "due_date = %s, currency = %s, amount = %s, open_amount = %s, "
                "settled_on = %s, disputed = %s, disputed_since = %s, updated_at = %s "
                "WHERE id = %s",
                updates,
            )


def for_sqlite(values: tuple[Any, ...]) -> tuple[Any, ...]:
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
