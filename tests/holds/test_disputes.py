from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError
from django.test.utils import CaptureQueriesContext

from relance.holds.models import Dispute, Promise, Source
from relance.holds.services import (
    DisputeSync,
    amend_dispute,
    open_dispute,
    record_promise,
    resolve_dispute,
    sync_disputes_from_flags,
)
from relance.ledger.models import Customer, Invoice
from tests.conftest import TODAY
from tests.holds.conftest import make_invoice

pytestmark = pytest.mark.django_db

LATER = TODAY + timedelta(days=10)


def flags(company):
    return {
        number: (disputed, reason, since)
        for number, disputed, reason, since in Invoice.objects.filter(company=company).values_list(
            "number", "disputed", "dispute_reason", "disputed_since"
        )
    }


def test_opening_a_dispute_takes_the_invoice_out_of_the_dunning(c1, boss):
    f1 = make_invoice(c1, "F1")
    dispute = open_dispute(f1, "goods damaged", TODAY, boss, Source.EMAIL)
    assert (dispute.company, dispute.opened_by, dispute.source) == (c1.company, boss, "email")
    assert flags(c1.company) == {"F1": (True, "goods damaged", TODAY)}
    assert (f1.disputed, f1.dispute_reason) == (True, "goods damaged")
    [entry] = dispute.history.all()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        boss,
        "dispute opened",
    )


def test_an_invoice_already_disputed_cannot_be_disputed_again(c1):
    f1 = make_invoice(c1, "F1")
    open_dispute(f1, "wrong price", TODAY)
    with pytest.raises(ValidationError) as caught:
        open_dispute(Invoice.objects.get(pk=f1.pk), "another reason", TODAY)
    assert caught.value.message_dict == {"invoice": ["Invoice F1 is already disputed."]}
    assert Dispute.objects.count() == 1


def test_an_invoice_flagged_by_the_erp_counts_as_disputed(c1):
    f1 = make_invoice(c1, "F1")
    Invoice.objects.filter(pk=f1.pk).update(disputed=True)
    f1.refresh_from_db()
    with pytest.raises(ValidationError, match="already disputed"):
        open_dispute(f1, "again", TODAY)


