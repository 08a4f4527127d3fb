from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from relance.engine.items import Promise as EnginePromise
from relance.holds.models import Promise, PromiseStatus, Source
from relance.holds.services import (
    ClosedPromises,
    active_promises,
    amend_promise,
    cancel_promise,
    close_due_promises,
    record_promise,
)
from tests.conftest import TODAY
from tests.holds.conftest import make_invoice, settle

pytestmark = pytest.mark.django_db

WEEK = TODAY + timedelta(days=7)


def promise(customer, *invoices, until=WEEK, promised_on=TODAY, amount="100.00", **kwargs):
    return record_promise(
        customer,
        amount=Decimal(amount),
        until=until,
        promised_on=promised_on,
        invoices=invoices,
        **kwargs,
    )


def test_a_promise_is_recorded_open_with_its_author_and_a_first_history_entry(c1, boss):
    f1 = make_invoice(c1, "F1")
    recorded = promise(c1, f1, user=boss, source=Source.EMAIL, note="will pay Friday")
    stored = Promise.objects.get()
    assert stored.pk == recorded.pk
    assert (stored.company, stored.customer, stored.status) == (c1.company, c1, "open")
    assert (stored.recorded_by, stored.source, stored.note) == (boss, "email", "will pay Friday")
    assert list(stored.invoices.all()) == [f1]
    [entry] = stored.history.all()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        boss,
        "promise recorded",
    )


def test_a_promise_takes_its_invoices_currency_else_the_companys(c1):
    usd = make_invoice(c1, "F-USD", currency="USD")
    assert promise(c1, usd).currency == "USD"
    assert promise(c1).currency == "EUR"
    assert promise(c1, usd, currency="GBP").currency == "GBP"


def test_a_promise_ending_before_it_was_made_is_refused(c1):
    with pytest.raises(ValidationError) as caught:
        promise(c1, until=TODAY - timedelta(days=1))
    assert caught.value.message_dict == {
        "until": ["A promise cannot end (2026-11-23) before it was made (2026-11-24)."]
    }
    assert not Promise.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_a_promise_of_nothing_is_refused(c1, amount):
    with pytest.raises(ValidationError) as caught:
        promise(c1, amount=amount)
    assert caught.value.message_dict == {"amount": ["The amount promised must be more than zero."]}


def test_a_promise_cannot_name_another_customers_or_companys_invoice(c1, c2, stranger):
    mine, theirs = make_invoice(c1, "F1"), make_invoice(c2, "F2")
    foreign = make_invoice(stranger, "F9")
    with pytest.raises(ValidationError) as caught:
        promise(c1, mine, theirs, foreign)
    assert caught.value.message_dict == {"invoices": ["Not invoices of customer C1: F2, F9."]}
    assert not Promise.objects.exists()


