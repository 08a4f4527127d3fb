import pytest
from django.core.exceptions import ImproperlyConfigured

from relance.content.models import Template
from relance.runs.models import Action, JournalEntry, JournalStatus
from relance.tasks.calls import calling_rules, create_call_tasks
from relance.tasks.models import Task, TaskKind, TaskState
from tests.tasks.conftest import AS_OF, paris, queue_calls

pytestmark = pytest.mark.django_db


def test_each_call_action_becomes_one_open_task_for_the_customers_collector(call_tasks, collector):
    assert [(t.customer.code, t.kind, t.state) for t in call_tasks] == [
        ("C1", TaskKind.CALL, TaskState.OPEN),
        ("C2", TaskKind.CALL, TaskState.OPEN),
    ]
    c1, c2 = call_tasks
    assert c1.assignee == collector
    assert c2.assignee is None  # nobody collects C2: the task waits for whoever takes it
    assert c1.action == Action.objects.get(customer__code="C1", channel="call")
    assert Task.objects.count() == 2


def test_the_call_is_due_when_the_first_calling_window_opens(call_tasks):
    # 09:00 on a Tuesday: the morning window opens at 10:00.
    assert {task.due_at for task in call_tasks} == {paris(2026, 11, 24, 10, 0)}


def test_the_title_names_the_customer_the_level_and_the_total(call_tasks):
    assert call_tasks[0].title == "Call Durand SARL (level 2, €1,300.00)"


def test_the_body_is_the_call_script_of_the_level_in_the_customers_language(call_tasks):
    c1, c2 = call_tasks
    assert "Goal: obtain a firm commitment" in c1.body
    assert "F1" in c1.body
    assert "F1B" in c1.body
    assert "Durand SARL (C1)" in c1.body
    assert "Objectif" in c2.body  # C2 speaks French


def test_the_task_lists_the_customers_number_then_its_contacts(call_tasks):
    c1, c2 = call_tasks
    assert c1.phones == [
        {"number": "+33140000001", "name": ""},
        {"number": "+33600000002", "name": "Jean Roux (Billing)"},
    ]
    assert c2.phones == [{"number": "+33140000003", "name": ""}]


def test_queueing_the_same_actions_again_plans_no_second_call(ledger, clock):
    run, actions = queue_calls(ledger)
    first = create_call_tasks(run, actions)
    again = create_call_tasks(run, actions)
    assert [task.pk for task in again] == [task.pk for task in first]
    assert Task.objects.count() == 2


def test_no_actions_no_tasks(ledger, clock):
    run, _ = queue_calls(ledger)
    assert create_call_tasks(run, []) == []


def test_a_customer_called_four_times_this_month_waits_for_the_oldest_call_to_age(ledger, clock):
    run, actions = queue_calls(ledger)
    c1 = actions[0]
    for day in (2, 9, 16, 23):
        JournalEntry.objects.create(
            company=ledger,
            customer_id=c1.customer_id,
            date=AS_OF,
            at=paris(2026, 11, day, 10, 30),
            level=2,
            channel="call",
            status=JournalStatus.UNREACHED,
            legal_basis="contract",
            retain_until=AS_OF,
        )
    tasks = create_call_tasks(run, actions)
    assert tasks[0].due_at == paris(2026, 12, 2, 10, 30)
    assert tasks[1].due_at == paris(2026, 11, 24, 10, 0)  # C2 was never called


def test_messages_that_were_not_calls_do_not_count_against_the_limit(ledger, clock):
    run, actions = queue_calls(ledger)
    for day in (2, 9, 16, 23):
        JournalEntry.objects.create(
            company=ledger,
            customer_id=actions[0].customer_id,
            date=AS_OF,
            at=paris(2026, 11, day, 10, 30),
            level=1,
            channel="email",
            status=JournalStatus.SENT,
            legal_basis="contract",
            retain_until=AS_OF,
        )
    assert create_call_tasks(run, actions)[0].due_at == paris(2026, 11, 24, 10, 0)


def test_calling_windows_come_from_the_environment(ledger, clock, monkeypatch):
    monkeypatch.setenv("CALLING_WINDOWS", "08:00-09:30;everyday;holidays=none")
    run, actions = queue_calls(ledger)
    assert create_call_tasks(run, actions)[0].due_at == paris(2026, 11, 24, 9, 0)


def test_unreadable_calling_windows_stop_with_the_variables_name(monkeypatch):
    monkeypatch.setenv("CALLING_WINDOWS", "10h-13h")
    with pytest.raises(ImproperlyConfigured, match="CALLING_WINDOWS: '10h-13h'"):
        calling_rules()


def test_without_calling_windows_french_practice_applies(monkeypatch):
    monkeypatch.delenv("CALLING_WINDOWS", raising=False)
    rules = calling_rules()
    assert (rules.max_calls, rules.per_days, rules.holidays_country) == (4, 30, "FR")


def test_a_call_script_that_fails_leaves_a_plain_summary_and_the_reason(ledger, clock):
    Template.objects.create(
        company=ledger, channel="call", level=None, language="en", body="{% for %}"
    )
    Template.objects.create(
        company=ledger,
        channel="call",
        level=None,
        language="fr",
        body="Bonjour {{ customer.name }}",
    )
    run, actions = queue_calls(ledger)
    c1, c2 = create_call_tasks(run, actions)
    assert "Level 2 reminder call to Durand SARL (C1)." in c1.body
    assert "- F1, due 11/4/26: €1,234.56 left to pay, 20 days late" in c1.body
    assert "Total due: €1,300.00" in c1.body
    assert "The call script could not be prepared" in c1.body
    assert c2.body == "Bonjour Martin & Fils"


def test_a_company_without_a_call_template_still_gets_its_calls(ledger, clock):
    Template.objects.create(company=ledger, channel="email", level=None, language="en", body="x")
    run, actions = queue_calls(ledger)
    tasks = create_call_tasks(run, actions)
    assert len(tasks) == 2
    assert "no call template" in tasks[0].body
