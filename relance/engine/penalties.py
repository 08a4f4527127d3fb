"""French late-payment penalties between professionals (Code de commerce L441-10, D441-5).

Late-payment interest is simple interest on the amount still due (incl. tax) from the day after
the due date to the run date included, counted actual/365 (days / 365, leap years or not). The
rate is the contractual one when the creditor set one, otherwise the ECB main refinancing rate
+ 10 points in force on 1 January (for days of the first half-year) or 1 July (second
half-year). The period is split by half-year so each day takes its half-year's rate; the exact
sum is rounded half-up to the cent once, at the end.

A contractual rate may not be below three times the legal interest rate (professional
creditors) of the half-year: ``check_contractual_rate`` refuses one when it is saved, and at
computation time a half-year whose floor is above the contractual rate uses the floor, the
law's minimum.

Both penalties concern business customers only: L441-10 governs dealings between professionals.

Rates are data: a ``RateTable``, one ``RateRow`` per half-year, dated 1 January or 1 July.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from operator import attrgetter
from typing import NamedTuple

CENT = Decimal("0.01")
NOTHING = Decimal("0.00")
ECB_MARGIN = Decimal(10)  # points added to the ECB rate when no contractual rate is set
FLOOR_MULTIPLE = Decimal(3)  # the contractual rate's floor, in legal interest rates
DEFAULT_INDEMNITY = Decimal("40.00")  # D441-5
_PERCENT_DAYS_A_YEAR = Decimal(36500)  # rates are in %, years have 365 days
_ONE_DAY = timedelta(days=1)
# The product amount × Σ(days × rate) is exact in 60 digits; the division is the one inexact
# step, and a quotient that does not terminate is never exactly on a half cent, so rounding it
# at 60 digits cannot move the final half-up rounding. A context of its own: the caller's
# (possibly narrower) decimal context must not matter, and switching contexts costs time.
_EXACT = Context(prec=60)


@dataclass(frozen=True, slots=True)
class RateRow:
    """The rates in force from ``valid_from`` (1 January or 1 July), in % a year."""

    valid_from: date
    ecb_rate: Decimal
    legal_rate: Decimal  # the legal interest rate for professional creditors

    @property
    def default_rate(self) -> Decimal:
        """The rate charged when no contractual rate is set: ECB + 10 points."""
        return self.ecb_rate + ECB_MARGIN

    @property
    def floor(self) -> Decimal:
        """The lowest contractual rate the law allows: three times the legal rate."""
        return self.legal_rate * FLOOR_MULTIPLE


# Sorted by ``valid_from``, one row per half-year: see ``checked_table``.
RateTable = tuple[RateRow, ...]


class InvalidRateTable(ValueError):
    pass


class MissingRate(LookupError):
    """No rate for the half-year of ``day``: the table must be updated."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.half_year = half_year_start(day)
        super().__init__(
            f"no penalty rate for the half-year starting {self.half_year.isoformat()} "
            f"(needed for {day.isoformat()}): add it to the penalty rate table"
        )


class RateBelowFloor(ValueError):
    """A contractual rate under three times the legal interest rate."""

    def __init__(self, rate: Decimal, row: RateRow) -> None:
        self.rate = rate
        self.floor = row.floor
        self.legal_rate = row.legal_rate
        self.valid_from = row.valid_from
        super().__init__(
            f"a contractual rate of {rate} % is below the legal minimum of {row.floor} % "
            f"(three times the legal interest rate of {row.legal_rate} % in force from "
            f"{row.valid_from.isoformat()})"
        )


