"""How a payment is spread over a customer's open invoices.

The rule, as accounting departments apply it by hand: a payment that names an invoice settles
that invoice first; a payment that names none settles the oldest due invoices first. What
remains once every eligible invoice is settled stays on the payment as unapplied credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Payable:
    key: int
    number: str
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True)
class AllocationPlan:
    lines: tuple[tuple[int, Decimal], ...]
    unapplied: Decimal


def allocate(
    amount: Decimal, items: Sequence[Payable], invoice_number: str | None = None
) -> AllocationPlan:
    """Allocate ``amount`` over ``items`` (invoices with a positive open amount).

    >>> items = [Payable(1, "F2", date(2026, 3, 1), Decimal("100.00")),
    ...          Payable(2, "F1", date(2026, 1, 1), Decimal("50.00"))]
    >>> allocate(Decimal("120.00"), items)
    AllocationPlan(lines=((2, Decimal('50.00')), (1, Decimal('70.00'))), unapplied=Decimal('0.00'))

    A named invoice is settled alone; the excess stays unapplied:

    >>> allocate(Decimal("120.00"), items, "F2")
    AllocationPlan(lines=((1, Decimal('100.00')),), unapplied=Decimal('20.00'))
    """
    if amount < ZERO:
        raise ValueError("a payment amount cannot be negative")
    if invoice_number:
        eligible = [item for item in items if item.number == invoice_number]
    else:
        eligible = sorted(items, key=lambda item: (item.due_date, item.number))
    remaining = amount
    lines: list[tuple[int, Decimal]] = []
    for item in eligible:
        if remaining <= ZERO:
            break
        if item.open_amount <= ZERO:
            continue
        share = min(remaining, item.open_amount)
        lines.append((item.key, share))
        remaining -= share
    return AllocationPlan(lines=tuple(lines), unapplied=remaining)
