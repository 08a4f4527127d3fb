"""The daily pass: one proposal per customer and currency, and every exclusion with its reason."""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal

import pytest

from relance.engine.items import OpenItem, OpenRows, Party, Promise
from relance.engine.planner import (
    REASONS,
    Exclusion,
    Plan,
    Proposal,
    ProposedItem,
    UnknownCustomer,
    plan,
)
from relance.engine.scenario import Scenario
from tests.engine.builders import (
    AS_OF,
    b2b,
    credit_note,
    day,
    invoice,
    level,
    party,
    promise,
    sequential,
)


def run(
    *items: OpenItem, parties: list[Party] | None = None, promises: list[Promise] | None = None
) -> Plan:
    return plan(AS_OF, parties or [party()], list(items), promises or [])


def summary(result: Plan) -> list[tuple[str, str, int, list[str]]]:
    return [
        (p.customer, p.currency, p.level, [item.number for item in p.items])
        for p in result.proposals
    ]


def reasons(result: Plan) -> list[tuple[str, str | None, str]]:
    return [(e.customer, e.invoice, e.reason) for e in result.excluded]


# --- proposals -------------------------------------------------------------------------------


def test_a_customer_gets_one_proposal_per_currency():
    result = run(
        invoice("F1", 20),
        invoice("F2", 5),
        invoice("F3", 40, currency="USD"),
    )
    assert summary(result) == [("C1", "EUR", 2, ["F1", "F2"]), ("C1", "USD", 3, ["F3"])]
    assert result.as_of == AS_OF
    assert result.excluded == ()


def test_the_proposal_lists_every_open_invoice_in_a_level_window_with_its_own_level_and_days():
    result = run(
        invoice("F1", 40, "1200.00", reached=3, reminded=5),
        invoice("F2", 3, "300.00"),
        invoice("F3", -3, "50.50"),
        invoice("F4", 0, "999.00"),
        invoice("F5", -10, "999.00"),
    )
    assert result.proposals == (
        Proposal(
            customer="C1",
            scenario="b2b",
            currency="EUR",
            level=3,
            channels=("email", "letter"),
            review=True,
            total_due=Decimal("1550.50"),
            items=(
                ProposedItem("F1", day(-40), 40, 3, Decimal("1200.00"), due=False),
                ProposedItem("F2", day(-3), 3, 1, Decimal("300.00"), due=True),
                ProposedItem("F3", day(3), -3, 0, Decimal("50.50"), due=True),
            ),
        ),
    )


def test_the_proposal_level_is_the_highest_among_its_invoices_even_if_only_a_lower_one_is_due():
    result = run(invoice("F1", 20, reached=2, reminded=5), invoice("F2", 1))
    assert summary(result) == [("C1", "EUR", 2, ["F1", "F2"])]
    assert result.proposals[0].channels == ("email", "sms")


def test_no_proposal_when_every_invoice_was_already_reminded_at_its_level():
    result = run(invoice("F1", 20, reached=2, reminded=5), invoice("F2", 40, reached=3, reminded=9))
    assert result == Plan(AS_OF, (), ())


def test_no_proposal_when_no_invoice_sits_in_a_window():
    assert run(invoice("F1", 0), invoice("F2", -30)).proposals == ()


def test_settled_invoices_are_ignored():
    assert run(invoice("F1", 20, open_amount="0")) == Plan(AS_OF, (), ())
    result = run(invoice("F1", 20, open_amount="0"), invoice("F2", 3))
    assert summary(result) == [("C1", "EUR", 1, ["F2"])]


def test_a_partially_paid_invoice_is_reminded_for_what_remains_by_default():
    result = run(invoice("F1", 20, "100.00", "40.00"))
    assert result.proposals[0].total_due == Decimal("40.00")


def test_credit_notes_are_never_listed():
    result = run(invoice("F1", 20, "100.00"), credit_note("AV1", "-30.00"))
    assert summary(result) == [("C1", "EUR", 2, ["F1"])]
    assert result.proposals[0].total_due == Decimal("100.00")


def test_a_customer_extra_delay_postpones_its_reminders():
    assert run(invoice("F1", 12), parties=[party(extra_delay=10)]).proposals[0].level == 1
    assert run(invoice("F1", 15), parties=[party(extra_delay=15)]).proposals == ()


