from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services.allocation import record_payment
from relance.runs import executing
from relance.runs.creating import RunRefused
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company):
    """C1: one invoice at level 1. C2: levels 1 and 2, in EUR, plus one USD invoice at level 1.
    C3: a level-3 invoice (needs review). C4: paid up."""
    c1, c3 = customer(company, "C1"), customer(company, "C3")
    c2 = customer(company, "C2", phone="+33612345678")
    customer(company, "C4")
    invoice(c1, "F1", 5)
    invoice(c2, "F2", 3)
    invoice(c2, "F3", 20, "250.00")
    invoice(c2, "F4", 2, currency="USD")
    invoice(c3, "F5", 45, "900.00")
    return company


def actions(company, **filters):
    return sorted(
        Action.objects.filter(company=company, **filters).values_list(
            "customer__code", "currency", "level", "channel", "state"
        )
    )


def test_a_run_records_one_action_per_proposal_and_channel(ledger):
    run_dunning(ledger, RunRequest(AS_OF))
    assert actions(ledger) == [
        ("C1", "EUR", 1, "email", "done"),
        ("C2", "EUR", 2, "email", "done"),
        ("C2", "EUR", 2, "sms", "done"),
        ("C2", "USD", 1, "email", "done"),
        ("C3", "EUR", 3, "email", "proposed"),
    ]


def test_a_run_sends_one_email_per_customer_and_currency_into_the_outbox(ledger, mailoutbox):
    result = run_dunning(ledger, RunRequest(AS_OF))
    assert (result.outcome.done, result.outcome.failed, result.awaiting_review) == (4, 0, 1)
    assert result.outcome.waiting == 0  # three e-mails and an SMS, all sent
    assert sorted(message.to[0] for message in mailoutbox) == [
        "c1@example.com",
        "c2@example.com",
        "c2@example.com",
    ]
    usd = next(message for message in mailoutbox if "F4" in message.body)
    # The customer has no language of its own: the company's, French, formats the amounts.
    assert "F2" not in usd.body
    assert "100,00\u00a0$US" in usd.body


def test_sending_records_the_level_and_date_on_each_invoice_and_the_customer_marker(ledger):
    run_dunning(ledger, RunRequest(AS_OF))
    state = dict(Invoice.objects.filter(company=ledger).values_list("number", "reached_level"))
    assert state == {"F1": 1, "F2": 1, "F3": 2, "F4": 1, "F5": None}
    assert set(Invoice.objects.filter(number="F3").values_list("reminded_on", flat=True)) == {AS_OF}
    markers = dict(Customer.objects.filter(company=ledger).values_list("code", "marker"))
    assert markers == {"C1": 1, "C2": 2, "C3": None, "C4": None}


def test_a_second_run_the_same_day_sends_nothing_twice(ledger, mailoutbox):
    run_dunning(ledger, RunRequest(AS_OF))
    sent = len(mailoutbox)
    again = run_dunning(ledger, RunRequest(AS_OF))
    assert len(mailoutbox) == sent
    assert again.outcome.done == 0
    assert again.run.actions.count() == 0
    assert again.run.skipped == again.run.proposals == 1  # C3, still awaiting review


def test_a_second_run_the_same_day_picks_up_only_what_changed(ledger, mailoutbox):
    run_dunning(ledger, RunRequest(AS_OF))
    invoice(Customer.objects.get(code="C4"), "F9", 4)
    again = run_dunning(ledger, RunRequest(AS_OF))
    assert actions(ledger, run=again.run) == [("C4", "EUR", 1, "email", "done")]
    assert mailoutbox[-1].to == ["c4@example.com"]


def test_levels_that_need_review_wait_until_a_person_approves_them(ledger, mailoutbox):
    result = run_dunning(ledger, RunRequest(AS_OF))
    pending = result.run.actions.filter(state=ActionState.PROPOSED)
    assert [action.customer.code for action in pending] == ["C3"]
    reviewer = User.objects.create_user("marie")
    assert executing.approve(pending, reviewer) == 1
    outcome = executing.execute(result.run, reviewer)
    assert outcome.done == 5  # the run's four earlier actions and this one
    assert result.run.actions.get(customer__code="C3").state == ActionState.DONE
    assert "F5" in mailoutbox[-1].body
    entry = JournalEntry.objects.get(customer__code="C3")
    assert (entry.user, entry.level, entry.status) == (reviewer, 3, JournalStatus.SENT)
    assert Customer.objects.get(code="C3").marker == 3