def test_the_database_itself_refuses_an_inconsistent_promise(c1):
    base = {"company": c1.company, "customer": c1, "promised_on": TODAY}
    with pytest.raises(IntegrityError), transaction.atomic():
        Promise.objects.create(**base, amount=Decimal(10), until=TODAY - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Promise.objects.create(**base, amount=Decimal(0), until=TODAY)


def test_amending_a_promise_keeps_its_former_terms_in_the_history(c1, boss):
    recorded = promise(c1)
    amend_promise(
        recorded,
        amount=Decimal("60.00"),
        until=WEEK + timedelta(days=7),
        source="phone",
        note="asked for a week more",
        user=boss,
    )
    latest, first = recorded.history.all()
    assert (first.until, first.amount) == (WEEK, Decimal("100.00"))
    assert (latest.until, latest.amount, latest.history_user) == (
        WEEK + timedelta(days=7),
        Decimal("60.00"),
        boss,
    )
    changed = {change.field for change in latest.diff_against(first).changes}
    assert changed == {"until", "amount", "note"}


def test_a_cancelled_promise_stops_holding_and_can_no_longer_change(c1, boss):
    recorded = promise(c1)
    cancel_promise(recorded, TODAY, boss, "customer withdrew")
    stored = Promise.objects.get()
    assert (stored.status, stored.closed_on, stored.closed_by, stored.closing_note) == (
        "cancelled",
        TODAY,
        boss,
        "customer withdrew",
    )
    assert active_promises(c1.company, TODAY) == []
    with pytest.raises(ValidationError, match="closed"):
        cancel_promise(stored, TODAY)
    with pytest.raises(ValidationError, match="closed"):
        amend_promise(stored, amount=Decimal(1), until=WEEK, source="phone", note="")
    assert [h.status for h in stored.history.all()] == ["cancelled", "open"]


def test_a_promise_past_its_date_is_kept_when_its_invoices_are_settled(c1):
    f1, f2 = make_invoice(c1, "F1"), make_invoice(c1, "F2")
    recorded = promise(c1, f1)
    settle(f1)  # F2, not named, stays open: it does not matter
    assert close_due_promises(c1.company, WEEK + timedelta(days=1)) == ClosedPromises(1, 0)
    recorded.refresh_from_db()
    assert (recorded.status, recorded.closed_on) == ("kept", WEEK + timedelta(days=1))
    assert f2.open_amount == Decimal("100.00")


def test_a_promise_past_its_date_is_broken_when_one_of_its_invoices_is_open(c1):
    f1, f2 = make_invoice(c1, "F1"), make_invoice(c1, "F2")
    recorded = promise(c1, f1, f2)
    settle(f1)
    assert close_due_promises(c1.company, WEEK + timedelta(days=1)) == ClosedPromises(0, 1)
    recorded.refresh_from_db()
    assert recorded.status == PromiseStatus.BROKEN


def test_a_promise_naming_no_invoice_is_judged_on_the_invoices_it_covered(c1, c2):
    old = make_invoice(c1, "F-OLD")
    make_invoice(c1, "F-LATER", issued=TODAY + timedelta(days=1))  # issued after the promise
    make_invoice(c1, "F-NOT-DUE", days_late=-30, issued=TODAY)  # falls due after the promise
    make_invoice(c2, "F-OTHER")  # another customer's
    recorded = promise(c1)
    settle(old)
    assert close_due_promises(c1.company, WEEK + timedelta(days=1)) == ClosedPromises(1, 0)
    recorded.refresh_from_db()
    assert recorded.status == PromiseStatus.KEPT


def test_a_promise_naming_no_invoice_is_broken_while_a_covered_invoice_is_open(c1):
    make_invoice(c1, "F-OLD")
    recorded = promise(c1)
    close_due_promises(c1.company, WEEK + timedelta(days=1))
    recorded.refresh_from_db()
    assert recorded.status == PromiseStatus.BROKEN


def test_a_promise_is_closed_only_once_its_last_day_has_passed(c1):
    recorded = promise(c1)
    assert close_due_promises(c1.company, WEEK) == ClosedPromises(0, 0)
    recorded.refresh_from_db()
    assert recorded.status == PromiseStatus.OPEN


def test_closing_promises_leaves_cancelled_ones_and_other_companies_alone(c1, stranger):
    cancel_promise(promise(c1), TODAY)
    theirs = promise(stranger)
    assert close_due_promises(c1.company, WEEK + timedelta(days=1)) == ClosedPromises(0, 0)
    theirs.refresh_from_db()
    assert theirs.status == PromiseStatus.OPEN


def test_closing_promises_writes_their_history_as_the_system(c1):
    f1 = make_invoice(c1, "F1")
    recorded = promise(c1, f1)
    close_due_promises(c1.company, WEEK + timedelta(days=1))
    latest = recorded.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "broken",
        None,
        "promise broken",
    )


def _queries_to_close(company, customer, count):
    for index in range(count):
        invoice = make_invoice(customer, f"F{count}-{index}")
        promise(customer, invoice)
        if index % 2:
            settle(invoice)
    with CaptureQueriesContext(connection) as queries:
        closed = close_due_promises(company, WEEK + timedelta(days=1))
    assert closed == ClosedPromises(kept=count // 2, broken=count - count // 2)
    return len(queries)


def test_closing_promises_takes_as_many_queries_for_thirty_as_for_three(c1, c2):
    assert _queries_to_close(c1.company, c1, 3) == _queries_to_close(c2.company, c2, 30)


def test_active_promises_are_the_open_ones_running_on_the_day(c1, c2, stranger):
    f1 = make_invoice(c1, "F1")
    make_invoice(c1, "F2")
    promise(c1, f1)
    promise(c2, until=TODAY)  # its last day: still holds
    promise(c2, until=TODAY - timedelta(days=1), promised_on=TODAY - timedelta(days=5))
    promise(c2, promised_on=TODAY + timedelta(days=1))  # not made yet
    cancel_promise(promise(c1), TODAY)
    promise(stranger)
    assert active_promises(c1.company, TODAY) == [
        EnginePromise("C1", WEEK, frozenset({"F1"})),
        EnginePromise("C2", TODAY, frozenset()),
    ]


def test_active_promises_are_read_in_one_query_whatever_their_number(c1, c2):
    for index in range(20):
        customer = c1 if index % 2 else c2
        invoices = [make_invoice(customer, f"F{index}-{n}") for n in range(3)]
        promise(customer, *invoices[: index % 4])
    with CaptureQueriesContext(connection) as queries:
        found = active_promises(c1.company, TODAY)
    assert len(queries) == 1
    assert len(found) == 20
    assert sorted(len(p.invoices) for p in found) == sorted(i % 4 for i in range(20))
