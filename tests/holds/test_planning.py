"""The engine's view of the holds: promises and disputes recorded here keep invoices out of the
daily plan, and stop doing so once closed."""

from datetime import timedelta
from decimal import Decimal

import pytest

from relance.dunning.open_items import load_open_items
from relance.engine.items import Party
from relance.engine.planner import Exclusion, plan
from relance.engine.scenario import Level, Scenario
from relance.holds.services import (
    active_promises,
    cancel_promise,
    open_dispute,
    record_promise,
    resolve_dispute,
)
from tests.conftest import TODAY
from tests.holds.conftest import make_invoice

pytestmark = pytest.mark.django_db

STANDARD = Scenario("std", (Level(1, 14, level=1), Level(15, 9999, level=2)))


def plan_today(company, customers, as_of=TODAY):
    parties = {customer.pk: Party(customer.code, STANDARD) for customer in customers}
    items = load_open_items(company, parties)
    return plan(as_of, parties.values(), items, active_promises(company, as_of))


def listed(result):
    return {p.customer: sorted(i.number for i in p.items) for p in result.proposals}


def test_promised_invoices_are_left_out_of_the_plan_with_reason_promise_to_pay(c1, c2):
    f1, _ = make_invoice(c1, "F1"), make_invoice(c1, "F2")
    make_invoice(c2, "F3")
    week = TODAY + timedelta(days=7)
    record_promise(c1, amount=Decimal(100), until=week, promised_on=TODAY, invoices=[f1])
    record_promise(c2, amount=Decimal(100), until=week, promised_on=TODAY)  # all its invoices
    result = plan_today(c1.company, [c1, c2])
    assert listed(result) == {"C1": ["F2"]}
    assert set(result.excluded) == {
        Exclusion("C1", "F1", "promise_to_pay"),
        Exclusion("C2", "F3", "promise_to_pay"),
    }


def test_a_promise_no_longer_holds_once_cancelled_or_past_its_date(c1, c2):
    make_invoice(c1, "F1")
    make_invoice(c2, "F2")
    cancelled = record_promise(
        c1, amount=Decimal(100), until=TODAY + timedelta(days=7), promised_on=TODAY
    )
    cancel_promise(cancelled, TODAY)
    record_promise(c2, amount=Decimal(100), until=TODAY, promised_on=TODAY)
    assert listed(plan_today(c1.company, [c1, c2])) == {"C1": ["F1"]}
    tomorrow = plan_today(c1.company, [c1, c2], TODAY + timedelta(days=1))
    assert listed(tomorrow) == {"C1": ["F1"], "C2": ["F2"]}


def test_a_disputed_invoice_leaves_the_plan_until_the_dispute_is_resolved(c1):
    make_invoice(c1, "F1")
    dispute = open_dispute(make_invoice(c1, "F2"), "damaged", TODAY)
    result = plan_today(c1.company, [c1])
    assert (listed(result), result.excluded) == (
        {"C1": ["F1"]},
        (Exclusion("C1", "F2", "disputed"),),
    )
    resolve_dispute(dispute, TODAY)
    assert listed(plan_today(c1.company, [c1])) == {"C1": ["F1", "F2"]}