def half_year_start(day: date) -> date:
    """
    >>> half_year_start(date(2026, 6, 30)), half_year_start(date(2026, 7, 1))
    (datetime.date(2026, 1, 1), datetime.date(2026, 7, 1))
    """
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def checked_table(rows: Iterable[RateRow]) -> RateTable:
    """The rows sorted by date, or ``InvalidRateTable`` naming the first faulty one."""
    table = tuple(sorted(rows, key=attrgetter("valid_from")))
    previous: date | None = None
    for row in table:
        if row.valid_from != half_year_start(row.valid_from):
            raise InvalidRateTable(
                f"penalty rate of {row.valid_from.isoformat()}: rates are in force from "
                "1 January or 1 July"
            )
        if row.valid_from == previous:
            raise InvalidRateTable(f"two penalty rates from {row.valid_from.isoformat()}")
        if row.ecb_rate < 0 or row.legal_rate < 0:
            raise InvalidRateTable(
                f"penalty rate of {row.valid_from.isoformat()}: a rate cannot be negative"
            )
        previous = row.valid_from
    return table


def rate_row(table: RateTable, day: date) -> RateRow:
    """The row of ``day``'s half-year, or ``MissingRate``. A table that stops earlier does not
    carry its last rates forward: each half-year's rates are published, never guessed."""
    start = half_year_start(day)
    index = bisect_right(table, start, key=attrgetter("valid_from"))
    if index and table[index - 1].valid_from == start:
        return table[index - 1]
    raise MissingRate(day)


def row_in_force(table: RateTable, day: date) -> RateRow | None:
    """The row of ``day``'s half-year, else the latest before it (a new half-year's rates are
    often entered a few days late), else None. For checks made when settings are saved."""
    index = bisect_right(table, day, key=attrgetter("valid_from"))
    return table[index - 1] if index else None


def check_contractual_rate(rate: Decimal, row: RateRow) -> None:
    """``RateBelowFloor`` when ``rate`` is under three times the legal rate of ``row``.

    >>> row = RateRow(date(2026, 1, 1), Decimal("2.15"), Decimal("2.62"))
    >>> check_contractual_rate(Decimal("7.86"), row)
    >>> try:
    ...     check_contractual_rate(Decimal("7.85"), row)
    ... except RateBelowFloor as exc:
    ...     print(exc.rate, exc.floor)
    7.85 7.86
    """
    if rate < row.floor:
        raise RateBelowFloor(rate, row)


def applied_rate(row: RateRow, contractual: Decimal | None) -> Decimal:
    """The rate a half-year charges: the contractual rate raised to the legal floor, or by
    default ECB + 10 points (the floor concerns contractual rates only)."""
    if contractual is None:
        return row.default_rate
    return max(contractual, row.floor)


class Accrual(NamedTuple):
    """The part of the late period that falls in one half-year, at that half-year's rate."""

    first_day: date
    last_day: date
    days: int
    rate: Decimal


def accruals(
    due_date: date, as_of: date, table: RateTable, contractual: Decimal | None = None
) -> tuple[Accrual, ...]:
    """The late days, from the day after ``due_date`` to ``as_of`` included, by half-year."""
    parts = []
    day = due_date + _ONE_DAY
    while day <= as_of:
        last = min(half_year_end(day), as_of)
        rate = applied_rate(rate_row(table, day), contractual)
        parts.append(Accrual(day, last, (last - day).days + 1, rate))
        day = last + _ONE_DAY
    return tuple(parts)


def rate_days(parts: Iterable[Accrual]) -> Decimal:
    """Σ days × rate: exact (integers times two-decimal rates), hence additive over a split."""
    total = Decimal(0)
    for part in parts:
        total = _EXACT.add(total, _EXACT.multiply(Decimal(part.days), part.rate))
    return total


def interest_on(amount: Decimal, percent_days: Decimal) -> Decimal:
    """``amount`` × Σ(days × rate %) / 36,500, rounded half-up to the cent, never negative.

    >>> interest_on(Decimal("1000.00"), Decimal(30) * Decimal("12.15"))
    Decimal('9.99')
    """
    if amount <= 0 or percent_days <= 0:
        return NOTHING
    exact = _EXACT.divide(_EXACT.multiply(amount, percent_days), _PERCENT_DAYS_A_YEAR)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP, context=_EXACT)


def late_interest(
    amount: Decimal,
    due_date: date,
    as_of: date,
    table: RateTable,
    contractual: Decimal | None = None,
) -> Decimal:
    """Late-payment interest on ``amount`` at ``as_of``; 0.00 when not late."""
    return interest_on(amount, rate_days(accruals(due_date, as_of, table, contractual)))


