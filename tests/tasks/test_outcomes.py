from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from relance.holds.models import Dispute, Promise, PromiseStatus, Source
from relance.ledger.models import Customer, Invoice
from relance.runs.models import ActionState, JournalEntry, JournalStatus
from relance.tasks.models import CallOutcome, Task, TaskKind, TaskState
from relance.tasks.outcomes import record_call_outcome
from relance.tasks.services import close_task, open_task
from tests.tasks.conftest import paris

pytestmark = pytest.mark.django_db


def levels(*numbers: str) -> dict[str, int | None]:
    return dict(Invoice.objects.filter(number__in=numbers).values_list("number", "reached_level"))


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


@pytest.fixture
def in_the_morning(clock):
    """The collector calls at 11:00, in the morning window."""
    clock.set(paris(2026, 11, 24, 11, 0))
    return clock


# Reached, promise, dispute: the customer was spoken to ----------------------------------------


def test_a_reached_customer_closes_the_task_journals_the_call_and_raises_the_level(
    c1_call, collector, in_the_morning
):
    result = record_call_outcome(c1_call, "reached", user=collector, note="Pays Friday")
    task = result.task
    assert (task.state, task.outcome, task.outcome_note) == (
        TaskState.DONE,
        "reached",
        "Pays Friday",
    )
    assert (task.done_by, task.done_at) == (collector, paris(2026, 11, 24, 11, 0))
    entry = JournalEntry.objects.get(channel="call")
    assert (entry.status, entry.user, entry.level, entry.at) == (
        JournalStatus.CALLED,
        collector,
        2,
        paris(2026, 11, 24, 11, 0),
    )
    assert entry.recipient == "+33140000001, +33600000002"
    assert entry.invoices == ["F1", "F1B"]
    assert task.action.state == ActionState.DONE
    assert levels("F1", "F1B") == {"F1": 2, "F1B": 2}
    assert Customer.objects.get(code="C1").marker == 2
    assert result.follow_up is None
    assert Task.objects.filter(state=TaskState.OPEN, customer__code="C1").count() == 0


def test_a_promise_records_a_phone_promise_holding_the_invoices_until_the_date(
    c1_call, collector, in_the_morning
):
    result = record_call_outcome(
        c1_call,
        "promise",
        user=collector,
        amount=Decimal("1300.00"),
        until=date(2026, 12, 4),
        note="Transfer next week",
    )
    promise = result.promise
    assert promise == Promise.objects.get()
    assert (promise.amount, promise.currency, promise.until, promise.promised_on) == (
        Decimal("1300.00"),
        "EUR",
        date(2026, 12, 4),
        date(2026, 11, 24),
    )
    assert (promise.source, promise.recorded_by, promise.status) == (
        Source.PHONE,
        collector,
        PromiseStatus.OPEN,
    )
    assert list(promise.invoices.all()) == []  # no invoice named: all the customer's
    assert (result.task.promised_amount, result.task.promised_until) == (
        Decimal("1300.00"),
        date(2026, 12, 4),
    )
    assert JournalEntry.objects.get(channel="call").status == JournalStatus.CALLED
    assert levels("F1") == {"F1": 2}


def test_a_promise_can_name_the_invoices_it_covers(c1_call, collector, in_the_morning):
    result = record_call_outcome(
        c1_call,
        "promise",
        user=collector,
        amount=Decimal("65.44"),
        until=date(2026, 12, 1),
        invoices=["F1B"],
    )
    assert [i.number for i in result.promise.invoices.all()] == ["F1B"]


def test_a_promise_without_amount_or_date_is_refused_by_field_and_changes_nothing(
    c1_call, collector, in_the_morning
):
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(c1_call, "promise", user=collector)
    assert errors_of(excinfo) == {"amount", "until"}
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(
            c1_call, "promise", user=collector, amount=Decimal("-5"), until=date(2026, 11, 1)
        )
    assert errors_of(excinfo) == {"amount", "until"}
    c1_call.refresh_from_db()
    assert c1_call.state == TaskState.OPEN
    assert not JournalEntry.objects.exists()
    assert not Promise.objects.exists()