def test_the_database_allows_one_open_dispute_per_invoice(c1):
    f1 = make_invoice(c1, "F1")
    Dispute.objects.create(company=c1.company, invoice=f1, since=TODAY, resolved_on=TODAY)
    Dispute.objects.create(company=c1.company, invoice=f1, since=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(company=c1.company, invoice=f1, since=TODAY)


def test_resolving_a_dispute_returns_the_invoice_to_the_dunning_and_keeps_the_story(c1, boss):
    f1 = make_invoice(c1, "F1")
    dispute = open_dispute(f1, "goods damaged", TODAY)
    resolve_dispute(dispute, LATER, boss, "credit note issued")
    assert flags(c1.company) == {"F1": (False, "", None)}
    stored = Dispute.objects.get()
    assert (stored.resolved_on, stored.resolved_by, stored.resolution_note) == (
        LATER,
        boss,
        "credit note issued",
    )
    latest, first = stored.history.all()
    assert (first.resolved_on, first.history_user) == (None, None)
    assert (latest.resolved_on, latest.history_user, latest.history_change_reason) == (
        LATER,
        boss,
        "dispute resolved",
    )


def test_a_dispute_is_resolved_once_and_not_before_it_began(c1):
    dispute = open_dispute(make_invoice(c1, "F1"), "late delivery", TODAY)
    with pytest.raises(ValidationError) as caught:
        resolve_dispute(dispute, TODAY - timedelta(days=1))
    assert caught.value.message_dict == {
        "resolved_on": ["A dispute cannot be resolved before it began (2026-11-24)."]
    }
    resolve_dispute(dispute, TODAY)
    with pytest.raises(ValidationError, match="was resolved on 2026-11-24"):
        resolve_dispute(dispute, LATER)
    with pytest.raises(ValidationError, match="can no longer change"):
        amend_dispute(dispute, reason="other", since=TODAY)


def test_a_resolved_invoice_can_be_disputed_again(c1):
    f1 = make_invoice(c1, "F1")
    resolve_dispute(open_dispute(f1, "first", TODAY), TODAY)
    open_dispute(f1, "second", LATER)
    assert flags(c1.company) == {"F1": (True, "second", LATER)}
    assert Dispute.objects.filter(resolved_on=None).get().reason == "second"


def test_amending_a_dispute_updates_the_invoice_and_the_history(c1, boss):
    dispute = open_dispute(make_invoice(c1, "F1"), "damaged", TODAY)
    amend_dispute(dispute, reason="damaged and late", since=TODAY - timedelta(days=3), user=boss)
    assert flags(c1.company) == {"F1": (True, "damaged and late", TODAY - timedelta(days=3))}
    assert [h.reason for h in dispute.history.all()] == ["damaged and late", "damaged"]


INVOICES = """number;customer;issue_date;due_date;amount;disputed
F1;C001;2026-09-01;2026-10-01;100.00;{f1}
F2;C001;2026-09-01;2026-10-01;200.00;{f2}
F3;C002;2026-09-01;2026-10-01;300.00;no
"""


def import_flags(write_file, run_import, today=TODAY, **flagged):
    values = {"f1": "no", "f2": "no", **flagged}
    run_import("invoices", write_file("invoices.csv", INVOICES.format(**values)), today=today)


def test_an_invoice_flagged_by_the_import_gets_a_dispute_sourced_import(
    customers, write_file, run_import
):
    import_flags(write_file, run_import, f1="yes")  # the import syncs in its transaction
    dispute = Dispute.objects.get()
    assert (dispute.invoice.number, dispute.source, dispute.since, dispute.opened_by) == (
        "F1",
        "import",
        TODAY,
        None,
    )
    assert dispute.history.get().history_change_reason == "flagged by import"
    assert sync_disputes_from_flags(customers, TODAY) == DisputeSync(0, 0, 0)


def test_an_import_clearing_the_flag_resolves_the_import_dispute(customers, write_file, run_import):
    import_flags(write_file, run_import, f1="yes", f2="yes")
    import_flags(write_file, run_import, today=LATER, f2="yes")
    cleared = Dispute.objects.get(invoice__number="F1")
    assert (cleared.resolved_on, cleared.resolution_note) == (LATER, "cleared by import")
    assert cleared.history.first().history_change_reason == "cleared by import"
    assert Dispute.objects.get(invoice__number="F2").is_open
    assert sync_disputes_from_flags(customers, LATER) == DisputeSync(0, 0, 0)


def test_an_import_cannot_clear_a_dispute_recorded_by_a_person(customers, write_file, run_import):
    import_flags(write_file, run_import)
    open_dispute(Invoice.objects.get(number="F1"), "quality", TODAY - timedelta(days=2))
    import_flags(write_file, run_import, today=LATER)  # the ERP says: not disputed
    assert flags(customers)["F1"] == (True, "quality", TODAY - timedelta(days=2))
    assert Dispute.objects.get().is_open


def test_a_flag_set_outside_an_import_is_synced_and_the_person_dispute_reflagged(customers):
    invoice = make_invoice(Customer.objects.get(code="C001"), "F1")
    open_dispute(invoice, "quality", TODAY)
    Invoice.objects.filter(pk=invoice.pk).update(disputed=False)
    assert sync_disputes_from_flags(customers, LATER) == DisputeSync(0, 0, 1)
    assert flags(customers)["F1"] == (True, "quality", TODAY)


def test_the_reason_of_an_invoice_no_longer_flagged_is_cleared(customers, write_file, run_import):
    import_flags(write_file, run_import)
    Invoice.objects.filter(number="F1").update(
        disputed=True, dispute_reason="from an old ERP", disputed_since=TODAY
    )
    sync_disputes_from_flags(customers, TODAY)
    assert Dispute.objects.get().reason == "from an old ERP"
    import_flags(write_file, run_import, today=LATER)
    assert flags(customers)["F1"] == (False, "", None)


def test_syncing_leaves_other_companies_alone(customers, stranger):
    theirs = make_invoice(stranger, "F9")
    Invoice.objects.filter(pk=theirs.pk).update(disputed=True)
    assert sync_disputes_from_flags(customers, TODAY) == DisputeSync(0, 0, 0)
    assert not Dispute.objects.exists()


def _queries_to_sync(customer, count):
    company = customer.company
    for index in range(count):
        make_invoice(customer, f"F{count}-{index}")
    Invoice.objects.filter(company=company).update(disputed=True, disputed_since=TODAY)
    with CaptureQueriesContext(connection) as opening:
        assert sync_disputes_from_flags(company, TODAY).opened == count
    Invoice.objects.filter(company=company).update(disputed=False, disputed_since=None)
    with CaptureQueriesContext(connection) as resolving:
        assert sync_disputes_from_flags(company, LATER).resolved == count
    return len(opening), len(resolving)


def test_syncing_takes_as_many_queries_for_thirty_invoices_as_for_three(c1, stranger):
    assert _queries_to_sync(c1, 3) == _queries_to_sync(stranger, 30)


def test_an_invoice_or_a_customer_with_holds_cannot_be_deleted(c1, c2):
    f1 = make_invoice(c1, "F1")
    open_dispute(f1, "damaged", TODAY)
    record_promise(c2, amount=Decimal(10), until=LATER, promised_on=TODAY)
    with pytest.raises(RestrictedError), transaction.atomic():
        Invoice.objects.filter(pk=f1.pk).delete()
    with pytest.raises(RestrictedError), transaction.atomic():
        Customer.objects.filter(pk=c2.pk).delete()
    assert (Invoice.objects.count(), Dispute.objects.count(), Promise.objects.count()) == (1, 1, 1)