def test_proposals_are_sorted_by_customer_then_currency():
    result = run(
        invoice("F1", 20, customer="C2", currency="USD"),
        invoice("F2", 20, customer="C1", currency="USD"),
        invoice("F3", 20, customer="C2", currency="EUR"),
        invoice("F4", 20, customer="C1", currency="EUR"),
        parties=[party("C2"), party("C1")],
    )
    assert [(p.customer, p.currency) for p in result.proposals] == [
        ("C1", "EUR"),
        ("C1", "USD"),
        ("C2", "EUR"),
        ("C2", "USD"),
    ]


def test_each_customer_is_planned_with_its_own_scenario():
    firm = party("C2", sequential())
    result = run(invoice("F1", 40), invoice("F2", 40, customer="C2"), parties=[party(), firm])
    assert summary(result) == [("C1", "EUR", 3, ["F1"]), ("C2", "EUR", 1, ["F2"])]


def test_an_item_of_a_customer_not_given_is_refused():
    with pytest.raises(UnknownCustomer, match="item F1: no customer 'C9'"):
        run(invoice("F1", 20, customer="C9"))


def test_customers_without_items_are_left_out():
    assert run(parties=[party("C1"), party("C2")]) == Plan(AS_OF, (), ())


# --- rows from a bulk loader ------------------------------------------------------------------


def test_rows_filed_by_customer_are_planned_like_the_items_they_stand_for():
    items = [invoice("F2", 5), invoice("F1", 40, reached=3, reminded=5), invoice("F3", 400)]
    rows = OpenRows({"C1": [item.row() for item in items]})
    assert plan(AS_OF, [party()], rows) == run(*items)
    assert summary(run(*items)) == [("C1", "EUR", 3, ["F1", "F2"])]


def test_rows_filed_under_a_customer_not_given_are_refused():
    with pytest.raises(UnknownCustomer, match="item F1: no customer 'C9'"):
        plan(AS_OF, [party()], OpenRows({"C9": [invoice("F1", 20).row()]}))


def test_a_customer_filed_without_rows_is_left_out():
    assert plan(AS_OF, [party()], OpenRows({"C1": [], "C9": []})) == Plan(AS_OF, (), ())


@pytest.mark.parametrize("enabled", [True, False])
def test_planning_pauses_the_garbage_collector_and_leaves_it_as_it_found_it(enabled):
    seen = []

    class Watching(list):
        def __iter__(self):
            seen.append(gc.isenabled())
            return super().__iter__()

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result = plan(AS_OF, [party()], Watching([invoice("F1", 20)]))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]
    assert summary(result) == [("C1", "EUR", 2, ["F1"])]


def test_the_garbage_collector_comes_back_even_when_planning_fails():
    assert gc.isenabled()
    with pytest.raises(UnknownCustomer):
        run(invoice("F1", 20, customer="C9"))
    assert gc.isenabled()


# --- exclusions ------------------------------------------------------------------------------


def test_a_disputed_invoice_is_excluded_and_the_others_are_still_reminded():
    result = run(invoice("F1", 40, disputed=True), invoice("F2", 3))
    assert reasons(result) == [("C1", "F1", "disputed")]
    assert summary(result) == [("C1", "EUR", 1, ["F2"])]


def test_a_disputed_invoice_outside_every_window_is_not_reported():
    assert run(invoice("F1", 0, disputed=True)).excluded == ()


def test_an_invoice_in_the_na_window_is_excluded_even_inside_the_last_level_window():
    result = run(invoice("F1", 400), invoice("F2", 3))
    assert reasons(result) == [("C1", "F1", "exclusion_window")]
    assert summary(result) == [("C1", "EUR", 1, ["F2"])]


def test_an_invoice_in_the_na_window_is_excluded_in_sequential_mode_too():
    result = run(invoice("F1", 400, reached=1, reminded=20), parties=[party(scenario=sequential())])
    assert result == Plan(AS_OF, (), (Exclusion("C1", "F1", "exclusion_window"),))


def test_a_customer_with_dunning_disabled_is_excluded_once_something_is_due():
    result = run(invoice("F1", 20), invoice("F2", 40), parties=[party(dunning_enabled=False)])
    assert result == Plan(AS_OF, (), (Exclusion("C1", None, "dunning_disabled"),))
    quiet = run(invoice("F1", 20, reached=2, reminded=1), parties=[party(dunning_enabled=False)])
    assert quiet.excluded == ()


