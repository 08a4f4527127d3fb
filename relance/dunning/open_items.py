"""Reading a company's open items for the daily pass, with one raw query."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from relance.engine.items import OpenItem, Party
from relance.ledger.models import Company, Invoice


def load_open_items(company: Company, parties: dict[int, Party]) -> list[OpenItem]:
    """Every open item of the company, read with one raw query: the ORM's per-value
    converters would cost seconds at a million invoices. Amounts are exact but not quantized
    (SQLite gives "100.0"): ``plan_as_json`` writes them with two decimals."""
    table = Invoice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, number, CAST(due_date AS TEXT), CAST(amount AS TEXT), "
            f"CAST(open_amount AS TEXT), currency, disputed, reached_level, "
            f"CAST(reminded_on AS TEXT) FROM {table} "
            f"WHERE company_id = %s AND NOT (open_amount = 0)",
            [company.pk],
        )
        rows = cursor.fetchall()
    day, dec = date.fromisoformat, Decimal
    items = []
    for customer_id, number, due, amount, open_amount, currency, disputed, level, reminded in rows:
        party = parties.get(customer_id)
        if party is None:
            continue
        items.append(
            OpenItem(
                number=number,
                customer=party.code,
                due_date=day(due),
                amount=dec(amount),
                open_amount=dec(open_amount),
                currency=currency,
                disputed=bool(disputed),
                reached_level=level,
                reminded_on=day(reminded) if reminded else None,
            )
        )
    return items