def test_a_dispute_takes_the_reminders_invoices_out_of_the_dunning(
    c1_call, collector, in_the_morning
):
    result = record_call_outcome(c1_call, "dispute", user=collector, dispute_reason="Goods damaged")
    assert sorted(d.invoice.number for d in result.disputes) == ["F1", "F1B"]
    for dispute in Dispute.objects.all():
        assert (dispute.reason, dispute.since, dispute.source, dispute.opened_by) == (
            "Goods damaged",
            date(2026, 11, 24),
            Source.PHONE,
            collector,
        )
    assert set(Invoice.objects.filter(disputed=True).values_list("number", flat=True)) == {
        "F1",
        "F1B",
    }
    assert JournalEntry.objects.get(channel="call").status == JournalStatus.CALLED


def test_a_dispute_may_name_only_some_invoices(c1_call, collector, in_the_morning):
    result = record_call_outcome(
        c1_call, "dispute", user=collector, dispute_reason="Wrong price", invoices=["F1B"]
    )
    assert [d.invoice.number for d in result.disputes] == ["F1B"]
    assert not Invoice.objects.get(number="F1").disputed


def test_a_dispute_needs_a_reason_and_invoices_of_that_customer(c1_call, collector, in_the_morning):
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(c1_call, "dispute", user=collector, invoices=["F2"])
    assert errors_of(excinfo) == {"dispute_reason", "invoices"}
    assert "Not invoices of customer C1: F2." in excinfo.value.message_dict["invoices"]
    with pytest.raises(ValidationError, match="No invoice NOPE"):
        record_call_outcome(
            c1_call, "dispute", user=collector, dispute_reason="x", invoices=["NOPE"]
        )
    assert not Dispute.objects.exists()


def test_an_invoice_already_disputed_cannot_be_disputed_again(c1_call, collector, in_the_morning):
    Invoice.objects.filter(number="F1").update(disputed=True)
    with pytest.raises(ValidationError, match="Already disputed: F1"):
        record_call_outcome(c1_call, "dispute", user=collector, dispute_reason="Again")


# No answer, call back, wrong number: the reminder is still to be given -----------------------


def test_no_answer_journals_an_unreached_call_and_plans_the_next_in_the_following_window(
    c1_call, collector, in_the_morning
):
    result = record_call_outcome(c1_call, "no_answer", user=collector)
    entry = JournalEntry.objects.get(channel="call")
    assert entry.status == JournalStatus.UNREACHED
    assert levels("F1", "F1B") == {"F1": None, "F1B": None}
    assert result.task.action.state == ActionState.QUEUED
    follow_up = result.follow_up
    assert follow_up.due_at == paris(2026, 11, 24, 14, 0)
    assert (follow_up.kind, follow_up.state, follow_up.assignee) == (
        TaskKind.CALL,
        TaskState.OPEN,
        collector,
    )
    assert follow_up.action_id == c1_call.action_id
    assert follow_up.phones == c1_call.phones
    assert follow_up.body.startswith("Call 2 of 4; the previous one, on 2026-11-24 11:00,")
    assert "Goal: obtain a firm commitment" in follow_up.body


def test_after_four_unanswered_calls_no_fifth_is_planned_and_the_collector_is_told(
    c1_call, collector, clock
):
    task = c1_call
    moments = []
    for _ in range(4):
        clock.set(task.due_at)
        moments.append(task.due_at)
        result = record_call_outcome(task, "no_answer", user=collector)
        task = result.follow_up or task
    assert moments == [
        paris(2026, 11, 24, 10, 0),
        paris(2026, 11, 24, 14, 0),
        paris(2026, 11, 25, 10, 0),
        paris(2026, 11, 25, 14, 0),
    ]
    assert result.follow_up is None
    assert result.gave_up
    assert JournalEntry.objects.filter(status=JournalStatus.UNREACHED).count() == 4
    assert not Task.objects.filter(kind=TaskKind.CALL, state=TaskState.OPEN, customer__code="C1")
    told = Task.objects.get(kind=TaskKind.FAILED)
    assert told.title == "No answer from Durand SARL after 4 calls"
    assert told.action_id == c1_call.action_id
    assert told.assignee == collector


