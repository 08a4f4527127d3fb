"""Groups: ordered rules on customer facts that choose a scenario.

Resolution order: the customer's own scenario, else the first matching group by priority,
else the company default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CustomerFacts:
    code: str
    kind: str = "company"
    segment: str = ""
    country: str = "FR"
    language: str = "fr"
    total_due: Decimal = Decimal("0")
    oldest_overdue_days: int = 0
    late_payments_12m: int = 0


@dataclass(frozen=True)
class GroupRule:
    """Every condition given must hold; an empty set or None means "any"."""

    code: str
    scenario: str
    priority: int = 0
    kinds: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    min_total_due: Decimal | None = None
    max_total_due: Decimal | None = None
    min_oldest_overdue_days: int | None = None
    max_oldest_overdue_days: int | None = None
    min_late_payments: int | None = None

    def matches(self, facts: CustomerFacts) -> bool:
        """
        >>> GroupRule("big", "firm", segments=frozenset({"Grand compte"})).matches(
        ...     CustomerFacts("C1", segment="Grand compte"))
        True
        """
        return (
            _among(facts.kind, self.kinds)
            and _among(facts.segment, self.segments)
            and _among(facts.country, self.countries)
            and _among(facts.language, self.languages)
            and _between(facts.total_due, self.min_total_due, self.max_total_due)
            and _between(
                facts.oldest_overdue_days,
                self.min_oldest_overdue_days,
                self.max_oldest_overdue_days,
            )
            and _between(facts.late_payments_12m, self.min_late_payments, None)
        )


def _among(value: str, allowed: frozenset[str]) -> bool:
    return not allowed or value in allowed


def _between(value: Decimal | int, low: Decimal | int | None, high: Decimal | int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def first_match(facts: CustomerFacts, groups: Iterable[GroupRule]) -> GroupRule | None:
    """The group a customer belongs to: the first whose rules it matches, trying groups by
    priority (lowest number first), then by code.

    >>> rules = [GroupRule("all", "b2b", priority=9), GroupRule("b2c", "b2c", priority=1,
    ...          kinds=frozenset({"person"}))]
    >>> first_match(CustomerFacts("C9", kind="person"), rules).code
    'b2c'
    >>> first_match(CustomerFacts("C9"), rules[1:]) is None
    True
    """
    for rule in sorted(groups, key=lambda rule: (rule.priority, rule.code)):
        if rule.matches(facts):
            return rule
    return None


def resolve_scenario(
    own: str | None, facts: CustomerFacts, groups: Iterable[GroupRule], default: str
) -> tuple[str, str]:
    """Return the scenario code and where it came from (``customer``, ``group:CODE`` or
    ``default``).

    >>> rules = [GroupRule("b2c", "b2c", priority=2, kinds=frozenset({"person"}))]
    >>> resolve_scenario(None, CustomerFacts("C9", kind="person"), rules, "b2b")
    ('b2c', 'group:b2c')
    >>> resolve_scenario("vip", CustomerFacts("C9", kind="person"), rules, "b2b")
    ('vip', 'customer')
    """
    if own:
        return own, "customer"
    rule = first_match(facts, groups)
    if rule is not None:
        return rule.scenario, f"group:{rule.code}"
    return default, "default"