@dataclass(frozen=True, slots=True)
class Terms:
    """What may be charged to one customer at one level."""

    business: bool  # consumers are never charged either penalty
    late_interest: bool  # the level's flag
    recovery_indemnity: bool  # the level's flag
    contractual_rate: Decimal | None = None  # % a year; None: ECB + 10 points
    indemnity: Decimal = DEFAULT_INDEMNITY

    @property
    def charges(self) -> bool:
        return self.business and (self.late_interest or self.recovery_indemnity)


class Penalty(NamedTuple):
    interest: Decimal | None  # None: not charged at this level or to this customer
    indemnity: Decimal | None
    rate: Decimal | None  # % a year, when one rate applied to the whole period


NO_PENALTY = Penalty(None, None, None)


class Calculator:
    """Penalties at one date over one rate table. What depends only on a due date and a rate
    (the half-year split) is worked out once: many invoices share a due date."""

    def __init__(self, table: RateTable, as_of: date) -> None:
        self.table = table
        self.as_of = as_of
        self._spans: dict[Decimal | None, _Spans] = {}

    def penalty(self, terms: Terms, due_date: date, open_amount: Decimal) -> Penalty:
        """An invoice's penalties. A charging level's invoice that is not late (or owes
        nothing) gets 0.00; a consumer, or a level charging nothing, gets ``NO_PENALTY``."""
        return self.penalties(terms, (("", due_date, open_amount),))[""]

    def penalties(
        self,
        terms: Terms,
        invoices: Iterable[tuple[str, date, Decimal]],
        into: dict[str, Penalty] | None = None,
    ) -> dict[str, Penalty]:
        """``penalty`` for each (number, due date, open amount), by number, added to ``into``
        if given. The loop of a large plan: what depends only on ``terms`` is decided once,
        outside it, and ``interest_on`` is inlined."""
        found: dict[str, Penalty] = {} if into is None else into
        if not terms.charges:
            found.update((number, NO_PENALTY) for number, _, _ in invoices)
            return found
        as_of, charges_interest = self.as_of, terms.late_interest
        indemnity = terms.indemnity.quantize(CENT) if terms.recovery_indemnity else None
        not_late = Penalty(
            NOTHING if charges_interest else None,
            NOTHING if terms.recovery_indemnity else None,
            None,
        )
        indemnity_only = Penalty(None, indemnity, None)
        spans = self._spans.get(terms.contractual_rate)
        if spans is None:
            spans = self._spans[terms.contractual_rate] = _Spans(self, terms.contractual_rate)
        multiply, divide = _EXACT.multiply, _EXACT.divide
        for number, due_date, amount in invoices:
            if due_date >= as_of or amount <= 0:
                found[number] = not_late
            elif charges_interest:
                percent_days, rate = spans[due_date]
                interest = (
                    divide(multiply(amount, percent_days), _PERCENT_DAYS_A_YEAR).quantize(
                        CENT, rounding=ROUND_HALF_UP, context=_EXACT
                    )
                    if percent_days > 0
                    else NOTHING
                )
                found[number] = Penalty(interest, indemnity, rate)
            else:
                found[number] = indemnity_only
        return found


class _Spans(dict[date, tuple[Decimal, Decimal | None]]):
    """For one contractual rate, by due date: Σ(days × rate) up to the calculator's date, and
    the rate when a single one applied."""

    def __init__(self, calculator: Calculator, contractual: Decimal | None) -> None:
        super().__init__()
        self.calculator = calculator
        self.contractual = contractual

    def __missing__(self, due_date: date) -> tuple[Decimal, Decimal | None]:
        calculator = self.calculator
        parts = accruals(due_date, calculator.as_of, calculator.table, self.contractual)
        rates = {part.rate for part in parts}
        found = self[due_date] = (rate_days(parts), rates.pop() if len(rates) == 1 else None)
        return found
