"""The daily pass: from open items to one proposal per customer and currency, and the list of
what was left out and why.

Exclusion reasons form a closed set (see ``REASONS``). Invoice-level reasons are reported for
every invoice that sits in a level or exclusion window; customer-level reasons only when the
customer would otherwise have been reminded.

The pass is sized for a million open items (DESIGN.md section 7): a bulk loader hands them over
as plain ``OpenRows`` tuples filed by customer, and what depends only on an item's due date (its
days overdue, level and exclusion window) is worked out once per distinct due date.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from relance.engine.items import ZERO, ItemRow, OpenItem, OpenRows, Party, Promise
from relance.engine.levels import in_exclusion_window, level_on, reassess
from relance.engine.scenario import Level, Scenario

# Positions in an ItemRow: a customer's items go by currency, then due date, then number.
_ORDER = itemgetter(0, 1, 2)
_CURRENCY = itemgetter(0)

REASONS = (
    "disputed",
    "exclusion_window",
    "dunning_disabled",
    "customer_blocked",
    "promise_to_pay",
    "below_minimum",
    "covered_by_credit",
    "partially_paid",
    "objection",
    "no_contact",
)


class ProposedItem(NamedTuple):
    # A NamedTuple, not a dataclass: the daily pass builds one per listed invoice.
    number: str
    due_date: date
    days_overdue: int
    level: int
    open_amount: Decimal
    due: bool


@dataclass(frozen=True)
class Proposal:
    customer: str
    scenario: str
    currency: str
    level: int
    channels: tuple[str, ...]
    review: bool
    total_due: Decimal
    items: tuple[ProposedItem, ...]
    # The level's channels this customer has no address for (the fallback, if any, is in
    # ``channels`` instead).
    unreachable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    customer: str
    invoice: str | None
    reason: str


@dataclass(frozen=True)
class Plan:
    as_of: date
    proposals: tuple[Proposal, ...]
    excluded: tuple[Exclusion, ...]


class UnknownCustomer(ValueError):
    pass


def plan(
    as_of: date,
    parties: Iterable[Party],
    items: Iterable[OpenItem] | OpenRows,
    promises: Iterable[Promise] = (),
) -> Plan:
    """Decide who is reminded on ``as_of``, at which level, for which invoices. ``items`` are
    ``OpenItem`` objects or, from a bulk loader, ``OpenRows``.

    >>> from relance.engine.scenario import Level, Scenario
    >>> b2b = Scenario("b2b", (Level(1, 14, level=1), Level(15, 9999, level=2)))
    >>> acme = Party("C1", b2b)
    >>> items = [OpenItem("F1", "C1", date(2026, 1, 1), Decimal(100), Decimal(100)),
    ...          OpenItem("F2", "C1", date(2026, 1, 30), Decimal(50), Decimal(50), disputed=True)]
    >>> result = plan(date(2026, 2, 5), [acme], items)
    >>> [(p.customer, p.level, p.total_due, [i.number for i in p.items]) for p in result.proposals]
    [('C1', 2, Decimal('100'), ['F1'])]
    >>> result.excluded
    (Exclusion(customer='C1', invoice='F2', reason='disputed'),)
    >>> plan(date(2026, 2, 5), [acme], OpenRows({"C1": [i.row() for i in items]})) == result
    True
    """
    with _paused_gc():
        if isinstance(items, OpenRows):
            return _plan(as_of, parties, items.accounts, promises)
        accounts: dict[str, list[ItemRow]] = defaultdict(list)
        for item in items:
            accounts[item.customer].append(item.row())
        return _plan(as_of, parties, accounts, promises)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during the pass. It allocates a million objects that
    live until it ends (ProposedItem tuples); with the collector on, each burst triggers
    collections that walk all of them again, to find no cycle: a million-item pass took
    twice as long. Paused, they are walked once, when the collector comes back."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(
    as_of: date,
    parties: Iterable[Party],
    accounts: Mapping[str, Sequence[ItemRow]],
    promises: Iterable[Promise],
) -> Plan:
    by_code = {party.code: party for party in parties}
    holds: dict[str, list[Promise]] = defaultdict(list)
    for promise in promises:
        holds[promise.customer].append(promise)
    proposals: list[Proposal] = []
    excluded: list[Exclusion] = []
    tables: dict[tuple[int, int], _Spots] = {}
    for code in sorted(accounts):
        group = accounts[code]
        if not group:
            continue
        party = by_code.get(code)
        if party is None:
            raise UnknownCustomer(f"item {group[0][2]}: no customer {code!r}")
        if len(group) > 1:
            group = sorted(group, key=_ORDER)
        # Parties share a few scenarios: one table per scenario and extra delay.
        key = (id(party.scenario), party.extra_delay)
        spots = tables.get(key)
        if spots is None:
            spots = tables[key] = _Spots(party.scenario, party.extra_delay, as_of)
        for currency, account in groupby(group, _CURRENCY):
            proposal = _plan_account(
                as_of, party, currency, account, holds.get(code, []), spots, excluded
            )
            if proposal is not None:
                proposals.append(proposal)
    return Plan(as_of, tuple(proposals), tuple(excluded))


class _Spots(dict[int, tuple[int, Level | None, bool, date]]):
    """For one scenario and extra delay, what an item's due date alone decides, by due day
    number: (days overdue, ``level_on``, whether an exclusion window holds it, due date).
    A million items have a few hundred distinct due dates: each is worked out once."""

    def __init__(self, scenario: Scenario, delay: int, as_of: date) -> None:
        super().__init__()
        self.scenario = scenario
        self.delay = delay
        self.today = as_of.toordinal()

    def __missing__(self, due: int) -> tuple[int, Level | None, bool, date]:
        days = self.today - due
        spot = (
            days,
            level_on(self.scenario, days, self.delay),
            in_exclusion_window(self.scenario, days, self.delay),
            date.fromordinal(due),
        )
        self[due] = spot
        return spot


def _plan_account(
    as_of: date,
    party: Party,
    currency: str,
    rows: Iterable[ItemRow],
    promises: list[Promise],
    spots: _Spots,
    excluded: list[Exclusion],
) -> Proposal | None:
    """One customer's items in one currency, by due date: its proposal, if one is made."""
    scenario, today = party.scenario, spots.today
    credit = party.unapplied_credit.get(currency, ZERO)
    listed: list[ProposedItem] = []
    total = ZERO
    top: Level | None = None
    due_any = False
    # The hot loop of a million-invoice plan: one table lookup instead of a window search, and
    # no function call but the ProposedItem for an item never reminded.
    for _, due_day, number, amount, disputed, partial, reached, reminded in rows:
        if amount <= ZERO:
            credit -= amount
            continue
        days, level, held, due_date = spots[due_day]
        due = True
        if reached is not None:
            found = reassess(
                scenario, level, reached, None if reminded is None else today - reminded
            )
            level, due = (None, False) if found is None else found
        if level is None and not held:
            continue
        if disputed or held or partial or promises:
            reason = _item_reason(as_of, scenario, number, disputed, held, partial, promises)
            if reason is not None:
                excluded.append(Exclusion(party.code, number, reason))
                continue
        assert level is not None, "an item in an exclusion window always has a reason"
        listed.append(ProposedItem(number, due_date, days, level.level, amount, due))
        total += amount
        if top is None or level.level > top.level:
            top = level
        if due:
            due_any = True
    if not due_any:
        return None
    assert top is not None, "an item is due, so one is listed"
    channels = top.channels
    if party.objections:
        channels = tuple(channel for channel in channels if channel not in party.objections)
    reachable, unreachable = channels, tuple[str, ...]()
    if not party.reachable.issuperset(channels):
        reachable = tuple(channel for channel in channels if channel in party.reachable)
        unreachable = tuple(channel for channel in channels if channel not in party.reachable)
        fallback = top.fallback
        if (
            fallback
            and fallback in party.reachable
            and fallback not in party.objections
            and fallback not in reachable
        ):
            reachable += (fallback,)
    reason = (
        "dunning_disabled"
        if not party.dunning_enabled
        else "customer_blocked"
        if party.blocked(as_of)
        else "below_minimum"
        if total < scenario.min_total
        else "covered_by_credit"
        if credit >= total
        else "objection"
        if not channels
        else "no_contact"
        if not reachable
        else None
    )
    if reason is not None:
        excluded.append(Exclusion(party.code, None, reason))
        return None
    return Proposal(
        customer=party.code,
        scenario=scenario.code,
        currency=currency,
        level=top.level,
        channels=reachable,
        review=top.review,
        total_due=total,
        items=tuple(listed),
        unreachable=unreachable,
    )


def _item_reason(
    as_of: date,
    scenario: Scenario,
    number: str,
    disputed: int,
    held: bool,
    partial: int,
    promises: list[Promise],
) -> str | None:
    if disputed:
        return "disputed"
    if held:
        return "exclusion_window"
    for promise in promises:
        if promise.covers(number, as_of):
            return "promise_to_pay"
    if scenario.exclude_partially_paid and partial:
        return "partially_paid"
    return None