def test_a_blocked_customer_is_excluded_until_the_end_of_its_block():
    assert reasons(run(invoice("F1", 20), parties=[party(blocked_until=day(0))])) == [
        ("C1", None, "customer_blocked")
    ]
    after = run(invoice("F1", 20), parties=[party(blocked_until=day(-1))])
    assert after.excluded == ()
    assert summary(after) == [("C1", "EUR", 2, ["F1"])]


def test_a_promise_to_pay_holds_every_invoice_of_the_customer_until_its_date():
    result = run(invoice("F1", 20), invoice("F2", 3), promises=[promise(0)])
    assert reasons(result) == [("C1", "F1", "promise_to_pay"), ("C1", "F2", "promise_to_pay")]
    assert result.proposals == ()


def test_a_promise_to_pay_stops_holding_after_its_date():
    result = run(invoice("F1", 20), promises=[promise(-1)])
    assert result.excluded == ()
    assert summary(result) == [("C1", "EUR", 2, ["F1"])]


def test_a_promise_naming_invoices_holds_only_those():
    result = run(invoice("F1", 20), invoice("F2", 3), promises=[promise(10, "F1")])
    assert reasons(result) == [("C1", "F1", "promise_to_pay")]
    assert summary(result) == [("C1", "EUR", 1, ["F2"])]


def test_a_promise_of_another_customer_holds_nothing():
    result = run(invoice("F1", 20), promises=[promise(10, customer="C2")])
    assert summary(result) == [("C1", "EUR", 2, ["F1"])]


def test_a_customer_owing_less_than_the_scenario_minimum_is_excluded():
    small = party(scenario=b2b(min_total=Decimal("500.00")))
    assert reasons(run(invoice("F1", 20, "499.99"), parties=[small])) == [
        ("C1", None, "below_minimum")
    ]
    assert summary(run(invoice("F1", 20, "500.00"), parties=[small])) == [("C1", "EUR", 2, ["F1"])]


def test_credit_notes_covering_what_the_customer_owes_exclude_it():
    covered = run(invoice("F1", 20, "100.00"), credit_note("AV1", "-100.00"))
    assert reasons(covered) == [("C1", None, "covered_by_credit")]
    short = run(invoice("F1", 20, "100.00"), credit_note("AV1", "-99.99"))
    assert summary(short) == [("C1", "EUR", 2, ["F1"])]


def test_unapplied_payments_covering_what_the_customer_owes_exclude_it():
    rich = party(unapplied_credit={"EUR": Decimal("60.00")})
    result = run(invoice("F1", 20, "100.00"), credit_note("AV1", "-40.00"), parties=[rich])
    assert reasons(result) == [("C1", None, "covered_by_credit")]


def test_credit_in_another_currency_covers_nothing():
    rich = party(unapplied_credit={"USD": Decimal("1000.00")})
    result = run(invoice("F1", 20), credit_note("AV1", "-500.00", currency="USD"), parties=[rich])
    assert summary(result) == [("C1", "EUR", 2, ["F1"])]


def test_partially_paid_invoices_are_excluded_only_when_the_scenario_says_so():
    strict = party(scenario=b2b(exclude_partially_paid=True))
    result = run(invoice("F1", 20, "100.00", "40.00"), invoice("F2", 3), parties=[strict])
    assert reasons(result) == [("C1", "F1", "partially_paid")]
    assert summary(result) == [("C1", "EUR", 1, ["F2"])]
    assert run(invoice("F1", 20, "100.00", "100.00"), parties=[strict]).excluded == ()


def test_objected_channels_are_removed_from_the_proposal():
    result = run(invoice("F1", 20), parties=[party(objections=frozenset({"sms"}))])
    assert result.proposals[0].channels == ("email",)


def test_a_customer_objecting_to_every_channel_of_the_level_is_excluded():
    result = run(invoice("F1", 20), parties=[party(objections=frozenset({"email", "sms"}))])
    assert result == Plan(AS_OF, (), (Exclusion("C1", None, "objection"),))


