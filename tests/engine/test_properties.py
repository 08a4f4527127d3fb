"""Properties of the engine over generated scenarios, customers, invoices and promises."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.engine.items import ZERO, ItemRow, OpenRows
from relance.engine.levels import assess
from relance.engine.planner import REASONS, Plan, plan
from relance.engine.scenario import Mode
from tests.engine.builders import AS_OF, Case, cases, day, invoice, scenarios

modest = settings(max_examples=200, deadline=None)


def plan_of(case: Case, as_of: date = AS_OF) -> Plan:
    return plan(as_of, case.parties, case.items, case.promises)


@modest
@given(cases())
def test_no_excluded_invoice_ever_appears_in_a_proposal(case):
    result = plan_of(case)
    proposed = {(p.customer, item.number) for p in result.proposals for item in p.items}
    excluded = {(e.customer, e.invoice) for e in result.excluded if e.invoice is not None}
    assert not proposed & excluded


@modest
@given(cases())
def test_every_exclusion_reason_is_in_the_closed_set(case):
    assert {e.reason for e in plan_of(case).excluded} <= set(REASONS)


@modest
@given(cases())
def test_a_proposal_totals_its_listed_open_amounts_at_the_highest_level_and_something_is_due(case):
    for proposal in plan_of(case).proposals:
        assert proposal.total_due == sum((item.open_amount for item in proposal.items), ZERO)
        assert all(item.open_amount > ZERO for item in proposal.items)
        assert proposal.level == max(item.level for item in proposal.items)
        assert any(item.due for item in proposal.items)
        assert proposal.total_due >= case.scenario.min_total


@modest
@given(cases())
def test_proposals_are_unique_sorted_and_use_only_allowed_channels(case):
    result = plan_of(case)
    keys = [(p.customer, p.currency) for p in result.proposals]
    assert keys == sorted(set(keys))
    by_code = {party.code: party for party in case.parties}
    for proposal in result.proposals:
        party = by_code[proposal.customer]
        level = case.scenario.level(proposal.level)
        assert level is not None
        assert proposal.channels
        assert set(proposal.channels) <= set(level.channels) - party.objections
        assert set(proposal.channels) <= party.reachable
        assert party.dunning_enabled
        assert not party.blocked(AS_OF)


@modest
@given(cases(), st.randoms(use_true_random=False))
def test_the_same_input_gives_the_same_plan_whatever_the_order_of_the_items(case, random):
    first = plan_of(case)
    plan_of(case, day(1))
    assert plan_of(case) == first
    shuffled = list(case.items)
    random.shuffle(shuffled)
    assert plan(AS_OF, reversed(case.parties), shuffled, list(reversed(case.promises))) == first


@modest
@given(cases(), st.randoms(use_true_random=False))
def test_rows_from_a_bulk_loader_give_the_same_plan_as_the_items_in_any_order(case, random):
    accounts: dict[str, list[ItemRow]] = {party.code: [] for party in case.parties}
    for item in case.items:
        accounts[item.customer].append(item.row())
    for rows in accounts.values():
        random.shuffle(rows)
    assert plan(AS_OF, case.parties, OpenRows(accounts), case.promises) == plan_of(case)


@modest
@given(cases(Mode.SEQUENTIAL))
def test_sequential_mode_never_skips_a_level(case):
    by_number = {item.number: item for item in case.items}
    for proposal in plan_of(case).proposals:
        for proposed in proposal.items:
            reached = by_number[proposed.number].reached_level
            if reached is None:
                assert proposed.level in (0, 1)
            else:
                following = case.scenario.after(reached)
                assert proposed.level <= (reached if following is None else following.level)


@modest
@given(
    scenarios(Mode.DUE_DATE),
    st.integers(-30, 500),
    st.integers(0, 60),
    st.sampled_from([0, 0, 7, 30]),
)
def test_in_due_date_mode_more_days_overdue_never_give_a_lower_level(scenario, late, more, delay):
    earlier = assess(scenario, invoice(late=late), AS_OF, delay)
    later = assess(scenario, invoice(late=late + more), AS_OF, delay)
    if earlier is not None and later is not None:
        assert earlier.level.level <= later.level.level
        assert earlier.days <= later.days


@modest
@given(scenarios(), st.integers(-30, 500))
def test_an_invoice_never_reminded_is_due_whenever_it_sits_at_a_level(scenario, late):
    assessment = assess(scenario, invoice(late=late), AS_OF)
    assert assessment is None or assessment.due
