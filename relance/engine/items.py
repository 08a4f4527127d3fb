"""What the engine is told about customers, their open items and the holds on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.engine.scenario import CHANNELS, Scenario

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
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

    def row(self) -> ItemRow:
        """The item as an ``ItemRow`` (its customer is the key rows are filed under).

        >>> OpenItem("F1", "C1", date(2026, 1, 31), Decimal(100), Decimal(40)).row()
        ('EUR', 739647, 'F1', Decimal('40'), False, True, None, None)
        """
        return (
            self.currency,
            self.due_date.toordinal(),
            self.number,
            self.open_amount,
            self.disputed,
            self.partially_paid,
            self.reached_level,
            None if self.reminded_on is None else self.reminded_on.toordinal(),
        )


# An open item as a plain tuple: the form a bulk loader reads from the database without building
# an object per invoice (a daily plan reads a million of them). Dates are day numbers
# (``date.toordinal()``): the database works them out, and they subtract and hash as integers.
ItemRow = tuple[
    str,  # currency
    int,  # due date, as a day number
    str,  # invoice number
    Decimal,  # open amount (negative for a credit note)
    int,  # disputed (true or false)
    int,  # partially paid: 0 < open amount < amount (true or false)
    int | None,  # level reached
    int | None,  # last reminder, as a day number
]


@dataclass(frozen=True, slots=True)
class OpenRows:
    """Open items read in bulk: each customer's ``ItemRow`` tuples, in any order, under its
    code. ``plan`` takes them in place of ``OpenItem`` objects."""

    accounts: Mapping[str, Sequence[ItemRow]]


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
        """
        >>> promise = Promise("C1", date(2026, 2, 15), frozenset({"F1"}))
        >>> item = OpenItem("F1", "C1", date(2026, 1, 31), Decimal(100), Decimal(100))
        >>> promise.holds(item, date(2026, 2, 15)), promise.holds(item, date(2026, 2, 16))
        (True, False)
        """
        return item.customer == self.customer and self.covers(item.number, as_of)

    def covers(self, number: str, as_of: date) -> bool:
        """Whether the promise holds the customer's invoice ``number`` on ``as_of``."""
        return as_of <= self.until and (not self.invoices or number in self.invoices)
