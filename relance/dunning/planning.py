"""The read-only daily plan: load the company's state in a constant number of queries, let the
engine decide, and present the result as DESIGN.md section 5's JSON.

Scenario choice: the customer's own scenario, else the first matching group, else the company
default. Promises to pay still standing on the date hold their invoices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from relance.dunning.groups import resolve_scenarios, stored_scenarios
from relance.dunning.models import Scenario
from relance.dunning.open_items import load_open_items
from relance.engine import scenario as engine_scenario
from relance.engine.items import Party
from relance.engine.penalties import Penalty
from relance.engine.planner import Plan, ProposedItem, plan
from relance.holds.services import active_promises
from relance.ledger.models import Company, Contact, Customer, Payment

CENT = Decimal("0.01")


class NoScenario(Exception):
    pass


def load_scenarios(company: Company) -> tuple[dict[str, engine_scenario.Scenario], str]:
    stored = list(Scenario.objects.filter(company=company).prefetch_related("levels", "exclusions"))
    if not stored:
        raise NoScenario(
            f"company {company.code} has no dunning scenario: load one with "
            "`relance scenarios load FILE`"
        )
    default = next((s.code for s in stored if s.is_default), stored[0].code)
    return {s.code: s.to_engine() for s in stored}, default


def build_plan(
    company: Company,
    as_of: date,
    *,
    scenario: str | None = None,
    customer: str | None = None,
    stored_groups: bool = False,
) -> Plan:
    """Plan ``as_of``. ``stored_groups``: take group membership as the last recompute stored
    it (a run recomputes it first) rather than evaluating the rules again."""
    scenarios, default = load_scenarios(company)
    resolved = (
        stored_scenarios(company, set(scenarios), default)
        if stored_groups
        else resolve_scenarios(company, as_of, set(scenarios), default)
    )
    customers = Customer.objects.filter(company=company)
    if customer:
        customers = customers.filter(code=customer)
    reachable = _reachable(company)
    credits = _unapplied_credits(company)
    parties: dict[int, Party] = {}
    rows: Iterable[dict[str, Any]] = customers.values(  # type: ignore[assignment]
        "id",
        "code",
        "scenario_code",
        "dunning_enabled",
        "blocked_until",
        "extra_delay",
        "objection_email",
        "objection_sms",
        "objection_letter",
        "objection_phone",
        "email",
        "phone",
        "address_line1",
        "postal_code",
        "city",
    )
    for row in rows:
        chosen = scenarios[resolved[row["id"]][0]]
        if scenario and chosen.code != scenario:
            continue
        parties[row["id"]] = Party(
            code=row["code"],
            scenario=chosen,
            dunning_enabled=row["dunning_enabled"],
            blocked_until=row["blocked_until"],
            extra_delay=row["extra_delay"],
            objections=frozenset(
                channel
                for channel, field in (
                    ("email", "objection_email"),
                    ("sms", "objection_sms"),
                    ("letter", "objection_letter"),
                    ("call", "objection_phone"),
                )
                if row[field]
            ),
            reachable=_channels(row, reachable.get(row["id"], set())),
            unapplied_credit=credits.get(row["id"], {}),
        )
    return plan(
        as_of,
        parties.values(),
        load_open_items(company, parties),
        active_promises(company, as_of),
    )


def _channels(row: dict[str, Any], from_contacts: set[str]) -> frozenset[str]:
    channels = set(from_contacts)
    if row["email"]:
        channels.add("email")
    if row["phone"]:
        channels.update({"sms", "call"})
    if row["address_line1"] and row["postal_code"] and row["city"]:
        channels.add("letter")
    return frozenset(channels)


def _reachable(company: Company) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for customer_id, email, phone in Contact.objects.filter(
        customer__company=company, receives_reminders=True
    ).values_list("customer_id", "email", "phone"):
        if email:
            found[customer_id].add("email")
        if phone:
            found[customer_id].update({"sms", "call"})
    return found


def _unapplied_credits(company: Company) -> dict[int, dict[str, Decimal]]:
    credits: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        Payment.objects.filter(company=company, unapplied_amount__gt=0)
        .values("customer_id", "currency")
        .annotate(total=Sum("unapplied_amount"))
    )
    for row in rows:
        credits[row["customer_id"]][row["currency"]] = Decimal(row["total"]).quantize(CENT)
    return credits


def plan_as_json(result: Plan, penalties: Mapping[str, Penalty] | None = None) -> dict[str, Any]:
    """DESIGN.md section 5: amounts as decimal strings, sorted by customer then currency.
    ``penalties`` (``relance.content.penalties.plan_penalties``), by invoice number, adds
    ``interest`` and ``indemnity`` to the invoices whose proposal's level charges them."""
    invoices_json = _invoices_json if not penalties else _charging_json(penalties)
    return {
        "as_of": result.as_of.isoformat(),
        "proposals": [
            {
                "customer": proposal.customer,
                "scenario": proposal.scenario,
                "level": proposal.level,
                "channels": list(proposal.channels),
                "total_due": str(proposal.total_due.quantize(CENT)),
                "currency": proposal.currency,
                "invoices": invoices_json(proposal.items),
            }
            for proposal in result.proposals
        ],
        "excluded": [
            {
                "customer": exclusion.customer,
                "invoice": exclusion.invoice,
                "reason": exclusion.reason,
            }
            for exclusion in result.excluded
        ],
    }


def _invoices_json(items: Iterable[ProposedItem]) -> list[dict[str, Any]]:
    return [
        {
            "number": item.number,
            "due_date": item.due_date.isoformat(),
            "days_overdue": item.days_overdue,
            "level": item.level,
            "open_amount": str(item.open_amount.quantize(CENT)),
        }
        for item in items
    ]


def _charging_json(
    penalties: Mapping[str, Penalty],
) -> Callable[[Iterable[ProposedItem]], list[dict[str, Any]]]:
    def invoices_json(items: Iterable[ProposedItem]) -> list[dict[str, Any]]:
        rows = _invoices_json(items)
        for row in rows:
            penalty = penalties.get(row["number"])
            if penalty is None:
                continue
            if penalty.interest is not None:
                row["interest"] = str(penalty.interest.quantize(CENT))
            if penalty.indemnity is not None:
                row["indemnity"] = str(penalty.indemnity.quantize(CENT))
        return rows

    return invoices_json
