"""Customer groups: facts read set-based, scenario resolution, persisted membership, command."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.dunning.groups import (
    customer_facts,
    group_rules,
    recompute_groups,
    resolve_scenarios,
    stored_scenarios,
)
from relance.dunning.models import Group, GroupMembership, Scenario
from relance.dunning.services import ensure_default_scenarios
from relance.ledger.models import Customer, Invoice
from relance.ledger.services.companies import ensure_company
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

SCENARIOS = {"b2b", "b2c"}


@pytest.fixture
def acme(company):
    ensure_default_scenarios(company)
    return company


def customer(company, code, **fields):
    return Customer.objects.create(company=company, code=code, name=code, **fields)


def invoice(owner, number, *, due_days_ago=0, amount="100.00", open_amount=None, **fields):
    due = TODAY - timedelta(days=due_days_ago)
    return Invoice.objects.create(
        company=owner.company,
        customer=owner,
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(amount if open_amount is None else open_amount),
        **fields,
    )


def settled_late(owner, number, *, settled_days_ago, days_late, **fields):
    settled = TODAY - timedelta(days=settled_days_ago)
    return invoice(
        owner,
        number,
        due_days_ago=settled_days_ago + days_late,
        open_amount="0",
        settled_on=settled,
        **fields,
    )


def group(company, code, scenario="b2c", priority=100, **rules):
    return Group.objects.create(
        company=company,
        code=code,
        name=code.title(),
        priority=priority,
        scenario=Scenario.objects.get(company=company, code=scenario),
        **rules,
    )


def test_the_total_due_sums_open_amounts_across_currencies_less_credit_notes(acme):
    owner = customer(acme, "C1")
    invoice(owner, "F1", amount="100.00")
    invoice(owner, "F2", amount="50.50", currency="USD")
    invoice(owner, "AV1", amount="-30.00", kind="credit_note")
    invoice(owner, "F3", amount="999.00", open_amount="0")
    assert customer_facts(acme, TODAY)[owner.pk].total_due == Decimal("120.50")


def test_oldest_overdue_days_count_from_the_oldest_unpaid_due_date_before_the_day(acme):
    owner = customer(acme, "C1")
    invoice(owner, "F1", due_days_ago=40)
    invoice(owner, "F2", due_days_ago=10)
    invoice(owner, "F3", due_days_ago=90, open_amount="0")
    invoice(owner, "AV1", due_days_ago=200, amount="-20.00", kind="credit_note")
    not_yet = customer(acme, "C2")
    invoice(not_yet, "F4", due_days_ago=0)
    invoice(not_yet, "F5", due_days_ago=-10)
    facts = customer_facts(acme, TODAY)
    assert facts[owner.pk].oldest_overdue_days == 40
    assert facts[not_yet.pk].oldest_overdue_days == 0


def test_late_payments_count_invoices_settled_after_their_due_date_in_the_last_year(acme):
    owner = customer(acme, "C1")
    settled_late(owner, "LATE1", settled_days_ago=10, days_late=5)
    settled_late(owner, "LATE2", settled_days_ago=364, days_late=1)
    settled_late(owner, "LATE3", settled_days_ago=0, days_late=30)
    settled_late(owner, "OLD", settled_days_ago=365, days_late=20)
    settled_late(owner, "FUTURE", settled_days_ago=-1, days_late=20)
    settled_late(owner, "ONTIME", settled_days_ago=10, days_late=0)
    settled_late(owner, "EARLY", settled_days_ago=10, days_late=-3)
    settled_late(owner, "AV1", settled_days_ago=10, days_late=9, kind="credit_note", amount="-5")
    assert customer_facts(acme, TODAY)[owner.pk].late_payments_12m == 3


def test_facts_cover_every_customer_and_read_its_fields(acme):
    acme.default_language = "fr"
    acme.save()
    plain = customer(acme, "C1")
    person = customer(acme, "C2", kind="person", segment="Retail", country="BE", language="nl")
    facts = customer_facts(acme, TODAY)
    assert facts[plain.pk].code == "C1"
    assert (facts[plain.pk].total_due, facts[plain.pk].language) == (Decimal("0"), "fr")
    assert facts[plain.pk].late_payments_12m == 0
    seen = facts[person.pk]
    assert (seen.kind, seen.segment, seen.country, seen.language) == (
        "person",
        "Retail",
        "BE",
        "nl",
    )


def test_facts_of_another_company_stay_out(acme):
    other = ensure_company("other", "Other SAS")[0]
    stranger = customer(other, "C1")
    invoice(stranger, "F1", due_days_ago=50)
    mine = customer(acme, "C1")
    assert list(customer_facts(acme, TODAY)) == [mine.pk]


def test_without_groups_a_customer_follows_its_own_scenario_else_the_default(acme):
    own = customer(acme, "C1", scenario_code="b2c")
    plain = customer(acme, "C2")
    unknown = customer(acme, "C3", scenario_code="gone")
    assert resolve_scenarios(acme, TODAY, SCENARIOS, "b2b") == {
        own.pk: ("b2c", "customer"),
        plain.pk: ("b2b", "default"),
        unknown.pk: ("b2b", "default"),
    }


def test_the_first_matching_group_by_priority_chooses_the_scenario(acme):
    group(acme, "late", scenario="b2c", priority=20, min_oldest_overdue_days=60)
    group(acme, "people", scenario="b2c", priority=10, kinds=["person"])
    group(acme, "big", scenario="b2b", priority=5, min_total_due=Decimal("10000"))
    person = customer(acme, "C1", kind="person")
    big_person = customer(acme, "C2", kind="person")
    invoice(big_person, "F1", amount="20000.00", due_days_ago=90)
    late = customer(acme, "C3")
    invoice(late, "F2", due_days_ago=61)
    nobody = customer(acme, "C4")
    assert resolve_scenarios(acme, TODAY, SCENARIOS, "b2b") == {
        person.pk: ("b2c", "group:people"),
        big_person.pk: ("b2b", "group:big"),
        late.pk: ("b2c", "group:late"),
        nobody.pk: ("b2b", "default"),
    }


def test_a_customer_own_scenario_wins_over_groups_unless_it_does_not_exist(acme):
    group(acme, "everyone", scenario="b2c")
    own = customer(acme, "C1", scenario_code="b2b")
    unknown = customer(acme, "C2", scenario_code="gone")
    resolved = resolve_scenarios(acme, TODAY, SCENARIOS, "b2b")
    assert resolved[own.pk] == ("b2b", "customer")
    assert resolved[unknown.pk] == ("b2c", "group:everyone")


def test_the_stored_membership_resolves_as_the_rules_do_once_recomputed(acme):
    group(acme, "late", scenario="b2c", priority=20, min_oldest_overdue_days=60)
    group(acme, "people", scenario="b2c", priority=10, kinds=["person"])
    customer(acme, "C1", kind="person")
    customer(acme, "C2", kind="person", scenario_code="b2b")
    customer(acme, "C3", scenario_code="gone")
    invoice(customer(acme, "C4"), "F1", due_days_ago=61)
    customer(acme, "C5")
    recompute_groups(acme, TODAY)
    expected = resolve_scenarios(acme, TODAY, SCENARIOS, "b2b")
    assert {source for _code, source in expected.values()} == {
        "group:people",
        "group:late",
        "customer",
        "default",
    }
    with CaptureQueriesContext(connection) as queries:
        assert stored_scenarios(acme, SCENARIOS, "b2b") == expected
    assert len(queries) == 1


def test_a_group_whose_scenario_is_not_offered_is_skipped(acme):
    group(acme, "people", scenario="b2c", kinds=["person"])
    person = customer(acme, "C1", kind="person")
    assert resolve_scenarios(acme, TODAY, {"b2b"}, "b2b") == {person.pk: ("b2b", "default")}


def test_late_payers_can_be_grouped(acme):
    group(acme, "late-payers", scenario="b2c", min_late_payments=2)
    payer = customer(acme, "C1")
    settled_late(payer, "L1", settled_days_ago=30, days_late=10)
    settled_late(payer, "L2", settled_days_ago=60, days_late=10)
    once = customer(acme, "C2")
    settled_late(once, "L3", settled_days_ago=30, days_late=10)
    resolved = resolve_scenarios(acme, TODAY, SCENARIOS, "b2b")
    assert resolved[payer.pk] == ("b2c", "group:late-payers")
    assert resolved[once.pk] == ("b2b", "default")


def test_resolving_scenarios_writes_nothing(acme):
    group(acme, "everyone")
    customer(acme, "C1")
    resolve_scenarios(acme, TODAY, SCENARIOS, "b2b")
    assert not GroupMembership.objects.exists()
    assert Group.objects.get().recomputed_at is None


def test_group_rules_come_in_priority_then_code_order(acme):
    group(acme, "zeta", priority=1)
    group(acme, "beta", priority=2)
    group(acme, "alpha", priority=2)
    assert [rule.code for rule in group_rules(acme)] == ["zeta", "alpha", "beta"]


def test_recompute_stores_each_customer_first_group_and_counts_members(acme):
    group(acme, "people", priority=1, kinds=["person"])
    group(acme, "belgians", priority=2, countries=["BE"])
    group(acme, "nobody", priority=3, segments=["Unknown segment"])
    person = customer(acme, "C1", kind="person", country="BE")
    belgian = customer(acme, "C2", country="BE")
    own = customer(acme, "C3", country="BE", scenario_code="b2b")
    customer(acme, "C4")
    counts = recompute_groups(acme, TODAY)
    assert counts == {"people": 1, "belgians": 2, "nobody": 0}
    assert list(counts) == ["people", "belgians", "nobody"]
    stored = dict(GroupMembership.objects.values_list("customer_id", "group__code"))
    # A customer naming its own scenario still belongs to its segment.
    assert stored == {person.pk: "people", belgian.pk: "belgians", own.pk: "belgians"}
    assert all(
        recomputed is not None and recomputed.tzinfo is not None
        for recomputed in Group.objects.values_list("recomputed_at", flat=True)
    )


def test_recomputing_replaces_the_previous_membership(acme):
    group(acme, "retail", segments=["Retail"])
    moving = customer(acme, "C1", segment="Retail")
    assert recompute_groups(acme, TODAY) == {"retail": 1}
    Customer.objects.filter(pk=moving.pk).update(segment="Wholesale")
    assert recompute_groups(acme, TODAY) == {"retail": 0}
    assert not GroupMembership.objects.exists()


def test_a_recompute_moves_the_customers_whose_group_changed_and_only_them(acme):
    group(acme, "retail", priority=1, segments=["Retail"])
    group(acme, "others", priority=2)
    moving = customer(acme, "C1", segment="Retail")
    staying = customer(acme, "C2", segment="Retail")
    recompute_groups(acme, TODAY)
    kept = GroupMembership.objects.get(customer=staying).pk
    Customer.objects.filter(pk=moving.pk).update(segment="Wholesale")
    assert recompute_groups(acme, TODAY) == {"retail": 1, "others": 1}
    stored = dict(GroupMembership.objects.values_list("customer_id", "group__code"))
    assert stored == {moving.pk: "others", staying.pk: "retail"}
    assert GroupMembership.objects.get(customer=staying).pk == kept


def test_recompute_leaves_other_companies_alone(acme):
    other = ensure_company("other", "Other SAS")[0]
    ensure_default_scenarios(other)
    group(other, "all")
    customer(other, "C1")
    recompute_groups(other, TODAY)
    customer(acme, "C1")
    assert recompute_groups(acme, TODAY) == {}
    assert GroupMembership.objects.filter(company=other).count() == 1


def test_a_company_without_groups_has_no_members(acme):
    customer(acme, "C1")
    assert recompute_groups(acme, TODAY) == {}
    assert not GroupMembership.objects.exists()


def populate(company, count):
    """``count`` customers of both kinds with open, overdue and late-paid invoices."""
    for index in range(count):
        owner = customer(company, f"C{index:03}", kind="person" if index % 2 else "company")
        invoice(owner, f"F{index:03}", due_days_ago=index)
        settled_late(owner, f"P{index:03}", settled_days_ago=20, days_late=index % 4)


def queries_for(action, company):
    with CaptureQueriesContext(connection) as captured:
        action(company)
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "action",
    [
        lambda company: customer_facts(company, TODAY),
        lambda company: resolve_scenarios(company, TODAY, SCENARIOS, "b2b"),
        lambda company: recompute_groups(company, TODAY),
    ],
    ids=["facts", "resolve", "recompute"],
)
def test_the_number_of_queries_does_not_grow_with_customers(action):
    counted = []
    for size in (3, 30):
        company = ensure_company(f"co{size}", f"Co {size}")[0]
        ensure_default_scenarios(company)
        group(company, "people", priority=1, kinds=["person"], min_total_due=Decimal("1"))
        group(company, "late", priority=2, min_late_payments=1)
        populate(company, size)
        counted.append(queries_for(action, company))
    assert counted[0] == counted[1]
    assert counted[0] <= 9  # recompute: 7 statements in a savepoint


def test_the_groups_command_recomputes_and_prints_member_counts(acme, capsys):
    group(acme, "people", priority=1, kinds=["person"])
    group(acme, "everyone", scenario="b2b", priority=9)
    customer(acme, "C1", kind="person")
    customer(acme, "C2")
    customer(acme, "C3")
    call_command("groups", "--as-of", "2026-11-24", "--company", "acme")
    out = capsys.readouterr().out
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in out.splitlines()]
    assert [row for row in rows if row and row[0].isdigit()] == [
        ["1", "people", "People", "b2c", "1"],
        ["9", "everyone", "Everyone", "b2b", "2"],
    ]
    assert "3 of 3 customer(s) in a group" in out
    assert GroupMembership.objects.count() == 3