def test_a_call_back_plans_the_next_call_at_the_moment_agreed(c1_call, collector, in_the_morning):
    result = record_call_outcome(
        c1_call,
        "call_back",
        user=collector,
        call_back_at=paris(2026, 11, 26, 16, 30),
        note="Accountant back Thursday",
    )
    assert result.follow_up.due_at == paris(2026, 11, 26, 16, 30)
    assert result.task.call_back_on == paris(2026, 11, 26, 16, 30)
    assert result.follow_up.body.startswith("Call back as agreed on 2026-11-24 11:00.")
    assert JournalEntry.objects.get(channel="call").status == JournalStatus.UNREACHED
    assert levels("F1") == {"F1": None}


@pytest.mark.parametrize("when", [None, paris(2026, 11, 24, 10, 59)])
def test_a_call_back_needs_a_moment_in_the_future(c1_call, collector, in_the_morning, when):
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(c1_call, "call_back", user=collector, call_back_at=when)
    assert errors_of(excinfo) == {"call_back_at"}


def test_a_wrong_number_is_marked_in_the_note_and_plans_no_other_call(
    c1_call, collector, in_the_morning
):
    result = record_call_outcome(
        c1_call, "wrong_number", user=collector, phone="+33140000001", note="A bakery"
    )
    assert result.task.outcome_note == "Wrong number: +33140000001.\nA bakery"
    assert result.follow_up is None
    entry = JournalEntry.objects.get(channel="call")
    assert (entry.status, entry.recipient) == (JournalStatus.UNREACHED, "+33140000001")
    assert "Wrong number: +33140000001." in entry.detail
    assert not Task.objects.filter(state=TaskState.OPEN, customer__code="C1").exists()


# Guards ---------------------------------------------------------------------------------------


def test_an_outcome_is_recorded_once(c1_call, collector, in_the_morning):
    record_call_outcome(c1_call, "reached", user=collector)
    stale = Task.objects.get(pk=c1_call.pk)
    stale.state = TaskState.OPEN  # a second window still showing the open task
    with pytest.raises(ValidationError, match="already closed"):
        record_call_outcome(stale, "reached", user=collector)
    assert JournalEntry.objects.filter(channel="call").count() == 1


def test_an_unknown_outcome_or_a_call_in_the_future_is_refused(c1_call, collector, in_the_morning):
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(c1_call, "voicemail", user=collector)
    assert errors_of(excinfo) == {"outcome"}
    with pytest.raises(ValidationError) as excinfo:
        record_call_outcome(c1_call, "reached", user=collector, at=paris(2026, 11, 24, 18, 0))
    assert errors_of(excinfo) == {"at"}


def test_a_call_made_earlier_is_journaled_at_its_time(c1_call, collector, in_the_morning):
    record_call_outcome(c1_call, "reached", user=collector, at=paris(2026, 11, 24, 10, 15))
    assert JournalEntry.objects.get(channel="call").at == paris(2026, 11, 24, 10, 15)


def test_a_call_task_without_a_reminder_closes_without_a_journal_entry(
    ledger, collector, in_the_morning
):
    task = open_task(Customer.objects.get(code="C1"), TaskKind.CALL, "Courtesy call")
    result = record_call_outcome(task, CallOutcome.REACHED, user=collector)
    assert result.task.state == TaskState.DONE
    assert not JournalEntry.objects.exists()


def test_other_tasks_close_with_a_note_and_calls_do_not(c1_call, collector, in_the_morning):
    letter = open_task(c1_call.customer, TaskKind.POST_LETTER, "Post the letter")
    closed = close_task(letter, collector, "Posted, registered 1A234")
    assert (closed.state, closed.done_by, closed.outcome_note) == (
        TaskState.DONE,
        collector,
        "Posted, registered 1A234",
    )
    with pytest.raises(ValidationError, match="already closed"):
        close_task(letter, collector)
    with pytest.raises(ValidationError, match="recording its outcome"):
        close_task(c1_call, collector)
    with pytest.raises(ValidationError, match="Only a call"):
        record_call_outcome(open_task(c1_call.customer, TaskKind.FAILED, "x"), "reached", user=None)
