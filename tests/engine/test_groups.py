"""Groups: rules on customer facts choosing a scenario; customer > group > default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relance.engine.groups import CustomerFacts, GroupRule, resolve_scenario


def rule(code: str = "g", scenario: str = "s", **conditions) -> GroupRule:
    return GroupRule(code, scenario, **conditions)


def facts(**values) -> CustomerFacts:
    return CustomerFacts("C1", **values)


@pytest.mark.parametrize(
    ("conditions", "matching", "other"),
    [
        ({"kinds": frozenset({"person"})}, {"kind": "person"}, {"kind": "company"}),
        (
            {"segments": frozenset({"Grand compte", "PME"})},
            {"segment": "PME"},
            {"segment": "TPE"},
        ),
        ({"countries": frozenset({"BE", "LU"})}, {"country": "LU"}, {"country": "FR"}),
        ({"languages": frozenset({"en"})}, {"language": "en"}, {"language": "fr"}),
        (
            {"min_total_due": Decimal("10000")},
            {"total_due": Decimal("10000")},
            {"total_due": Decimal("9999.99")},
        ),
        (
            {"max_total_due": Decimal("500")},
            {"total_due": Decimal("500")},
            {"total_due": Decimal("500.01")},
        ),
        ({"min_oldest_overdue_days": 60}, {"oldest_overdue_days": 60}, {"oldest_overdue_days": 59}),
        ({"max_oldest_overdue_days": 30}, {"oldest_overdue_days": 30}, {"oldest_overdue_days": 31}),
        ({"min_late_payments": 3}, {"late_payments_12m": 3}, {"late_payments_12m": 2}),
    ],
)
def test_a_rule_matches_on_each_field_bounds_included(conditions, matching, other):
    assert rule(**conditions).matches(facts(**matching))
    assert not rule(**conditions).matches(facts(**other))


def test_a_rule_without_conditions_matches_every_customer():
    assert rule().matches(facts())
    assert rule().matches(facts(kind="person", country="DE", total_due=Decimal("-5")))


def test_every_condition_of_a_rule_must_hold():
    big_french_firms = rule(
        kinds=frozenset({"company"}),
        countries=frozenset({"FR"}),
        min_total_due=Decimal("10000"),
    )
    assert big_french_firms.matches(facts(total_due=Decimal("20000")))
    assert not big_french_firms.matches(facts(total_due=Decimal("20000"), country="BE"))
    assert not big_french_firms.matches(facts(total_due=Decimal("20000"), kind="person"))
    assert not big_french_firms.matches(facts(total_due=Decimal("200")))


def test_a_range_holds_between_its_two_bounds():
    middle = rule(min_oldest_overdue_days=30, max_oldest_overdue_days=90)
    assert [d for d in (29, 30, 60, 90, 91) if middle.matches(facts(oldest_overdue_days=d))] == [
        30,
        60,
        90,
    ]


def test_the_customer_own_scenario_wins_over_groups_and_default():
    everyone = [rule("all", "group-scenario")]
    assert resolve_scenario("vip", facts(), everyone, "b2b") == ("vip", "customer")


def test_without_its_own_scenario_a_customer_takes_the_first_matching_group():
    groups = [
        rule("people", "b2c", priority=1, kinds=frozenset({"person"})),
        rule("all", "b2b-soft", priority=2),
    ]
    assert resolve_scenario(None, facts(kind="person"), groups, "b2b") == ("b2c", "group:people")
    assert resolve_scenario(None, facts(), groups, "b2b") == ("b2b-soft", "group:all")


def test_an_empty_own_scenario_counts_as_none():
    assert resolve_scenario("", facts(), [rule("all", "soft")], "b2b") == ("soft", "group:all")


def test_a_customer_matching_no_group_takes_the_company_default():
    groups = [rule("people", "b2c", kinds=frozenset({"person"}))]
    assert resolve_scenario(None, facts(), groups, "b2b") == ("b2b", "default")
    assert resolve_scenario(None, facts(), [], "b2b") == ("b2b", "default")


def test_groups_are_tried_by_priority_lowest_number_first_whatever_their_order():
    groups = [
        rule("late", "firm", priority=2, min_oldest_overdue_days=60),
        rule("big", "careful", priority=1, min_total_due=Decimal("10000")),
        rule("all", "standard", priority=9),
    ]
    big_and_late = facts(total_due=Decimal("50000"), oldest_overdue_days=90)
    assert resolve_scenario(None, big_and_late, groups, "b2b") == ("careful", "group:big")
    assert resolve_scenario(None, big_and_late, groups[::-1], "b2b") == ("careful", "group:big")
    late_only = facts(oldest_overdue_days=90)
    assert resolve_scenario(None, late_only, groups, "b2b") == ("firm", "group:late")
    assert resolve_scenario(None, facts(), groups, "b2b") == ("standard", "group:all")


def test_groups_of_equal_priority_are_tried_in_code_order():
    groups = [rule("b-group", "second"), rule("a-group", "first")]
    assert resolve_scenario(None, facts(), groups, "b2b") == ("first", "group:a-group")


def test_groups_may_be_any_iterable():
    groups = (g for g in [rule("all", "soft")])
    assert resolve_scenario(None, facts(), groups, "b2b") == ("soft", "group:all")