def test_a_removed_action_is_never_sent_and_records_who_removed_it_and_why(ledger, mailoutbox):
    result = run_dunning(ledger, RunRequest(AS_OF, review=True))
    assert mailoutbox == []
    reviewer = User.objects.create_user("marie")
    c1 = result.run.actions.filter(customer__code="C1")
    assert executing.remove(c1, "paid by phone", reviewer) == 1
    executing.approve(result.run.actions.all(), reviewer)
    executing.execute(result.run)
    assert "c1@example.com" not in [message.to[0] for message in mailoutbox]
    removed = Action.objects.get(customer__code="C1")
    assert (removed.state, removed.removed_reason, removed.decided_by) == (
        ActionState.REMOVED,
        "paid by phone",
        reviewer,
    )


def test_review_leaves_every_action_proposed(ledger, mailoutbox):
    result = run_dunning(ledger, RunRequest(AS_OF, review=True))
    assert {state for *_, state in actions(ledger)} == {"proposed"}
    assert result.outcome.done == 0
    assert mailoutbox == []
    assert Invoice.objects.filter(reached_level__isnull=False).count() == 0


def test_level_and_scenario_options_restrict_the_run(ledger):
    run_dunning(ledger, RunRequest(AS_OF, level=2))
    assert actions(ledger) == [
        ("C2", "EUR", 2, "email", "done"),
        ("C2", "EUR", 2, "sms", "done"),
    ]
    nothing = run_dunning(ledger, RunRequest(AS_OF, scenario="other"))
    assert nothing.run.proposals == 0


def test_a_run_dated_before_the_latest_executed_run_is_refused_unless_forced(ledger):
    run_dunning(ledger, RunRequest(AS_OF))
    with pytest.raises(RunRefused, match="2026-11-24"):
        run_dunning(ledger, RunRequest(AS_OF - timedelta(days=1)))
    forced = run_dunning(ledger, RunRequest(AS_OF - timedelta(days=1), force=True))
    assert forced.run.forced


def test_a_proposal_still_awaiting_review_is_replaced_by_the_next_days_one(ledger):
    first = run_dunning(ledger, RunRequest(AS_OF))
    second = run_dunning(ledger, RunRequest(AS_OF + timedelta(days=1)))
    old = first.run.actions.get(customer__code="C3")
    assert old.state == ActionState.REMOVED
    assert f"#{second.run.pk}" in old.removed_reason
    assert second.run.actions.get(customer__code="C3").state == ActionState.PROPOSED


def test_a_customer_without_an_email_address_gets_no_email_action(ledger):
    Customer.objects.filter(code="C1").update(email="")
    result = run_dunning(ledger, RunRequest(AS_OF, review=True))
    # The planner sees the customer as unreachable by e-mail and reports it (no_contact).
    assert not result.run.actions.filter(customer__code="C1").exists()


def test_every_journal_entry_carries_its_gdpr_marking(ledger):
    ledger.retention_years = 5
    ledger.legal_basis = "legitimate_interest"
    ledger.save()
    run_dunning(ledger, RunRequest(AS_OF))
    markings = set(JournalEntry.objects.values_list("legal_basis", "retain_until"))
    assert markings == {("legitimate_interest", AS_OF.replace(year=2031))}


def test_a_payment_that_settles_the_invoices_lowers_the_marker_at_once(ledger):
    run_dunning(ledger, RunRequest(AS_OF))
    c2 = Customer.objects.get(code="C2")
    record_payment(
        Payment(
            company=ledger,
            customer=c2,
            reference="P1",
            date=AS_OF,
            amount=Decimal("250.00"),
            invoice_number="F3",
        )
    )
    c2.refresh_from_db()
    assert c2.marker == 1  # F2, still open, was reminded at level 1


def test_running_costs_a_constant_number_of_queries_per_batch_plus_the_sends(ledger, company):
    for index in range(30):
        who = customer(company, f"K{index:02d}")
        invoice(who, f"K{index:02d}-1", 3)
    with CaptureQueriesContext(connection) as small:
        run_dunning(ledger, RunRequest(AS_OF, scenario="std", level=2))
    with CaptureQueriesContext(connection) as large:
        run_dunning(ledger, RunRequest(AS_OF, scenario="std", level=1))
    # Each message is taken and marked sent in its own commit (exactly once): two UPDATEs
    # per message; rendering, journal and levels stay set-based.
    extra = 33 - 2  # e-mails of the level-1 run, minus the level-2 run's e-mail and SMS
    assert len(large) <= len(small) + 10 + 2 * extra