def test_only_reachable_channels_are_proposed():
    result = run(invoice("F1", 40), parties=[party(reachable=frozenset({"letter"}))])
    assert result.proposals[0].channels == ("letter",)


def test_a_customer_reachable_on_none_of_the_level_channels_has_no_contact():
    result = run(invoice("F1", 20), parties=[party(reachable=frozenset({"letter", "call"}))])
    assert reasons(result) == [("C1", None, "no_contact")]


def test_invoice_reasons_come_in_a_fixed_order_disputed_first():
    strict = party(scenario=b2b(exclude_partially_paid=True))
    held = [promise(5)]
    cases = {
        "disputed": invoice("F1", 400, "100", "40", disputed=True),
        "exclusion_window": invoice("F1", 400, "100", "40"),
        "promise_to_pay": invoice("F1", 20, "100", "40"),
    }
    for reason, item in cases.items():
        assert reasons(run(item, parties=[strict], promises=held)) == [("C1", "F1", reason)]


def test_customer_reasons_come_in_a_fixed_order_dunning_disabled_first():
    everything = {
        "dunning_enabled": False,
        "blocked_until": day(5),
        "unapplied_credit": {"EUR": Decimal("1000")},
        "objections": frozenset({"email", "sms"}),
        "reachable": frozenset(),
    }
    expected = ["dunning_disabled", "customer_blocked", "covered_by_credit", "objection"]
    for reason in expected:
        result = run(invoice("F1", 20), parties=[party(**everything)])
        assert reasons(result) == [("C1", None, reason)]
        everything.pop(next(iter(everything)))
    assert reasons(run(invoice("F1", 20), parties=[party(**everything)])) == [
        ("C1", None, "no_contact")
    ]


CASES: dict[str, Callable[[], Plan]] = {
    "disputed": lambda: run(invoice("F1", 20, disputed=True)),
    "exclusion_window": lambda: run(invoice("F1", 400)),
    "dunning_disabled": lambda: run(invoice("F1", 20), parties=[party(dunning_enabled=False)]),
    "customer_blocked": lambda: run(invoice("F1", 20), parties=[party(blocked_until=day(3))]),
    "promise_to_pay": lambda: run(invoice("F1", 20), promises=[promise(3)]),
    "below_minimum": lambda: run(
        invoice("F1", 20, "5.00"), parties=[party(scenario=b2b(min_total=Decimal("10")))]
    ),
    "covered_by_credit": lambda: run(invoice("F1", 20), credit_note("AV1", "-200.00")),
    "partially_paid": lambda: run(
        invoice("F1", 20, "100", "1"), parties=[party(scenario=b2b(exclude_partially_paid=True))]
    ),
    "objection": lambda: run(invoice("F1", 1), parties=[party(objections=frozenset({"email"}))]),
    "no_contact": lambda: run(invoice("F1", 1), parties=[party(reachable=frozenset())]),
}


def test_the_closed_set_of_reasons_is_the_one_in_the_design():
    assert set(CASES) == set(REASONS)
    assert len(REASONS) == 10


@pytest.mark.parametrize("reason", REASONS)
def test_every_exclusion_reason_is_produced_by_a_scenario_built_for_it(reason):
    result = CASES[reason]()
    assert result.proposals == ()
    assert [e.reason for e in result.excluded] == [reason]


def test_a_customer_without_an_address_for_the_level_gets_its_fallback_channel():
    with_fallback = Scenario(
        "fb", (level(1, 1, 14, fallback="letter"), level(2, 15, 29, "email", "sms"))
    )
    no_email = party(scenario=with_fallback, reachable=frozenset({"letter", "sms"}))
    result = run(invoice("F1", 5), parties=[no_email])
    assert (result.proposals[0].channels, result.proposals[0].unreachable) == (
        ("letter",),
        ("email",),
    )
    objecting = party(
        scenario=with_fallback, reachable=frozenset({"letter"}), objections=frozenset({"letter"})
    )
    assert reasons(run(invoice("F1", 5), parties=[objecting])) == [("C1", None, "no_contact")]
    # A channel the level already uses is not added twice.
    both = Scenario("fb2", (level(1, 1, 14, "email", "letter", fallback="letter"),))
    result = run(invoice("F1", 5), parties=[party(scenario=both, reachable=frozenset({"letter"}))])
    assert result.proposals[0].channels == ("letter",)
