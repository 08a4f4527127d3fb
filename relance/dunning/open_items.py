"""Reading a company's open items for the daily pass, with one raw query."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from relance.engine.items import ItemRow, OpenRows, Party
from relance.ledger.models import Company, Invoice

# A date as its day number (``date.toordinal()``), worked out by the database.
_DAY_NUMBER = {
    "sqlite": "CAST(julianday({}) - 1721424.5 AS INTEGER)",
    "postgresql": "({} - DATE '0001-01-01' + 1)",
}
_BATCH = 10_000


def load_open_items(company: Company, parties: dict[int, Party]) -> OpenRows:
    """The open items of the company's ``parties`` (keyed by customer id), filed by customer
    code, read with one raw query: the ORM would build a model object and run per-value
    converters for each of a million invoices. The database turns dates into day numbers and
    tells which invoices are partially paid, so that only the open amount needs converting
    here. Amounts are exact but not quantized (SQLite gives "100.0"): ``plan_as_json`` writes
    two decimals."""
    day = _DAY_NUMBER[connection.vendor]
    by_id: dict[int, list[ItemRow]] = {pk: [] for pk in parties}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, currency, {day.format('due_date')}, number, "
            f"CAST(open_amount AS TEXT), disputed, open_amount > 0 AND open_amount < amount, "
            f"reached_level, {day.format('reminded_on')} FROM {Invoice._meta.db_table} "
            f"WHERE company_id = %s AND NOT (open_amount = 0)",
            [company.pk],
        )
        dec = Decimal
        while batch := cursor.fetchmany(_BATCH):
            for customer, cur, due, number, amount, disputed, partial, level, reminded in batch:
                rows = by_id.get(customer)
                if rows is not None:
                    rows.append((cur, due, number, dec(amount), disputed, partial, level, reminded))
    return OpenRows({parties[pk].code: rows for pk, rows in by_id.items() if rows})
