"""What the engine is told about customers, their open items and the holds on them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.engine.scenario import CHANNELS, Scenario

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)  # slots: a daily plan holds one per open invoice
class OpenItem:
    """An open invoice or credit note (credit notes carry negative amounts), with its dunning
    state: the level it last reached and the day it was reminded."""

    number: str
    customer: str
    due_date: date
    amount: Decimal
    open_amount: Decimal
    currency: str = "EUR"
    disputed: bool = False
    reached_level: int | None = None
    reminded_on: date | None = None

    @property
    def partially_paid(self) -> bool:
        """
        >>> OpenItem("F1", "C1", date(2026, 1, 31), Decimal(100), Decimal(40)).partially_paid
        True
        """
        return ZERO < self.open_amount < self.amount


@dataclass(frozen=True)
class Party:
    """A customer as the engine sees it, with the scenario already chosen for it."""

    code: str
    scenario: Scenario
    dunning_enabled: bool = True
    blocked_until: date | None = None
    extra_delay: int = 0
    objections: frozenset[str] = frozenset()
    reachable: frozenset[str] = frozenset(CHANNELS)
    unapplied_credit: Mapping[str, Decimal] = field(default_factory=dict)

    def blocked(self, as_of: date) -> bool:
        return self.blocked_until is not None and as_of <= self.blocked_until


@dataclass(frozen=True)
class Promise:
    """A promise to pay: holds the customer's invoices (or only those named) until a date.
    Past that date it stops holding, paid or not."""

    customer: str
    until: date
    invoices: frozenset[str] = frozenset()

    def holds(self, item: OpenItem, as_of: date) -> bool:
        return (
            item.customer == self.customer
            and as_of <= self.until
            and (not self.invoices or item.number in self.invoices)
        )
