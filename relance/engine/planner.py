"""The daily pass: from open items to one proposal per customer and currency, and the list of
what was left out and why.

Exclusion reasons form a closed set (see ``REASONS``). Invoice-level reasons are reported for
every invoice that sits in a level or exclusion window; customer-level reasons only when the
customer would otherwise have been reminded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from relance.engine.items import ZERO, OpenItem, Party, Promise
from relance.engine.levels import Assessment, assess, in_exclusion_window

_BY_DUE_DATE = attrgetter("due_date", "number")

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
    items: Iterable[OpenItem],
    promises: Iterable[Promise] = (),
) -> Plan:
    """Decide who is reminded on ``as_of``, at which level, for which invoices.

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
    """
    by_code = {party.code: party for party in parties}
    holds: dict[str, list[Promise]] = defaultdict(list)
    for promise in promises:
        holds[promise.customer].append(promise)
    grouped: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
    for item in items:
        if item.customer not in by_code:
            raise UnknownCustomer(f"item {item.number}: no customer {item.customer!r}")
        grouped[(item.customer, item.currency)].append(item)
    proposals: list[Proposal] = []
    excluded: list[Exclusion] = []
    for (code, currency), group in sorted(grouped.items()):
        proposal = _plan_customer(as_of, by_code[code], currency, group, holds[code], excluded)
        if proposal is not None:
            proposals.append(proposal)
    return Plan(as_of, tuple(proposals), tuple(excluded))


def _plan_customer(
    as_of: date,
    party: Party,
    currency: str,
    group: list[OpenItem],
    promises: list[Promise],
    excluded: list[Exclusion],
) -> Proposal | None:
    scenario, delay = party.scenario, party.extra_delay
    listed: list[tuple[OpenItem, Assessment]] = []
    credit = party.unapplied_credit.get(currency, ZERO)
    # The hot loop of a million-invoice plan: plain comparisons, no generators.
    for item in sorted(group, key=_BY_DUE_DATE) if len(group) > 1 else group:
        open_amount = item.open_amount
        if open_amount <= ZERO:
            credit -= open_amount
            continue
        days = (as_of - item.due_date).days
        assessment = assess(scenario, item, as_of, delay, days)
        held = in_exclusion_window(scenario, days, delay)
        if assessment is None and not held:
            continue
        reason = _item_reason(as_of, party, item, held, promises)
        if reason is not None:
            excluded.append(Exclusion(party.code, item.number, reason))
            continue
        assert assessment is not None, "an item in an exclusion window always has a reason"
        listed.append((item, assessment))
    if not any(assessment.due for _, assessment in listed):
        return None
    total = sum((item.open_amount for item, _ in listed), ZERO)
    top = max((assessment.level for _, assessment in listed), key=lambda level: level.level)
    channels = tuple(channel for channel in top.channels if channel not in party.objections)
    reachable = tuple(channel for channel in channels if channel in party.reachable)
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
        items=tuple(
            ProposedItem(
                item.number,
                item.due_date,
                assessment.days,
                assessment.level.level,
                item.open_amount,
                assessment.due,
            )
            for item, assessment in listed
        ),
    )


def _item_reason(
    as_of: date, party: Party, item: OpenItem, held: bool, promises: list[Promise]
) -> str | None:
    if item.disputed:
        return "disputed"
    if held:
        return "exclusion_window"
    for promise in promises:
        if promise.holds(item, as_of):
            return "promise_to_pay"
    if party.scenario.exclude_partially_paid and item.partially_paid:
        return "partially_paid"
    return None
