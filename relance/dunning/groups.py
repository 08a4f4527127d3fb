"""Customer groups: the facts their rules read, scenario resolution and persisted membership.

Everything here is set-based: a handful of aggregate queries whatever the number of customers
and invoices. The rules themselves live in the engine (``relance.engine.groups``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from relance.dunning.models import Group, GroupMembership
from relance.engine.groups import CustomerFacts, GroupRule, first_match, resolve_scenario
from relance.ledger.models import Company, Customer, Invoice
from relance.ledger.models.invoice import InvoiceKind

ZERO = Decimal("0.00")
LATE_PAYMENT_WINDOW = timedelta(days=365)
WRITE_BATCH = 500  # rows per INSERT / ids per DELETE: within every database's parameter limit


def customer_facts(
    company: Company, as_of: date, *, amounts: bool = True, late_payments: bool = True
) -> dict[int, CustomerFacts]:
    """What group rules can test, for every customer of the company, keyed by customer id.

    ``amounts`` (total due, oldest overdue days) and ``late_payments`` each cost one aggregate
    over the invoices; a caller whose rules do not test them can leave them out (they read 0).
    A customer without a language of its own speaks the company's default language.
    """
    return _read(company, as_of, amounts=amounts, late_payments=late_payments)[0]


def group_rules(company: Company) -> list[GroupRule]:
    """The company's groups as engine rules, in the order they are tried."""
    return _rules(Group.objects.filter(company=company).select_related("scenario"))


def _rules(groups: Iterable[Group]) -> list[GroupRule]:
    return sorted((group.to_engine() for group in groups), key=lambda r: (r.priority, r.code))


def resolve_scenarios(
    company: Company, as_of: date, scenario_codes: set[str], default: str
) -> dict[int, tuple[str, str]]:
    """Every customer's scenario code and where it comes from: ``customer`` (its own, when
    that scenario exists), ``group:CODE`` (the first matching group) or ``default``.
    Reads only. A group whose scenario is not among ``scenario_codes`` is skipped."""
    rules = [rule for rule in group_rules(company) if rule.scenario in scenario_codes]
    facts, own = _read(company, as_of, **_needs(rules))
    return {
        customer_id: resolve_scenario(
            own[customer_id] if own[customer_id] in scenario_codes else None,
            customer,
            rules,
            default,
        )
        for customer_id, customer in facts.items()
    }


def stored_scenarios(
    company: Company, scenario_codes: set[str], default: str
) -> dict[int, tuple[str, str]]:
    """``resolve_scenarios`` from the membership the last recompute stored, in one query:
    for a run, which has just recomputed it, instead of evaluating every rule again."""
    rows = (
        Customer.objects.filter(company=company)
        .order_by()
        .values_list(
            "id",
            "scenario_code",
            "group_membership__group__code",
            "group_membership__group__scenario__code",
        )
    )
    resolved = {}
    for customer_id, own, group, scenario in rows:
        if own in scenario_codes:
            resolved[customer_id] = (own, "customer")
        elif scenario in scenario_codes:
            resolved[customer_id] = (scenario, f"group:{group}")
        else:
            resolved[customer_id] = (default, "default")
    return resolved


def recompute_groups(company: Company, as_of: date) -> dict[str, int]:
    """Store which group each customer belongs to (the first whose rules it matches, by
    priority, whether or not it names a scenario of its own) and return the member count of
    every group, in priority order.

    One transaction. Only the customers whose group changed are written, so a daily recompute
    writes little. The company's groups are locked so that two recomputes in parallel follow
    each other instead of inserting the same customers twice.
    """
    with transaction.atomic():
        groups = list(
            Group.objects.select_for_update(of=("self",))
            .filter(company=company)
            .select_related("scenario")
        )
        ids = {group.code: group.pk for group in groups}
        rules = _rules(groups)
        wanted: dict[int, int] = {}
        if rules:
            facts, _own = _read(company, as_of, **_needs(rules))
            for customer_id, customer in facts.items():
                rule = first_match(customer, rules)
                if rule is not None:
                    wanted[customer_id] = ids[rule.code]
        stored = dict(
            GroupMembership.objects.filter(company=company).values_list("customer_id", "group_id")
        )
        leaving = [customer for customer, group in stored.items() if wanted.get(customer) != group]
        for start in range(0, len(leaving), WRITE_BATCH):
            GroupMembership.objects.filter(
                company=company, customer_id__in=leaving[start : start + WRITE_BATCH]
            ).delete()
        GroupMembership.objects.bulk_create(
            (
                GroupMembership(company=company, customer_id=customer, group_id=group)
                for customer, group in wanted.items()
                if stored.get(customer) != group
            ),
            batch_size=WRITE_BATCH,
        )
        Group.objects.filter(company=company).update(recomputed_at=timezone.now())
    codes = {pk: code for code, pk in ids.items()}
    counts = {rule.code: 0 for rule in rules}
    for group in wanted.values():
        counts[codes[group]] += 1
    return counts


def _needs(rules: Iterable[GroupRule]) -> dict[str, bool]:
    """Which invoice aggregates the rules read: none at all when there are no groups."""
    amounts = late_payments = False
    for rule in rules:
        bounds = (
            rule.min_total_due,
            rule.max_total_due,
            rule.min_oldest_overdue_days,
            rule.max_oldest_overdue_days,
        )
        amounts = amounts or any(bound is not None for bound in bounds)
        late_payments = late_payments or rule.min_late_payments is not None
    return {"amounts": amounts, "late_payments": late_payments}


def _read(
    company: Company, as_of: date, *, amounts: bool, late_payments: bool
) -> tuple[dict[int, CustomerFacts], dict[int, str]]:
    """Customer facts and each customer's own scenario code, in at most three queries."""
    totals: dict[int, tuple[Decimal, date | None]] = {}
    if amounts:
        rows = (
            Invoice.objects.filter(company=company)
            .exclude(open_amount=0)
            .order_by()
            .values_list("customer_id")
            .annotate(
                total=Sum("open_amount"),
                # Only money owed is overdue: credit notes are negative and never late.
                oldest=Min("due_date", filter=Q(open_amount__gt=0, due_date__lt=as_of)),
            )
        )
        totals = {customer_id: (total, oldest) for customer_id, total, oldest in rows}
    late: dict[int, int] = {}
    if late_payments:
        late = dict(
            Invoice.objects.filter(
                Q(settled_on__gt=F("due_date")),
                company=company,
                kind=InvoiceKind.INVOICE,
                settled_on__gt=as_of - LATE_PAYMENT_WINDOW,
                settled_on__lte=as_of,
            )
            .order_by()
            .values_list("customer_id")
            .annotate(count=Count("id"))
        )
    facts, own = {}, {}
    customers = (
        Customer.objects.filter(company=company)
        .order_by()
        .values_list("id", "code", "kind", "segment", "country", "language", "scenario_code")
    )
    for customer_id, code, kind, segment, country, language, scenario_code in customers:
        total, oldest = totals.get(customer_id, (ZERO, None))
        facts[customer_id] = CustomerFacts(
            code=code,
            kind=kind,
            segment=segment,
            country=country,
            language=language or company.default_language,
            total_due=total,
            oldest_overdue_days=(as_of - oldest).days if oldest else 0,
            late_payments_12m=late.get(customer_id, 0),
        )
        own[customer_id] = scenario_code
    return facts, own
