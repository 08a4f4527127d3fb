"""From a run to the journal: a level that calls, through the run executor and the outbox,
to the collector's outcome."""

from datetime import date
from decimal import Decimal

import pytest

from relance.holds.models import Promise
from relance.ledger.models import Customer, Invoice
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus
from relance.runs.services import RunRequest, run_dunning
from relance.tasks.models import Task, TaskKind, TaskState
from relance.tasks.outcomes import record_call_outcome
from tests.tasks.conftest import AS_OF, paris

pytestmark = pytest.mark.django_db


def test_a_run_queues_its_calls_as_tasks_and_the_outcomes_close_them(ledger, collector, clock):
    result = run_dunning(ledger, RunRequest(AS_OF))
    calls = Action.objects.filter(run=result.run, channel="call")
    assert set(calls.values_list("state", flat=True)) == {ActionState.QUEUED}
    tasks = {t.customer.code: t for t in Task.objects.filter(kind=TaskKind.CALL)}
    assert set(tasks) == {"C1", "C2"}
    assert tasks["C1"].due_at == paris(2026, 11, 24, 10, 0)
    assert tasks["C1"].assignee == collector

    clock.set(paris(2026, 11, 24, 10, 5))
    record_call_outcome(tasks["C2"], "no_answer", user=collector)
    record_call_outcome(tasks["C1"], "dispute", user=collector, dispute_reason="Not delivered")
    second = Task.objects.get(customer__code="C2", state=TaskState.OPEN)
    assert second.due_at == paris(2026, 11, 24, 14, 0)
    clock.set(second.due_at)
    record_call_outcome(
        second, "promise", user=collector, amount=Decimal("100.00"), until=date(2026, 12, 1)
    )

    journal = list(
        JournalEntry.objects.filter(channel="call")
        .order_by("at", "pk")
        .values_list("customer__code", "status")
    )
    assert journal == [
        ("C2", JournalStatus.UNREACHED),
        ("C1", JournalStatus.CALLED),
        ("C2", JournalStatus.CALLED),
    ]
    assert set(calls.values_list("state", flat=True)) == {ActionState.DONE}
    levels = dict(Invoice.objects.values_list("number", "reached_level"))
    assert (levels["F1"], levels["F1B"], levels["F2"]) == (2, 2, 2)
    assert Promise.objects.get().customer.code == "C2"
    assert set(Invoice.objects.filter(disputed=True).values_list("number", flat=True)) == {
        "F1",
        "F1B",
    }
    assert Customer.objects.get(code="C1").marker == 2
    assert not Task.objects.filter(state=TaskState.OPEN).exists()
