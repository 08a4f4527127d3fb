"""The allocation rule, pure: no database, only amounts and due dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.engine.allocation import AllocationPlan, Payable, allocate

JAN = date(2026, 1, 1)

amounts = st.decimals(
    min_value=Decimal("0.00"), max_value=Decimal("100000.00"), places=2, allow_nan=False
)
open_amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("50000.00"), places=2, allow_nan=False
)


@st.composite
def open_items(draw, min_size: int = 0) -> list[Payable]:
    size = draw(st.integers(min_value=min_size, max_value=8))
    return [
        Payable(
            key=key,
            number=f"F{key:03d}",
            due_date=JAN + timedelta(days=draw(st.integers(min_value=0, max_value=400))),
            open_amount=draw(open_amounts),
        )
        for key in range(1, size + 1)
    ]


def item(key: int, due: date, amount: str) -> Payable:
    return Payable(key, f"F{key}", due, Decimal(amount))


@given(amounts, open_items())
def test_allocations_plus_unapplied_always_equal_the_payment(amount, items):
    plan = allocate(amount, items)
    assert sum((share for _, share in plan.lines), Decimal(0)) + plan.unapplied == amount


@given(amounts, open_items())
def test_no_invoice_ever_receives_more_than_its_open_amount(amount, items):
    by_key = {item.key: item for item in items}
    plan = allocate(amount, items)
    keys = [key for key, _ in plan.lines]
    assert len(keys) == len(set(keys))
    for key, share in plan.lines:
        assert Decimal("0") < share <= by_key[key].open_amount


@given(amounts, open_items())
def test_money_is_left_unapplied_only_once_every_invoice_is_settled(amount, items):
    plan = allocate(amount, items)
    assert plan.unapplied >= 0
    if plan.unapplied > 0:
        allocated = dict(plan.lines)
        assert all(allocated.get(item.key) == item.open_amount for item in items)


@given(amounts, open_items())
def test_oldest_due_invoices_are_settled_first(amount, items):
    plan = allocate(amount, items)
    by_key = {item.key: item for item in items}
    allocated = dict(plan.lines)
    order = [(by_key[key].due_date, by_key[key].number) for key, _ in plan.lines]
    assert order == sorted(order)
    # Every invoice but the last one touched is settled in full…
    for key, share in plan.lines[:-1]:
        assert share == by_key[key].open_amount
    # …and no invoice due earlier than one that received money is left open.
    if plan.lines:
        last = by_key[plan.lines[-1][0]]
        for other in items:
            if (other.due_date, other.number) < (last.due_date, last.number):
                assert allocated.get(other.key) == other.open_amount


@given(amounts, open_items(min_size=1), st.data())
def test_a_payment_naming_an_invoice_goes_to_that_invoice_only(amount, items, data):
    named = data.draw(st.sampled_from(items))
    plan = allocate(amount, items, named.number)
    assert [key for key, _ in plan.lines] == ([named.key] if amount > 0 else [])
    assert plan.unapplied == amount - min(amount, named.open_amount)


def test_a_partial_payment_leaves_the_rest_of_the_invoice_open():
    plan = allocate(Decimal("40.00"), [item(1, JAN, "100.00")])
    assert plan == AllocationPlan(lines=((1, Decimal("40.00")),), unapplied=Decimal("0.00"))


def test_a_payment_spreads_over_several_invoices_oldest_due_first():
    items = [
        item(1, date(2026, 3, 1), "100.00"),
        item(2, date(2026, 1, 15), "50.00"),
        item(3, date(2026, 2, 1), "80.00"),
    ]
    plan = allocate(Decimal("150.00"), items)
    assert plan.lines == ((2, Decimal("50.00")), (3, Decimal("80.00")), (1, Decimal("20.00")))
    assert plan.unapplied == Decimal("0.00")


def test_invoices_due_the_same_day_are_settled_in_number_order():
    items = [
        Payable(1, "F-B", JAN, Decimal("10.00")),
        Payable(2, "F-A", JAN, Decimal("10.00")),
    ]
    assert allocate(Decimal("15.00"), items).lines == ((2, Decimal("10.00")), (1, Decimal("5.00")))


def test_an_overpayment_is_left_unapplied():
    plan = allocate(Decimal("130.00"), [item(1, JAN, "100.00")])
    assert plan.lines == ((1, Decimal("100.00")),)
    assert plan.unapplied == Decimal("30.00")


def test_a_payment_naming_an_unknown_invoice_stays_wholly_unapplied():
    plan = allocate(Decimal("75.00"), [item(1, JAN, "100.00")], "F999")
    assert plan == AllocationPlan(lines=(), unapplied=Decimal("75.00"))


def test_a_customer_without_open_invoices_keeps_the_whole_payment_as_credit():
    assert allocate(Decimal("75.00"), []) == AllocationPlan(lines=(), unapplied=Decimal("75.00"))


def test_invoices_already_settled_or_in_credit_receive_nothing():
    items = [item(1, JAN, "0.00"), item(2, JAN + timedelta(days=1), "-20.00")]
    items.append(item(3, JAN + timedelta(days=2), "30.00"))
    assert allocate(Decimal("50.00"), items).lines == ((3, Decimal("30.00")),)


def test_a_negative_payment_is_refused():
    with pytest.raises(ValueError, match="a payment amount cannot be negative"):
        allocate(Decimal("-1.00"), [item(1, JAN, "100.00")])
